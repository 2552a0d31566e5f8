package main

import (
	"bufio"
	"context"
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
	"time"
)

// Live stream limits.
const (
	// maxStreamLine bounds one line of the stream. The largest is a
	// status event, about 150 bytes a point.
	maxStreamLine = 4 << 20
	// streamIdle ends a stream that sent nothing for this long: the
	// gateway sends a status every second, so a silent stream is a dead
	// connection.
	streamIdle = 30 * time.Second
)

// sseEvent is one Server-Sent Event: its name ("message" when the
// stream names none) and its data lines joined by "\n".
type sseEvent struct {
	name, data string
}

// sseReader reads Server-Sent Events as the HTML standard's event stream
// interpretation describes: fields "event", "data" and "retry", comments
// starting with ":", and a blank line that ends each event.
type sseReader struct {
	lines *bufio.Scanner
	// retry is the reconnection delay that the stream last set; zero when
	// it set none.
	retry time.Duration
}

func newSSEReader(r io.Reader) *sseReader {
	lines := bufio.NewScanner(r)
	lines.Buffer(make([]byte, 0, 64<<10), maxStreamLine)
	return &sseReader{lines: lines}
}

// next returns the next event with data. It returns io.EOF when the
// stream ends.
func (s *sseReader) next() (sseEvent, error) {
	var name string
	var data []string
	for s.lines.Scan() {
		line := s.lines.Text()
		if line == "" {
			if len(data) > 0 {
				if name == "" {
					name = "message"
				}
				return sseEvent{name: name, data: strings.Join(data, "\n")}, nil
			}
			name = ""
			continue
		}
		field, value, _ := strings.Cut(line, ":")
		value = strings.TrimPrefix(value, " ")
		switch field {
		case "event":
			name = value
		case "data":
			data = append(data, value)
		case "retry":
			if ms, err := strconv.Atoi(value); err == nil && ms >= 0 {
				s.retry = time.Duration(ms) * time.Millisecond
			}
		}
	}
	if err := s.lines.Err(); err != nil {
		return sseEvent{}, err
	}
	return sseEvent{}, io.EOF
}

// liveStream is an open GET /api/stream. Close ends it.
type liveStream struct {
	body   io.ReadCloser
	events *sseReader
	idle   *time.Timer
	cancel context.CancelFunc
	// silent is set when the idle timer ended the stream.
	silent atomic.Bool
}

// errStreamSilent reports a stream that the idle timer ended.
var errStreamSilent = errors.New("the gateway sent nothing")

// openStream opens the gateway's live stream with the client's session.
// The stream ends when ctx ends or when it stays silent for streamIdle.
func (c *apiClient) openStream(ctx context.Context) (*liveStream, error) {
	const path = "/api/stream"
	streamCtx, cancel := context.WithCancel(ctx)
	req, err := http.NewRequestWithContext(streamCtx, "GET", c.base+path, nil)
	if err != nil {
		cancel()
		return nil, usageError("invalid gateway address %q: %v", c.base, err)
	}
	req.Header.Set("Accept", "text/event-stream")
	req.Header.Set("Accept-Language", c.e.lang)
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}

	// The stream lasts until Ctrl-C, so the client has no overall
	// timeout; the idle timer ends a dead connection instead.
	resp, err := (&http.Client{Transport: c.http.Transport}).Do(req)
	if err != nil {
		cancel()
		return nil, failure(err, "cannot reach the gateway's local API at %s: %v; is gatewayd running, and is web.listen this address?", c.base, err)
	}
	if resp.StatusCode != http.StatusOK {
		raw, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
		resp.Body.Close()
		cancel()
		return nil, replyError(path, resp.StatusCode, raw)
	}

	l := &liveStream{body: resp.Body, cancel: cancel}
	l.idle = time.AfterFunc(streamIdle, func() {
		l.silent.Store(true)
		cancel()
	})
	l.events = newSSEReader(&idleReader{r: resp.Body, reset: func() { l.idle.Reset(streamIdle) }})
	return l, nil
}

// timedOut reports whether the idle timer ended the stream.
func (l *liveStream) timedOut() bool { return l.silent.Load() }

// next returns the stream's next event with data.
func (l *liveStream) next() (sseEvent, error) { return l.events.next() }

// Close ends the stream and stops its idle timer.
func (l *liveStream) Close() {
	l.idle.Stop()
	l.cancel()
	l.body.Close()
}

// idleReader calls reset after each read that returned data, so that a
// stream that still sends is not taken for dead.
type idleReader struct {
	r     io.Reader
	reset func()
}

func (i *idleReader) Read(p []byte) (int, error) {
	n, err := i.r.Read(p)
	if n > 0 {
		i.reset()
	}
	return n, err
}
