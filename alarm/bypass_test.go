package alarm

import (
	"errors"
	"testing"
	"time"

	"github.com/plantgw/plantgw/config"
	"github.com/plantgw/plantgw/record"
)

func TestBypassNeedsAnInterlockedPoint(t *testing.T) {
	cfg := &config.Config{
		Points: []config.Point{{ID: "GT", Gas: &config.Gas{Kind: "combustible", AL1: 20, AL2: 40}}, {ID: "TT"}},
		Interlocks: []config.Interlock{{Name: "esd", When: config.When{Alarm: "al2", Points: []string{"GT"}, Vote: "1oo1"},
			Do: []config.Effect{{Output: "esd-1"}}}},
	}
	log := &eventLog{}
	clock := &testClockAt{now: time.Unix(1_800_000_000, 0)}
	e, err := New(cfg, newPatternOutputs(), log.add, clock.read)
	if err != nil {
		t.Fatal(err)
	}
	if err := e.Bypass("TT", "Li", "calibration", time.Hour, record.SourceLocalUI); !errors.Is(err, ErrNotInterlocked) {
		t.Errorf("bypass of a point in no interlock: %v, want ErrNotInterlocked", err)
	}
	if err := e.EndBypass("GT", "Li", record.SourceLocalUI); !errors.Is(err, ErrNoBypass) {
		t.Errorf("ending a bypass that does not exist: %v, want ErrNoBypass", err)
	}
	if err := e.Bypass("GT", "Li", "calibration", time.Hour, record.SourceLocalUI); err != nil {
		t.Fatal(err)
	}
	var on record.Event
	for _, ev := range *log {
		if ev.Kind == record.BypassOn {
			on = ev
		}
	}
	if on.Reason != "calibration" {
		t.Errorf("bypass_on reason %q", on.Reason)
	}
	if !on.Until.Equal(clock.now.Add(time.Hour)) {
		t.Errorf("bypass_on until %v, want %v", on.Until, clock.now.Add(time.Hour))
	}
}
