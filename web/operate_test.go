package web

import (
	"strings"
	"testing"
)

func TestBypassReasonAndDuration(t *testing.T) {
	rg := newRig(t)
	admin := rg.installer()
	op := rg.account(admin, "liu", Operator)
	r := op.expect(400, "POST", "/api/bypasses", map[string]any{"point": "GT-101", "reason": "", "duration": "1h"})
	if r.body["error"] != string(codeBypassReason) {
		t.Fatalf("no reason: %s", r.raw)
	}
	r = op.expect(400, "POST", "/api/bypasses", map[string]any{"point": "GT-101", "reason": "标定", "duration": "9h"})
	if r.body["error"] != string(codeBypassDuration) || !strings.Contains(r.body["message"].(string), "8h") {
		t.Fatalf("too long: %s", r.raw)
	}
	op.expect(400, "POST", "/api/bypasses", map[string]any{"point": "GT-101", "reason": "标定", "duration": "soon"})
	op.lang = "en"
	r = op.expect(404, "POST", "/api/bypasses", map[string]any{"point": "GT-999", "reason": "calibration", "duration": "1h"})
	if r.body["message"] != `no alarm point "GT-999"; gwctl status or the local page lists the points` {
		t.Fatalf("unknown point: %s", r.raw)
	}
	r = op.expect(409, "POST", "/api/bypasses", map[string]any{"point": "TT-1", "reason": "calibration", "duration": "1h"})
	if r.body["error"] != string(codeNotInterlocked) {
		t.Fatalf("point in no interlock: %s", r.raw)
	}
	r = op.expect(409, "DELETE", "/api/bypasses/GT-101", nil)
	if r.body["error"] != string(codeNoBypass) {
		t.Fatalf("ending a bypass that does not exist: %s", r.raw)
	}
	op.expect(204, "POST", "/api/bypasses", map[string]any{"point": "GT-101", "reason": "标定", "duration": "2h"})
	r = op.expect(200, "GET", "/api/bypasses", nil)
	if !strings.Contains(r.raw, `"operator":"liu"`) || !strings.Contains(r.raw, `"reason":"标定"`) {
		t.Fatalf("bypass list %s", r.raw)
	}
	op.expect(204, "DELETE", "/api/bypasses/GT-101", nil)
	want := "bypass GT-101 liu 标定 2h0m0s|end GT-101 liu"
	if got := strings.Join(rg.plant.actions, "|"); got != want {
		t.Fatalf("actions %q, want %q", got, want)
	}
}
