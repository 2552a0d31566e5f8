package web

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"time"
)

// Live stream timing. The page redraws the live values on each status,
// so statusInterval is what an operator waits at most to see a change.
const (
	statusInterval = time.Second
	// devicesEvery is how many status ticks pass between device lists:
	// comm loss takes seconds to detect, so 5 s is soon enough.
	devicesEvery = 5
	// sessionEvery is how many ticks pass between checks that the
	// stream's session and account still exist, so a logout or a removed
	// account ends the stream within 10 s.
	sessionEvery = 10
	// streamWriteTimeout ends the stream of a client that stopped
	// reading, such as a phone that left the maintenance Wi-Fi.
	streamWriteTimeout = 10 * time.Second
	// streamRetry is how long the browser waits before it reconnects.
	streamRetry = 3 * time.Second
)

// deviceComm is one Modbus device's communication state for the page.
type deviceComm struct {
	Name     string `json:"name"`
	Bus      string `json:"bus"`
	Unit     int    `json:"unit"`
	CommLost bool   `json:"comm_lost"`
	Requests uint64 `json:"requests"`
	Timeouts uint64 `json:"timeouts"`
}

// reloadNotice is the data of a reload event: the live events the client
// missed so far.
type reloadNotice struct {
	Dropped uint64 `json:"dropped"`
}

// stream serves Server-Sent Events: a status at once and then every
// statusInterval, the device list every devicesEvery statuses, an event
// for each live event, and reload when the client's queue overflowed.
// It ends when the client goes or the server stops.
func (s *Server) stream(w http.ResponseWriter, r *http.Request) {
	sub := s.hub.subscribe()
	if sub == nil {
		s.fail(w, r, http.StatusServiceUnavailable, codeStreamsFull, maxSubscribers)
		return
	}
	defer s.hub.unsubscribe(sub)

	w.Header().Set("Content-Type", "text/event-stream; charset=utf-8")
	w.WriteHeader(http.StatusOK)
	out := &sseWriter{w: w, rc: http.NewResponseController(w)}
	if err := s.sendStart(out); err != nil {
		s.log.Debug("live stream ended", "client", clientAddr(r), "err", err)
		return
	}

	ticker := time.NewTicker(statusInterval)
	defer ticker.Stop()
	var reported uint64
	for tick := 1; ; {
		var err error
		select {
		case <-r.Context().Done():
			return
		case e := <-sub.events:
			err = out.send("event", e)
		case <-ticker.C:
			if dropped := sub.dropped.Load(); dropped != reported {
				reported = dropped
				err = out.send("reload", reloadNotice{Dropped: dropped})
			}
			if err == nil {
				err = s.sendTick(out, tick)
			}
			if err == nil && tick%sessionEvery == 0 && !s.sessionValid(r) {
				err = errSessionEnded
			}
			tick++
		}
		if err != nil {
			s.log.Debug("live stream ended", "client", clientAddr(r), "err", err)
			return
		}
	}
}

var errSessionEnded = errors.New("session ended")

// sessionValid reports whether the request's session and its account
// still exist. Like every request, it counts as use of the session.
func (s *Server) sessionValid(r *http.Request) bool {
	ss, ok := s.sessions.lookup(token(r), s.now())
	if !ok {
		return false
	}
	_, ok = s.accounts.get(ss.user)
	return ok
}

func (s *Server) sendStart(out *sseWriter) error {
	if err := out.retry(streamRetry); err != nil {
		return err
	}
	if err := out.send("status", s.opts.Plant.Status()); err != nil {
		return err
	}
	return out.send("devices", s.deviceComms())
}

func (s *Server) sendTick(out *sseWriter, tick int) error {
	if err := out.send("status", s.opts.Plant.Status()); err != nil {
		return err
	}
	if tick%devicesEvery != 0 {
		return nil
	}
	return out.send("devices", s.deviceComms())
}

func (s *Server) deviceComms() []deviceComm {
	devices := s.opts.Plant.Metrics().Devices
	out := make([]deviceComm, 0, len(devices))
	for _, d := range devices {
		out = append(out, deviceComm{Name: d.Name, Bus: d.Bus, Unit: d.Unit, CommLost: d.CommLost,
			Requests: d.Requests, Timeouts: d.Timeouts})
	}
	return out
}

// sseWriter writes Server-Sent Events and flushes each one.
type sseWriter struct {
	w  http.ResponseWriter
	rc *http.ResponseController
}

func (o *sseWriter) retry(d time.Duration) error {
	return o.write(fmt.Sprintf("retry: %d\n\n", d.Milliseconds()))
}

// send writes one event whose data is v as JSON. JSON escapes line
// breaks inside strings, so the data is always a single line.
func (o *sseWriter) send(name string, v any) error {
	data, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("encode %s event: %w", name, err)
	}
	return o.write("event: " + name + "\ndata: " + string(data) + "\n\n")
}

func (o *sseWriter) write(text string) error {
	// A writer without deadlines (a test recorder) still works: the
	// request context ends its stream.
	if err := o.rc.SetWriteDeadline(time.Now().Add(streamWriteTimeout)); err != nil && !errors.Is(err, http.ErrNotSupported) {
		return fmt.Errorf("set write deadline: %w", err)
	}
	if _, err := o.w.Write([]byte(text)); err != nil {
		return fmt.Errorf("write stream: %w", err)
	}
	if err := o.rc.Flush(); err != nil {
		return fmt.Errorf("flush stream: %w", err)
	}
	return nil
}
