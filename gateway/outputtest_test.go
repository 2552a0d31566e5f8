package gateway

import (
	"strings"
	"testing"
	"time"

	"github.com/plantgw/plantgw/internal/testenv"
	"github.com/plantgw/plantgw/record"
	"github.com/plantgw/plantgw/web"
)

// TestLocalAPIOutputTest runs the gateway with its API on loopback. An
// installer tests esd-1, which trips and is released again, and an
// operator may not test. A test of the tripped esd-1 leaves it tripped,
// and a stop ends a running test. Starts and ends are stored with the
// installer.
func TestLocalAPIOutputTest(t *testing.T) {
	slave, port := startGasSlave(t)
	g := startGasAPIGateway(t, port)
	b, installer := g.board, g.installer
	op := g.addOperator("liu", "Shift-B-2026")

	op.must(403, "POST", "/api/outputs/test", map[string]any{"output": "esd-1"}, nil)
	var list web.OutputList
	installer.must(202, "POST", "/api/outputs/test", map[string]any{"output": "esd-1", "seconds": 2}, &list)
	if !b.State()["esd-1"] {
		t.Fatal("esd-1 not tripped on the board during its test")
	}
	if list.Test == nil || list.Test.Output != "esd-1" || list.Test.Operator != "zhang" {
		t.Errorf("reply to the test: %+v", list)
	}
	installer.must(409, "POST", "/api/outputs/test", map[string]any{"output": "horn"}, nil)
	list = web.OutputList{}
	op.must(200, "GET", "/api/outputs", nil, &list)
	if !outputIs(list, "esd-1", func(o web.OutputStatus) bool { return o.Active && o.Testing && !o.Held }) {
		t.Errorf("outputs during the test: %+v", list.Outputs)
	}
	started := time.Now()
	testenv.WaitFor(t, 5*time.Second, "esd-1 released after its test", func() bool { return !b.State()["esd-1"] })
	if took := time.Since(started); took > 3*time.Second {
		t.Errorf("a 2 s test ended after %v more", took)
	}

	slave.tenths.Store(450)
	testenv.WaitFor(t, 5*time.Second, "esd-1 tripped at 45 %LEL", func() bool { return b.State()["esd-1"] })
	installer.must(202, "POST", "/api/outputs/test", map[string]any{"output": "esd-1", "seconds": 1}, nil)
	testenv.WaitFor(t, 5*time.Second, "the test of the tripped esd-1 ended", func() bool {
		list = web.OutputList{}
		installer.must(200, "GET", "/api/outputs", nil, &list)
		return list.Test == nil
	})
	if !b.State()["esd-1"] || !outputIs(list, "esd-1", func(o web.OutputStatus) bool { return o.Active && o.Held }) {
		t.Errorf("esd-1 after testing it tripped: board %v, outputs %+v; want it still tripped", b.State()["esd-1"], list.Outputs)
	}

	installer.must(202, "POST", "/api/outputs/test", map[string]any{"output": "beacon", "seconds": 30}, nil)
	g.stop()

	var kinds []string
	var tests []record.Event
	for _, e := range testenv.StoredEvents(t, g.bufDir, 0) {
		switch e.Kind {
		case record.OutputTestStarted, record.OutputTestEnded:
			tests = append(tests, e)
			kinds = append(kinds, string(e.Kind)+" "+e.Output)
		case record.GatewayStopped:
			kinds = append(kinds, string(e.Kind))
		}
	}
	want := "output_test_started esd-1|output_test_ended esd-1|output_test_started esd-1|output_test_ended esd-1|" +
		"output_test_started beacon|output_test_ended beacon|gateway_stopped"
	if got := strings.Join(kinds, "|"); got != want {
		t.Fatalf("stored test events %q, want %q", got, want)
	}
	for _, e := range tests {
		if e.Operator != "zhang" {
			t.Errorf("%s %s: operator %q, want zhang", e.Kind, e.Output, e.Operator)
		}
		if e.Kind == record.OutputTestStarted && (e.Source != record.SourceLocalUI || e.Until.IsZero()) {
			t.Errorf("%s %s: source %s, until %v; want local_ui and an end", e.Kind, e.Output, e.Source, e.Until)
		}
	}
	if last := tests[len(tests)-1]; !strings.Contains(last.Text, "stopping") {
		t.Errorf("the stop ended the beacon's test with %q", last.Text)
	}
}

func outputIs(list web.OutputList, name string, cond func(web.OutputStatus) bool) bool {
	for _, o := range list.Outputs {
		if o.Name == name {
			return cond(o)
		}
	}
	return false
}
