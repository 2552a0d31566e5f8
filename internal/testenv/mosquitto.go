package testenv

import (
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
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
	tls  bool
	// observerPort is a second, plain and anonymous listener for test
	// subscribers when the main listener needs TLS or a login; 0 when
	// there is none.
	observerPort int
}

// MosquittoOptions secure the broker's main listener. The zero value is
// a plain, anonymous listener.
type MosquittoOptions struct {
	// TLS, when set, makes the listener TLS 1.2 or later with the PKI's
	// server certificate.
	TLS *PKI
	// RequireCertificate makes clients present a certificate signed by
	// the PKI's CA.
	RequireCertificate bool
	// PasswordFile, when set, requires a login listed in this mosquitto
	// password file (see PasswordFile).
	PasswordFile string
	// MessageSizeLimit, when above 0, is mosquitto's message_size_limit
	// in bytes. mosquitto 2.0 acknowledges a larger QoS 1 message from an
	// MQTT 3.1.1 client with a PUBACK and then drops it.
	MessageSizeLimit int
}

// StartMosquitto starts mosquitto on 127.0.0.1 and a free port. A missing
// mosquitto fails the test, because a skipped broker test would pass
// without testing anything; `go test -short` skips it instead.
func StartMosquitto(t testing.TB) *Mosquitto {
	t.Helper()
	return StartMosquittoWith(t, MosquittoOptions{})
}

// StartMosquittoWith starts mosquitto like StartMosquitto, with the main
// listener secured by o. A secured broker gets a second listener without
// TLS and login on another loopback port, for the test's own subscribers
// (ObserverURL).
func StartMosquittoWith(t testing.TB, o MosquittoOptions) *Mosquitto {
	t.Helper()
	bin, err := mosquittoPath()
	if err != nil {
		if testing.Short() {
			t.Skip("mosquitto not installed; skipped in -short mode")
		}
		t.Fatal("mosquitto not installed: run apt-get install mosquitto (.ci/run does)")
	}
	m := &Mosquitto{t: t, bin: bin, Port: FreePort(t), dir: t.TempDir(), tls: o.TLS != nil}
	conf := fmt.Sprintf("listener %d 127.0.0.1\nallow_anonymous true\npersistence true\npersistence_location %s/\nautosave_interval 1\nlog_dest file %s\nmax_queued_messages 0\n",
		m.Port, m.dir, filepath.Join(m.dir, "mosquitto.log"))
	// As root, mosquitto would drop to the user "mosquitto" and could not
	// write its persistence file in the test's private directory, so a
	// restart would lose every session. Name the current user instead.
	if u, err := user.Current(); err == nil {
		conf += fmt.Sprintf("user %s\n", u.Username)
	}
	if o.TLS != nil || o.RequireCertificate || o.PasswordFile != "" {
		m.observerPort = FreePort(t)
		conf = securedConf(o, m.Port, m.observerPort, m.dir)
	}
	if o.MessageSizeLimit > 0 {
		conf += fmt.Sprintf("message_size_limit %d\n", o.MessageSizeLimit)
	}
	if err := os.WriteFile(filepath.Join(m.dir, "mosquitto.conf"), []byte(conf), 0o600); err != nil {
		t.Fatal(err)
	}
	m.Start()
	t.Cleanup(m.Stop)
	return m
}

// securedConf is a mosquitto 2.0 config with a secured main listener and
// a plain observer listener. per_listener_settings makes allow_anonymous
// and password_file apply to the listener they follow.
func securedConf(o MosquittoOptions, port, observerPort int, dir string) string {
	var b strings.Builder
	// Started as root, mosquitto drops to the user "mosquitto", which
	// cannot read the test's private temporary directories. "user" names
	// the user to change to, and only root changes users.
	if u, err := user.Current(); err == nil {
		fmt.Fprintf(&b, "user %s\n", u.Username)
	}
	fmt.Fprintf(&b, "per_listener_settings true\npersistence true\npersistence_location %s/\nautosave_interval 1\nlog_dest file %s\nmax_queued_messages 0\n",
		dir, filepath.Join(dir, "mosquitto.log"))
	fmt.Fprintf(&b, "listener %d 127.0.0.1\n", port)
	if o.PasswordFile != "" {
		fmt.Fprintf(&b, "allow_anonymous false\npassword_file %s\n", o.PasswordFile)
	} else {
		b.WriteString("allow_anonymous true\n")
	}
	if o.TLS != nil {
		fmt.Fprintf(&b, "cafile %s\ncertfile %s\nkeyfile %s\ntls_version tlsv1.2\n", o.TLS.CAFile, o.TLS.ServerCertFile, o.TLS.ServerKeyFile)
		fmt.Fprintf(&b, "require_certificate %t\n", o.RequireCertificate)
	}
	fmt.Fprintf(&b, "listener %d 127.0.0.1\nallow_anonymous true\n", observerPort)
	return b.String()
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

// URL is the main listener's address for MQTT clients: ssl:// when it
// needs TLS, else tcp://.
func (m *Mosquitto) URL() string {
	if m.tls {
		return "ssl://127.0.0.1:" + strconv.Itoa(m.Port)
	}
	return "tcp://127.0.0.1:" + strconv.Itoa(m.Port)
}

// ObserverURL is the address of a listener without TLS and login, for the
// test's subscribers: the observer listener of a secured broker, else URL.
func (m *Mosquitto) ObserverURL() string {
	if m.observerPort == 0 {
		return m.URL()
	}
	return "tcp://127.0.0.1:" + strconv.Itoa(m.observerPort)
}

// Log returns the broker's output and log file so far, for failure
// messages.
func (m *Mosquitto) Log() string {
	out, _ := os.ReadFile(filepath.Join(m.dir, "mosquitto.out"))
	log, _ := os.ReadFile(filepath.Join(m.dir, "mosquitto.log"))
	return string(out) + string(log)
}

// Start runs the broker and waits until it accepts connections.
func (m *Mosquitto) Start() {
	m.t.Helper()
	m.cmd = exec.Command(m.bin, "-c", filepath.Join(m.dir, "mosquitto.conf"))
	// mosquitto writes errors before its log file is open to stderr.
	if out, err := os.OpenFile(filepath.Join(m.dir, "mosquitto.out"), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600); err == nil {
		m.cmd.Stdout, m.cmd.Stderr = out, out
		defer out.Close()
	}
	if err := m.cmd.Start(); err != nil {
		m.t.Fatalf("start mosquitto: %v", err)
	}
	m.waitListening(m.Port)
	if m.observerPort != 0 {
		m.waitListening(m.observerPort)
	}
}

func (m *Mosquitto) waitListening(port int) {
	m.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		c, err := net.DialTimeout("tcp", fmt.Sprintf("127.0.0.1:%d", port), 200*time.Millisecond)
		if err == nil {
			c.Close()
			return
		}
		if time.Now().After(deadline) {
			m.t.Fatalf("mosquitto did not listen on port %d: %v\n%s", port, err, m.Log())
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
