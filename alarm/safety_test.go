package alarm

import (
	"errors"
	"testing"
	"time"

	"pgregory.net/rapid"

	"github.com/plantgw/plantgw/config"
	"github.com/plantgw/plantgw/record"
)

// patternOutputs is a board with a horn, a beacon, a fault lamp and two
// ESD relays that records patterns.
type patternOutputs struct {
	fakeOutputs
	pattern map[string]Pattern
}

func newPatternOutputs() *patternOutputs {
	return &patternOutputs{fakeOutputs: *newFakeOutputs(), pattern: map[string]Pattern{}}
}

func (p *patternOutputs) Names() []string {
	return []string{"beacon", "esd-1", "esd-2", "fault-lamp", "horn"}
}

func (p *patternOutputs) SetPattern(name string, pt Pattern) error {
	p.pattern[name] = pt
	return nil
}

// testClockAt is a settable clock.
type testClockAt struct{ now time.Time }

func (c *testClockAt) read() (time.Time, bool) { return c.now, true }

// votingConfig has three toxic detectors voting 2oo3 at level 2 on esd-1
// and a combustible one on esd-2 (1oo1), with fault-trips as given.
func votingConfig(faultTrips bool) *config.Config {
	gas := func(id, kind string) config.Point {
		return config.Point{ID: id, Unit: "ppm", Gas: &config.Gas{Kind: kind, AL1: 10, AL2: 20}}
	}
	return &config.Config{
		Points: []config.Point{gas("a", "toxic"), gas("b", "toxic"), gas("c", "toxic"), gas("d", "combustible")},
		Interlocks: []config.Interlock{
			{Name: "toxic-2oo3", When: config.When{Alarm: "al2", Points: []string{"a", "b", "c"}, Vote: "2oo3"},
				Do: []config.Effect{{Output: "esd-1"}}, FaultTrips: &faultTrips},
			{Name: "comb-1oo1", When: config.When{Alarm: "al2", Points: []string{"d"}, Vote: "1oo1"},
				Do: []config.Effect{{Output: "esd-2"}}, FaultTrips: &faultTrips},
		},
	}
}

func newVotingEngine(t testing.TB, faultTrips bool) (*Engine, *patternOutputs, *eventLog, *testClockAt) {
	out := newPatternOutputs()
	log := &eventLog{}
	clock := &testClockAt{now: time.Unix(1_800_000_000, 0)}
	e, err := New(votingConfig(faultTrips), out, log.add, clock.read)
	if err != nil {
		t.Fatal(err)
	}
	return e, out, log, clock
}

func at(point string, v float64, t time.Time) record.Sample {
	return record.Sample{Point: point, Value: v, Quality: record.Good, Time: t, ClockSynced: true}
}

func faulted(point string, t time.Time) record.Sample {
	return record.Sample{Point: point, Quality: record.Bad, Cause: record.CauseCommLost, Time: t, ClockSynced: true}
}

// arm gives every point of the voting config a normal reading.
func arm(e *Engine, t time.Time) {
	for _, p := range []string{"a", "b", "c", "d"} {
		e.Process(at(p, 0, t))
	}
}

func TestOnDelayHoldsTheAlarm(t *testing.T) {
	cfg := testConfig()
	cfg.Points[0].Gas.OnDelay = config.Duration(5 * time.Second)
	log := &eventLog{}
	e, err := New(cfg, newFakeOutputs(), log.add, testClock)
	if err != nil {
		t.Fatal(err)
	}
	t0 := time.Unix(1_800_000_000, 0)
	e.Process(at("level", 0, t0))
	for _, dt := range []time.Duration{0, 2 * time.Second, 4 * time.Second} {
		e.Process(at("gas", 30, t0.Add(dt)))
	}
	if n := log.count(record.AlarmRaised, record.AL1); n != 0 {
		t.Fatalf("alarm raised %d times within the 5 s on-delay", n)
	}
	e.Process(at("gas", 30, t0.Add(5*time.Second)))
	if n := log.count(record.AlarmRaised, record.AL1); n != 1 {
		t.Errorf("alarm raised %d times after the on-delay, want 1", n)
	}
}

func TestOnDelayRestartsWhenTheReadingDips(t *testing.T) {
	cfg := testConfig()
	cfg.Points[0].Gas.OnDelay = config.Duration(5 * time.Second)
	log := &eventLog{}
	e, _ := New(cfg, newFakeOutputs(), log.add, testClock)
	t0 := time.Unix(1_800_000_000, 0)
	e.Process(at("gas", 30, t0))
	e.Process(at("gas", 5, t0.Add(3*time.Second)))
	e.Process(at("gas", 30, t0.Add(4*time.Second)))
	e.Process(at("gas", 30, t0.Add(8*time.Second)))
	if n := log.count(record.AlarmRaised, record.AL1); n != 0 {
		t.Errorf("alarm raised although the reading was past the set point for 4 s only")
	}
}

func TestOverRangeCombustibleIsLevelTwo(t *testing.T) {
	e, out, log, clock := newVotingEngine(t, true)
	arm(e, clock.now)
	e.Process(record.Sample{Point: "d", Value: 101, Quality: record.Uncertain, Cause: record.CauseOverRange, Time: clock.now})
	if log.count(record.AlarmRaised, record.AL2) != 1 || !out.state["esd-2"] {
		t.Errorf("over-range combustible reading: %d level 2 alarms, esd-2 %v; want 1 and tripped",
			log.count(record.AlarmRaised, record.AL2), out.state["esd-2"])
	}
	if log.count(record.FaultRaised, "") != 0 {
		t.Error("over range raised a fault instead of an alarm")
	}
}

func TestFaultTripsTheInterlock(t *testing.T) {
	for _, faultTrips := range []bool{true, false} {
		e, out, _, clock := newVotingEngine(t, faultTrips)
		arm(e, clock.now)
		e.Process(faulted("d", clock.now))
		if out.state["esd-2"] != faultTrips {
			t.Errorf("fault_trips %v: esd-2 tripped = %v", faultTrips, out.state["esd-2"])
		}
		if !out.state["fault-lamp"] || !out.state["horn"] || out.pattern["horn"] != SlowPulse && !faultTrips {
			t.Errorf("fault_trips %v: fault lamp %v, horn %v %v", faultTrips, out.state["fault-lamp"], out.state["horn"], out.pattern["horn"])
		}
	}
}

func TestHornAndBeaconPatterns(t *testing.T) {
	e, out, _, clock := newVotingEngine(t, false)
	arm(e, clock.now)
	e.Process(at("a", 15, clock.now))
	if !out.state["horn"] || out.pattern["horn"] != Pulsed || out.pattern["beacon"] != Pulsed {
		t.Errorf("level 1: horn %v %v, beacon %v; want pulsed horn and flashing beacon", out.state["horn"], out.pattern["horn"], out.pattern["beacon"])
	}
	e.Process(at("a", 25, clock.now))
	if out.pattern["horn"] != Steady {
		t.Errorf("level 2: horn %v, want steady", out.pattern["horn"])
	}
	if err := e.Acknowledge("Wang", record.SourceLocalButton); err != nil {
		t.Fatal(err)
	}
	if !out.state["beacon"] || out.pattern["beacon"] != Steady || !out.state["horn"] {
		t.Errorf("after acknowledge: beacon %v %v, horn %v; want a steady beacon and the horn still on",
			out.state["beacon"], out.pattern["beacon"], out.state["horn"])
	}
	e.Process(at("b", 12, clock.now))
	if out.pattern["beacon"] != Pulsed {
		t.Error("a new alarm after acknowledge did not flash the beacon again")
	}
}

func TestAlarmsByPriority(t *testing.T) {
	e, _, _, clock := newVotingEngine(t, false)
	arm(e, clock.now)
	e.Process(at("a", 15, clock.now)) // toxic level 1
	e.Process(at("d", 25, clock.now)) // combustible level 2 (and level 1)
	e.Process(at("b", 25, clock.now)) // toxic level 2 (and level 1)
	var got []string
	for _, a := range e.Alarms() {
		got = append(got, a.Point+"."+string(a.Level))
	}
	want := []string{"b.al2", "d.al2", "a.al1", "b.al1", "d.al1"}
	if len(got) != len(want) {
		t.Fatalf("alarms %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("alarms %v, want %v", got, want)
		}
	}
}

func TestBypassKeepsPointOutOfVoteUntilExpiry(t *testing.T) {
	e, out, log, clock := newVotingEngine(t, false)
	arm(e, clock.now)
	if err := e.Bypass("d", "Li", "detector replaced", time.Hour, record.SourceLocalUI); err != nil {
		t.Fatal(err)
	}
	e.Process(at("d", 30, clock.now))
	if out.state["esd-2"] {
		t.Fatal("a bypassed point tripped its interlock")
	}
	if log.count(record.AlarmRaised, record.AL2) != 1 {
		t.Error("a bypassed point's alarm was not raised")
	}
	clock.now = clock.now.Add(time.Hour)
	e.Tick()
	if !out.state["esd-2"] {
		t.Error("the interlock did not trip when the bypass expired with the gas still high")
	}
	var off []record.Event
	for _, ev := range *log {
		if ev.Kind == record.BypassOff {
			off = append(off, ev)
		}
	}
	if len(off) != 1 || off[0].Source != record.SourceAuto {
		t.Errorf("bypass_off events %+v, want one from auto", off)
	}
}

func TestRemoteCommandsAreRefused(t *testing.T) {
	e, _, _, clock := newVotingEngine(t, false)
	arm(e, clock.now)
	e.Process(at("d", 30, clock.now))
	if _, err := e.Reset("", record.SourceRemote); !errors.Is(err, ErrRemote) {
		t.Errorf("remote reset: %v", err)
	}
	if err := e.Silence("", record.SourceRemote); !errors.Is(err, ErrRemote) {
		t.Errorf("remote silence: %v", err)
	}
	if err := e.Bypass("d", "x", "y", time.Minute, record.SourceRemote); !errors.Is(err, ErrRemote) {
		t.Errorf("remote bypass: %v", err)
	}
	if err := e.Bypass("d", "x", "y", 9*time.Hour, record.SourceLocalUI); err == nil {
		t.Error("a 9 h bypass was accepted")
	}
}

// TestVotingProperties runs random sequences of readings, faults, bypasses
// and operator actions on the 2oo3 interlock. It checks four properties.
// The interlock trips whenever two unbypassed inputs are at level 2. A
// trip stays until a reset whose vote is no longer met. Silence never
// clears an alarm. Reset never clears an alarm whose reading is still past
// its set point.
func TestVotingProperties(t *testing.T) {
	rapid.Check(t, func(rt *rapid.T) {
		faultTrips := rapid.Bool().Draw(rt, "faultTrips")
		e, out, _, clock := newVotingEngine(t, faultTrips)
		arm(e, clock.now)
		// The model: each input's last reading, or -1 for a fault.
		last := map[string]float64{"a": 0, "b": 0, "c": 0}
		for range rapid.IntRange(1, 40).Draw(rt, "steps") {
			// The gateway ticks the engine every second.
			clock.now = clock.now.Add(time.Second)
			e.Tick()
			switch rapid.IntRange(0, 5).Draw(rt, "action") {
			case 0, 1:
				p := rapid.SampledFrom([]string{"a", "b", "c"}).Draw(rt, "point")
				v := rapid.Float64Range(0, 40).Draw(rt, "value")
				last[p] = v
				e.Process(at(p, v, clock.now))
			case 2:
				p := rapid.SampledFrom([]string{"a", "b", "c"}).Draw(rt, "point")
				last[p] = -1
				e.Process(faulted(p, clock.now))
			case 3:
				latched := len(e.Alarms())
				e.Silence("", record.SourceLocalButton)
				if len(e.Alarms()) != latched {
					rt.Fatal("silence cleared an alarm")
				}
			case 4:
				wasTripped := out.state["esd-1"]
				past := map[string]bool{}
				for _, a := range e.Alarms() {
					if a.Active {
						past[a.Point+"."+string(a.Level)] = true
					}
				}
				e.Reset("", record.SourceLocalButton)
				for _, a := range e.Alarms() {
					delete(past, a.Point+"."+string(a.Level))
				}
				if len(past) > 0 {
					rt.Fatalf("reset cleared alarms still past their set point: %v", past)
				}
				n, _ := e.votes(e.interlocks[0])
				if wasTripped && n >= 2 && !out.state["esd-1"] {
					rt.Fatal("reset cleared a trip whose vote is still met")
				}
			case 5:
				e.Bypass(rapid.SampledFrom([]string{"a", "b", "c"}).Draw(rt, "bp"), "op", "test",
					time.Duration(rapid.IntRange(1, 5).Draw(rt, "bpSec"))*time.Second, record.SourceLocalUI)
			}
			bypassed := bypassExpiries(e)
			votes := 0
			for p, v := range last {
				if _, ok := bypassed[p]; !ok && (v >= 20 || v < 0 && faultTrips) {
					votes++
				}
			}
			if votes >= 2 && !out.state["esd-1"] {
				rt.Fatalf("inputs %v (bypassed %v, fault trips %v) vote 2oo3 but esd-1 is not tripped", last, bypassed, faultTrips)
			}
			for id, until := range bypassExpiries(e) {
				if !clock.now.Before(until.Add(time.Second)) {
					rt.Fatalf("bypass of %s still on %v after its expiry", id, clock.now.Sub(until))
				}
			}
		}
	})
}

// bypassExpiries maps each bypassed point to its expiry.
func bypassExpiries(e *Engine) map[string]time.Time {
	out := map[string]time.Time{}
	for _, b := range e.Bypasses() {
		out[b.Point] = b.Until
	}
	return out
}
