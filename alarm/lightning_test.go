package alarm

import (
	"strings"
	"testing"
	"time"

	"github.com/plantgw/plantgw/config"
	"github.com/plantgw/plantgw/record"
)

func lightningEngine(t *testing.T, l config.Lightning) (*Engine, *eventLog) {
	t.Helper()
	cfg := &config.Config{Points: []config.Point{{ID: "LW", Unit: ""}, {ID: "LW.red", Type: "bool"}}, Lightning: l}
	log := &eventLog{}
	clock := &testClockAt{now: time.Unix(1_800_000_000, 0)}
	e, err := New(cfg, newPatternOutputs(), log.add, clock.read)
	if err != nil {
		t.Fatal(err)
	}
	return e, log
}

// levels returns the lightning events' levels in order.
func levels(l *eventLog) string {
	var out []string
	for _, e := range *l {
		if e.Kind == record.LightningWarning {
			out = append(out, e.State+"@"+e.Point+e.Device)
		}
	}
	return strings.Join(out, " ")
}

func TestLightningLevelPointRecordsEachChange(t *testing.T) {
	e, log := lightningEngine(t, config.Lightning{Point: "LW"})
	t0 := time.Unix(1_800_000_000, 0)
	for i, v := range []float64{0, 0, 1, 1, 3, 2, 0, 7} {
		e.Process(at("LW", v, t0.Add(time.Duration(i)*time.Second)))
	}
	e.Process(record.Sample{Point: "LW", Quality: record.Bad, Cause: record.CauseCommLost, Time: t0.Add(10 * time.Second)})
	e.Process(at("LW", 1.5, t0.Add(11*time.Second)))
	want := "yellow@LW red@LW orange@LW none@LW unknown@LW"
	if got := levels(log); got != want {
		t.Fatalf("lightning events %q, want %q", got, want)
	}
	if lvl, src := e.LightningLevel(); lvl != LightningUnknown || src != "LW" {
		t.Fatalf("level %s from %s", lvl, src)
	}
	for _, ev := range *log {
		if ev.Kind == record.LightningWarning && ev.Level != "" {
			t.Fatalf("a lightning warning carries an alarm level: %+v", ev)
		}
	}
}

func TestLightningContactsTakeTheHighestActiveLevel(t *testing.T) {
	e, log := lightningEngine(t, config.Lightning{Contacts: config.LightningContacts{Yellow: "input:lightning-warning", Red: "LW.red"}})
	t0 := time.Unix(1_800_000_000, 0)
	e.Process(contactAt("input:lightning-warning", false, t0))
	e.Process(contactAt("LW.red", false, t0))
	e.Process(contactAt("input:lightning-warning", true, t0.Add(time.Second)))
	e.Process(contactAt("LW.red", true, t0.Add(2*time.Second)))
	// Yellow dropping while red holds changes nothing.
	e.Process(contactAt("input:lightning-warning", false, t0.Add(3*time.Second)))
	e.Process(contactAt("LW.red", false, t0.Add(4*time.Second)))
	want := "yellow@input:lightning-warning red@LW.red none@LW.red"
	if got := levels(log); got != want {
		t.Fatalf("lightning events %q, want %q", got, want)
	}
}

func TestLightningWarningActiveAtStartIsRecorded(t *testing.T) {
	e, log := lightningEngine(t, config.Lightning{Point: "LW"})
	e.Process(at("LW", 2, time.Unix(1_800_000_000, 0)))
	if got := levels(log); got != "orange@LW" {
		t.Fatalf("lightning events %q", got)
	}
}
