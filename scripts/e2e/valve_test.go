package e2e

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/plantgw/plantgw/internal/testenv"
)

// TestOverfillClosesInletValve runs plantsim's overfill scenario at 3x
// speed: tank T-301 fills through XV-101 until LT-301 passes HH. The
// t301-overfill interlock must write XV-101's command coil to close it;
// plantsim then moves the valve to its closed limit (6 simulated seconds),
// which the gateway's valve supervision must see within the 20 s stroke
// time, so neither valve_failed nor valve_uncommanded is raised, and the
// level must stop rising.
func TestOverfillClosesInletValve(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end test takes about 25 s")
	}
	plant := startPlant(t, "overfill", "--speed", "3")
	sub := testenv.Subscribe(t, plant.broker.URL(), "e2e-valve", "plantgw/+/gw-demo-01/+")
	plant.startGateway(t)

	var tripAt, closedAt time.Time
	var after []float64 // LT-301 readings once XV-101 is closed
	testenv.WaitFor(t, 30*time.Second, "the t301-overfill trip, XV-101 closed and 3 LT-301 readings after", func() bool {
		tripAt, closedAt, after = time.Time{}, time.Time{}, nil
		for _, r := range sub.Records() {
			if r.Event == "trip" && strings.Contains(r.Text, "t301-overfill") && tripAt.IsZero() {
				tripAt = r.TS
			}
			if on, ok := r.Bool(); ok && r.PointID == "XV-101.closed" && on && !tripAt.IsZero() && closedAt.IsZero() {
				closedAt = r.TS
			}
			if v, ok := r.Number(); ok && r.PointID == "LT-301.level" && r.Quality == "good" && !closedAt.IsZero() && r.TS.After(closedAt) {
				after = append(after, v)
			}
		}
		return len(after) >= 3
	})

	commandOff := false
	for _, r := range sub.Records() {
		switch {
		case r.Event == "valve_failed" || r.Event == "valve_uncommanded":
			t.Errorf("seq %d: %s: %s", r.Seq, r.Event, r.Text)
		case r.PointID == "XV-101.command" && r.Kind == "sample":
			if on, ok := r.Bool(); ok && !on {
				commandOff = true
			}
		}
	}
	if !commandOff {
		t.Error("XV-101's command coil never read false after the trip")
	}
	if d := closedAt.Sub(tripAt); d > 20*time.Second {
		t.Errorf("XV-101 closed %v after the trip; its stroke time is 20 s", d)
	}
	// With the inlet closed the level holds.
	if rise := slices.Max(after) - after[0]; rise > 1 {
		t.Errorf("LT-301 rose %.0f mm after XV-101 closed: %v", rise, after)
	}
	t.Logf("trip at %s, XV-101 closed %v later, LT-301 after: %v", tripAt.Format(time.StampMilli), closedAt.Sub(tripAt), after)
}
