package main

import (
	"fmt"
	"slices"

	"golang.org/x/text/message"

	"github.com/plantgw/plantgw/board"
	"github.com/plantgw/plantgw/config"
)

// checkBoard loads a GPIO board profile for --check and reports the outputs
// the interlocks and valves name that the profile lacks. The lines
// themselves can only be checked on the gateway, when gatewayd starts.
func checkBoard(cfg *config.Config, pr *message.Printer) []string {
	names := board.SimOutputs()
	if cfg.Board.Profile != "sim" {
		prof, err := board.LoadProfile(cfg.Board.Profile)
		if err != nil {
			return []string{pr.Sprintf("board profile %s: %v", cfg.Board.Profile, err)}
		}
		names = nil
		for _, o := range prof.Outputs {
			names = append(names, o.Name)
		}
	}
	var problems []string
	need := func(owner, output string) {
		if output != "" && !slices.Contains(names, output) {
			problems = append(problems, pr.Sprintf("%s: board profile %s has no output %q; it has %v", owner, cfg.Board.Profile, output, names))
		}
	}
	for _, il := range cfg.Interlocks {
		for _, e := range il.Do {
			need(fmt.Sprintf("interlocks (%s)", il.Name), e.Output)
		}
	}
	for _, v := range cfg.Valves {
		need(fmt.Sprintf("valves (%s)", v.Name), v.Output)
	}
	return problems
}
