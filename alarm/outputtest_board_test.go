package alarm_test

import (
	"context"
	"encoding/json"
	"errors"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/plantgw/plantgw/alarm"
	"github.com/plantgw/plantgw/board"
	"github.com/plantgw/plantgw/config"
	"github.com/plantgw/plantgw/record"
)

// simStatus is the part of the simulated board's status file that the
// output test checks.
type simStatus struct {
	Outputs map[string]struct {
		Active    bool   `json:"active"`
		Energised bool   `json:"energised"`
		Pattern   string `json:"pattern"`
	} `json:"outputs"`
}

// readSimStatus reads the status file; ok is false while the board has
// not written it yet.
func readSimStatus(t *testing.T, path string) (st simStatus, ok bool) {
	t.Helper()
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return simStatus{}, false
	}
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, &st); err != nil {
		t.Fatalf("status file %s: %v", path, err)
	}
	return st, true
}

// waitForStatus polls the status file until cond holds, for at most 2 s.
func waitForStatus(t *testing.T, path, what string, cond func(simStatus) bool) simStatus {
	t.Helper()
	deadline := time.Now().Add(2 * time.Second)
	for {
		st, ok := readSimStatus(t, path)
		if ok && cond(st) {
			return st
		}
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s; status %+v", what, st)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// The output test on the simulated board: esd-1 de-energises for the test
// and is energised again at its end, and the horn under test sounds steady.
func TestOutputTestOnSimBoard(t *testing.T) {
	statusFile := filepath.Join(t.TempDir(), "outputs.json")
	sim := board.NewSim([]string{alarm.Beacon, "esd-1", alarm.Horn}, statusFile, slog.New(slog.DiscardHandler))
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Go(func() { sim.Run(ctx) })
	defer func() { cancel(); wg.Wait() }()

	cfg := &config.Config{
		Points: []config.Point{{ID: "GT-1.conc", Unit: "%LEL", Gas: &config.Gas{Kind: "combustible", AL1: 20, AL2: 40}}},
		Interlocks: []config.Interlock{{Name: "gas-esd", When: config.When{Alarm: "al2", Points: []string{"GT-1.conc"}, Vote: "1oo1"},
			Do: []config.Effect{{Output: "esd-1"}}}},
	}
	now := time.Unix(1_800_000_000, 0)
	var mu sync.Mutex
	var events []record.Event
	e, err := alarm.New(cfg, sim, func(ev record.Event) { mu.Lock(); events = append(events, ev); mu.Unlock() },
		func() (time.Time, bool) { return now, true })
	if err != nil {
		t.Fatal(err)
	}
	e.Process(record.Sample{Point: "GT-1.conc", Value: 1, Quality: record.Good, Time: now, ClockSynced: true})
	waitForStatus(t, statusFile, "esd-1 energised after the first scan", func(st simStatus) bool { return st.Outputs["esd-1"].Energised })

	if err := e.TestOutput("esd-1", "zhang", 3*time.Second, record.SourceLocalUI); err != nil {
		t.Fatal(err)
	}
	if !sim.State()["esd-1"] {
		t.Fatal("esd-1 not active on the board during its test")
	}
	waitForStatus(t, statusFile, "esd-1 de-energised in the status file", func(st simStatus) bool { return !st.Outputs["esd-1"].Energised })
	now = now.Add(3 * time.Second)
	e.Tick()
	if sim.State()["esd-1"] {
		t.Fatal("esd-1 still active on the board after its test")
	}
	waitForStatus(t, statusFile, "esd-1 energised again", func(st simStatus) bool { return st.Outputs["esd-1"].Energised })

	if err := e.TestOutput(alarm.Horn, "zhang", time.Second, record.SourceLocalUI); err != nil {
		t.Fatal(err)
	}
	st := waitForStatus(t, statusFile, "the horn sounding", func(st simStatus) bool { return st.Outputs[alarm.Horn].Active })
	if got := st.Outputs[alarm.Horn].Pattern; got != "steady" {
		t.Errorf("horn under test: pattern %q, want steady", got)
	}
	now = now.Add(time.Second)
	e.Tick()
	waitForStatus(t, statusFile, "the horn silent again", func(st simStatus) bool { return !st.Outputs[alarm.Horn].Active })

	mu.Lock()
	defer mu.Unlock()
	var kinds []record.EventKind
	for _, ev := range events {
		if ev.Kind == record.OutputTestStarted || ev.Kind == record.OutputTestEnded {
			kinds = append(kinds, ev.Kind)
		}
	}
	want := []record.EventKind{record.OutputTestStarted, record.OutputTestEnded, record.OutputTestStarted, record.OutputTestEnded}
	if len(kinds) != len(want) {
		t.Fatalf("test events %v, want %v", kinds, want)
	}
	for i := range want {
		if kinds[i] != want[i] {
			t.Fatalf("test events %v, want %v", kinds, want)
		}
	}
}
