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

// Logical output names the engine drives by itself. Interlock effects may
// name any other output of the board.
const (
	Horn   = "horn"
	Beacon = "beacon"
)
