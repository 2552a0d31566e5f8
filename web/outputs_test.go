package web

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/plantgw/plantgw/record"
)

func TestOutputTestNeedsInstaller(t *testing.T) {
	rg := newRig(t)
	admin := rg.installer()
	viewer := rg.account(admin, "wang", Viewer)
	op := rg.account(admin, "liu", Operator)

	rg.client().expect(401, "GET", "/api/outputs", nil)
	r := viewer.expect(200, "GET", "/api/outputs", nil)
	if !strings.Contains(r.raw, `"name":"esd-1"`) || strings.Contains(r.raw, `"test"`) {
		t.Errorf("outputs for a viewer: %s", r.raw)
	}
	for _, c := range []*client{viewer, op} {
		r = c.expect(403, "POST", "/api/outputs/test", map[string]any{"output": "esd-1"})
		if r.body["error"] != string(codeForbidden) {
			t.Errorf("output test by a non-installer: %s", r.raw)
		}
	}
	if got := rg.plant.actionList(); len(got) != 0 {
		t.Errorf("rejected tests reached the plant: %v", got)
	}
}

func TestOutputTestStartsWithDefaultSeconds(t *testing.T) {
	rg := newRig(t)
	admin := rg.installer()
	r := admin.expect(202, "POST", "/api/outputs/test", map[string]any{"output": "esd-1"})
	var list OutputList
	if err := json.Unmarshal([]byte(r.raw), &list); err != nil {
		t.Fatal(err)
	}
	if list.Test == nil || list.Test.Output != "esd-1" || list.Test.Operator != "zhang" || list.Test.Until.Sub(list.Test.Started) != 3*time.Second {
		t.Errorf("reply to the test: %s", r.raw)
	}
	if len(list.Outputs) != 3 || !list.Outputs[1].Testing || !list.Outputs[1].Active {
		t.Errorf("outputs in the reply: %+v", list.Outputs)
	}
	if got, want := strings.Join(rg.plant.actionList(), "|"), "test esd-1 zhang 3s"; got != want {
		t.Errorf("actions %q, want %q", got, want)
	}
}

func TestOutputTestRejections(t *testing.T) {
	rg := newRig(t)
	admin := rg.installer()
	admin.lang = "en"
	tests := []struct {
		name    string
		body    map[string]any
		status  int
		code    code
		message string
	}{
		{"zero seconds", map[string]any{"output": "horn", "seconds": 0}, 400, codeTestSeconds, "invalid seconds 0: give a whole number from 1 to 30"},
		{"31 seconds", map[string]any{"output": "horn", "seconds": 31}, 400, codeTestSeconds, "from 1 to 30"},
		{"fractional seconds", map[string]any{"output": "horn", "seconds": 2.5}, 400, codeBadRequest, "invalid request"},
		{"unknown field", map[string]any{"output": "horn", "for": "3s"}, 400, codeBadRequest, "unknown field"},
		{"unknown output", map[string]any{"output": "esd-9"}, 404, codeUnknownOutput, `no output "esd-9" on this gateway's board; its outputs are: beacon, esd-1, horn`},
	}
	for _, tt := range tests {
		r := admin.expect(tt.status, "POST", "/api/outputs/test", tt.body)
		if r.body["error"] != string(tt.code) || !strings.Contains(r.body["message"].(string), tt.message) {
			t.Errorf("%s: %s; want %s with %q", tt.name, r.raw, tt.code, tt.message)
		}
	}

	admin.expect(202, "POST", "/api/outputs/test", map[string]any{"output": "horn", "seconds": 30})
	r := admin.expect(409, "POST", "/api/outputs/test", map[string]any{"output": "beacon"})
	if r.body["error"] != string(codeTestRunning) || r.body["message"] != "output horn is under test by zhang for another 30 s; start the next test after it ends" {
		t.Errorf("test while another runs: %s", r.raw)
	}
	admin.lang = "zh-CN"
	r = admin.expect(409, "POST", "/api/outputs/test", map[string]any{"output": "beacon"})
	if r.body["message"] != "输出 horn 正由 zhang 测试, 还剩 30 秒; 请在测试结束后再开始下一项测试" {
		t.Errorf("test while another runs, in Chinese: %s", r.raw)
	}

	rg.plant.endTest()
	rg.plant.mu.Lock()
	rg.plant.stopping = true
	rg.plant.mu.Unlock()
	r = admin.expect(503, "POST", "/api/outputs/test", map[string]any{"output": "beacon"})
	if r.body["error"] != string(codeGatewayStopping) {
		t.Errorf("test while the gateway stops: %s", r.raw)
	}
	if got, want := strings.Join(rg.plant.actionList(), "|"), "test horn zhang 30s"; got != want {
		t.Errorf("actions %q, want %q", got, want)
	}
}

// EventOf passes on the fields that the console lines of gwctl events
// need: a bypass's reason and expiry, an output test's end and a comm
// loss's cause and exception code.
func TestEventOfKeepsReasonUntilAndCause(t *testing.T) {
	until := time.Date(2026, 12, 5, 8, 0, 3, 0, time.UTC)
	got := EventOf(record.Event{Kind: record.OutputTestStarted, Output: "esd-1", Operator: "zhang", Until: until}, 9)
	if !got.Until.Equal(until) || got.Operator != "zhang" || got.Seq != 9 {
		t.Errorf("output_test_started: %+v", got)
	}
	got = EventOf(record.Event{Kind: record.CommLost, Device: "LT-301", Cause: record.CauseException, Code: 0x0A}, 0)
	raw, err := json.Marshal(got)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(raw), `"cause":"exception","code":10`) || strings.Contains(string(raw), `"until"`) {
		t.Errorf("comm_lost as JSON: %s", raw)
	}
	got = EventOf(record.Event{Kind: record.BypassOn, Point: "GT-101", Reason: "更换探头", Until: until}, 0)
	if got.Reason != "更换探头" || !got.Until.Equal(until) {
		t.Errorf("bypass_on: %+v", got)
	}
}
