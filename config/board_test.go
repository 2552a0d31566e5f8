package config

import (
	"strings"
	"testing"
	"time"
)

func TestBoardDefaults(t *testing.T) {
	cfg, cerr := parse(t, minimal)
	if cerr != nil {
		t.Fatalf("minimal config: %v", cerr)
	}
	b := cfg.Board
	if b.Profile != "sim" || b.Watchdog != nil {
		t.Errorf("profile %q, watchdog %v; want sim and unset", b.Profile, b.Watchdog)
	}
	if b.WatchdogTimeout.D() != 15*time.Second || b.WatchdogStall.D() != 10*time.Second {
		t.Errorf("watchdog_timeout %v, watchdog_stall %v; want 15s and 10s", b.WatchdogTimeout.D(), b.WatchdogStall.D())
	}
}

func TestBoardWatchdogEmptyDisables(t *testing.T) {
	cfg, cerr := parse(t, "board:\n  watchdog: \"\"\n"+minimal)
	if cerr != nil {
		t.Fatalf("config: %v", cerr)
	}
	if cfg.Board.Watchdog == nil || *cfg.Board.Watchdog != "" {
		t.Errorf("watchdog = %v, want set and empty", cfg.Board.Watchdog)
	}
}

func TestBoardKeysChecked(t *testing.T) {
	text := "board:\n  profile: generic-4do4di\n  input_file: buttons\n  watchdog_timeout: 1500ms\n  watchdog_stall: 0.5s\n" + minimal
	_, cerr := parse(t, text)
	if cerr == nil {
		t.Fatal("config loaded; want errors")
	}
	expectProblem(t, cerr, "board.input_file: only the sim profile reads an input file", 3)
	expectProblem(t, cerr, "board.watchdog_timeout: 1.5s is out of range; use 2s-5m0s", 4)
	expectProblem(t, cerr, "board.watchdog_timeout: 1.5s is not a whole number of seconds", 4)
	expectProblem(t, cerr, "board.watchdog_stall: 500ms is out of range", 5)
	if !strings.HasPrefix(minimal, "site:") {
		t.Fatal("test setup: minimal must start with site:")
	}
}
