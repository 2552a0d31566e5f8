package cfgcheck

import (
	"fmt"
	"slices"

	"golang.org/x/text/message"

	"github.com/plantgw/plantgw/board"
	"github.com/plantgw/plantgw/config"
)

// Board loads the config's board profile and returns a problem for each
// output that an interlock or a valve names and the profile lacks. The
// GPIO lines themselves can only be checked on the gateway, when gatewayd
// starts.
func Board(cfg *config.Config, pr *message.Printer) []string {
	names := board.SimOutputs()
	if cfg.Board.Profile != "sim" {
		prof, err := board.LoadProfile(cfg.Board.Profile)
		if err != nil {
			return []string{at(cfg, pr, "board.profile", "board profile %s: %v", cfg.Board.Profile, err)}
		}
		names = nil
		for _, o := range prof.Outputs {
			names = append(names, o.Name)
		}
	}
	var problems []string
	need := func(path, output string) {
		if output != "" && !slices.Contains(names, output) {
			problems = append(problems, at(cfg, pr, path, "%s: board profile %s has no output %q; it has %v", path, cfg.Board.Profile, output, names))
		}
	}
	for i, il := range cfg.Interlocks {
		for j, e := range il.Do {
			need(fmt.Sprintf("interlocks[%d].do[%d].output", i, j), e.Output)
		}
	}
	for i, v := range cfg.Valves {
		need(fmt.Sprintf("valves[%d].output", i), v.Output)
	}
	return problems
}

// at renders one finding at the line of path in the config file, as
// "file:line: text".
func at(cfg *config.Config, pr *message.Printer, path, format string, args ...any) string {
	ce, ok := config.AsError(cfg.Errorf(path, format, args...))
	if !ok || len(ce.Problems) != 1 {
		// Errorf always returns one problem; this keeps the text if that
		// ever changes.
		return pr.Sprintf(format, args...)
	}
	return ce.Problems[0].Render(pr)
}
