package e2e

import (
	"bytes"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/signal"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/plantgw/plantgw/internal/testenv"
)

// TestSilentSlaveOnRTU runs plantsim's silent scenario: GT-103 stops
// replying on the RTU line for 20 s. The gateway must report comm loss
// within 10 s, send bad samples, keep polling the other detectors on the
// same line at their rate, and report the device back.
func TestSilentSlaveOnRTU(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end test takes about 30 s")
	}
	plant := startPlant(t, "silent")
	sub := testenv.Subscribe(t, plant.broker.URL(), "e2e-silent", "plantgw/+/gw-demo-01/+")
	silentFrom := time.Now()
	plant.startGateway(t)

	var lostAt time.Time
	testenv.WaitFor(t, 15*time.Second, "comm_lost for GT-103", func() bool {
		for _, r := range sub.Records() {
			if r.Event == "comm_lost" && lostAt.IsZero() {
				lostAt = time.Now()
			}
		}
		return !lostAt.IsZero()
	})
	// silentFrom is plantsim's start, slightly before the gateway's first
	// poll; 1 s covers that and the upload.
	if d := lostAt.Sub(silentFrom); d > 11*time.Second {
		t.Errorf("comm loss reported %v after the device went silent; want within 10 s (+1 s for start-up and upload)", d)
	}

	testenv.WaitFor(t, 30*time.Second, "comm_restored for GT-103", func() bool {
		for _, r := range sub.Records() {
			if r.Event == "comm_restored" {
				return true
			}
		}
		return false
	})
	silentFor := time.Since(silentFrom)

	bad, neighbour := 0, 0
	for _, r := range sub.Records() {
		switch {
		case r.PointID == "GT-103.conc" && r.Kind == "sample" && r.Quality == "bad":
			bad++
		case r.PointID == "GT-101.conc" && r.Kind == "sample" && r.Quality == "good":
			neighbour++
		}
	}
	if bad == 0 {
		t.Error("no bad-quality samples for the silent GT-103")
	}
	// GT-101 polls every second on the same RTU line.
	if want := int(silentFor.Seconds() * 0.9); neighbour < want-1 {
		t.Errorf("GT-101 sent %d good samples in %v; want at least %d (90 %% of its poll rate)", neighbour, silentFor.Round(time.Second), want-1)
	}
	t.Logf("silent for %v: comm loss after %v, %d bad GT-103 samples, %d good GT-101 samples",
		silentFor.Round(time.Second), lostAt.Sub(silentFrom).Round(100*time.Millisecond), bad, neighbour)
}

var summaryLine = regexp.MustCompile(`platform summary: gateway gw-demo-01 received (\d+) records, (\d+) alarms, (\d+) trips, (\d+) gaps, (\d+) duplicates, (\d+) invalid`)

// TestDemoScript runs the README's first command the way make demo does,
// with DEMO_SECONDS, and checks its closing summary line.
func TestDemoScript(t *testing.T) {
	if testing.Short() {
		t.Skip("the demo runs for 30 s")
	}
	bins := buildBinaries(t)
	cmd := exec.Command("./scripts/demo.sh")
	cmd.Dir = repoRoot(t)
	cmd.Env = append(os.Environ(), "DEMO_SECONDS=30", "DEMO_SPEED=2", "PLANTGW_LANG=en", "DEMO_BIN="+bins, "DEMO_DIR="+t.TempDir(),
		fmt.Sprintf("DEMO_MQTT_PORT=%d", testenv.FreePort(t)), fmt.Sprintf("DEMO_MODBUS_PORT=%d", testenv.FreePort(t)))
	done := make(chan struct{})
	var out []byte
	var err error
	go func() { out, err = cmd.CombinedOutput(); close(done) }()
	select {
	case <-done:
	case <-time.After(90 * time.Second):
		_ = cmd.Process.Kill()
		<-done
		t.Fatalf("demo did not stop within 90 s of DEMO_SECONDS=30:\n%s", tail(out, 3000))
	}
	if err != nil {
		t.Fatalf("demo exited with %v:\n%s", err, tail(out, 3000))
	}
	m := summaryLine.FindSubmatch(out)
	if m == nil {
		t.Fatalf("no summary line in the demo output:\n%s", tail(out, 3000))
	}
	n := func(i int) int { v, _ := strconv.Atoi(string(m[i])); return v }
	if n(1) < 100 || n(2) < 2 || n(3) < 1 || n(4) != 0 || n(5) != 0 || n(6) != 0 {
		t.Errorf("summary %q: want at least 100 records, 2 alarms (leak level 1 and 2), 1 trip (gas-esd), no gaps, duplicates or invalid messages", m[0])
	}
}

// TestDemoStopsOnCtrlC sends SIGINT to the demo's whole process group, as
// a terminal's Ctrl-C does, and checks that it stops in order: the summary
// line comes last and no program of the demo is left running.
func TestDemoStopsOnCtrlC(t *testing.T) {
	if testing.Short() {
		t.Skip("the demo runs for 10 s")
	}
	// A process started with SIGINT ignored passes that on, and bash
	// cannot trap an ignored signal; handling SIGINT here makes the demo
	// start with the default action, as from a terminal.
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, syscall.SIGINT)
	defer signal.Stop(sigs)

	bins := buildBinaries(t)
	demoDir := t.TempDir()
	cmd := exec.Command("./scripts/demo.sh")
	cmd.Dir = repoRoot(t)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	cmd.Env = append(os.Environ(), "PLANTGW_LANG=en", "DEMO_BIN="+bins, "DEMO_DIR="+demoDir,
		fmt.Sprintf("DEMO_MQTT_PORT=%d", testenv.FreePort(t)), fmt.Sprintf("DEMO_MODBUS_PORT=%d", testenv.FreePort(t)))
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	time.Sleep(8 * time.Second)
	if err := syscall.Kill(-cmd.Process.Pid, syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("demo exited with %v after Ctrl-C", err)
		}
	case <-time.After(30 * time.Second):
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		<-done
		t.Fatalf("demo still running 30 s after Ctrl-C:\n%s", tail(out.Bytes(), 3000))
	}

	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if last := lines[len(lines)-1]; !summaryLine.MatchString(last) {
		t.Errorf("last line %q is not the platform summary", last)
	}
	left, _ := exec.Command("pgrep", "-f", demoDir).Output()
	if len(bytes.TrimSpace(left)) > 0 {
		t.Errorf("demo processes left after Ctrl-C: %s", left)
	}
}

// TestDemoRefusesTakenPort checks that the demo stops with a hint instead
// of sending its data to whatever already listens on the MQTT port.
func TestDemoRefusesTakenPort(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	port := l.Addr().(*net.TCPAddr).Port
	cmd := exec.Command("./scripts/demo.sh")
	cmd.Dir = repoRoot(t)
	cmd.Env = append(os.Environ(), "PLANTGW_LANG=en", "DEMO_DIR="+t.TempDir(), fmt.Sprintf("DEMO_MQTT_PORT=%d", port), "DEMO_BIN="+buildBinaries(t))
	out, err := cmd.CombinedOutput()
	if err == nil {
		t.Fatalf("demo ran with its MQTT port taken:\n%s", out)
	}
	if want := fmt.Sprintf("MQTT port %d is already in use", port); !strings.Contains(string(out), want) || !strings.Contains(string(out), "DEMO_MQTT_PORT=") {
		t.Errorf("output lacks %q and the DEMO_MQTT_PORT hint:\n%s", want, out)
	}
}
