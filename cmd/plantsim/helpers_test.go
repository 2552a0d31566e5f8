package main

import (
	"encoding/hex"
	"log/slog"
	"strings"
	"testing"
)

// mustHex decodes space-separated hex bytes such as "01 04 00 00".
func mustHex(t testing.TB, text string) []byte {
	t.Helper()
	data, err := hex.DecodeString(strings.ReplaceAll(text, " ", ""))
	if err != nil {
		t.Fatalf("bad hex %q: %v", text, err)
	}
	return data
}

var discardLogger = slog.New(slog.DiscardHandler)

// newTestPlant returns a plant without noise that runs the given scenarios.
// Its clock does not advance until the test calls advanceTo or run.
func newTestPlant(t testing.TB, names ...string) *plant {
	t.Helper()
	var steps []scenarioStep
	for _, name := range names {
		steps = append(steps, scenarioStep{Name: name})
	}
	sched, err := newSchedule(steps)
	if err != nil {
		t.Fatalf("newSchedule(%v): %v", names, err)
	}
	return newPlant(sched, 0, 1, discardLogger)
}
