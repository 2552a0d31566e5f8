package alarm

import (
	"errors"
	"testing"
	"time"

	"pgregory.net/rapid"

	"github.com/plantgw/plantgw/record"
)

// eventsOf returns the logged events of kind.
func eventsOf(l *eventLog, kind record.EventKind) []record.Event {
	var out []record.Event
	for _, ev := range *l {
		if ev.Kind == kind {
			out = append(out, ev)
		}
	}
	return out
}

func TestOutputTestDrivesThenRestores(t *testing.T) {
	e, out, log, clock := newVotingEngine(t, false)
	arm(e, clock.now)
	start := clock.now
	if err := e.TestOutput("esd-1", "zhang", 3*time.Second, record.SourceLocalUI); err != nil {
		t.Fatal(err)
	}
	if !out.state["esd-1"] {
		t.Fatal("esd-1 not active during its test")
	}
	started := eventsOf(log, record.OutputTestStarted)
	if len(started) != 1 {
		t.Fatalf("output_test_started events %+v, want 1", started)
	}
	if ev := started[0]; ev.Output != "esd-1" || ev.Operator != "zhang" || ev.Source != record.SourceLocalUI || !ev.Until.Equal(start.Add(3*time.Second)) {
		t.Errorf("output_test_started %+v", ev)
	}
	if test, ok := e.RunningOutputTest(); !ok || test.Output != "esd-1" || test.Operator != "zhang" {
		t.Errorf("RunningOutputTest() = %+v, %v", test, ok)
	}

	clock.now = start.Add(2 * time.Second)
	e.Tick()
	if !out.state["esd-1"] || len(eventsOf(log, record.OutputTestEnded)) != 0 {
		t.Fatal("the test ended after 2 of its 3 s")
	}
	clock.now = start.Add(3 * time.Second)
	e.Tick()
	if out.state["esd-1"] {
		t.Error("esd-1 still active after its test ended")
	}
	ended := eventsOf(log, record.OutputTestEnded)
	if len(ended) != 1 || ended[0].Output != "esd-1" || ended[0].Operator != "zhang" || ended[0].Source != record.SourceAuto {
		t.Errorf("output_test_ended events %+v, want one for esd-1 by zhang from auto", ended)
	}
	if _, ok := e.RunningOutputTest(); ok {
		t.Error("a test is still reported after its end")
	}
	changed := eventsOf(log, record.OutputChanged)
	last := changed[len(changed)-1]
	if last.Output != "esd-1" || last.State != "inactive" {
		t.Errorf("last output_changed %+v, want esd-1 inactive", last)
	}
}

func TestOutputTestRejections(t *testing.T) {
	e, _, _, clock := newVotingEngine(t, false)
	arm(e, clock.now)
	tests := []struct {
		name   string
		output string
		d      time.Duration
		source record.Source
		want   error
	}{
		{"remote", "esd-1", 3 * time.Second, record.SourceRemote, ErrRemote},
		{"unknown output", "esd-9", 3 * time.Second, record.SourceLocalUI, ErrUnknownOutput},
		{"too short", "horn", 500 * time.Millisecond, record.SourceLocalUI, ErrOutputTestDuration},
		{"too long", "horn", 31 * time.Second, record.SourceLocalUI, ErrOutputTestDuration},
	}
	for _, tt := range tests {
		if err := e.TestOutput(tt.output, "zhang", tt.d, tt.source); !errors.Is(err, tt.want) {
			t.Errorf("%s: err %v, want %v", tt.name, err, tt.want)
		}
	}
	if _, ok := e.RunningOutputTest(); ok {
		t.Fatal("a rejected test runs")
	}

	if err := e.TestOutput("horn", "zhang", MaxOutputTest, record.SourceLocalUI); err != nil {
		t.Fatalf("30 s test: %v", err)
	}
	if err := e.TestOutput("beacon", "li", time.Second, record.SourceLocalUI); !errors.Is(err, ErrOutputTestRunning) {
		t.Errorf("second test while one runs: err %v, want %v", err, ErrOutputTestRunning)
	}
	clock.now = clock.now.Add(MaxOutputTest)
	e.Tick()
	if err := e.TestOutput("beacon", "li", time.Second, record.SourceLocalUI); err != nil {
		t.Errorf("test after the previous one ended: %v", err)
	}
}

// A test cannot release an output the alarm logic holds active, and an
// output that trips during its test stays tripped after the test.
func TestOutputTestNeverReleasesHeldOutput(t *testing.T) {
	e, out, log, clock := newVotingEngine(t, false)
	arm(e, clock.now)
	e.Process(at("d", 30, clock.now)) // comb-1oo1 trips esd-2
	if !out.state["esd-2"] {
		t.Fatal("esd-2 did not trip")
	}
	changesBefore := len(eventsOf(log, record.OutputChanged))
	if err := e.TestOutput("esd-2", "zhang", 2*time.Second, record.SourceLocalUI); err != nil {
		t.Fatal(err)
	}
	clock.now = clock.now.Add(2 * time.Second)
	e.Tick()
	if !out.state["esd-2"] {
		t.Error("the end of a test released the tripped esd-2")
	}
	for _, ev := range eventsOf(log, record.OutputChanged)[changesBefore:] {
		if ev.Output == "esd-2" {
			t.Errorf("testing a tripped output changed it: %+v", ev)
		}
	}

	if err := e.TestOutput("esd-1", "zhang", 2*time.Second, record.SourceLocalUI); err != nil {
		t.Fatal(err)
	}
	e.Process(at("a", 25, clock.now))
	e.Process(at("b", 25, clock.now)) // toxic-2oo3 trips esd-1 during its test
	clock.now = clock.now.Add(2 * time.Second)
	e.Tick()
	if !out.state["esd-1"] {
		t.Error("esd-1 released at the end of its test although its interlock tripped meanwhile")
	}
}

// Testing the horn while the logic sounds it keeps the logic's pattern;
// testing it while silent sounds it steadily.
func TestOutputTestKeepsLogicPattern(t *testing.T) {
	e, out, _, clock := newVotingEngine(t, false)
	arm(e, clock.now)
	if err := e.TestOutput("horn", "zhang", time.Second, record.SourceLocalUI); err != nil {
		t.Fatal(err)
	}
	if !out.state["horn"] || out.pattern["horn"] != Steady {
		t.Errorf("horn under test: active %v, pattern %v; want active and steady", out.state["horn"], out.pattern["horn"])
	}
	e.Process(at("a", 15, clock.now)) // level 1: pulsed horn
	if out.pattern["horn"] != Pulsed {
		t.Errorf("level 1 alarm during the horn test: pattern %v, want pulsed", out.pattern["horn"])
	}
	clock.now = clock.now.Add(time.Second)
	e.Tick()
	if !out.state["horn"] || out.pattern["horn"] != Pulsed {
		t.Errorf("after the test: horn %v %v, want the level 1 pulsed horn", out.state["horn"], out.pattern["horn"])
	}
}

func TestStopOutputTestsEndsRunningTest(t *testing.T) {
	e, out, log, clock := newVotingEngine(t, false)
	arm(e, clock.now)
	if err := e.TestOutput("beacon", "zhang", 10*time.Second, record.SourceLocalUI); err != nil {
		t.Fatal(err)
	}
	e.StopOutputTests()
	if out.state["beacon"] {
		t.Error("beacon still active after the tests were stopped")
	}
	ended := eventsOf(log, record.OutputTestEnded)
	if len(ended) != 1 || ended[0].Output != "beacon" {
		t.Errorf("output_test_ended events %+v, want one for the beacon", ended)
	}
	if err := e.TestOutput("beacon", "zhang", time.Second, record.SourceLocalUI); !errors.Is(err, ErrOutputTestsStopped) {
		t.Errorf("test after StopOutputTests: err %v, want %v", err, ErrOutputTestsStopped)
	}
	e.StopOutputTests()
	if n := len(eventsOf(log, record.OutputTestEnded)); n != 1 {
		t.Errorf("a second StopOutputTests stored %d output_test_ended events in all, want 1", n)
	}
}

func TestOutputStatesReportHeldAndTesting(t *testing.T) {
	e, out, _, clock := newVotingEngine(t, false)
	arm(e, clock.now)
	e.Process(at("d", 30, clock.now)) // trips esd-2
	out.fail["fault-lamp"] = true
	e.Process(faulted("c", clock.now)) // lights the fault lamp, whose relay fails
	if err := e.TestOutput("esd-1", "zhang", time.Second, record.SourceLocalUI); err != nil {
		t.Fatal(err)
	}
	got := map[string]OutputState{}
	for _, st := range e.OutputStates() {
		got[st.Name] = st
	}
	want := map[string]OutputState{
		"esd-1":      {Name: "esd-1", Active: true, Testing: true},
		"esd-2":      {Name: "esd-2", Active: true, Held: true},
		"fault-lamp": {Name: "fault-lamp", Failed: true, Held: true},
	}
	for name, w := range want {
		if got[name] != w {
			t.Errorf("%s: %+v, want %+v", name, got[name], w)
		}
	}
	if len(got) != len(out.Names()) {
		t.Errorf("OutputStates lists %d outputs, want all %d of the board", len(got), len(out.Names()))
	}
}

// TestOutputTestProperties runs random sequences of readings, faults,
// resets, output tests and ticks. After every step each output the alarm
// logic wants active is active on the board, the output under test is
// active, and a test never outlives its end by a tick.
func TestOutputTestProperties(t *testing.T) {
	rapid.Check(t, func(rt *rapid.T) {
		e, out, log, clock := newVotingEngine(t, true)
		arm(e, clock.now)
		names := out.Names()
		for range rapid.IntRange(1, 40).Draw(rt, "steps") {
			switch rapid.IntRange(0, 4).Draw(rt, "action") {
			case 0:
				p := rapid.SampledFrom([]string{"a", "b", "c", "d"}).Draw(rt, "point")
				e.Process(at(p, rapid.Float64Range(0, 40).Draw(rt, "value"), clock.now))
			case 1:
				e.Process(faulted(rapid.SampledFrom([]string{"a", "b", "c", "d"}).Draw(rt, "faulted"), clock.now))
			case 2:
				e.Reset("op", record.SourceLocalButton)
			case 3:
				d := time.Duration(rapid.IntRange(1, 5).Draw(rt, "seconds")) * time.Second
				e.TestOutput(rapid.SampledFrom(names).Draw(rt, "output"), "op", d, record.SourceLocalUI)
			case 4:
				clock.now = clock.now.Add(time.Second)
				e.Tick()
			}
			e.mu.Lock()
			logic := e.logicStates()
			test := e.test
			e.mu.Unlock()
			for name, want := range logic {
				if want.active && !out.state[name] {
					rt.Fatalf("%s released while the alarm logic holds it active", name)
				}
			}
			if test != nil && !out.state[test.output] {
				rt.Fatalf("%s under test is not active", test.output)
			}
			if test != nil && clock.now.Sub(test.until) >= time.Second {
				rt.Fatalf("test of %s runs %v past its end", test.output, clock.now.Sub(test.until))
			}
		}
		if n, m := len(eventsOf(log, record.OutputTestStarted)), len(eventsOf(log, record.OutputTestEnded)); n-m != 0 && n-m != 1 {
			rt.Fatalf("%d tests started and %d ended", n, m)
		}
	})
}
