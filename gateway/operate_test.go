package gateway

import (
	"testing"
	"time"

	"github.com/plantgw/plantgw/internal/testenv"
	"github.com/plantgw/plantgw/record"
	"github.com/plantgw/plantgw/web"
)

// TestLocalAPIBypassAndReset runs the gateway with
// its API on loopback: an operator account bypasses the gas point, the
// gas rises without a trip, ending the bypass trips, and a reset through
// the API releases the output. Every action is stored with the account.
func TestLocalAPIBypassAndReset(t *testing.T) {
	slave, port := startGasSlave(t)
	g := startGasAPIGateway(t, port)
	b := g.board
	op := g.addOperator("liu", "Shift-B-2026")

	op.must(204, "POST", "/api/bypasses", map[string]any{"point": "GT-1.conc", "reason": "calibration gas", "duration": "1h"}, nil)
	slave.tenths.Store(450)
	var st web.Status
	testenv.WaitFor(t, 5*time.Second, "alarm latched at 45 %LEL", func() bool {
		op.must(200, "GET", "/api/status", nil, &st)
		return len(st.Alarms) > 0
	})
	time.Sleep(500 * time.Millisecond)
	if b.State()["esd-1"] {
		t.Fatal("esd-1 tripped on a bypassed point")
	}
	op.must(200, "GET", "/api/status", nil, &st)
	if len(st.Bypasses) != 1 || st.Bypasses[0].Operator != "liu" || st.Points[0].Value == nil || *st.Points[0].Value != 45 {
		t.Fatalf("status during bypass: %+v", st)
	}

	op.must(204, "DELETE", "/api/bypasses/GT-1.conc", nil, nil)
	testenv.WaitFor(t, 5*time.Second, "esd-1 trips once the bypass ends", func() bool { return b.State()["esd-1"] })
	op.must(200, "GET", "/api/status", nil, &st)
	if len(st.Interlocks) != 1 || !st.Interlocks[0].Tripped || st.Interlocks[0].Points[0] != "GT-1.conc" {
		t.Errorf("interlocks in status: %+v", st.Interlocks)
	}
	if len(st.Alarms) == 0 || st.Alarms[0].Value == nil || *st.Alarms[0].Value != 45 || st.Alarms[0].SetPoint == 0 {
		t.Errorf("alarms in status: %+v", st.Alarms)
	}
	active := map[string]bool{}
	for _, o := range st.Outputs {
		active[o.Name] = o.Active
	}
	if !active["esd-1"] || st.Timezone == "" {
		t.Errorf("outputs %+v, timezone %q", st.Outputs, st.Timezone)
	}
	var reset struct {
		NotReset int `json:"not_reset"`
	}
	op.must(200, "POST", "/api/alarms/reset", nil, &reset)
	if reset.NotReset == 0 {
		t.Fatal("reset accepted while the gas is still at 45 %LEL")
	}
	slave.tenths.Store(10)
	testenv.WaitFor(t, 5*time.Second, "reset through the API once the gas is back", func() bool {
		op.must(200, "POST", "/api/alarms/reset", nil, &reset)
		return reset.NotReset == 0 && !b.State()["esd-1"]
	})
	g.stop()

	byKind := map[record.EventKind]record.Event{}
	for _, e := range testenv.StoredEvents(t, g.bufDir, 0) {
		byKind[e.Kind] = e
	}
	for _, k := range []record.EventKind{record.BypassOn, record.BypassOff, record.TripReset, record.AlarmReset} {
		e, ok := byKind[k]
		if !ok || e.Operator != "liu" || e.Source != record.SourceLocalUI {
			t.Errorf("%s event: %+v, want operator liu from local_ui", k, e)
		}
	}
	if e := byKind[record.AccountCreated]; e.Operator != "zhang" {
		t.Errorf("account_created: %+v", e)
	}
}
