package alarm

// Outputs is the engine's view of the board. Active means the
// output's alarm or trip state: the horn sounding, the beacon lit, an ESD
// relay tripped. The board maps it to energised or de-energised by the
// output's polarity.
type Outputs interface {
	// Set drives the named output. It returns an error when the output
	// could not be driven; the engine reports it and retries on the next
	// evaluation.
	Set(name string, active bool) error
	// Names lists the outputs the board has.
	Names() []string
}

// Patterned is a board that can pulse an active output. The engine sets
// the pattern of the horn and the beacon before it sets them active.
type Patterned interface {
	SetPattern(name string, p Pattern) error
}

// Pattern is the rhythm in which an active horn or lamp is driven.
type Pattern int

// Patterns, by the priority of what they announce.
const (
	// Steady: a level 2 alarm or a trip (horn continuous), or alarms all
	// acknowledged (beacon lit).
	Steady Pattern = iota
	// Pulsed: a level 1 alarm (horn), or an alarm not yet acknowledged
	// (beacon flashing).
	Pulsed
	// SlowPulse: only faults (horn).
	SlowPulse
)

func (p Pattern) String() string {
	switch p {
	case Pulsed:
		return "pulsed"
	case SlowPulse:
		return "slow-pulse"
	}
	return "steady"
}

// Logical output names the engine drives by itself. Interlock effects may
// name any other output of the board.
const (
	Horn   = "horn"
	Beacon = "beacon"
	// FaultLamp is lit while any point is in fault (no valid reading).
	FaultLamp = "fault-lamp"
)
