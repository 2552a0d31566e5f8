package testenv

import (
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"
	"time"
)

// Mosquitto is a mosquitto process started by a test, with persistence so
// a subscriber's queued messages survive a restart.
type Mosquitto struct {
	t    testing.TB
	bin  string
	Port int
	dir  string
	cmd  *exec.Cmd
}

// StartMosquitto starts mosquitto on 127.0.0.1 and a free port. A missing
// mosquitto fails the test, because a skipped broker test would pass
// without testing anything; `go test -short` skips it instead.
func StartMosquitto(t testing.TB) *Mosquitto {
	t.Helper()
	bin, err := mosquittoPath()
	if err != nil {
		if testing.Short() {
			t.Skip("mosquitto not installed; skipped in -short mode")
		}
		t.Fatal("mosquitto not installed: run apt-get install mosquitto (.ci/run does)")
	}
	m := &Mosquitto{t: t, bin: bin, Port: FreePort(t), dir: t.TempDir()}
	conf := fmt.Sprintf("listener %d 127.0.0.1\nallow_anonymous true\npersistence true\npersistence_location %s/\nautosave_interval 1\nlog_dest file %s\nmax_queued_messages 0\n",
		m.Port, m.dir, filepath.Join(m.dir, "mosquitto.log"))
	if err := os.WriteFile(filepath.Join(m.dir, "mosquitto.conf"), []byte(conf), 0o600); err != nil {
		t.Fatal(err)
	}
	m.Start()
	t.Cleanup(m.Stop)
	return m
}

// mosquittoPath finds mosquitto on PATH or where Debian installs it,
// /usr/sbin, which is not on every user's PATH.
func mosquittoPath() (string, error) {
	if p, err := exec.LookPath("mosquitto"); err == nil {
		return p, nil
	}
	const debian = "/usr/sbin/mosquitto"
	if _, err := os.Stat(debian); err != nil {
		return "", err
	}
	return debian, nil
}

// URL is the broker's address for MQTT clients.
func (m *Mosquitto) URL() string { return "tcp://127.0.0.1:" + strconv.Itoa(m.Port) }

// Start runs the broker and waits until it accepts connections.
func (m *Mosquitto) Start() {
	m.t.Helper()
	m.cmd = exec.Command(m.bin, "-c", filepath.Join(m.dir, "mosquitto.conf"))
	if err := m.cmd.Start(); err != nil {
		m.t.Fatalf("start mosquitto: %v", err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		c, err := net.DialTimeout("tcp", fmt.Sprintf("127.0.0.1:%d", m.Port), 200*time.Millisecond)
		if err == nil {
			c.Close()
			return
		}
		if time.Now().After(deadline) {
			m.t.Fatalf("mosquitto did not listen on port %d: %v", m.Port, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// Stop ends the broker with SIGTERM, so it saves its persistence file, and
// waits for it. Stopping a stopped broker does nothing.
func (m *Mosquitto) Stop() {
	if m.cmd == nil || m.cmd.Process == nil {
		return
	}
	_ = m.cmd.Process.Signal(syscall.SIGTERM)
	done := make(chan struct{})
	go func() { _ = m.cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		_ = m.cmd.Process.Kill()
		<-done
	}
	m.cmd = nil
}

// FreePort returns a TCP port on 127.0.0.1 that was free a moment ago.
func FreePort(t testing.TB) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}
