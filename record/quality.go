package record

import "fmt"

// Quality rates how far a sample's value can be trusted.
type Quality uint8

const (
	// Good is a valid reading inside the instrument's measuring range.
	Good Quality = iota
	// Uncertain is a reading that exists but is under- or over-range.
	Uncertain
	// Bad means there is no valid reading; the sample carries no value.
	Bad
)

func (q Quality) String() string {
	switch q {
	case Good:
		return "good"
	case Uncertain:
		return "uncertain"
	case Bad:
		return "bad"
	}
	return fmt.Sprintf("quality(%d)", uint8(q))
}

// Cause explains a quality other than Good.
type Cause string

// Causes, as named in the uplink protocol.
const (
	CauseNone       Cause = ""
	CauseTimeout    Cause = "timeout"
	CauseException  Cause = "exception"
	CauseCRC        Cause = "crc"
	CauseSentinel   Cause = "sentinel"
	CauseLoopFault  Cause = "loop_fault"
	CauseUnderRange Cause = "under_range"
	CauseOverRange  Cause = "over_range"
	CauseStale      Cause = "stale"
	CauseCommLost   Cause = "comm_lost"
	// CauseNoConnection: the serial port or TCP connection could not be
	// opened or failed; only comm_lost events carry it.
	CauseNoConnection Cause = "no_connection"
	// CauseFaultVote: a trip event whose votes include inputs in fault;
	// only trip events carry it.
	CauseFaultVote   Cause = "fault_vote"
	CauseDeviceFault Cause = "device_fault"
	// CauseInvalidText marks a text point whose registers hold a byte that
	// is not printable ASCII before the trailing padding.
	CauseInvalidText Cause = "invalid_text"
)
