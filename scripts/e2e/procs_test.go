package e2e

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"syscall"
	"testing"
	"time"

	"github.com/plantgw/plantgw/internal/testenv"
)

// repoRoot is the module root, two levels above this package.
func repoRoot(t *testing.T) string {
	t.Helper()
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..")
}

// buildBinaries compiles the three commands once into a temp dir.
func buildBinaries(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	cmd := exec.Command("go", "build", "-o", dir+"/", "./cmd/gatewayd", "./cmd/plantsim", "./cmd/platformsim")
	cmd.Dir = repoRoot(t)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return dir
}

// proc is a process started by the test, with output in a log file.
type proc struct {
	cmd  *exec.Cmd
	log  string
	done chan struct{}
	err  error
}

func start(t *testing.T, logDir, name string, env []string, bin string, args ...string) *proc {
	t.Helper()
	p := &proc{log: filepath.Join(logDir, name+".log"), done: make(chan struct{})}
	f, err := os.Create(p.log)
	if err != nil {
		t.Fatal(err)
	}
	p.cmd = exec.Command(bin, args...)
	p.cmd.Dir = repoRoot(t)
	p.cmd.Env = append(os.Environ(), env...)
	p.cmd.Stdout, p.cmd.Stderr = f, f
	if err := p.cmd.Start(); err != nil {
		t.Fatalf("start %s: %v", name, err)
	}
	go func() { p.err = p.cmd.Wait(); f.Close(); close(p.done) }()
	t.Cleanup(func() {
		p.stop(5 * time.Second)
		if t.Failed() {
			out, _ := os.ReadFile(p.log)
			t.Logf("--- %s output (last 3000 bytes) ---\n%s", name, tail(out, 3000))
		}
	})
	return p
}

// stop sends SIGTERM, waits up to limit, then kills. It reports whether
// the process ended by itself.
func (p *proc) stop(limit time.Duration) bool {
	select {
	case <-p.done:
		return true
	default:
	}
	_ = p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-p.done:
		return true
	case <-time.After(limit):
		_ = p.cmd.Process.Kill()
		<-p.done
		return false
	}
}

// site is one plantsim, one mosquitto and the paths a gatewayd run with
// the demo config needs.
type site struct {
	bins, dir  string
	broker     *testenv.Mosquitto
	modbusPort int
}

// startPlant starts mosquitto and plantsim with the given scenario and
// extra flags, and waits for the pty link. plantsim writes its true values
// to state.json in the site's dir.
func startPlant(t *testing.T, scenario string, extra ...string) *site {
	t.Helper()
	s := &site{bins: buildBinaries(t), dir: t.TempDir(), broker: testenv.StartMosquitto(t), modbusPort: testenv.FreePort(t)}
	args := append([]string{"--tcp", fmt.Sprintf("127.0.0.1:%d", s.modbusPort), "--rtu", "pty",
		"--rtu-link", filepath.Join(s.dir, "ttyRTU"), "--scenario", scenario, "--noise", "0", "--print-every", "0", "--lang", "en",
		"--state-file", filepath.Join(s.dir, "state.json")}, extra...)
	start(t, s.dir, "plantsim", nil, filepath.Join(s.bins, "plantsim"), args...)
	testenv.WaitFor(t, 10*time.Second, "plantsim pty link", func() bool {
		_, err := os.Stat(filepath.Join(s.dir, "ttyRTU"))
		return err == nil
	})
	return s
}

// startGateway runs gatewayd with config/examples/demo.yaml against the
// site.
func (s *site) startGateway(t *testing.T) *proc {
	t.Helper()
	env := []string{"DEMO_DIR=" + s.dir, fmt.Sprintf("DEMO_MODBUS_PORT=%d", s.modbusPort), fmt.Sprintf("DEMO_MQTT_PORT=%d", s.broker.Port),
		fmt.Sprintf("DEMO_WEB_PORT=%d", testenv.FreePort(t)), "PLANTGW_LANG=en"}
	return start(t, s.dir, "gatewayd", env, filepath.Join(s.bins, "gatewayd"), "--config", "config/examples/demo.yaml", "--lang", "en")
}

func tail(b []byte, n int) []byte {
	if len(b) > n {
		return b[len(b)-n:]
	}
	return b
}
