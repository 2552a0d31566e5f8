package uplink

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/plantgw/plantgw/buffer"
	"github.com/plantgw/plantgw/config"
	"github.com/plantgw/plantgw/internal/testenv"
)

// logBuffer collects log output from several goroutines.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}

func (l *logBuffer) logger() *slog.Logger { return slog.New(slog.NewTextHandler(l, nil)) }

func testMQTT(url string) config.MQTT {
	return config.MQTT{URL: url, ClientID: "gw-test", TopicPrefix: "plantgw", KeepAlive: config.Duration(5 * time.Second), MaxRecords: 50}
}

// runUplink runs an uplink over b with mq until the returned stop is
// called. edit, when not nil, changes the options first.
func runUplink(t *testing.T, b *buffer.Buffer, mq config.MQTT, log *slog.Logger, edit func(*Options)) (*Uplink, func()) {
	t.Helper()
	cfg := testSiteConfig()
	enc, err := NewEncoder(cfg)
	if err != nil {
		t.Fatal(err)
	}
	opts := Options{MQTT: mq, Encoder: enc, Store: b, Logger: log, AckTimeout: 3 * time.Second, BacklogUpTo: b.Stats().LastSeq}
	if edit != nil {
		edit(&opts)
	}
	u := New(opts, cfg.Site)
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Go(func() { _ = u.Run(ctx) })
	return u, func() { cancel(); wg.Wait() }
}

// waitForError waits until the uplink reports a failed connect and
// returns its error text.
func waitForError(t *testing.T, u *Uplink) string {
	t.Helper()
	testenv.WaitFor(t, 10*time.Second, "a failed connect", func() bool { return u.State().LastError != "" })
	return u.State().LastError
}

func TestTLSClientCertificateDeliversRecords(t *testing.T) {
	pki := testenv.NewPKI(t)
	broker := testenv.StartMosquittoWith(t, testenv.MosquittoOptions{TLS: pki, RequireCertificate: true})
	sub := testenv.Subscribe(t, broker.ObserverURL(), "platform-tls", "plantgw/E1/gw-test/+")
	b := openBuffer(t)
	appendRecords(t, b, 300)

	mq := testMQTT(broker.URL())
	mq.TLS = config.TLS{CAFile: pki.CAFile, CertFile: pki.ClientCertFile, KeyFile: pki.ClientKeyFile}
	u, stop := runUplink(t, b, mq, quietLogger(), nil)
	defer stop()

	testenv.WaitFor(t, 20*time.Second, "300 records over TLS", func() bool { return len(sub.Seqs()) >= 300 })
	checkAll(t, sub.Seqs(), 300)
	if st := u.State(); !st.Connected || st.Connects != 1 {
		t.Errorf("state = %+v, want connected once", st)
	}
}

func TestTLSServerNameChecked(t *testing.T) {
	pki := testenv.NewPKI(t)
	broker := testenv.StartMosquittoWith(t, testenv.MosquittoOptions{TLS: pki})
	b := openBuffer(t)

	mq := testMQTT(broker.URL())
	mq.TLS = config.TLS{CAFile: pki.CAFile, ServerName: "broker.example.com"}
	u, stop := runUplink(t, b, mq, quietLogger(), nil)
	defer stop()

	msg := waitForError(t, u)
	t.Logf("connect error: %s", msg)
	if !strings.Contains(msg, "set uplink.mqtt.tls.server_name") {
		t.Errorf("error = %q, want the server_name hint", msg)
	}
}

func TestTLSWrongCARejected(t *testing.T) {
	pki, other := testenv.NewPKI(t), testenv.NewPKI(t)
	broker := testenv.StartMosquittoWith(t, testenv.MosquittoOptions{TLS: pki, RequireCertificate: true})
	sub := testenv.Subscribe(t, broker.ObserverURL(), "platform-ca", "plantgw/E1/gw-test/+")
	b := openBuffer(t)
	appendRecords(t, b, 10)

	mq := testMQTT(broker.URL())
	mq.TLS = config.TLS{CAFile: other.CAFile, CertFile: pki.ClientCertFile, KeyFile: pki.ClientKeyFile}
	u, stop := runUplink(t, b, mq, quietLogger(), nil)
	defer stop()

	msg := waitForError(t, u)
	t.Logf("connect error: %s", msg)
	if !strings.Contains(msg, "certificate signed by unknown authority") {
		t.Errorf("error = %q, want the x509 unknown authority error", msg)
	}
	if !strings.Contains(msg, "not signed by a CA in uplink.mqtt.tls.ca_file ("+other.CAFile+")") {
		t.Errorf("error = %q, want the hint that names the CA file", msg)
	}
	if n := u.State().Connects; n != 0 {
		t.Errorf("connects = %d, want 0", n)
	}
	if n := len(sub.Seqs()); n != 0 {
		t.Errorf("subscriber received %d records through a broker the gateway must not trust", n)
	}
}

func TestTLSMissingClientCertificateRejected(t *testing.T) {
	pki := testenv.NewPKI(t)
	broker := testenv.StartMosquittoWith(t, testenv.MosquittoOptions{TLS: pki, RequireCertificate: true})
	b := openBuffer(t)

	mq := testMQTT(broker.URL())
	mq.TLS = config.TLS{CAFile: pki.CAFile}
	u, stop := runUplink(t, b, mq, quietLogger(), nil)
	defer stop()

	msg := waitForError(t, u)
	t.Logf("connect error: %s", msg)
	if n := u.State().Connects; n != 0 {
		t.Errorf("connects = %d without a client certificate, want 0 (error %q)", n, msg)
	}
	if !strings.Contains(msg, "set uplink.mqtt.tls.cert_file and key_file") {
		t.Errorf("error = %q, want the client certificate hint", msg)
	}
}

func TestInsecureSkipVerifyWarnsAtConnect(t *testing.T) {
	pki, other := testenv.NewPKI(t), testenv.NewPKI(t)
	broker := testenv.StartMosquittoWith(t, testenv.MosquittoOptions{TLS: pki})
	b := openBuffer(t)
	var logs logBuffer

	mq := testMQTT(broker.URL())
	mq.TLS = config.TLS{CAFile: other.CAFile, InsecureSkipVerify: true}
	u, stop := runUplink(t, b, mq, logs.logger(), nil)
	defer stop()

	testenv.WaitFor(t, 10*time.Second, "a connection without verification", func() bool { return u.State().Connected })
	if !strings.Contains(logs.String(), "level=WARN msg=\"TLS server verification is off") {
		t.Errorf("no warning about insecure_skip_verify in the log:\n%s", logs.String())
	}
}

func TestPasswordLogin(t *testing.T) {
	pki := testenv.NewPKI(t)
	const password = "s3cret-Pa55"
	passwd := testenv.PasswordFile(t, "gw-test", password)
	broker := testenv.StartMosquittoWith(t, testenv.MosquittoOptions{TLS: pki, PasswordFile: passwd})

	t.Run("accepted", func(t *testing.T) {
		sub := testenv.Subscribe(t, broker.ObserverURL(), "platform-login", "plantgw/E1/gw-test/+")
		b := openBuffer(t)
		appendRecords(t, b, 100)
		var logs logBuffer
		mq := testMQTT(broker.URL())
		mq.TLS = config.TLS{CAFile: pki.CAFile}
		mq.Username, mq.Password = "gw-test", password
		_, stop := runUplink(t, b, mq, logs.logger(), nil)
		testenv.WaitFor(t, 20*time.Second, "100 records after login", func() bool { return len(sub.Seqs()) >= 100 })
		stop()
		checkAll(t, sub.Seqs(), 100)
		if strings.Contains(logs.String(), password) {
			t.Error("the log contains the password")
		}
	})

	t.Run("wrong password", func(t *testing.T) {
		b := openBuffer(t)
		var logs logBuffer
		mq := testMQTT(broker.URL())
		mq.TLS = config.TLS{CAFile: pki.CAFile}
		mq.Username, mq.Password = "gw-test", "wrong-"+password
		u, stop := runUplink(t, b, mq, logs.logger(), nil)
		defer stop()
		msg := waitForError(t, u)
		t.Logf("connect error: %s", msg)
		t.Logf("connect error: %s", msg)
		if !strings.Contains(msg, "the broker rejected the login") {
			t.Errorf("error = %q, want the login hint", msg)
		}
		if n := u.State().Connects; n != 0 {
			t.Errorf("connects = %d with a wrong password, want 0", n)
		}
		if strings.Contains(logs.String(), password) {
			t.Error("the log contains the password")
		}
	})
}

func TestTLSWaitsForPlausibleClock(t *testing.T) {
	pki := testenv.NewPKI(t)
	broker := testenv.StartMosquittoWith(t, testenv.MosquittoOptions{TLS: pki})
	b := openBuffer(t)
	var logs logBuffer

	mq := testMQTT(broker.URL())
	mq.TLS = config.TLS{CAFile: pki.CAFile}
	// The reference date is a moment ahead, so the clock counts as wrong
	// until it passes, as after a boot in 1970 until NTP sets the time.
	notBefore := time.Now().Add(time.Second)
	u, stop := runUplink(t, b, mq, logs.logger(), func(o *Options) { o.NotBefore = notBefore })
	defer stop()

	time.Sleep(500 * time.Millisecond)
	if st := u.State(); st.Connects != 0 || !strings.Contains(st.LastError, "system clock before") {
		t.Errorf("state = %+v before the reference date, want no connect and the clock as the reason", st)
	}
	testenv.WaitFor(t, 2*clockRecheck, "a connection once the clock passed the reference", func() bool { return u.State().Connected })
	if n := strings.Count(logs.String(), "system clock is before the build's reference date"); n != 1 {
		t.Errorf("clock warning logged %d times, want once:\n%s", n, logs.String())
	}
}
