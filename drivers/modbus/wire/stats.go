package wire

import "sync/atomic"

// Stats counts a transport's traffic and what it discarded, for the whole
// line and per unit id. The owner updates it; any goroutine may take a
// Snapshot.
type Stats struct {
	replies      atomic.Uint64
	stray        atomic.Uint64
	reconnects   atomic.Uint64
	openFailures atomic.Uint64
	units        [256]unitStats
}

type unitStats struct {
	requests, exceptions, timeouts, damaged, late, stale atomic.Uint64
}

// Counts is a copy of a line's counters at one moment.
type Counts struct {
	Requests     uint64 // requests sent
	Replies      uint64 // normal replies matched to their request
	Exceptions   uint64 // exception replies matched to their request
	Timeouts     uint64 // requests without a reply in time
	Damaged      uint64 // RTU frames for a request whose CRC failed
	StrayBytes   uint64 // RTU bytes that were neither a reply nor a damaged frame
	Late         uint64 // RTU replies that came after the timeout and were dropped
	Stale        uint64 // TCP replies with an old transaction id, dropped
	Reconnects   uint64 // ports or connections closed after a failure
	OpenFailures uint64 // attempts to open the port or connection that failed
}

// UnitCounts is a copy of one unit id's counters.
type UnitCounts struct {
	Requests, Exceptions, Timeouts, Damaged, Late, Stale uint64
}

// Faults returns the sum of the counters that mean trouble with the unit.
func (u UnitCounts) Faults() uint64 {
	return u.Exceptions + u.Timeouts + u.Damaged + u.Late + u.Stale
}

// Snapshot returns the line's counters as they are now.
func (s *Stats) Snapshot() Counts {
	c := Counts{Replies: s.replies.Load(), StrayBytes: s.stray.Load(), Reconnects: s.reconnects.Load(),
		OpenFailures: s.openFailures.Load()}
	for i := range s.units {
		u := s.Unit(byte(i))
		c.Requests += u.Requests
		c.Exceptions += u.Exceptions
		c.Timeouts += u.Timeouts
		c.Damaged += u.Damaged
		c.Late += u.Late
		c.Stale += u.Stale
	}
	return c
}

// Unit returns the counters of one unit id as they are now.
func (s *Stats) Unit(unit byte) UnitCounts {
	u := &s.units[unit]
	return UnitCounts{Requests: u.requests.Load(), Exceptions: u.exceptions.Load(), Timeouts: u.timeouts.Load(),
		Damaged: u.damaged.Load(), Late: u.late.Load(), Stale: u.stale.Load()}
}

// Faults returns the sum of the counters that mean trouble on the line.
func (c Counts) Faults() uint64 {
	return c.Exceptions + c.Timeouts + c.Damaged + c.StrayBytes + c.Late + c.Stale + c.Reconnects + c.OpenFailures
}

// countResult counts the outcome of one request to unit.
func (s *Stats) countResult(unit byte, err error) {
	switch err.(type) {
	case nil:
		s.replies.Add(1)
	case *Exception:
		s.units[unit].exceptions.Add(1)
	}
}
