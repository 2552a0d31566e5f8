package board

import (
	"context"
	"fmt"
	"log/slog"
	"sort"
	"strings"
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

// Profiles lists the board profiles this build supports.
func Profiles() []string { return []string{"sim"} }

// Open returns the board for a profile name.
func Open(profile, statusFile string, log *slog.Logger) (Board, error) {
	switch profile {
	case "sim":
		return NewSim(simOutputs, statusFile, log), nil
	}
	return nil, fmt.Errorf("unknown board profile %q; known profiles: %s", profile, strings.Join(Profiles(), ", "))
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
