package board

import (
	"log/slog"
	"sync"
	"time"
)

// Logical input names that the gateway turns into operator actions. Other
// inputs (limit switches, HH switches, lightning-warning contacts) are
// named freely in the profile.
const (
	InputReset       = "reset"
	InputSilence     = "silence"
	InputAcknowledge = "acknowledge"
)

// InputEvent is a change of a logical input: a button pressed or released,
// a contact closed or opened.
type InputEvent struct {
	Name string
	// Active means pressed, closed or alarming, after the profile's
	// polarity is applied.
	Active bool
	Time   time.Time
	// Initial marks the level read when the board started, which is not
	// a press: a button held at start must not act.
	Initial bool
	// Dropped counts the events lost before this one because the queue
	// was full.
	Dropped uint64
}

// InputBoard is a board that also reads inputs.
type InputBoard interface {
	Board
	// Inputs delivers input events until the board is halted. It never
	// closes.
	Inputs() <-chan InputEvent
	// InputNames lists the board's inputs in a stable order.
	InputNames() []string
}

// InputQueueSize is the capacity of a board's input queue. Buttons and
// contacts change a few times a second at most, so a full queue means the
// gateway has stopped reading it.
const InputQueueSize = 64

// InputQueue is a bounded queue of input events whose Send never blocks.
// An event that does not fit is dropped, counted and logged, and the next
// delivered event carries the count.
type InputQueue struct {
	ch  chan InputEvent
	log *slog.Logger

	mu sync.Mutex
	// pending counts the drops since the last delivered event.
	pending uint64
	total   uint64
}

// NewInputQueue returns an empty queue of InputQueueSize events.
func NewInputQueue(log *slog.Logger) *InputQueue {
	return &InputQueue{ch: make(chan InputEvent, InputQueueSize), log: log}
}

// C returns the receiving end of the queue.
func (q *InputQueue) C() <-chan InputEvent { return q.ch }

// Send queues e and reports whether it fitted.
func (q *InputQueue) Send(e InputEvent) bool {
	q.mu.Lock()
	defer q.mu.Unlock()
	e.Dropped = q.pending
	select {
	case q.ch <- e:
		q.pending = 0
		return true
	default:
	}
	q.pending++
	q.total++
	// The first drop and then every 100th is logged, so a stalled reader
	// cannot flood the log.
	if q.total%100 == 1 {
		q.log.Warn("input queue full; input event dropped", "input", e.Name, "active", e.Active, "dropped_total", q.total)
	}
	return false
}

// Dropped returns how many events were dropped since the queue was made.
func (q *InputQueue) Dropped() uint64 {
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.total
}
