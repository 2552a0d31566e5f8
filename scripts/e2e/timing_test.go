package e2e

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/plantgw/plantgw/internal/testenv"
)

// TestDeviceTimeoutOnRTU runs two detectors that reply 500 ms after each
// request on an RTU bus with a 300 ms timeout. GT-103 has its own 1 s
// timeout in the config and must deliver good readings without a comm
// loss; GT-104 keeps the bus timeout and must be reported lost. At stop the
// gateway logs the line counters, which must show the timeouts and the late
// replies it dropped.
func TestDeviceTimeoutOnRTU(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end test takes about 20 s")
	}
	plant := startPlant(t, "normal", "--quirk", "rtu/3:slow=500ms,rtu/4:slow=500ms")
	sub := testenv.Subscribe(t, plant.broker.URL(), "e2e-timing", "plantgw/+/gw-demo-01/+")
	cfg := demoConfigWith(t, plant.dir, "  - name: GT-103\n    bus: rs485-1\n    unit: 3\n", "    timeout: 1s\n")
	gw := plant.startGatewayWith(t, cfg)

	testenv.WaitFor(t, 30*time.Second, "comm_lost for GT-104 and 5 good GT-103 readings", func() bool {
		lost, good := false, 0
		for _, r := range sub.Records() {
			lost = lost || (r.Event == "comm_lost" && r.Device == "GT-104")
			if r.PointID == "GT-103.conc" && r.Kind == "sample" && r.Quality == "good" {
				good++
			}
		}
		return lost && good >= 5
	})
	for _, r := range sub.Records() {
		if r.Event == "comm_lost" && r.Device == "GT-103" {
			t.Errorf("seq %d: GT-103 reported lost although its 1 s timeout covers its 500 ms replies", r.Seq)
		}
	}
	if !gw.stop(10 * time.Second) {
		t.Fatal("gatewayd did not stop on SIGTERM")
	}
	out, err := os.ReadFile(gw.log)
	if err != nil {
		t.Fatal(err)
	}
	counters := lineCounters(t, string(out), "rs485-1")
	if counters["timeouts"] == 0 || counters["late_replies"] == 0 {
		t.Errorf("line counters %v: want timeouts and late replies from GT-104", counters)
	}
	t.Logf("rs485-1 line counters at stop: %v", counters)
}

// demoConfigWith writes a copy of the demo config into dir with extra
// inserted after the first occurrence of after.
func demoConfigWith(t *testing.T, dir, after, extra string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(repoRoot(t), "config", "examples", "demo.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	text := string(b)
	i := strings.Index(text, after)
	if i < 0 {
		t.Fatalf("demo.yaml no longer contains %q", after)
	}
	i += len(after)
	path := filepath.Join(dir, "gateway.yaml")
	if err := os.WriteFile(path, []byte(text[:i]+extra+text[i:]), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// startGatewayWith runs gatewayd with the config at path against the site.
func (s *site) startGatewayWith(t *testing.T, path string) *proc {
	t.Helper()
	env := []string{"DEMO_DIR=" + s.dir, fmt.Sprintf("DEMO_MODBUS_PORT=%d", s.modbusPort), fmt.Sprintf("DEMO_MQTT_PORT=%d", s.broker.Port),
		fmt.Sprintf("DEMO_WEB_PORT=%d", testenv.FreePort(t)), "PLANTGW_LANG=en"}
	return start(t, s.dir, "gatewayd", env, filepath.Join(s.bins, "gatewayd"), "--config", path, "--lang", "en")
}

var counterField = regexp.MustCompile(`(\w+)=(\d+)(?:\s|$)`)

// lineCounters returns the fields of the last "line counters" log line of
// bus in a gatewayd log.
func lineCounters(t *testing.T, log, bus string) map[string]uint64 {
	t.Helper()
	var last string
	for _, line := range strings.Split(log, "\n") {
		if strings.Contains(line, "line counters") && strings.Contains(line, "bus="+bus) {
			last = line
		}
	}
	if last == "" {
		t.Fatalf("no line counters logged for bus %s", bus)
	}
	out := map[string]uint64{}
	for _, m := range counterField.FindAllStringSubmatch(last, -1) {
		n, _ := strconv.ParseUint(m[2], 10, 64)
		out[m[1]] = n
	}
	return out
}
