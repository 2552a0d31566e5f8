package main

import (
	"bufio"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// startFakeGatewayd starts a process named gatewayd that holds port open,
// as a running gateway does: the test binary, through a symlink of that
// name. The process ends when the test ends.
func startFakeGatewayd(t *testing.T, port string) int {
	t.Helper()
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(t.TempDir(), gatewaydName)
	if err := os.Symlink(self, link); err != nil {
		t.Fatal(err)
	}

	cmd := exec.Command(link)
	cmd.Env = append(os.Environ(), envHoldPort+"="+port)
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { stdin.Close(); cmd.Wait() })

	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil || line != "holding\n" {
		t.Fatalf("fake gatewayd: %q, %v", line, err)
	}
	go io.Copy(io.Discard, stdout)
	return cmd.Process.Pid
}

// While gatewayd has the port open, scan stops before sending a byte,
// and read and write go to its local API instead of the port. No API
// listens here, so they fail.
func TestCommandsRefuseThePortOfGatewayd(t *testing.T) {
	p := startPlant(t)
	pid := strconv.Itoa(startFakeGatewayd(t, p.port))
	t.Setenv("PLANTGW_GATEWAY", "127.0.0.1:1")
	t.Setenv("PLANTGW_SESSION_FILE", filepath.Join(t.TempDir(), "sessions.json"))
	code, out, errOut := runCLI("scan", "--port", p.port, "--units", "1")
	if code != exitFailure {
		t.Errorf("scan: exit %d, want %d", code, exitFailure)
	}
	wantContains(t, "stderr", errOut, "串口 "+p.port+" 正被 gatewayd (PID "+pid+") 使用", "请先停止 gatewayd; 或用 gwctl status 查看 gatewayd 读到的数值")
	if out != "" {
		t.Errorf("scan printed output although the port is taken:\n%s", out)
	}
	_, _, errOut = runCLI("scan", "--port", p.port, "--units", "1", "--lang", "en")
	wantContains(t, "stderr", errOut, "serial port "+p.port+" is in use by gatewayd (PID "+pid+")", "see the values that gatewayd reads with gwctl status")

	for _, args := range [][]string{
		{"read", "--port", p.port, "--address", "30001"},
		{"write", "--port", p.port, "--address", "00001", "--value", "true"},
	} {
		code, out, errOut := runCLI(args...)
		if code != exitFailure {
			t.Errorf("%v: exit %d, want %d", args, code, exitFailure)
		}
		wantContains(t, "stderr", errOut, "串口 "+p.port+" 正被 gatewayd (PID "+pid+") 使用, 因此请求经其本地 API http://127.0.0.1:1 发送",
			"无法连接 http://127.0.0.1:1 上网关的本地 API")
		if out != "" {
			t.Errorf("%v printed output although the port is taken:\n%s", args, out)
		}
	}
}

// A port that another gwctl has locked is reported busy at once, and is
// usable again when the lock is released.
func TestLockedPortIsBusy(t *testing.T) {
	p := startPlant(t)
	lock, err := lockPort(p.port)
	if err != nil {
		t.Fatal(err)
	}
	code, _, errOut := runCLI("read", "--port", p.port, "--address", "30001")
	if code != exitFailure || !strings.Contains(errOut, "串口 "+p.port+" 已被另一个程序 (例如另一个 gwctl) 锁定") {
		t.Errorf("exit %d, stderr %q", code, errOut)
	}
	lock.Close()
	if code, _, errOut := runCLI("read", "--port", p.port, "--address", "30001"); code != exitOK {
		t.Errorf("after the lock was released: exit %d, stderr %q", code, errOut)
	}
}

func TestGatewaydHoldingIgnoresOtherProcesses(t *testing.T) {
	p := startPlant(t)
	// socat and plantsim have the pty pair open, and are no gatewayd.
	if pids := gatewaydHolding(p.port); len(pids) != 0 {
		t.Errorf("gatewaydHolding = %v, want none", pids)
	}
	if pids := gatewaydHolding("/nonexistent/tty"); len(pids) != 0 {
		t.Errorf("gatewaydHolding of a missing path = %v", pids)
	}
}
