package modbus

import (
	"strings"
	"testing"
	"time"

	"golang.org/x/text/language"
	"golang.org/x/text/message"

	"github.com/plantgw/plantgw/config"
)

func TestPrintPlanWarnsOfAFullLine(t *testing.T) {
	pr := message.NewPrinter(language.English)
	rtu := &config.RTU{Port: "/dev/ttyS1", Baud: 1200, DataBits: 8, Parity: "none", StopBits: 1}

	busy := testBusConfig(10, 100*time.Millisecond, 5*time.Second)
	busy.Buses[0].RTU = rtu
	out, err := FormatPlan(busy, pr)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out, "bus b (1200 baud, 8N1)") || !strings.Contains(out, "warning: bus b is overloaded") {
		t.Errorf("10 devices every 100 ms at 1200 baud, plan:\n%s", out)
	}

	calm := testBusConfig(2, 10*time.Second, 20*time.Second)
	calm.Buses[0].RTU = rtu
	out, err = FormatPlan(calm, pr)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(out, "warning") {
		t.Errorf("2 devices every 10 s warned:\n%s", out)
	}
}

func TestLoadWarningsNameTheBus(t *testing.T) {
	pr := message.NewPrinter(language.English)
	cfg := testBusConfig(10, 100*time.Millisecond, 5*time.Second)
	cfg.Buses[0].RTU = &config.RTU{Port: "/dev/ttyS1", Baud: 1200, DataBits: 8, Parity: "none", StopBits: 1}
	warnings, err := LoadWarnings(cfg, pr)
	if err != nil {
		t.Fatal(err)
	}
	if len(warnings) != 1 || !strings.Contains(warnings[0], "bus b is overloaded") {
		t.Errorf("warnings = %q, want one overload warning for bus b", warnings)
	}
}
