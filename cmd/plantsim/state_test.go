package main

import (
	"os"
	"path/filepath"
	"testing"
)

func TestStateDocumentNormal(t *testing.T) {
	doc := stateDocument(newTestPlant(t, "normal").snapshot())
	want := map[string]any{
		"scenario":        "normal",
		"GT-101.conc":     0.5,
		"GT-102.conc":     0.5,
		"GT-103.conc":     0.5,
		"GT-104.conc":     0.5,
		"GT-104.status":   uint16(0),
		"AT-201.conc":     0.2,
		"LT-301.level":    5000.0,
		"LT-302.level":    3000.0,
		"TT-301.temp":     -3.5,
		"PT-401.pressure": 0.35,
		"AI-401.ch0_ua":   int16(7500),
		"XV-101.open":     true,
		"XV-101.closed":   false,
		"XV-101.command":  true,
		"XV-102.open":     true,
		"XV-102.closed":   false,
		"XV-102.command":  true,
	}
	for key, value := range want {
		if doc[key] != value {
			t.Errorf("%s = %v (%T), want %v (%T)", key, doc[key], doc[key], value, value)
		}
	}
}

func TestWriteStateFileReplacesAtomically(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "state.json")
	p := newTestPlant(t, "overfill")

	for _, seconds := range []float64{0, 15} {
		p.advanceTo(seconds)
		if err := writeStateFile(path, stateDocument(p.snapshot())); err != nil {
			t.Fatalf("writeStateFile: %v", err)
		}
	}
	state, _ := readState(t, path)
	if state["LT-301.level"] != 7300.0 || state["scenario"] != "overfill" {
		t.Errorf("state = %v, want LT-301.level 7300 in overfill", state)
	}

	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("directory holds %d entries, want only state.json (no temporary files)", len(entries))
	}
}

func TestWriteStateFileMissingDirectory(t *testing.T) {
	err := writeStateFile(filepath.Join(t.TempDir(), "missing", "state.json"), map[string]any{})
	if err == nil {
		t.Error("writeStateFile into a missing directory succeeded, want an error")
	}
}
