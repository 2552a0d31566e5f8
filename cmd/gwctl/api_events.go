package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"net/http"
	"time"

	"github.com/plantgw/plantgw/web"
)

// Event log limits of the local API: GET /api/events reads at most a week
// and returns at most 1000 events.
const (
	maxEventHours = 7 * 24
	maxEventsRead = 1000
	// defaultStreamRetry is the wait before reconnecting when the stream
	// set no retry time.
	defaultStreamRetry = 3 * time.Second
)

var eventsUsage = []string{
	"Usage: gwctl events [--hours N] [--follow] [--gateway ADDRESS]",
	"Prints the gateway's event log of the last N hours, oldest first and newest last, at most the newest 1000 events,",
	"each line as the gateway's console shows it, with times in the site's time zone. With --follow it then prints",
	"each new event as the gateway records it, until Ctrl-C. Any logged-in account may read the events.",
	"  --hours N          how far back the log starts, in hours: 1 to 168 (default 24)",
	"  --follow           go on printing live events until Ctrl-C",
	gatewayFlagUsage,
}

func init() {
	commands = append(commands,
		command{path: []string{"events"}, summary: "print the event log, and follow live events with --follow", usage: eventsUsage, run: runEvents})
}

func runEvents(ctx context.Context, e *env, args []string) int {
	cl := newAPICommandLine("events")
	hoursFlag := cl.String("hours", "24", "")
	follow := cl.Bool("follow", false, "")
	var hours int
	c, err := cl.client(e, args, func() (err error) {
		hours, err = parseInt("--hours", *hoursFlag, 1, maxEventHours)
		return err
	})
	if err != nil {
		return e.fail(err)
	}
	st, err := c.status(ctx)
	if err != nil {
		return e.fail(err)
	}

	var stream *liveStream
	if *follow {
		// The stream opens before the log is read, so that an event
		// recorded in between is not missed; seen drops the duplicates.
		if stream, err = c.openStream(ctx); err != nil {
			return e.fail(err)
		}
	}

	f := &follower{e: e, c: c, view: newEventView(e, st), seen: newSeenEvents(st.Time.Add(-time.Duration(hours) * time.Hour)),
		gatewayNow: st.Time, retry: defaultStreamRetry}
	e.printf("event log of gateway %s, the last %d hours; times in %s", st.Gateway, hours, f.view.clock.zoneLabel(e))
	if err := f.printLog(ctx, hours); err != nil {
		if stream != nil {
			stream.Close()
		}
		return e.fail(err)
	}
	if stream == nil {
		return exitOK
	}
	e.printf("following live events; Ctrl-C ends")
	return f.follow(ctx, stream)
}

// events reads the newest events of the last hours, newest first.
func (c *apiClient) events(ctx context.Context, hours int) ([]web.Event, error) {
	var list []web.Event
	err := c.call(ctx, "GET", fmt.Sprintf("/api/events?hours=%d&limit=%d", hours, maxEventsRead), nil, &list)
	return list, err
}

// follower prints the event log and then the live events, each once.
type follower struct {
	e    *env
	c    *apiClient
	view *eventView
	seen *seenEvents
	// gatewayNow is the gateway's time of its last status, which bounds
	// how far back a catch-up reads.
	gatewayNow time.Time
	// retry is the wait before connecting again after the stream drops.
	retry time.Duration
}

func (f *follower) printLog(ctx context.Context, hours int) error {
	list, err := f.c.events(ctx, hours)
	if err != nil {
		return err
	}
	if len(list) == 0 {
		f.e.printf("no events in the last %d hours", hours)
	}
	if len(list) == maxEventsRead {
		f.e.printf("only the newest %d events are shown; give a smaller --hours to see all of a shorter time", maxEventsRead)
	}
	for i := len(list) - 1; i >= 0; i-- {
		f.show(list[i])
	}
	return nil
}

// show prints ev unless it was printed already.
func (f *follower) show(ev web.Event) {
	if f.seen.has(ev) {
		return
	}
	f.seen.add(ev)
	f.view.print(ev)
}

// follow prints the live events of stream, and of the streams it opens
// again after a drop, until ctx ends. It returns the exit code.
func (f *follower) follow(ctx context.Context, stream *liveStream) int {
	for {
		err := f.readStream(ctx, stream)
		stream.Close()
		if ctx.Err() != nil {
			return exitOK
		}
		// As in a browser, the last retry time a stream set holds for the
		// later connections too.
		if r := stream.events.retry; r > 0 {
			f.retry = r
		}
		f.e.printf("the live stream ended: %s; connecting again in %s", f.errorText(err), describe(f.retry))
		if stream, err = f.reconnect(ctx, f.retry); err != nil {
			return f.e.fail(err)
		}
		if stream == nil {
			return exitOK
		}
		f.e.printf("connected again")
		f.catchUp(ctx)
	}
}

// reconnect opens the stream again, waiting retry before each attempt. It
// returns nil and no error when ctx ends first, and an error when the
// session is no longer valid.
func (f *follower) reconnect(ctx context.Context, retry time.Duration) (*liveStream, error) {
	for {
		select {
		case <-ctx.Done():
			return nil, nil
		case <-time.After(retry):
		}
		stream, err := f.c.openStream(ctx)
		if err == nil {
			return stream, nil
		}
		var ae *apiError
		if errors.As(err, &ae) && (ae.Status == http.StatusUnauthorized || ae.Status == http.StatusForbidden) {
			return nil, err
		}
		if ctx.Err() != nil {
			return nil, nil
		}
		f.e.printf("connecting again failed: %s; next try in %s", f.errorText(err), describe(retry))
	}
}

// readStream prints the stream's events until it ends.
func (f *follower) readStream(ctx context.Context, stream *liveStream) error {
	for {
		ev, err := stream.next()
		if err != nil {
			if stream.timedOut() {
				return fmt.Errorf("%w for %v", errStreamSilent, streamIdle)
			}
			return err
		}
		switch ev.name {
		case "event":
			var we web.Event
			if err := json.Unmarshal([]byte(ev.data), &we); err != nil {
				f.e.printf("the gateway sent an event that gwctl cannot read: %v", err)
				continue
			}
			f.show(we)
		case "reload":
			f.catchUp(ctx)
		case "status":
			var st struct {
				Time time.Time `json:"time"`
			}
			if json.Unmarshal([]byte(ev.data), &st) == nil && !st.Time.IsZero() {
				f.gatewayNow = st.Time
			}
		}
	}
}

// catchUp reads the event log again after the stream dropped events, and
// prints the ones not printed yet.
//
// NOTE: the gateway stores events through a queue, so an event dropped
// less than a moment before the read may not be in the log yet, and is
// then not printed.
func (f *follower) catchUp(ctx context.Context) {
	since := f.seen.floor()
	hours := int(math.Ceil(f.gatewayNow.Sub(since).Hours())) + 1
	list, err := f.c.events(ctx, min(max(hours, 1), maxEventHours))
	if err != nil {
		f.e.printf("reading the missed events failed: %s", f.errorText(err))
		return
	}
	var missed []web.Event
	for i := len(list) - 1; i >= 0; i-- {
		if ev := list[i]; !ev.Time.Before(since) && !f.seen.has(ev) {
			missed = append(missed, ev)
		}
	}
	if len(missed) == 0 {
		return
	}
	f.e.printf("%d events that the live stream missed, from the gateway's event log:", len(missed))
	for _, ev := range missed {
		f.show(ev)
	}
}

// errorText returns err in the user's language.
func (f *follower) errorText(err error) string {
	var u *userError
	if errors.As(err, &u) {
		return f.e.message(u)
	}
	if errors.Is(err, errStreamSilent) {
		return f.e.pr.Sprintf("the gateway sent nothing for %v", streamIdle)
	}
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return f.e.pr.Sprintf("the gateway closed the stream")
	}
	return err.Error()
}

// maxSeen is how many printed events seenEvents remembers: more than one
// read of the event log returns.
const maxSeen = 2 * maxEventsRead

// seenEvents remembers the newest maxSeen events printed, so that an event
// that both the log and the live stream deliver is printed once.
type seenEvents struct {
	keys map[string]struct{}
	ring []seenEvent
	next int
	// start is the time from which every printed event is remembered
	// while the ring is not full.
	start time.Time
}

type seenEvent struct {
	key  string
	time time.Time
}

func newSeenEvents(start time.Time) *seenEvents {
	return &seenEvents{keys: make(map[string]struct{}, maxSeen), ring: make([]seenEvent, 0, maxSeen), start: start}
}

// eventKey identifies an event by what the log and the stream both carry;
// the stream's events have no seq.
func eventKey(ev web.Event) string {
	return fmt.Sprintf("%d|%s|%s|%s|%s|%s|%s|%s", ev.Time.UnixNano(), ev.Kind, ev.Point, ev.Device, ev.Output, ev.Interlock, ev.Operator, ev.Text)
}

func (s *seenEvents) has(ev web.Event) bool {
	_, ok := s.keys[eventKey(ev)]
	return ok
}

func (s *seenEvents) add(ev web.Event) {
	entry := seenEvent{key: eventKey(ev), time: ev.Time}
	if len(s.ring) < maxSeen {
		s.ring = append(s.ring, entry)
	} else {
		delete(s.keys, s.ring[s.next].key)
		s.ring[s.next] = entry
		s.next = (s.next + 1) % maxSeen
	}
	s.keys[entry.key] = struct{}{}
}

// floor returns the time from which every printed event is remembered.
// Once the ring is full it is the oldest remembered event's time, which
// an event printed out of time order and already forgotten may follow.
func (s *seenEvents) floor() time.Time {
	if len(s.ring) < maxSeen {
		return s.start
	}
	oldest := s.ring[0].time
	for _, e := range s.ring[1:] {
		if e.time.Before(oldest) {
			oldest = e.time
		}
	}
	return oldest
}
