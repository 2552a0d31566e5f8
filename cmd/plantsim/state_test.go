package main

import (
	"math"
	"os"
	"path/filepath"
	"testing"
)

func TestStateDocumentNormal(t *testing.T) {
	doc := stateDocument(newTestPlant(t, "normal").snapshotWithChanges())
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
		if err := writeStateFile(path, stateDocument(p.snapshotWithChanges())); err != nil {
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

func TestStateDocumentRegisterChanges(t *testing.T) {
	p := newTestPlant(t, "leak")
	_, changesAtStart := p.snapshotWithChanges()
	start := changesAtStart[1]
	if len(start) != 1 || start[0].Conc != 0.5 {
		t.Fatalf("GT-102 changes at start = %v, want one change to 0.5", start)
	}

	for step := 1; step <= 20; step++ {
		p.advanceTo(float64(step) * 0.5)
	}
	doc := stateDocument(p.snapshotWithChanges())
	changes, ok := doc["GT-102.conc_changes"].([]registerChange)
	if !ok {
		t.Fatalf("GT-102.conc_changes = %T, want []registerChange", doc["GT-102.conc_changes"])
	}
	if len(changes) != registerChangesKept {
		t.Errorf("GT-102 keeps %d changes after 20 ramp steps, want %d", len(changes), registerChangesKept)
	}
	served := math.Round(doc["GT-102.conc"].(float64)*10) / 10
	if last := changes[len(changes)-1].Conc; last != served {
		t.Errorf("last GT-102 change = %v, want the served register value %v", last, served)
	}
	for i := 1; i < len(changes); i++ {
		if changes[i].Conc <= changes[i-1].Conc || changes[i].Time.Before(changes[i-1].Time) {
			t.Errorf("changes %d and %d = %v, %v: want rising values in time order", i-1, i, changes[i-1], changes[i])
		}
	}
	if _, now := p.snapshotWithChanges(); len(now[0]) != 1 {
		t.Errorf("GT-101 changes = %v, want only the start value: its register does not change without noise", now[0])
	}
	if start[0].Conc != 0.5 {
		t.Errorf("earlier snapshot changed to %v: snapshots must not share a changing slice", start)
	}
}
