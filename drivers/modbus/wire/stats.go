package wire

import "sync/atomic"

// Stats counts a transport's traffic and what it discarded. The owner
// updates it; any goroutine may take a Snapshot.
type Stats struct {
	requests   atomic.Uint64
	replies    atomic.Uint64
	exceptions atomic.Uint64
	timeouts   atomic.Uint64
	damaged    atomic.Uint64
	stray      atomic.Uint64
	late       atomic.Uint64
	stale      atomic.Uint64
	reconnects atomic.Uint64
}

// Counts is a copy of Stats at one moment.
type Counts struct {
	Requests   uint64 // requests sent
	Replies    uint64 // normal replies matched to their request
	Exceptions uint64 // exception replies matched to their request
	Timeouts   uint64 // requests without a reply in time
	Damaged    uint64 // RTU frames whose CRC failed
	StrayBytes uint64 // RTU bytes that belonged to no reply
	Late       uint64 // RTU replies that came after the timeout and were dropped
	Stale      uint64 // TCP replies with an old transaction id, dropped
	Reconnects uint64 // ports or connections reopened after a failure
}

// Snapshot returns the counters as they are now.
func (s *Stats) Snapshot() Counts {
	return Counts{
		Requests: s.requests.Load(), Replies: s.replies.Load(), Exceptions: s.exceptions.Load(),
		Timeouts: s.timeouts.Load(), Damaged: s.damaged.Load(), StrayBytes: s.stray.Load(),
		Late: s.late.Load(), Stale: s.stale.Load(), Reconnects: s.reconnects.Load(),
	}
}

// Faults returns the sum of the counters that mean trouble on the line.
func (c Counts) Faults() uint64 {
	return c.Timeouts + c.Damaged + c.StrayBytes + c.Late + c.Stale + c.Reconnects
}

// countResult counts the outcome of one request.
func (s *Stats) countResult(err error) {
	switch err.(type) {
	case nil:
		s.replies.Add(1)
	case *Exception:
		s.exceptions.Add(1)
	}
}
