package main

import (
	"bytes"
	"encoding/hex"
	"log/slog"
	"strings"
	"sync"
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

// syncBuffer is a bytes.Buffer that run may write while the test reads it.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
