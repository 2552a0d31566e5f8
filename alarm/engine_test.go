package alarm

import (
	"errors"
	"testing"
	"time"

	"pgregory.net/rapid"

	"github.com/plantgw/plantgw/config"
	"github.com/plantgw/plantgw/record"
)

type fakeOutputs struct {
	state map[string]bool
	fail  map[string]bool
}

func newFakeOutputs() *fakeOutputs {
	return &fakeOutputs{state: map[string]bool{}, fail: map[string]bool{}}
}

func (f *fakeOutputs) Names() []string { return []string{"beacon", "esd-1", "horn"} }

func (f *fakeOutputs) Set(name string, active bool) error {
	if f.fail[name] {
		return errors.New("relay driver fault")
	}
	f.state[name] = active
	return nil
}

type eventLog []record.Event

func (l *eventLog) add(e record.Event) { *l = append(*l, e) }

func (l eventLog) count(kind record.EventKind, level record.Level) int {
	n := 0
	for _, e := range l {
		if e.Kind == kind && e.Level == level {
			n++
		}
	}
	return n
}

func ptr(v float64) *float64 { return &v }

func testConfig() *config.Config {
	return &config.Config{
		Points: []config.Point{
			{ID: "gas", Unit: "%LEL", Gas: &config.Gas{Kind: "combustible", AL1: 20, AL2: 40, Deadband: 1}},
			{ID: "level", Unit: "mm", Limits: &config.Limits{H: ptr(8500), HH: ptr(9000)}},
		},
		Interlocks: []config.Interlock{{Name: "esd", When: config.When{Alarm: "al2", Points: []string{"gas"}, Vote: "1oo1"},
			Do: []config.Effect{{Output: "esd-1"}}}},
	}
}

func testClock() (time.Time, bool) { return time.Unix(1_800_000_000, 0), true }

func newTestEngine(t *testing.T) (*Engine, *fakeOutputs, *eventLog) {
	t.Helper()
	out := newFakeOutputs()
	log := &eventLog{}
	e, err := New(testConfig(), out, log.add, testClock)
	if err != nil {
		t.Fatal(err)
	}
	return e, out, log
}

func sample(point string, v float64) record.Sample {
	return record.Sample{Point: point, Value: v, Quality: record.Good, Time: time.Unix(1_800_000_000, 0), ClockSynced: true}
}

func TestOutputsSafeUntilFirstCompleteScan(t *testing.T) {
	e, out, _ := newTestEngine(t)
	for _, n := range out.Names() {
		if !out.state[n] {
			t.Errorf("%s inactive at start; want active (safe) until the first scan", n)
		}
	}
	e.Process(sample("gas", 0))
	if !out.state["esd-1"] {
		t.Error("esd-1 released before every point was read")
	}
	e.Process(sample("level", 5000))
	for _, n := range out.Names() {
		if out.state[n] {
			t.Errorf("%s still active after a healthy first scan", n)
		}
	}
}

func TestLeakLatchesLevelsAndTrips(t *testing.T) {
	e, out, log := newTestEngine(t)
	e.Process(sample("level", 5000))
	for _, v := range []float64{0, 10, 21, 30, 41, 55, 30, 5, 0} {
		e.Process(sample("gas", v))
	}
	if log.count(record.AlarmRaised, record.AL1) != 1 || log.count(record.AlarmRaised, record.AL2) != 1 {
		t.Errorf("raised al1=%d al2=%d, want 1 each", log.count(record.AlarmRaised, record.AL1), log.count(record.AlarmRaised, record.AL2))
	}
	if log.count(record.AlarmCleared, record.AL2) != 1 {
		t.Errorf("al2 cleared %d times, want 1", log.count(record.AlarmCleared, record.AL2))
	}
	if !out.state["horn"] || !out.state["beacon"] || !out.state["esd-1"] {
		t.Errorf("after the leak fell: outputs %v; want horn, beacon and esd-1 still active (latched)", out.state)
	}
	if log.count(record.Trip, record.AL2) != 1 {
		t.Errorf("trip events = %d, want 1", log.count(record.Trip, record.AL2))
	}
}

func TestResetRefusedWhilePastSetPoint(t *testing.T) {
	e, out, _ := newTestEngine(t)
	e.Process(sample("level", 5000))
	e.Process(sample("gas", 45))
	if refused, _ := e.Reset("", record.SourceLocalButton); refused == 0 {
		t.Error("reset accepted while gas is at 45 %LEL")
	}
	if !out.state["esd-1"] {
		t.Error("esd-1 released by a reset while the cause is present")
	}
	e.Process(sample("gas", 2))
	if refused, _ := e.Reset("", record.SourceLocalButton); refused != 0 {
		t.Errorf("reset refused %d items after gas fell", refused)
	}
	for _, n := range out.Names() {
		if out.state[n] {
			t.Errorf("%s active after a successful reset", n)
		}
	}
}

func TestSilenceStopsHornOnly(t *testing.T) {
	e, out, _ := newTestEngine(t)
	e.Process(sample("level", 5000))
	e.Process(sample("gas", 25))
	e.Silence("", record.SourceLocalButton)
	if out.state["horn"] {
		t.Error("horn still sounding after silence")
	}
	if !out.state["beacon"] {
		t.Error("silence turned the beacon off")
	}
	e.Process(sample("level", 9100))
	if !out.state["horn"] {
		t.Error("a new alarm after silence did not sound the horn")
	}
}

func TestBadSampleRaisesFault(t *testing.T) {
	e, _, log := newTestEngine(t)
	e.Process(record.Sample{Point: "gas", Quality: record.Bad, Cause: record.CauseCommLost})
	e.Process(record.Sample{Point: "gas", Quality: record.Bad, Cause: record.CauseCommLost})
	e.Process(sample("gas", 1))
	if log.count(record.FaultRaised, "") != 1 || log.count(record.FaultCleared, "") != 1 {
		t.Errorf("fault raised %d, cleared %d; want 1 each", log.count(record.FaultRaised, ""), log.count(record.FaultCleared, ""))
	}
}

func TestFailedOutputIsReportedAndRetried(t *testing.T) {
	out := newFakeOutputs()
	out.fail["esd-1"] = true
	log := &eventLog{}
	e, err := New(testConfig(), out, log.add, testClock)
	if err != nil {
		t.Fatal(err)
	}
	failures := 0
	for _, ev := range *log {
		if ev.Kind == record.OutputChanged && ev.Output == "esd-1" {
			failures++
		}
	}
	if failures != 1 {
		t.Errorf("failure events for esd-1 = %d, want 1", failures)
	}
	out.fail["esd-1"] = false
	e.Process(sample("gas", 45))
	if !out.state["esd-1"] {
		t.Error("esd-1 not driven on the next evaluation after its fault cleared")
	}
}

// Property: once raised, an alarm stays latched (beacon on) whatever
// values follow, until a reset while the value is inside its set point.
func TestLatchedAlarmStaysUntilReset(t *testing.T) {
	rapid.Check(t, func(rt *rapid.T) {
		out := newFakeOutputs()
		log := &eventLog{}
		e, err := New(testConfig(), out, log.add, testClock)
		if err != nil {
			rt.Fatal(err)
		}
		e.Process(sample("level", 5000))
		e.Process(sample("gas", rapid.Float64Range(20, 100).Draw(rt, "alarm")))
		for _, v := range rapid.SliceOf(rapid.Float64Range(-5, 100)).Draw(rt, "after") {
			e.Process(sample("gas", v))
			if !out.state["beacon"] {
				rt.Fatalf("beacon off after value %v without a reset", v)
			}
			if rapid.Bool().Draw(rt, "reset") {
				refused, _ := e.Reset("", record.SourceLocalButton)
				if v >= 20 && refused == 0 {
					rt.Fatalf("reset accepted at %v, past al1", v)
				}
				if refused == 0 {
					return
				}
			}
		}
	})
}

func TestRestoredTripStaysAfterRestart(t *testing.T) {
	e, _, _ := newTestEngine(t)
	changes := 0
	e.OnLatchChange(func() { changes++ })
	e.Process(sample("level", 5000))
	e.Process(sample("gas", 45))
	saved := e.Latches()
	if a, tr := saved.Count(); a != 2 || tr != 1 || changes != 3 {
		t.Fatalf("latches = %+v (changes %d); want al1, al2 and one trip, 3 changes", saved, changes)
	}

	restarted, out, _ := newTestEngine(t)
	restarted.Restore(saved)
	restarted.Process(sample("level", 5000))
	restarted.Process(sample("gas", 1))
	if !out.state["esd-1"] || !out.state["beacon"] {
		t.Errorf("after restart with gas normal: outputs %v; want esd-1 and beacon still active", out.state)
	}
	if refused, _ := restarted.Reset("", record.SourceLocalButton); refused != 0 {
		t.Errorf("reset after restart refused %d items", refused)
	}
	if out.state["esd-1"] {
		t.Error("esd-1 still active after a successful reset")
	}
}

func TestTextPointNeverAlarms(t *testing.T) {
	cfg := testConfig()
	length := 4
	cfg.Points = append(cfg.Points, config.Point{ID: "firmware", Type: config.TextType, Length: &length})
	out := newFakeOutputs()
	log := &eventLog{}
	e, err := New(cfg, out, log.add, testClock)
	if err != nil {
		t.Fatal(err)
	}

	e.Process(sample("gas", 0))
	e.Process(sample("level", 5000))
	if out.state["esd-1"] {
		t.Error("esd-1 still active after every numeric point was read; a text point must not hold it")
	}
	before := len(*log)
	e.Process(record.Sample{Point: "firmware", IsText: true, Text: "V2.1.7", Quality: record.Good})
	e.Process(record.Sample{Point: "firmware", IsText: true, Quality: record.Bad, Cause: record.CauseInvalidText})
	e.Process(record.Sample{Point: "firmware", IsText: true, Quality: record.Bad, Cause: record.CauseCommLost})
	if added := (*log)[before:]; len(added) != 0 {
		t.Errorf("text samples produced events %+v; want none", added)
	}
}
