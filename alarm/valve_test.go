package alarm

import (
	"testing"
	"time"

	"github.com/plantgw/plantgw/config"
	"github.com/plantgw/plantgw/record"
)

type fakeCommander struct{ closes []string }

func (f *fakeCommander) CloseValve(valve, point string) { f.closes = append(f.closes, valve+":"+point) }

// valveConfig has tank level LT with HH 9000 mm, an HH switch LS, and an
// overfill interlock that closes XV (command coil, 10 s stroke) and trips
// esd-1.
func valveConfig() *config.Config {
	contact := func(id string) config.Point { return config.Point{ID: id, Type: "bool"} }
	return &config.Config{
		Points: []config.Point{
			{ID: "LT", Unit: "mm", Limits: &config.Limits{HH: ptr(9000)}},
			contact("LS"), contact("XV.open"), contact("XV.closed"), contact("XV.command"),
		},
		Valves: []config.Valve{{Name: "XV", Command: "XV.command", OpenLimit: "XV.open", ClosedLimit: "XV.closed",
			StrokeTime: config.Duration(10 * time.Second)}},
		LevelSwitches: []config.LevelSwitch{{Switch: "LS", Level: "LT", Delay: config.Duration(10 * time.Second)}},
		Interlocks: []config.Interlock{{Name: "overfill", When: config.When{Alarm: "hh", Points: []string{"LT"}, Vote: "1oo1"},
			Do: []config.Effect{{Output: "esd-1"}, {Valve: "XV"}}}},
	}
}

func contactAt(point string, on bool, t time.Time) record.Sample {
	return record.Sample{Point: point, IsBool: true, Bool: on, Quality: record.Good, Time: t, ClockSynced: true}
}

func newValveEngine(t *testing.T) (*Engine, *patternOutputs, *eventLog, *testClockAt, *fakeCommander) {
	t.Helper()
	out := newPatternOutputs()
	log := &eventLog{}
	clock := &testClockAt{now: time.Unix(1_800_000_000, 0)}
	e, err := New(valveConfig(), out, log.add, clock.read)
	if err != nil {
		t.Fatal(err)
	}
	cmd := &fakeCommander{}
	e.SetValveCommander(cmd)
	e.Process(at("LT", 5000, clock.now))
	e.Process(contactAt("LS", false, clock.now))
	e.Process(contactAt("XV.open", true, clock.now))
	e.Process(contactAt("XV.closed", false, clock.now))
	e.Process(contactAt("XV.command", true, clock.now))
	return e, out, log, clock, cmd
}

func kinds(l *eventLog, kind record.EventKind) int {
	n := 0
	for _, e := range *l {
		if e.Kind == kind {
			n++
		}
	}
	return n
}

func TestTripClosesValveAndSupervisesStroke(t *testing.T) {
	e, out, log, clock, cmd := newValveEngine(t)
	e.Process(at("LT", 9100, clock.now))
	if len(cmd.closes) != 1 || cmd.closes[0] != "XV:XV.command" || !out.state["esd-1"] {
		t.Fatalf("close commands %v, esd-1 %v; want one close of XV and esd-1 tripped", cmd.closes, out.state["esd-1"])
	}
	clock.now = clock.now.Add(9 * time.Second)
	e.Tick()
	if kinds(log, record.ValveFailed) != 0 {
		t.Fatal("valve_failed within the stroke time")
	}
	clock.now = clock.now.Add(2 * time.Second)
	e.Tick()
	if kinds(log, record.ValveFailed) != 1 || out.pattern["horn"] != Steady {
		t.Fatalf("after the stroke time: %d valve_failed, horn %v; want 1 and a steady horn", kinds(log, record.ValveFailed), out.pattern["horn"])
	}
	e.Process(contactAt("XV.open", false, clock.now))
	e.Process(contactAt("XV.closed", true, clock.now))
	e.Process(at("LT", 8000, clock.now))
	if refused, _ := e.Reset("", record.SourceLocalButton); refused != 0 {
		t.Errorf("reset refused %d with the valve closed and the level low", refused)
	}
	if out.state["esd-1"] || out.state["horn"] {
		t.Errorf("after reset: esd-1 %v, horn %v", out.state["esd-1"], out.state["horn"])
	}
	if kinds(log, record.ValveReset) != 1 {
		t.Errorf("%d valve_reset events, want 1", kinds(log, record.ValveReset))
	}
	if len(cmd.closes) != 1 {
		t.Errorf("commands after reset %v; the gateway must never reopen a valve", cmd.closes)
	}
}

func TestValveClosingWithoutCommandIsReported(t *testing.T) {
	e, out, log, clock, _ := newValveEngine(t)
	e.Process(contactAt("XV.open", false, clock.now))
	e.Process(contactAt("XV.closed", true, clock.now))
	if kinds(log, record.ValveUncommanded) != 1 || !out.state["horn"] {
		t.Errorf("%d valve_uncommanded events, horn %v; want 1 and sounding", kinds(log, record.ValveUncommanded), out.state["horn"])
	}
}

func TestLevelSwitchDisagreement(t *testing.T) {
	e, _, log, clock, _ := newValveEngine(t)
	e.Process(contactAt("LS", true, clock.now))
	clock.now = clock.now.Add(5 * time.Second)
	e.Tick()
	if kinds(log, record.SwitchDisagree) != 0 {
		t.Fatal("disagreement raised before its 10 s delay")
	}
	clock.now = clock.now.Add(6 * time.Second)
	e.Tick()
	if kinds(log, record.SwitchDisagree) != 1 {
		t.Fatalf("%d level_switch_disagree events after 11 s, want 1", kinds(log, record.SwitchDisagree))
	}
	e.Process(at("LT", 9100, clock.now))
	if kinds(log, record.SwitchAgree) != 1 {
		t.Errorf("%d level_switch_agree events once LT passed HH, want 1", kinds(log, record.SwitchAgree))
	}
}

// Limit switches wired to board inputs reach the engine as input:NAME
// contacts, which are not points.
func TestValveLimitsFromBoardInputs(t *testing.T) {
	cfg := valveConfig()
	cfg.Valves[0].OpenLimit, cfg.Valves[0].ClosedLimit = "input:xv-open", "input:xv-closed"
	log := &eventLog{}
	clock := &testClockAt{now: time.Unix(1_800_000_000, 0)}
	e, err := New(cfg, newPatternOutputs(), log.add, clock.read)
	if err != nil {
		t.Fatal(err)
	}
	e.Process(contactAt("input:xv-open", true, clock.now))
	e.Process(contactAt("input:xv-closed", false, clock.now))
	e.Process(contactAt("input:xv-open", false, clock.now))
	e.Process(contactAt("input:xv-closed", true, clock.now))
	if kinds(log, record.ValveUncommanded) != 1 {
		t.Errorf("%d valve_uncommanded events from board inputs, want 1", kinds(log, record.ValveUncommanded))
	}
}
