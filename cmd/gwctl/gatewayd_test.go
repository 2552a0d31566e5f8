package main

import (
	"bytes"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/plantgw/plantgw/internal/testenv"
)

// gatewaydYAML polls plantsim's GT-101 on the RTU pty and XV-102 over
// TCP, and serves the local API on loopback.
const gatewaydYAML = `site: {enterprise_code: E1, gateway_id: gw-gwctl, timezone: Asia/Shanghai}
board: {profile: sim}
buses:
  - {name: rs485-1, rtu: {port: %q, baud: 9600}, timeout: 200ms}
  - {name: tcp-1, tcp: {address: %q}, timeout: 500ms}
devices:
  - {name: GT-101, bus: rs485-1, unit: 1, poll: 200ms}
  - {name: XV-102, bus: tcp-1, unit: 6, poll: 200ms}
points:
  - {id: GT-101.conc, device: GT-101, register: {table: input, address: "30001"}, type: int16, scale: 0.1, unit: "%%LEL", platform: {hazard_code: H1, point_code: C1}}
  - {id: XV-102.open, device: XV-102, register: {table: discrete, address: "10001"}, type: bool, platform: {hazard_code: H1, point_code: C2}}
uplink: {mqtt: {url: "tcp://127.0.0.1:%d"}}
buffer: {path: %q}
web: {listen: %q}
`

// gatewayd is a gatewayd process started by a test on its own plantsim.
type gatewayd struct {
	cmd      *exec.Cmd
	log      bytes.Buffer
	config   string
	web      string
	stateDir string
}

// freePort returns a loopback TCP port that was free a moment ago.
func freePort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

// startGatewayd builds gatewayd and runs it on p with its API on
// loopback, until stop or the end of the test.
func startGatewayd(t *testing.T, p *plant) *gatewayd {
	t.Helper()
	dir := t.TempDir()
	bin := filepath.Join(dir, "gatewayd")
	if out, err := exec.Command("go", "build", "-o", bin, "../gatewayd").CombinedOutput(); err != nil {
		t.Fatalf("build gatewayd: %v\n%s", err, out)
	}
	g := &gatewayd{config: filepath.Join(dir, "gateway.yaml"), web: "127.0.0.1:" + strconv.Itoa(freePort(t)),
		stateDir: filepath.Join(dir, "buf-web")}
	text := fmt.Sprintf(gatewaydYAML, p.port, p.tcp, freePort(t), filepath.Join(dir, "buf"), g.web)
	if err := os.WriteFile(g.config, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	g.cmd = exec.Command(bin, "--config", g.config, "--lang", "en")
	g.cmd.Stdout, g.cmd.Stderr = &g.log, &g.log
	if err := g.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(g.stop)
	testenv.WaitFor(t, 10*time.Second, "gatewayd's local API", func() bool {
		resp, err := http.Get("http://" + g.web + "/api/setup")
		if err == nil {
			resp.Body.Close()
		}
		return err == nil
	})
	testenv.WaitFor(t, 5*time.Second, "gatewayd to open "+p.port, func() bool { return len(gatewaydHolding(p.port)) > 0 })
	return g
}

// stop ends gatewayd in order, as systemd does, and waits for it.
func (g *gatewayd) stop() {
	if g.cmd.ProcessState != nil {
		return
	}
	g.cmd.Process.Signal(os.Interrupt)
	done := make(chan struct{})
	go func() { g.cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(15 * time.Second):
		g.cmd.Process.Kill()
		<-done
	}
}

// TestThroughRunningGatewayd reads, writes and exports through a real
// gatewayd that holds the RTU line, then exports the same range from its
// buffer after it stopped: both exports must be the same bytes.
func TestThroughRunningGatewayd(t *testing.T) {
	socat, err := exec.LookPath("socat")
	if err != nil {
		t.Skip("socat not installed")
	}
	p, err := newPlant(socat, "")
	t.Cleanup(func() {
		if p != nil {
			p.stop()
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now().Truncate(time.Second)
	g := startGatewayd(t, p)
	t.Setenv("PLANTGW_SESSION_FILE", filepath.Join(t.TempDir(), "sessions.json"))
	t.Setenv("PLANTGW_GATEWAY", g.web)
	setupInstaller(t, g.stateDir)
	pid := strconv.Itoa(g.cmd.Process.Pid)

	t.Run("read", func(t *testing.T) {
		code, out, errOut := runCLI("read", "--port", p.port, "--unit", "1", "--address", "30001", "--count", "2", "--type", "int16")
		if code != exitOK {
			t.Fatalf("exit %d, stderr:\n%s\ngatewayd:\n%s", code, errOut, g.log.String())
		}
		wantContains(t, "stdout", out, "站号 1, 输入寄存器 30001 (协议地址 0), 2 个 int16 ABCD", "30001  0         0005    5", "30002  1         0000    0")
		wantContains(t, "stderr", errOut, "串口 "+p.port+" 正被 gatewayd (PID "+pid+") 使用, 因此请求经其本地 API http://"+g.web+" 发送")

		code, _, errOut = runCLI("read", "--port", p.port, "--unit", "1", "--address", "40001", "--lang", "en")
		if code != exitFailure || !strings.Contains(errOut, "unit 1 replied with exception 02 (illegal data address) to function 03") {
			t.Errorf("read of a missing register: exit %d, stderr %q", code, errOut)
		}
		code, _, errOut = runCLI("read", "--port", p.port, "--unit", "9", "--address", "30001", "--lang", "en")
		if code != exitFailure || !strings.Contains(errOut, "no reply from unit 9 on "+p.port+" within 200ms") {
			t.Errorf("read of an absent unit: exit %d, stderr %q", code, errOut)
		}
		code, out, _ = runCLI("read", "--bus", "tcp-1", "--unit", "6", "--table", "discrete", "--wire", "0", "--count", "2", "--lang", "en")
		if code != exitOK || !strings.Contains(out, "10001    0     1    true") {
			t.Errorf("read by bus name: exit %d, stdout %q", code, out)
		}
		code, _, errOut = runCLI("read", "--bus", "rs485-9", "--unit", "1", "--address", "30001", "--lang", "en")
		if code != exitFailure || !strings.Contains(errOut, "has no bus rs485-9; its buses are: rs485-1 ("+p.port+"), tcp-1 ("+p.tcp+")") {
			t.Errorf("read of an unknown bus: exit %d, stderr %q", code, errOut)
		}
	})

	t.Run("write", func(t *testing.T) {
		for _, value := range []string{"false", "true"} {
			code, out, errOut := runCLI("write", "--gateway", g.web, "--tcp", p.tcp, "--unit", "6", "--address", "00001", "--value", value)
			if code != exitOK {
				t.Fatalf("write %s: exit %d, stderr:\n%s", value, code, errOut)
			}
			wantContains(t, "write "+value, out, "已把 "+value+" 写入站号 6 的线圈 00001 (协议地址 0), 功能码 05", "读回 "+value+": 设备已保持写入的值")
			wantContains(t, "stderr", errOut, "请求经本地 API http://"+g.web+" 在其总线 tcp-1 上执行")
		}
		code, _, errOut := runCLI("write", "--port", p.port, "--unit", "1", "--address", "40101", "--value", "7", "--lang", "en")
		if code != exitFailure || !strings.Contains(errOut, "unit 1 replied with exception 02 (illegal data address) to function 06") {
			t.Errorf("write of a read-only register: exit %d, stderr %q", code, errOut)
		}
	})

	// Records written before the export's end are in the buffer by the
	// time of the export, so both exports see the same records.
	time.Sleep(1500 * time.Millisecond)
	to := time.Now().Add(-time.Second).Truncate(time.Millisecond)
	from, end := start.Format(time.RFC3339Nano), to.Format(time.RFC3339Nano)
	dir := t.TempDir()
	viaAPI, viaAPIEvents := filepath.Join(dir, "api.csv"), filepath.Join(dir, "api-events.csv")
	code, _, errOut := runCLI("buffer", "export", "--config", g.config, "--from", from, "--to", end, "--out", viaAPI)
	if code != exitOK {
		t.Fatalf("export through the API: exit %d, stderr:\n%s", code, errOut)
	}
	wantContains(t, "stderr", errOut, "正被 gatewayd 使用; 经其本地 API 导出", "个点位的")
	code, _, errOut = runCLI("buffer", "export", "--from", from, "--to", end, "--events", "--out", viaAPIEvents)
	if code != exitOK {
		t.Fatalf("events through the API: exit %d, stderr:\n%s", code, errOut)
	}
	events, _ := os.ReadFile(viaAPIEvents)
	if n := strings.Count(string(events), ",modbus_write,,XV-102,"); n != 2 {
		t.Errorf("%d modbus_write events of XV-102 in the export, want 2:\n%s", n, events)
	}
	if !strings.Contains(string(events), ",local_ui,zhang,") {
		t.Errorf("the writes' events lack the installer:\n%s", events)
	}

	g.stop()
	offline, offlineEvents := filepath.Join(dir, "offline.csv"), filepath.Join(dir, "offline-events.csv")
	for _, run := range []struct {
		out  string
		args []string
	}{{offline, nil}, {offlineEvents, []string{"--events"}}} {
		args := append([]string{"buffer", "export", "--config", g.config, "--from", from, "--to", end, "--out", run.out}, run.args...)
		if code, _, errOut := runCLI(args...); code != exitOK {
			t.Fatalf("export from the stopped gateway's buffer: exit %d, stderr:\n%s", code, errOut)
		}
	}
	for _, pair := range [][2]string{{viaAPI, offline}, {viaAPIEvents, offlineEvents}} {
		a, _ := os.ReadFile(pair[0])
		b, _ := os.ReadFile(pair[1])
		if !bytes.Equal(a, b) {
			t.Errorf("%s and %s differ:\n%s\n---\n%s", filepath.Base(pair[0]), filepath.Base(pair[1]), a, b)
		}
		if bytes.Count(a, []byte("\n")) < 3 {
			t.Errorf("%s has almost no rows:\n%s", filepath.Base(pair[0]), a)
		}
	}
}
