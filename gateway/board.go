package gateway

import (
	"fmt"
	"log/slog"
	"slices"

	"github.com/plantgw/plantgw/board"
	"github.com/plantgw/plantgw/board/gpio"
	"github.com/plantgw/plantgw/config"
)

// openBoard opens the config's board profile: the simulated board, or a
// GPIO profile (built in or from a file). It also returns the profile's
// watchdog device, which board.watchdog overrides.
func openBoard(cfg *config.Config, log *slog.Logger) (board.Board, string, error) {
	if cfg.Board.Profile == "sim" {
		b, err := board.Open("sim", cfg.Board.StatusFile, cfg.Board.InputFile, log)
		return b, "", err
	}
	p, err := board.LoadProfile(cfg.Board.Profile)
	if err != nil {
		return nil, "", err
	}
	if err := checkInterlockOutputs(cfg, p); err != nil {
		return nil, "", err
	}
	b, err := gpio.Open(p, log)
	if err != nil {
		return nil, "", err
	}
	return b, p.Watchdog, nil
}

// checkInterlockOutputs rejects an interlock that trips a non-safety
// output: an output energised while active would not trip when the
// gateway loses power.
func checkInterlockOutputs(cfg *config.Config, p *board.Profile) error {
	nonSafety := p.NonSafetyOutputs()
	for i, il := range cfg.Interlocks {
		for j, eff := range il.Do {
			if slices.Contains(nonSafety, eff.Output) {
				return cfg.Errorf(fmt.Sprintf("interlocks[%d].do[%d].output", i, j),
					"%s: output %q of board profile %s is not a safety output, so it cannot be tripped by an interlock",
					fmt.Sprintf("interlocks[%d].do[%d].output", i, j), eff.Output, p.Name)
			}
		}
	}
	return nil
}

// watchdogPath returns the watchdog device to open: board.watchdog when
// the config sets it ("" disables), else the profile's device.
func watchdogPath(cfg *config.Config, profileDevice string) string {
	if cfg.Board.Watchdog != nil {
		return *cfg.Board.Watchdog
	}
	return profileDevice
}
