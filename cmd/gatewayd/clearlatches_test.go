package main

import (
	"bufio"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	mb "github.com/simonvetter/modbus"

	"github.com/plantgw/plantgw/buffer"
	"github.com/plantgw/plantgw/internal/testenv"
	"github.com/plantgw/plantgw/record"
)

// runMainEnv makes the test binary run gatewayd's main instead of the
// tests, so a test can start gatewayd as a separate process.
const runMainEnv = "GATEWAYD_TEST_RUN_MAIN"

func TestMain(m *testing.M) {
	if os.Getenv(runMainEnv) == "1" {
		main()
	}
	os.Exit(m.Run())
}

// gasSlave serves one gas detector: input register 0 is %LEL ×10.
type gasSlave struct{ tenths atomic.Int32 }

func (s *gasSlave) HandleCoils(*mb.CoilsRequest) ([]bool, error) { return nil, mb.ErrIllegalFunction }
func (s *gasSlave) HandleDiscreteInputs(*mb.DiscreteInputsRequest) ([]bool, error) {
	return nil, mb.ErrIllegalFunction
}
func (s *gasSlave) HandleHoldingRegisters(*mb.HoldingRegistersRequest) ([]uint16, error) {
	return nil, mb.ErrIllegalFunction
}
func (s *gasSlave) HandleInputRegisters(r *mb.InputRegistersRequest) ([]uint16, error) {
	out := make([]uint16, r.Quantity)
	out[0] = uint16(s.tenths.Load())
	return out, nil
}

const clearLatchesYAML = `site: {enterprise_code: E1, gateway_id: gw-t, lang: zh-CN}
board: {profile: sim}
buses: [{name: tcp-1, tcp: {address: "127.0.0.1:%d"}, timeout: 200ms}]
devices: [{name: GT-1, bus: tcp-1, unit: 1, poll: 100ms, comm_loss_after: 1s}]
points:
  - {id: GT-1.conc, device: GT-1, register: {table: input, address: "30001"}, type: int16, scale: 0.1, unit: "%%LEL",
     gas: {kind: combustible, al1: 20, al2: 40}, platform: {hazard_code: H1, point_code: C1}}
interlocks: [{name: esd, when: {alarm: al2, points: [GT-1.conc]}, do: [{output: esd-1}, {output: fire-panel}]}]
uplink: {mqtt: {url: "tcp://127.0.0.1:%d"}}
buffer: {path: %q}
web: {listen: "off"}
`

// startGatewayd starts gatewayd as its own process with config and returns
// its stderr lines as they come. The process gets SIGTERM when the test
// ends, unless the test stopped it first.
func startGatewayd(t *testing.T, config string) (*exec.Cmd, <-chan string) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "--config", config)
	cmd.Env = append(os.Environ(), runMainEnv+"=1")
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	lines := make(chan string, 1024)
	go func() {
		defer close(lines)
		scanner := bufio.NewScanner(stderr)
		for scanner.Scan() {
			select {
			case lines <- scanner.Text():
			default:
			}
		}
	}()
	t.Cleanup(func() {
		if cmd.ProcessState == nil {
			_ = cmd.Process.Signal(syscall.SIGTERM)
			_ = cmd.Wait()
		}
	})
	return cmd, lines
}

// waitForLine reads lines until one contains want.
func waitForLine(t *testing.T, lines <-chan string, want string) {
	t.Helper()
	timeout := time.After(10 * time.Second)
	for {
		select {
		case line, ok := <-lines:
			if !ok {
				t.Fatalf("gatewayd exited before logging %q", want)
			}
			if strings.Contains(line, want) {
				return
			}
		case <-timeout:
			t.Fatalf("gatewayd did not log %q within 10 s", want)
		}
	}
}

func TestClearLatchesRefusedWhileRunningThenClears(t *testing.T) {
	slave := &gasSlave{}
	slave.tenths.Store(450)
	port := testenv.FreePort(t)
	srv, err := mb.NewServer(&mb.ServerConfiguration{URL: fmt.Sprintf("tcp://127.0.0.1:%d", port), Timeout: 5 * time.Second, MaxClients: 2}, slave)
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	defer srv.Stop()

	dir := t.TempDir()
	bufDir := filepath.Join(dir, "buf")
	config := filepath.Join(dir, "site.yaml")
	text := fmt.Sprintf(clearLatchesYAML, port, testenv.FreePort(t), bufDir)
	if err := os.WriteFile(config, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}

	gatewayd, lines := startGatewayd(t, config)
	waitForLine(t, lines, "event=trip")

	code, out, errOut := runCLI("--config", config, "--clear-latches")
	if code != exitRuntime {
		t.Errorf("--clear-latches beside a running gatewayd: exit %d, want %d; stdout:\n%s", code, exitRuntime, out)
	}
	if want := "缓存 " + bufDir + " 正被运行中的 gatewayd 锁定; 请先停止 gatewayd"; !strings.Contains(errOut, want) {
		t.Errorf("stderr lacks %q:\n%s", want, errOut)
	}

	if err := gatewayd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if err := gatewayd.Wait(); err != nil {
		t.Fatalf("gatewayd after SIGTERM: %v", err)
	}
	seqBefore := lastSeq(t, bufDir)

	code, out, errOut = runCLI("--config", config, "--clear-latches")
	if code != exitOK {
		t.Fatalf("--clear-latches after the stop: exit %d, stderr:\n%s", code, errOut)
	}
	for _, want := range []string{
		"已清除锁存报警 GT-1.conc 一级报警",
		"已清除锁存报警 GT-1.conc 二级报警",
		"已清除联锁动作状态: 联锁 esd (输出 esd-1,fire-panel)",
		"已清除 2 个锁存报警和 1 个联锁动作状态; 3 条复位事件已存入缓存 " + bufDir,
		"下次启动时重新判断所有报警",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("stdout lacks %q:\n%s", want, out)
		}
	}

	events := testenv.StoredEvents(t, bufDir, seqBefore)
	if len(events) != 3 {
		t.Fatalf("%d events stored by --clear-latches, want 3: %+v", len(events), events)
	}
	for _, e := range events {
		if e.Source != record.SourceLocalUI || e.Time.IsZero() || (e.Kind != record.AlarmReset && e.Kind != record.TripReset) {
			t.Errorf("stored event %+v; want alarm_reset or trip_reset from local_ui with a time", e)
		}
	}
	if tr := events[2]; tr.Kind != record.TripReset || tr.Interlock != "esd" || tr.Output != "esd-1,fire-panel" {
		t.Errorf("last event = %+v, want the trip_reset of esd", tr)
	}

	code, out, _ = runCLI("--lang", "en", "--config", config, "--clear-latches")
	if code != exitOK || !strings.Contains(out, "contains no latched alarms or trips; nothing was changed") {
		t.Errorf("second --clear-latches: exit %d, stdout:\n%s", code, out)
	}
}

func TestClearLatchesMissingBufferExits1(t *testing.T) {
	dir := t.TempDir()
	bufDir := filepath.Join(dir, "no-buffer")
	config := filepath.Join(dir, "site.yaml")
	if err := os.WriteFile(config, fmt.Appendf(nil, clearLatchesYAML, 1502, 1883, bufDir), 0o600); err != nil {
		t.Fatal(err)
	}
	code, _, errOut := runCLI("--config", config, "--clear-latches")
	if code != exitRuntime || !strings.Contains(errOut, "缓存 "+bufDir+" 不存在; 请检查配置 "+config+" 中的 buffer.path") {
		t.Errorf("missing buffer: exit %d, stderr:\n%s", code, errOut)
	}
	if _, err := os.Stat(bufDir); !os.IsNotExist(err) {
		t.Errorf("--clear-latches created %s", bufDir)
	}
}

func TestClearLatchesUsageErrorsExit2(t *testing.T) {
	for _, args := range [][]string{
		{"--clear-latches", "--check", demoConfig},
		{"--clear-latches", "--console", demoConfig},
		{"--clear-latches", "/nonexistent/site.yaml"},
	} {
		if code, _, errOut := runCLI(args...); code != exitUsage {
			t.Errorf("%v: exit %d, want %d; stderr:\n%s", args, code, exitUsage, errOut)
		}
	}
}

func lastSeq(t *testing.T, dir string) uint64 {
	t.Helper()
	buf, err := buffer.Open(buffer.Options{Path: dir, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	defer buf.Close()
	return buf.Stats().LastSeq
}
