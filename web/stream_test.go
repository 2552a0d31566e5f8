package web

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/plantgw/plantgw/config"
	"github.com/plantgw/plantgw/record"
)

// sseEvent is one parsed Server-Sent Event.
type sseEvent struct {
	name, data string
}

// sseReader reads the events of one open stream on a goroutine of its
// own, which ends when the body closes.
type sseReader struct {
	events chan sseEvent
	done   chan struct{}
}

func readSSE(body io.Reader) *sseReader {
	r := &sseReader{events: make(chan sseEvent, 1024), done: make(chan struct{})}
	go func() {
		defer close(r.done)
		defer close(r.events)
		sc := bufio.NewScanner(body)
		var e sseEvent
		for sc.Scan() {
			line := sc.Text()
			switch {
			case line == "":
				if e.name != "" {
					select {
					case r.events <- e:
					default:
						// The test stopped reading; it fails on its own.
					}
				}
				e = sseEvent{}
			case strings.HasPrefix(line, "event: "):
				e.name = strings.TrimPrefix(line, "event: ")
			case strings.HasPrefix(line, "data: "):
				e.data = strings.TrimPrefix(line, "data: ")
			}
		}
	}()
	return r
}

// next returns the next event named name, skipping others, or fails the
// test after timeout.
func (r *sseReader) next(t *testing.T, name string, timeout time.Duration) sseEvent {
	t.Helper()
	deadline := time.After(timeout)
	for {
		select {
		case e, ok := <-r.events:
			if !ok {
				t.Fatalf("stream ended while waiting for %q", name)
			}
			if e.name == name {
				return e
			}
		case <-deadline:
			t.Fatalf("no %q event within %v", name, timeout)
		}
	}
}

// openStream opens /api/stream as c and returns its reader; the stream
// closes at the end of the test.
func (c *client) openStream(t *testing.T) *sseReader {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	req, err := http.NewRequestWithContext(ctx, "GET", c.rg.http.URL+"/api/stream", nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := c.h.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("stream status %d", resp.StatusCode)
	}
	if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/event-stream") {
		t.Fatalf("stream content type %q", ct)
	}
	r := readSSE(resp.Body)
	t.Cleanup(func() {
		cancel()
		resp.Body.Close()
		<-r.done
	})
	return r
}

func (rg *rig) subscribers() int {
	rg.srv.hub.mu.Lock()
	defer rg.srv.hub.mu.Unlock()
	return len(rg.srv.hub.subs)
}

// waitFor polls cond every 10 ms until it holds or timeout passes.
func waitFor(t *testing.T, timeout time.Duration, what string, cond func() bool) {
	t.Helper()
	for end := time.Now().Add(timeout); !cond(); time.Sleep(10 * time.Millisecond) {
		if time.Now().After(end) {
			t.Fatalf("timed out after %v waiting for %s", timeout, what)
		}
	}
}

func TestStreamSendsStatusDevicesAndEvents(t *testing.T) {
	rg := newRig(t)
	viewer := rg.account(rg.installer(), "wang", Viewer)
	rg.plant.update(func(st *Status) {
		v := 12.5
		st.Points = []PointStatus{{ID: "GT-101", Unit: "%LEL", Value: &v, Quality: "good"}}
	})
	stream := viewer.openStream(t)

	var st Status
	if err := json.Unmarshal([]byte(stream.next(t, "status", 2*time.Second).data), &st); err != nil {
		t.Fatal(err)
	}
	if st.Gateway != "gw-test" || len(st.Points) != 1 || *st.Points[0].Value != 12.5 {
		t.Fatalf("first status %+v", st)
	}
	var devices []deviceComm
	if err := json.Unmarshal([]byte(stream.next(t, "devices", time.Second).data), &devices); err != nil {
		t.Fatal(err)
	}
	if len(devices) != 1 || devices[0].Name != "GT-101" || !devices[0].CommLost {
		t.Fatalf("devices %+v", devices)
	}

	rg.plant.update(func(st *Status) { v := 37.0; st.Points[0].Value = &v })
	waitFor(t, 3*time.Second, "a status with the new value", func() bool {
		var next Status
		json.Unmarshal([]byte(stream.next(t, "status", 2*time.Second).data), &next)
		return len(next.Points) == 1 && next.Points[0].Value != nil && *next.Points[0].Value == 37
	})

	rg.srv.Publish(record.Event{Kind: record.AlarmRaised, Point: "GT-101", Level: record.AL2, Value: 37, HasValue: true, Text: "GT-101 al2"})
	var e Event
	if err := json.Unmarshal([]byte(stream.next(t, "event", 2*time.Second).data), &e); err != nil {
		t.Fatal(err)
	}
	if e.Kind != "alarm_raised" || e.Point != "GT-101" || e.Level != "al2" || e.Value == nil || *e.Value != 37 {
		t.Fatalf("live event %+v", e)
	}
}

func TestStreamUnsubscribesWhenClientGoes(t *testing.T) {
	rg := newRig(t)
	c := rg.installer()
	ctx, cancel := context.WithCancel(context.Background())
	req, _ := http.NewRequestWithContext(ctx, "GET", rg.http.URL+"/api/stream", nil)
	resp, err := c.h.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	waitFor(t, 2*time.Second, "the stream to subscribe", func() bool { return rg.subscribers() == 1 })
	cancel()
	waitFor(t, 2*time.Second, "the stream to unsubscribe", func() bool { return rg.subscribers() == 0 })
}

func TestStreamLimitAndLogin(t *testing.T) {
	rg := newRig(t)
	c := rg.installer()
	rg.client().expect(401, "GET", "/api/stream", nil)

	var subs []*subscriber
	for range maxSubscribers {
		subs = append(subs, rg.srv.hub.subscribe())
	}
	r := c.expect(503, "GET", "/api/stream", nil)
	if r.body["error"] != string(codeStreamsFull) || !strings.Contains(r.body["message"].(string), "16 个页面") {
		t.Fatalf("full hub reply: %s", r.raw)
	}
	for _, s := range subs {
		rg.srv.hub.unsubscribe(s)
	}
	c.openStream(t).next(t, "status", 2*time.Second)
}

// blockingWriter is a ResponseWriter whose first Write waits for
// release, as a client that stopped reading would make it.
type blockingWriter struct {
	header  http.Header
	entered chan struct{}
	release chan struct{}
	once    sync.Once
	mu      sync.Mutex
	out     strings.Builder
}

func (w *blockingWriter) Header() http.Header { return w.header }
func (w *blockingWriter) WriteHeader(int)     {}
func (w *blockingWriter) Flush()              {}
func (w *blockingWriter) Write(b []byte) (int, error) {
	w.once.Do(func() {
		close(w.entered)
		<-w.release
	})
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.out.Write(b)
}

func (w *blockingWriter) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.out.String()
}

func TestStreamReportsDroppedEvents(t *testing.T) {
	rg := newRig(t)
	w := &blockingWriter{header: http.Header{}, entered: make(chan struct{}), release: make(chan struct{})}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		rg.srv.stream(w, httptest.NewRequest("GET", "/api/stream", nil).WithContext(ctx))
	}()
	defer func() { cancel(); <-done }()

	<-w.entered
	const published = subscriberQueue + 36
	for i := range published {
		rg.srv.Publish(record.Event{Kind: record.OutputChanged, Output: "horn", Text: itoa(i)})
	}
	close(w.release)
	waitFor(t, 3*time.Second, "a reload event", func() bool { return strings.Contains(w.String(), "event: reload\n") })
	out := w.String()
	if !strings.Contains(out, `data: {"dropped":36}`) {
		t.Errorf("reload does not count 36 dropped events:\n%s", out)
	}
	if n := strings.Count(out, "event: event\n"); n != subscriberQueue {
		t.Errorf("%d live events sent, want the %d queued", n, subscriberQueue)
	}
	if !strings.HasPrefix(out, "retry: 3000\n\n") {
		t.Errorf("stream does not start with the retry time: %.40q", out)
	}
}

func TestStreamSessionCheck(t *testing.T) {
	rg := newRig(t)
	admin := rg.installer()
	op := rg.account(admin, "liu", Operator)
	op.h.Jar = nil
	login := op.expect(200, "POST", "/api/login", map[string]any{"user": "liu", "password": "liu-password-1", "cli": true})
	tok := login.body["token"].(string)
	req := httptest.NewRequest("GET", "/api/stream", nil)
	req.Header.Set("Authorization", "Bearer "+tok)
	if !rg.srv.sessionValid(req) {
		t.Fatal("a fresh session is not valid")
	}
	admin.expect(204, "DELETE", "/api/accounts/liu", nil)
	if rg.srv.sessionValid(req) {
		t.Fatal("the session of a removed account is still valid")
	}
}

// freeAddr returns a loopback address with a port that was free a moment
// ago.
func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

func TestStreamEndsWhenServerStops(t *testing.T) {
	addr := freeAddr(t)
	srv, err := New(Options{Web: config.Web{Listen: addr, StateDir: t.TempDir(), SessionIdle: config.Duration(time.Hour),
		SessionMax: config.Duration(time.Hour)}, Plant: &fakePlant{}, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	ctx, stop := context.WithCancel(context.Background())
	defer stop()
	ran := make(chan error, 1)
	go func() { ran <- srv.Run(ctx) }()

	body := `{"token":"` + srv.setupToken + `","user":"zhang","password":"` + installerPassword + `","cli":true}`
	var resp *http.Response
	waitFor(t, 5*time.Second, "the server to listen", func() bool {
		resp, err = http.Post("http://"+addr+"/api/setup", "application/json", strings.NewReader(body))
		return err == nil
	})
	var login loginReply
	json.NewDecoder(resp.Body).Decode(&login)
	resp.Body.Close()

	req, _ := http.NewRequest("GET", "http://"+addr+"/api/stream", nil)
	req.Header.Set("Authorization", "Bearer "+login.Token)
	stream, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer stream.Body.Close()
	events := readSSE(stream.Body)
	events.next(t, "status", 2*time.Second)

	stopped := time.Now()
	stop()
	select {
	case <-events.done:
	case <-time.After(time.Second):
		t.Fatal("stream still open 1 s after the server stopped")
	}
	select {
	case err := <-ran:
		if err != nil && !errors.Is(err, context.Canceled) {
			t.Fatalf("Run: %v", err)
		}
	case <-time.After(time.Second):
		t.Fatal("Run did not return within 1 s")
	}
	t.Logf("stream and server ended %v after the stop", time.Since(stopped))
}
