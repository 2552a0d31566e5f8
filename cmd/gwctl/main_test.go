package main

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"
)

// Environment variables that turn the test binary into a helper process.
const (
	// envRunMain makes the test binary run gwctl on its arguments, so
	// that tests can send it signals and give it a terminal.
	envRunMain = "GWCTL_TEST_RUN_MAIN"
	// envHoldPort makes the test binary open the serial port it names and
	// keep it open until its stdin closes, as gatewayd does.
	envHoldPort = "GWCTL_TEST_HOLD_PORT"
)

func TestMain(m *testing.M) {
	if os.Getenv(envRunMain) == "1" {
		os.Exit(runWithSignals(os.Args[1:]))
	}
	if path := os.Getenv(envHoldPort); path != "" {
		os.Exit(holdPort(path))
	}
	// The tests expect the default language unless they choose one.
	os.Unsetenv("PLANTGW_LANG")
	code := m.Run()
	stopPlants()
	if code == 0 {
		if err := goleak.Find(); err != nil {
			fmt.Fprintln(os.Stderr, "goleak:", err)
			code = 1
		}
	}
	os.Exit(code)
}

// holdPort opens path and keeps it open until stdin closes.
func holdPort(path string) int {
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer f.Close()
	fmt.Println("holding")
	io.Copy(io.Discard, os.Stdin)
	return 0
}

// runCLI runs gwctl in this process.
func runCLI(args ...string) (code int, stdout, stderr string) {
	var out, errb bytes.Buffer
	code = run(args, &out, &errb)
	return code, out.String(), errb.String()
}

// wantContains fails the test for each of wants that text lacks.
func wantContains(t *testing.T, what, text string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(text, w) {
			t.Errorf("%s lacks %q:\n%s", what, w, text)
		}
	}
}

// wantMessages runs gwctl with args, first in its default language and
// then with --lang en, and fails the test unless each run exits with code
// and its stderr contains zh and en in turn.
func wantMessages(t *testing.T, args []string, code int, zh, en string) {
	t.Helper()
	got, _, errOut := runCLI(args...)
	if got != code || !strings.Contains(errOut, zh) {
		t.Errorf("%v: exit %d, stderr %q; want %d and %q", args, got, errOut, code, zh)
	}
	got, _, errOut = runCLI(slices.Concat(args, []string{"--lang", "en"})...)
	if got != code || !strings.Contains(errOut, en) {
		t.Errorf("%v --lang en: exit %d, stderr %q; want %d and %q", args, got, errOut, code, en)
	}
}

// plant is a plantsim serving Modbus TCP on loopback and Modbus RTU on one
// end of a socat pty pair, whose other end gwctl uses.
type plant struct {
	tcp  string
	port string
	dir  string
	cmds []*exec.Cmd
}

// sharedPlant is a plant that the tests of this package share: started on
// first use, stopped by TestMain.
type sharedPlant struct {
	once  sync.Once
	plant *plant
	err   error
	// quirks are plantsim's --quirk entries.
	quirks string
}

var (
	// normalPlant behaves as the demo's devices do.
	normalPlant = &sharedPlant{}
	// faultyPlant has an RTU unit 2 whose replies all fail their CRC and
	// a unit 3 that is always busy.
	faultyPlant = &sharedPlant{quirks: "rtu/2:crc-noise=1,rtu/3:busy=1"}
)

// startPlant returns the shared normal plant.
func startPlant(t *testing.T) *plant { return normalPlant.start(t) }

func (s *sharedPlant) start(t *testing.T) *plant {
	t.Helper()
	socat, err := exec.LookPath("socat")
	if err != nil {
		if testing.Short() {
			t.Skip("socat not installed")
		}
		t.Fatal("socat not installed: run apt-get install socat (.ci/run does)")
	}
	s.once.Do(func() { s.plant, s.err = newPlant(socat, s.quirks) })
	if s.err != nil {
		t.Fatal(s.err)
	}
	return s.plant
}

func newPlant(socat, quirks string) (*plant, error) {
	dir, err := os.MkdirTemp("", "gwctl-test-")
	if err != nil {
		return nil, err
	}
	p := &plant{dir: dir, port: filepath.Join(dir, "gateway")}
	build := exec.Command("go", "build", "-o", dir+"/", "../plantsim")
	if out, err := build.CombinedOutput(); err != nil {
		return p, fmt.Errorf("build plantsim: %v\n%s", err, out)
	}
	devEnd := filepath.Join(dir, "device")
	link := exec.Command(socat, "pty,raw,echo=0,link="+devEnd, "pty,raw,echo=0,link="+p.port)
	if err := link.Start(); err != nil {
		return p, fmt.Errorf("start socat: %w", err)
	}
	p.cmds = append(p.cmds, link)
	if err := waitForFiles(5*time.Second, devEnd, p.port); err != nil {
		return p, err
	}

	args := []string{"--tcp", "127.0.0.1:0", "--rtu", devEnd, "--noise", "0", "--print-every", "0", "--lang", "en"}
	if quirks != "" {
		args = append(args, "--quirk", quirks)
	}
	sim := exec.Command(filepath.Join(dir, "plantsim"), args...)
	stdout, err := sim.StdoutPipe()
	if err != nil {
		return p, err
	}
	sim.Stderr = io.Discard
	if err := sim.Start(); err != nil {
		return p, fmt.Errorf("start plantsim: %w", err)
	}
	p.cmds = append(p.cmds, sim)
	if p.tcp, err = readTCPAddr(stdout); err != nil {
		return p, err
	}
	// plantsim's later output is read so that its writes never block.
	go io.Copy(io.Discard, stdout)
	return p, nil
}

// readTCPAddr reads plantsim's start-up lines up to TCP_ADDR=.
func readTCPAddr(r io.Reader) (string, error) {
	lines := bufio.NewScanner(r)
	for lines.Scan() {
		if addr, ok := strings.CutPrefix(lines.Text(), "TCP_ADDR="); ok {
			return addr, nil
		}
	}
	return "", fmt.Errorf("plantsim ended without printing TCP_ADDR: %v", lines.Err())
}

func waitForFiles(limit time.Duration, paths ...string) error {
	deadline := time.Now().Add(limit)
	for _, path := range paths {
		for {
			if _, err := os.Stat(path); err == nil {
				break
			}
			if time.Now().After(deadline) {
				return fmt.Errorf("%s did not appear within %v", path, limit)
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
	return nil
}

// stopPlants stops the shared plants that were started.
func stopPlants() {
	for _, s := range []*sharedPlant{normalPlant, faultyPlant} {
		if s.plant != nil {
			s.plant.stop()
		}
	}
}

// stop ends plantsim and socat, newest first, and removes their
// directory.
func (p *plant) stop() {
	for i := len(p.cmds) - 1; i >= 0; i-- {
		cmd := p.cmds[i]
		cmd.Process.Signal(os.Interrupt)
		done := make(chan struct{})
		go func() { cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			cmd.Process.Kill()
			<-done
		}
	}
	os.RemoveAll(p.dir)
}

// startCLI runs gwctl as a subprocess, the test binary in its gwctl role,
// with stdout and stderr going to out.
func startCLI(t *testing.T, out io.Writer, args ...string) *exec.Cmd {
	t.Helper()
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(self, args...)
	cmd.Env = append(os.Environ(), envRunMain+"=1")
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	return cmd
}
