package main

import (
	"context"
	"net"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/creack/pty"

	"github.com/plantgw/plantgw/internal/testenv"
)

// plantsim's TCP listener serves units 1 to 6: the level transmitters 1
// and 2 have holding register 0, the others do not and reply with
// exception 02. Unknown units get exception 0B, which means absent.
func TestScanTCPFindsThePlantUnits(t *testing.T) {
	p := startPlant(t)
	code, out, errOut := runCLI("scan", "--tcp", p.tcp, "--units", "1-10")
	if code != exitOK {
		t.Fatalf("exit %d, stderr:\n%s", code, errOut)
	}
	wantContains(t, "scan", out,
		"10 次探测", "中有 6 个站号应答:",
		"找到站号 1 ("+p.tcp+"): 正常应答",
		"找到站号 3 ("+p.tcp+"): 异常应答 02 (非法数据地址): 该站号存在",
		"进度: 已探测 10/10 次, 找到 6 个")
	if strings.Contains(out, "找到站号 7") || strings.Contains(out, "\r") {
		t.Errorf("unit 7 found, or a progress bar on a pipe:\n%q", out)
	}
	table := out[strings.Index(out, "站号  结果"):]
	for _, row := range []string{"1     正常应答", "2     正常应答", "6     异常应答 02 (非法数据地址)"} {
		wantContains(t, "summary table", table, row)
	}

	code, out, _ = runCLI("scan", "--tcp", p.tcp, "--units", "5", "--register", "00001", "--lang", "en")
	if code != exitOK {
		t.Fatalf("--register 00001: exit %d", code)
	}
	wantContains(t, "scan of coil 00001", out, "found unit 5 at "+p.tcp+": normal reply", "1 unit(s) answered in 1 probes")
}

// Over the socat line the units reply at every setting, because a pty
// ignores the baud rate and parity. Units 6 and 7 are not on the line.
func TestScanRTUTriesEverySetting(t *testing.T) {
	p := startPlant(t)
	code, out, errOut := runCLI("scan", "--port", p.port, "--units", "1-7", "--baud", "9600,19200", "--parity", "N,E",
		"--timeout", "50ms", "--register", "30001", "--lang", "en")
	if code != exitOK {
		t.Fatalf("exit %d, stderr:\n%s", code, errOut)
	}
	wantContains(t, "scan", out,
		"scanning 9600 8N1: 7 unit ids", "scanning 9600 8E1: 7 unit ids", "scanning 19200 8N1: 7 unit ids", "scanning 19200 8E1: 7 unit ids",
		"found unit 5 at 19200 8E1: normal reply",
		"20 unit(s) answered in 28 probes",
		"1     9600 8N1   normal reply",
		"5     19200 8E1  normal reply")
	if strings.Contains(out, "found unit 6") || strings.Contains(out, "found unit 7") {
		t.Errorf("found a unit that is not on the line:\n%s", out)
	}
}

// A unit whose replies all fail their CRC is listed apart from those
// present; a busy unit (exception 06) is present.
func TestScanReportsDamagedAndBusyUnits(t *testing.T) {
	p := faultyPlant.start(t)
	code, out, errOut := runCLI("scan", "--port", p.port, "--units", "1-3", "--timeout", "50ms", "--lang", "en")
	if code != exitOK {
		t.Fatalf("exit %d, stderr:\n%s", code, errOut)
	}
	wantContains(t, "scan", out,
		"found unit 2 at 9600 8N1: damaged reply (CRC error): a device may answer at another baud rate or parity",
		"found unit 3 at 9600 8N1: exception 06 (server device busy): the unit is present",
		"2 unit(s) answered in 3 probes")

	code, _, errOut = runCLI("read", "--port", p.port, "--unit", "2", "--address", "30001", "--timeout", "50ms")
	if code != exitFailure || !strings.Contains(errOut, "站号 2 的应答损坏 (CRC 错误); 请检查校验位、波特率、终端电阻和接线") {
		t.Errorf("read of the damaged unit: exit %d, stderr %q", code, errOut)
	}
}

// A TCP address where nothing listens ends the scan at the first probe.
func TestScanOfClosedTCPPortExits1(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	code, _, errOut := runCLI("scan", "--tcp", addr, "--units", "1-5")
	if code != exitFailure || !strings.Contains(errOut, "无法连接 "+addr+" 的 Modbus TCP 服务器") {
		t.Errorf("exit %d, stderr %q", code, errOut)
	}
}

func TestScanWithNoAnswerExits1(t *testing.T) {
	p := startPlant(t)
	code, out, _ := runCLI("scan", "--tcp", p.tcp, "--units", "200-202")
	if code != exitFailure {
		t.Errorf("exit %d, want %d", code, exitFailure)
	}
	wantContains(t, "scan", out, "3 次探测", "中没有站号应答; 请检查接线 (A 和 B)")

	_, out, _ = runCLI("scan", "--tcp", p.tcp, "--units", "200", "--lang", "en")
	wantContains(t, "scan", out, "no unit answered in 1 probes")
}

func TestScanUsageErrors(t *testing.T) {
	cases := []struct {
		args   []string
		zh, en string
	}{
		{[]string{"scan"}, "请给出线路: RS-485 串口用 --port", "give the line: --port PATH"},
		{[]string{"scan", "--port", "/dev/ttyUSB0", "--tcp", "127.0.0.1:502"}, "--port 和 --tcp 只能给出一个", "give only one of --port and --tcp"},
		{[]string{"scan", "--port", "/dev/ttyUSB0", "--units", "0-5"}, `"0-5" 不是 1 到 247 之间的站号`, `"0-5" is not a unit id from 1 to 247`},
		{[]string{"scan", "--tcp", "127.0.0.1:502", "--units", "256"}, `"256" 不是 0 到 255 之间的站号`, `"256" is not a unit id from 0 to 255`},
		{[]string{"scan", "--tcp", "127.0.0.1:502", "--baud", "9600"}, "--baud 只用于串口线路", "--baud applies only to a serial line"},
		{[]string{"scan", "--tcp", "localhost"}, `--tcp: "localhost" 不是有效的地址`, `--tcp: "localhost" is not a valid address`},
		{[]string{"scan", "--port", "/dev/ttyUSB0", "--baud", "9600,14400"}, `不支持波特率 "14400"`, `"14400" is not a supported baud rate`},
		{[]string{"scan", "--port", "/dev/ttyUSB0", "--timeout", "5"}, `无效的 --timeout "5": 请写 10ms 到 10s 之间的时长`, `invalid --timeout "5": write a duration from 10ms to 10s`},
		{[]string{"scan", "--port", "/dev/ttyUSB0", "--register", "3"}, "--register \"3\" 可能从 0 开始也可能从 1 开始", "--register \"3\" could be 0-based or 1-based"},
	}
	for _, c := range cases {
		wantMessages(t, c.args, exitUsage, c.zh, c.en)
	}
}

func TestScanOfMissingPortExits1(t *testing.T) {
	code, _, errOut := runCLI("scan", "--port", "/nonexistent/ttyUSB9")
	if code != exitFailure || !strings.Contains(errOut, "串口 /nonexistent/ttyUSB9 不存在") {
		t.Errorf("exit %d, stderr %q", code, errOut)
	}
}

// Ctrl-C ends the scan at the next probe and prints the units found so
// far. Each absent unit takes two timeouts of 300 ms, so units 6 to 247
// would take over two minutes.
func TestScanStopsOnCtrlC(t *testing.T) {
	p := startPlant(t)
	var out testenv.SyncBuffer
	cmd := startCLI(t, &out, "scan", "--port", p.port, "--timeout", "300ms", "--lang", "en")
	testenv.WaitFor(t, 10*time.Second, "unit 5 to be found", func() bool { return strings.Contains(out.String(), "found unit 5") })
	sent := time.Now()
	if err := cmd.Process.Signal(os.Interrupt); err != nil {
		t.Fatal(err)
	}
	err := cmd.Wait()
	if took := time.Since(sent); took > 2*time.Second {
		t.Errorf("scan took %v to stop after Ctrl-C", took)
	}
	if err != nil {
		t.Errorf("exit: %v, want 0 because units were found\n%s", err, out.String())
	}
	text := out.String()
	wantContains(t, "output", text, "scan stopped by Ctrl-C after", "of 247 probes", "5 unit(s) answered", "5     9600 8N1  exception 02")
}

// On a terminal the scan draws a progress bar that it redraws in place.
func TestScanDrawsProgressBarOnTerminal(t *testing.T) {
	p := startPlant(t)
	ptmx, tty, err := pty.Open()
	if err != nil {
		t.Fatal(err)
	}
	defer ptmx.Close()
	var out testenv.SyncBuffer
	done := make(chan struct{})
	go func() { defer close(done); copyUntilClosed(&out, ptmx) }()

	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(self, "scan", "--tcp", p.tcp, "--units", "1-20", "--lang", "en")
	cmd.Env = append(os.Environ(), envRunMain+"=1")
	cmd.Stdin, cmd.Stdout, cmd.Stderr = tty, tty, tty
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true, Setctty: true, Ctty: 0}
	if err := cmd.Run(); err != nil {
		t.Fatalf("scan on a terminal: %v\n%s", err, out.String())
	}
	tty.Close()
	testenv.WaitFor(t, 5*time.Second, "the summary on the terminal", func() bool { return strings.Contains(out.String(), "6 unit(s) answered") })
	ptmx.Close()
	<-done
	wantContains(t, "terminal output", out.String(), "\r\x1b[K[", "/20  "+p.tcp+"  unit 20  found 6", "#####")
	if strings.Contains(out.String(), "progress:") {
		t.Errorf("plain progress lines on a terminal:\n%q", out.String())
	}
}

// copyUntilClosed copies a pty master into out until the pty is closed.
func copyUntilClosed(out *testenv.SyncBuffer, ptmx *os.File) {
	buf := make([]byte, 4096)
	for {
		n, err := ptmx.Read(buf)
		out.Write(buf[:n])
		if err != nil {
			return
		}
	}
}

// A scan that the context ends before it starts prints the empty summary
// and stops at once.
func TestScanWithEndedContextProbesNothing(t *testing.T) {
	p := startPlant(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	var out, errOut testenv.SyncBuffer
	code := runContext(ctx, []string{"scan", "--tcp", p.tcp, "--lang", "en"}, &out, &errOut)
	if code != exitFailure {
		t.Errorf("exit %d, want %d", code, exitFailure)
	}
	wantContains(t, "output", out.String(), "scan stopped by Ctrl-C after 0 of 247 probes", "no unit answered in 0 probes")
}
