package bench

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"syscall"
	"testing"
	"time"

	"github.com/plantgw/plantgw/config"
	"github.com/plantgw/plantgw/internal/testenv"
)

var esdTrials = flag.Int("esd.trials", 20, "number of plantsim and gatewayd runs of BenchmarkESDLatency")

// Timing of one trial. plantsim runs normal for trialNormalSeconds of
// simulated time plus the trial's offset, then leak, at trialSpeed. At
// speed 10 the 2 s of normal give gatewayd time to start and release its
// outputs, GT-102 reaches 40 %LEL 1.3 s into the leak and stays above it
// for 2.2 s, longer than two 1 s poll periods.
const (
	trialSpeed         = 10
	trialNormalSeconds = 20
	trialLimit         = 20 * time.Second
	statusPoll         = 5 * time.Millisecond
)

// The demo config's names for the detector and the output measured.
const (
	leakPoint = "GT-102.conc"
	leakTag   = "GT-102"
	esdOutput = "esd-1"
)

// BenchmarkESDLatency runs plantsim and gatewayd with the demo config
// esd.trials times. Each time it measures from the moment plantsim starts
// to serve a GT-102 concentration register at or above the al2 set point
// until the simulated board drives esd-1 active. plantsim's state file
// stamps the first (conc_changes), the board's status file the second. The latency
// includes the wait for GT-102's next poll, so it lies between the
// gateway's own delay and one poll period plus that delay. Start-up takes
// nearly the same time in every trial, so each trial moves the leak by a
// further 1/esd.trials of the poll period, and the trials sweep the
// crossing across one poll cycle. The metrics report the latency, its
// excess over the poll period and its minimum, which comes from the trial
// whose crossing fell just before a read.
func BenchmarkESDLatency(b *testing.B) {
	if testing.Short() {
		b.Skip("end-to-end benchmark takes about 2 minutes")
	}
	if _, err := exec.LookPath("mosquitto"); err != nil {
		if _, err := os.Stat("/usr/sbin/mosquitto"); err != nil {
			b.Skip("mosquitto not installed: apt-get install mosquitto")
		}
	}
	root := repoRoot()
	bins := buildBinaries(b, root)
	broker := testenv.StartMosquitto(b)
	setPoint, period := leakSetPointAndPeriod(b, root)

	var latencies, phases []time.Duration
	skipped := 0
	for b.Loop() {
		latencies, phases, skipped = nil, nil, 0
		for i := range *esdTrials {
			offset := time.Duration(i) * period / time.Duration(*esdTrials)
			latency, err := runTrial(b, root, bins, broker.Port, setPoint, offset)
			if err != nil {
				b.Logf("trial %d skipped: %v", i+1, err)
				skipped++
				continue
			}
			b.Logf("trial %d: leak moved by %v, latency %v", i+1, offset, latency)
			latencies = append(latencies, latency)
			phases = append(phases, latency+offset)
		}
	}
	if len(latencies) == 0 {
		b.Fatalf("all %d trials skipped; the log above gives each reason", skipped)
	}
	b.ReportMetric(ms(phaseSpread(phases, period)), "phase-spread-ms")
	slices.Sort(latencies)
	at := func(q float64) time.Duration { return latencies[int(q*float64(len(latencies)-1))] }
	b.ReportMetric(ms(at(0.5)), "p50-ms")
	b.ReportMetric(ms(at(0.99)), "p99-ms")
	b.ReportMetric(ms(latencies[len(latencies)-1]), "max-ms")
	b.ReportMetric(ms(latencies[0]), "min-ms")
	b.ReportMetric(ms(at(0.5)-period), "p50-minus-poll-ms")
	b.ReportMetric(ms(at(0.99)-period), "p99-minus-poll-ms")
	b.ReportMetric(ms(latencies[len(latencies)-1]-period), "max-minus-poll-ms")
	b.ReportMetric(ms(period), "poll-ms")
	b.ReportMetric(float64(len(latencies)), "trials")
	b.ReportMetric(float64(skipped), "skipped")
	b.ReportMetric(0, "ns/op")
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// phaseSpread returns how far the trials' moments of tripping, taken
// modulo the poll period, spread. A trial's phase is its latency plus the
// offset by which it moved the leak. With a fixed gateway delay every
// trial trips at the same point of the poll cycle, so the spread is the
// jitter of that delay and of the poll schedule.
func phaseSpread(phases []time.Duration, period time.Duration) time.Duration {
	var lowest, highest time.Duration
	for _, p := range phases {
		// The deviation from the first phase, wrapped into ±period/2.
		d := ((p-phases[0])%period + period + period/2) % period
		d -= period / 2
		lowest, highest = min(lowest, d), max(highest, d)
	}
	return highest - lowest
}

// runTrial runs one plantsim and one gatewayd in a fresh directory, so that
// no latched trip from an earlier trial holds esd-1 active, and returns
// the time from the register change to the esd-1 change. offset, in wall
// time, lengthens the normal step.
func runTrial(b *testing.B, root, bins string, mqttPort int, setPoint float64, offset time.Duration) (time.Duration, error) {
	dir := b.TempDir()
	normal := trialNormalSeconds + offset.Seconds()*trialSpeed
	steps := fmt.Sprintf(`[{"name": "normal", "seconds": %g}, {"name": "leak"}]`, normal)
	if err := os.WriteFile(filepath.Join(dir, "steps.json"), []byte(steps), 0o644); err != nil {
		b.Fatal(err)
	}
	modbusPort := testenv.FreePort(b)
	plant := start(b, root, dir, "plantsim", nil, filepath.Join(bins, "plantsim"),
		"--tcp", fmt.Sprintf("127.0.0.1:%d", modbusPort), "--rtu", "pty", "--rtu-link", filepath.Join(dir, "ttyRTU"),
		"--scenario-file", filepath.Join(dir, "steps.json"), "--speed", fmt.Sprint(trialSpeed), "--noise", "0",
		"--print-every", "0", "--lang", "en", "--state-file", filepath.Join(dir, "state.json"))
	defer plant.stop()
	if !waitFor(trialLimit, func() bool { _, err := os.Stat(filepath.Join(dir, "ttyRTU")); return err == nil }) {
		b.Fatalf("plantsim created no pty link within %v; see %s", trialLimit, plant.log)
	}
	env := []string{"DEMO_DIR=" + dir, fmt.Sprintf("DEMO_MODBUS_PORT=%d", modbusPort), fmt.Sprintf("DEMO_MQTT_PORT=%d", mqttPort), fmt.Sprintf("DEMO_WEB_PORT=%d", testenv.FreePort(b)),
		"PLANTGW_LANG=en"}
	gateway := start(b, root, dir, "gatewayd", env, filepath.Join(bins, "gatewayd"), "--config", "config/examples/demo.yaml", "--lang", "en")
	defer gateway.stop()

	var released, tripped, crossed time.Time
	deadline := time.Now().Add(trialLimit)
	for time.Now().Before(deadline) && (tripped.IsZero() || crossed.IsZero()) {
		time.Sleep(statusPoll)
		if crossed.IsZero() {
			crossed = firstChangeAtOrAbove(filepath.Join(dir, "state.json"), setPoint)
		}
		esd, ok := readOutput(filepath.Join(dir, "outputs.json"), esdOutput)
		switch {
		case !ok:
		case released.IsZero() && !esd.Active:
			released = esd.Changed
		case !released.IsZero() && esd.Active && tripped.IsZero():
			tripped = esd.Changed
		}
	}
	switch {
	case released.IsZero():
		return 0, fmt.Errorf("gatewayd did not release %s within %v; see %s", esdOutput, trialLimit, gateway.log)
	case crossed.IsZero() || tripped.IsZero():
		return 0, fmt.Errorf("no %s change past %v or no %s trip within %v", leakTag, setPoint, esdOutput, trialLimit)
	case crossed.Before(released):
		return 0, fmt.Errorf("%s passed %v at %s, before gatewayd released %s at %s: lengthen the normal step",
			leakTag, setPoint, crossed.Format(time.StampMicro), esdOutput, released.Format(time.StampMicro))
	}
	return tripped.Sub(crossed), nil
}

// firstChangeAtOrAbove returns when plantsim started to serve a GT-102
// register value at or above setPoint, or zero when the state file lists
// no such change.
func firstChangeAtOrAbove(path string, setPoint float64) time.Time {
	data, err := os.ReadFile(path)
	if err != nil {
		return time.Time{}
	}
	var state map[string]json.RawMessage
	if json.Unmarshal(data, &state) != nil {
		return time.Time{}
	}
	var changes []struct {
		Time time.Time `json:"time"`
		Conc float64   `json:"conc"`
	}
	if json.Unmarshal(state[leakTag+".conc_changes"], &changes) != nil {
		return time.Time{}
	}
	for i, c := range changes {
		// The change that crossed has a predecessor below the set point,
		// so a list that starts above it has lost the crossing.
		if c.Conc >= setPoint && i > 0 && changes[i-1].Conc < setPoint {
			return c.Time
		}
	}
	return time.Time{}
}

type boardOutput struct {
	Active  bool      `json:"active"`
	Changed time.Time `json:"changed"`
}

// readOutput returns one output of the simulated board's status file.
func readOutput(path, name string) (boardOutput, bool) {
	data, err := os.ReadFile(path)
	if err != nil {
		return boardOutput{}, false
	}
	var status struct {
		Outputs map[string]boardOutput `json:"outputs"`
	}
	if json.Unmarshal(data, &status) != nil {
		return boardOutput{}, false
	}
	o, ok := status.Outputs[name]
	return o, ok
}

// leakSetPointAndPeriod returns GT-102's al2 set point and poll period
// from the demo config.
func leakSetPointAndPeriod(b *testing.B, root string) (float64, time.Duration) {
	path := filepath.Join(root, "config", "examples", "demo.yaml")
	data, err := os.ReadFile(path)
	if err != nil {
		b.Fatal(err)
	}
	lookup := func(name string) (string, bool) {
		if name == "DEMO_DIR" {
			return b.TempDir(), true
		}
		return "", false
	}
	cfg, err := config.Parse(path, data, lookup)
	if err != nil {
		b.Fatalf("demo config: %v", err)
	}
	for _, p := range cfg.Points {
		if p.ID != leakPoint {
			continue
		}
		if p.Gas == nil {
			b.Fatalf("%s has no gas set points in the demo config", leakPoint)
		}
		if p.Gas.OnDelay != 0 {
			b.Fatalf("%s has an on delay of %v, which this benchmark does not subtract", leakPoint, p.Gas.OnDelay.D())
		}
		if p.Poll != 0 {
			return p.Gas.AL2, p.Poll.D()
		}
		for _, d := range cfg.Devices {
			if d.Name == p.Device {
				return p.Gas.AL2, d.Poll.D()
			}
		}
	}
	b.Fatalf("demo config has no point %s", leakPoint)
	return 0, 0
}

func repoRoot() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..")
}

func buildBinaries(b *testing.B, root string) string {
	dir := b.TempDir()
	cmd := exec.Command("go", "build", "-o", dir+"/", "./cmd/gatewayd", "./cmd/plantsim")
	cmd.Dir = root
	if out, err := cmd.CombinedOutput(); err != nil {
		b.Fatalf("go build: %v\n%s", err, out)
	}
	return dir
}

// proc is a process the benchmark started, with its output in a log file.
type proc struct {
	cmd  *exec.Cmd
	log  string
	done chan struct{}
}

func start(b *testing.B, root, dir, name string, env []string, bin string, args ...string) *proc {
	p := &proc{log: filepath.Join(dir, name+".log"), done: make(chan struct{})}
	f, err := os.Create(p.log)
	if err != nil {
		b.Fatal(err)
	}
	p.cmd = exec.Command(bin, args...)
	p.cmd.Dir = root
	p.cmd.Env = append(os.Environ(), env...)
	p.cmd.Stdout, p.cmd.Stderr = f, f
	if err := p.cmd.Start(); err != nil {
		b.Fatalf("start %s: %v", name, err)
	}
	go func() { _ = p.cmd.Wait(); f.Close(); close(p.done) }()
	return p
}

// stop sends SIGTERM and kills the process if it has not ended after 10 s.
func (p *proc) stop() {
	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil && !errors.Is(err, os.ErrProcessDone) {
		_ = p.cmd.Process.Kill()
	}
	select {
	case <-p.done:
	case <-time.After(10 * time.Second):
		_ = p.cmd.Process.Kill()
		<-p.done
	}
}

func waitFor(limit time.Duration, cond func() bool) bool {
	deadline := time.Now().Add(limit)
	for time.Now().Before(deadline) {
		if cond() {
			return true
		}
		time.Sleep(20 * time.Millisecond)
	}
	return false
}
