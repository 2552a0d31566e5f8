package board

import (
	"context"
	"fmt"
	"log/slog"
	"sort"
)

// Board is a set of outputs the alarm engine drives.
type Board interface {
	// Set drives an output: active means tripped or sounding, which is
	// de-energised on every profile.
	Set(name string, active bool) error
	// Names lists the board's outputs in a stable order.
	Names() []string
	// Run serves the board's background work until ctx ends.
	Run(ctx context.Context) error
	// Halt de-energises every output: the safe state.
	Halt() error
}

// Profiles lists the built-in board profiles: the simulated board and the
// GPIO profiles. A GPIO profile may also be loaded from a file.
func Profiles() []string { return []string{"sim", Generic4DO4DI} }

// Open returns the simulated board. With inputFile set, it reads button
// presses from that file (see Sim.Run). GPIO profiles are opened by
// package board/gpio.
func Open(profile, statusFile, inputFile string, log *slog.Logger) (*Sim, error) {
	if profile != "sim" {
		return nil, fmt.Errorf("board profile %q is not the simulated board; open it with package board/gpio", profile)
	}
	s := NewSim(simOutputs, statusFile, log)
	s.inputFile = inputFile
	return s, nil
}

// simOutputs are the outputs of the simulated board, named as on a typical
// gateway's relay terminals.
var simOutputs = []string{"horn", "beacon", "fault-lamp", "esd-1", "esd-2", "fire-panel"}

func sortedNames(m map[string]*output) []string {
	names := make([]string, 0, len(m))
	for n := range m {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// SimOutputs returns the output names of the simulated board.
func SimOutputs() []string { return append([]string(nil), simOutputs...) }
