package main

import (
	"context"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/plantgw/plantgw/internal/testenv"
)

func TestLeakProfile(t *testing.T) {
	p := newTestPlant(t, "leak")
	tests := []struct {
		seconds  float64
		gt102    float64
		scenario string
	}{
		{0, 0.5, "leak"},
		{10, 30.25, "leak"},
		{20, 60, "leak"},
		{29, 60, "leak"},
		{37.5, 30.25, "leak"},
		{45, 0.5, "normal"},
		{100, 0.5, "normal"},
	}
	for _, tt := range tests {
		p.advanceTo(tt.seconds)
		r := p.snapshot()
		if math.Abs(r.gas[1].conc-tt.gt102) > 1e-9 || r.scenario != tt.scenario {
			t.Errorf("at %v s: GT-102 %v %%LEL in %s, want %v in %s",
				tt.seconds, r.gas[1].conc, r.scenario, tt.gt102, tt.scenario)
		}
		for _, i := range []int{0, 2, 3} {
			if r.gas[i].conc != gasBaseLEL {
				t.Errorf("at %v s: %s = %v, want %v", tt.seconds, gasTags[i], r.gas[i].conc, gasBaseLEL)
			}
		}
	}
}

func TestOverfillRisesAndHolds(t *testing.T) {
	p := newTestPlant(t, "overfill")
	tests := []struct {
		seconds float64
		level   float64
	}{
		{15, 7300},
		{30, 9600},
		{44, 9600},
		{46, 9500}, // normal drains back to base at 100 mm/s
		{200, 5000},
	}
	for _, tt := range tests {
		p.advanceTo(tt.seconds)
		if got := p.snapshot().level[0]; math.Abs(got-tt.level) > 1e-6 {
			t.Errorf("at %v s: LT-301 = %v mm, want %v", tt.seconds, got, tt.level)
		}
	}
}

func TestOverfillStopsWhenXV101Closes(t *testing.T) {
	p := newTestPlant(t, "overfill")
	if err := p.writeCoils(tcpBus, 5, 0, []bool{false}); err != nil {
		t.Fatalf("close XV-101: %v", err)
	}

	p.advanceTo(3)
	r := p.snapshot()
	if r.valves[0].open || r.valves[0].closed || r.valves[0].command {
		t.Errorf("XV-101 at 3 s = %+v, want travelling with command closed", r.valves[0])
	}

	// Flow falls with the valve position over the 6 s stroke, so the level
	// gains half of 6 s of full flow: 153.33 mm/s × 3 s = 460 mm.
	for _, seconds := range []float64{6, 20, 40} {
		p.advanceTo(seconds)
		r = p.snapshot()
		if math.Abs(r.level[0]-5460) > 1e-6 || !r.valves[0].closed {
			t.Errorf("at %v s: LT-301 %v mm, XV-101 %+v; want 5460 mm and closed", seconds, r.level[0], r.valves[0])
		}
	}
}

func TestLoopFaultAndSilent(t *testing.T) {
	p := newTestPlant(t, "loopfault", "silent")

	p.advanceTo(5)
	r := p.snapshot()
	image, _ := rtuImage(&r, 4)
	if r.ai0Microamps != 2500 || !slices.Equal(image.input, []uint16{0, statusLoopFault}) {
		t.Errorf("loopfault at 5 s: AI-401 ch0 %d µA, GT-104 registers %v; want 2500 and [0 2]", r.ai0Microamps, image.input)
	}
	if r.pressure != pressureBaseMPa {
		t.Errorf("loopfault at 5 s: PT-401 true pressure %v, want %v", r.pressure, pressureBaseMPa)
	}

	p.advanceTo(25)
	r = p.snapshot()
	image, _ = rtuImage(&r, 4)
	if r.ai0Microamps != 7500 || !slices.Equal(image.input, []uint16{5, 0}) {
		t.Errorf("loopfault at 25 s: AI-401 ch0 %d µA, GT-104 registers %v; want 7500 and [5 0]", r.ai0Microamps, image.input)
	}

	tests := []struct {
		seconds float64
		silent  bool
	}{{29, false}, {30, true}, {49, true}, {50, false}, {61, false}}
	for _, tt := range tests {
		p.advanceTo(tt.seconds)
		if got := p.silent(rtuBus, 3); got != tt.silent {
			t.Errorf("at %v s: GT-103 silent = %v, want %v", tt.seconds, got, tt.silent)
		}
		if p.silent(rtuBus, 1) || p.silent(tcpBus, 3) {
			t.Errorf("at %v s: a unit other than GT-103 is silent", tt.seconds)
		}
	}
}

func TestNoiseSeededAndBounded(t *testing.T) {
	sched, _ := newSchedule([]scenarioStep{{Name: "normal"}})
	a := newPlant(sched, 1, 7, discardLogger)
	b := newPlant(sched, 1, 7, discardLogger)
	for step := 1; step <= 200; step++ {
		seconds := float64(step) * 0.5
		a.advanceTo(seconds)
		b.advanceTo(seconds)
		ra, rb := a.snapshot(), b.snapshot()
		if ra != rb {
			t.Fatalf("at %v s: plants with the same seed differ:\n%+v\n%+v", seconds, ra, rb)
		}
		for i, gas := range ra.gas {
			if gas.conc < 0 || gas.conc > 1 {
				t.Fatalf("at %v s: %s = %v %%LEL, want 0.0–1.0 in normal", seconds, gasTags[i], gas.conc)
			}
		}
	}
}

func TestScenarioFileAndList(t *testing.T) {
	path := filepath.Join(t.TempDir(), "steps.json")
	os.WriteFile(path, []byte(`[{"name": "leak", "seconds": 20}, {"name": "overfill"}]`), 0o600)
	steps, err := loadScenarioFile(path)
	if err != nil {
		t.Fatalf("loadScenarioFile: %v", err)
	}
	sched, _ := newSchedule(steps)
	if sched.end != 65 {
		t.Errorf("schedule length = %v s, want 65 (20 + overfill's 45)", sched.end)
	}
	if _, sc, since := sched.at(25); sc.name != "overfill" || since != 5 {
		t.Errorf("at 25 s: %s, %v s in; want overfill, 5 s in", sc.name, since)
	}

	steps, err = parseScenarioList("leak, silent")
	if err != nil || len(steps) != 2 || steps[1].Name != "silent" {
		t.Errorf("parseScenarioList = %v, %v; want [leak silent]", steps, err)
	}
}

// readState reads the state file; ok is false while it does not exist yet.
func readState(t *testing.T, path string) (map[string]any, bool) {
	t.Helper()
	data, err := os.ReadFile(path)
	if os.IsNotExist(err) {
		return nil, false
	}
	if err != nil {
		t.Fatalf("read state file: %v", err)
	}
	var state map[string]any
	if err := json.Unmarshal(data, &state); err != nil {
		t.Fatalf("state file is not valid JSON (a partial write?): %v\n%s", err, data)
	}
	return state, true
}

func TestLeakScenarioEndToEnd(t *testing.T) {
	dir := t.TempDir()
	statePath := filepath.Join(dir, "state.json")
	link := filepath.Join(dir, "rtu")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var stdout, stderr testenv.SyncBuffer
	exit := make(chan int, 1)
	go func() {
		exit <- run(ctx, []string{
			"--scenario", "leak", "--speed", "10", "--noise", "0",
			"--tcp", "127.0.0.1:0", "--rtu-link", link,
			"--state-file", statePath, "--print-every", "0", "--lang", "en",
		}, &stdout, &stderr)
	}()

	// Leak lasts 45 s, 4.5 s at speed 10. The state file changes every 200 ms.
	var rising, peak, falling, ended bool
	var last map[string]any
	deadline := time.Now().Add(12 * time.Second)
	for !ended && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
		state, ok := readState(t, statePath)
		if !ok {
			continue
		}
		last = state
		conc := state["GT-102.conc"].(float64)
		switch {
		case !peak && conc > 20 && conc < 40:
			rising = true
		case conc > 40:
			peak = rising
		case peak && conc > 20 && conc < 40:
			falling = true
		}
		ended = peak && state["scenario"] == "normal"
	}
	if !rising || !peak || !falling || !ended {
		t.Fatalf("GT-102 crossings: between 20 and 40 rising %v, above 40 %v, between 20 and 40 falling %v, back in normal %v; last state %v\nstderr:\n%s",
			rising, peak, falling, ended, last, stderr.String())
	}
	if last["GT-102.conc"] != 0.5 || last["LT-301.level"] != 5000.0 || last["TT-301.temp"] != -3.5 {
		t.Errorf("state after leak = %v, want GT-102 0.5, LT-301 5000, TT-301 -3.5", last)
	}

	// Read GT-102 through the symlink, as the gateway's demo config does.
	target, err := os.Readlink(link)
	if err != nil || !strings.Contains(stdout.String(), "RTU_PTY="+target+"\n") {
		t.Fatalf("link %s -> %q (%v); stdout:\n%s", link, target, err, stdout.String())
	}
	tty := openClientTTY(t, link)
	reply := exchange(t, tty, appendCRC(mustHex(t, "02 04 00 00 00 02")), 9, time.Second)
	if want := appendCRC(mustHex(t, "02 04 04 00 05 00 00")); !slices.Equal(reply, want) {
		t.Errorf("GT-102 reply through %s = % X, want % X", link, reply, want)
	}

	cancel()
	select {
	case code := <-exit:
		if code != 0 {
			t.Errorf("run exit code = %d, want 0; stderr:\n%s", code, stderr.String())
		}
	case <-time.After(3 * time.Second):
		t.Fatal("run did not stop within 3 s of cancel")
	}
	if _, err := os.Lstat(link); !os.IsNotExist(err) {
		t.Errorf("symlink %s still exists after exit (Lstat error %v)", link, err)
	}
}
