package web

import (
	"sync"
	"sync/atomic"

	"github.com/plantgw/plantgw/record"
)

// Hub limits: subscribers are page clients following live events.
const (
	maxSubscribers  = 16
	subscriberQueue = 64
)

// hub fans live events out to the page's event streams. Publish does not
// wait for a subscriber: one whose queue is full misses the event, and its
// dropped count makes the stream send a reload.
type hub struct {
	mu   sync.Mutex
	subs map[*subscriber]struct{}
}

type subscriber struct {
	events  chan Event
	dropped atomic.Uint64
}

func newHub() *hub { return &hub{subs: map[*subscriber]struct{}{}} }

// subscribe returns a new subscriber, or nil when maxSubscribers follow
// already.
func (h *hub) subscribe() *subscriber {
	h.mu.Lock()
	defer h.mu.Unlock()
	if len(h.subs) >= maxSubscribers {
		return nil
	}
	s := &subscriber{events: make(chan Event, subscriberQueue)}
	h.subs[s] = struct{}{}
	return s
}

func (h *hub) unsubscribe(s *subscriber) {
	h.mu.Lock()
	defer h.mu.Unlock()
	delete(h.subs, s)
}

func (h *hub) publish(e Event) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for s := range h.subs {
		select {
		case s.events <- e:
		default:
			s.dropped.Add(1)
		}
	}
}

// Publish passes a recorded event to the page clients that follow live
// events. The gateway calls it for every event. It takes the hub's lock
// only for a non-blocking send to each subscriber.
func (s *Server) Publish(e record.Event) {
	s.hub.publish(EventOf(e, 0))
}

// EventOf converts a recorded event, with its seq when stored, to the
// page's form.
func EventOf(e record.Event, seq uint64) Event {
	out := Event{Seq: seq, Kind: string(e.Kind), Time: e.Time, Point: e.Point, Device: e.Device, Output: e.Output,
		Interlock: e.Interlock, Level: string(e.Level), State: e.State, Source: string(e.Source), Operator: e.Operator,
		Reason: e.Reason, Until: e.Until, Cause: string(e.Cause), Code: int(e.Code), Text: e.Text}
	if e.HasValue {
		v := e.Value
		out.Value = &v
	}
	return out
}
