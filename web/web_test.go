package web

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/plantgw/plantgw/alarm"
	"github.com/plantgw/plantgw/config"
	"github.com/plantgw/plantgw/record"
)

// fakePlant records the actions the API passes on.
type fakePlant struct {
	mu      sync.Mutex
	actions []string
	bypass  []BypassStatus
	// live holds the points, alarms, interlocks, devices, buffer and
	// uplink that Status returns; tests change it with update.
	live Status
	// export controls the fake's CSV exports (export_test.go).
	export fakeExport
	// modbusStarted, when set, receives a value from each Modbus read of
	// bus "slow", which then waits for its request to end (modbus_test.go).
	modbusStarted chan struct{}
	// test is the running output test; stopping rejects new ones as a
	// stopping gateway does.
	test     *OutputTest
	stopping bool
}

// update changes the status that Status returns.
func (p *fakePlant) update(change func(*Status)) {
	p.mu.Lock()
	defer p.mu.Unlock()
	change(&p.live)
}

// actionList returns the actions so far.
func (p *fakePlant) actionList() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]string(nil), p.actions...)
}

func (p *fakePlant) did(a string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.actions = append(p.actions, a)
}

func (p *fakePlant) Status() Status {
	p.mu.Lock()
	defer p.mu.Unlock()
	st := p.live
	st.Gateway = "gw-test"
	st.Bypasses = append([]BypassStatus(nil), p.bypass...)
	st.Points = append([]PointStatus(nil), p.live.Points...)
	st.Alarms = append([]AlarmStatus(nil), p.live.Alarms...)
	st.Interlocks = append([]InterlockStatus(nil), p.live.Interlocks...)
	st.Buffer.Pending = maps.Clone(p.live.Buffer.Pending)
	return st
}

// Acknowledge records the action and marks the latched alarms
// acknowledged, as the alarm engine does.
func (p *fakePlant) Acknowledge(u string) error {
	p.did("ack " + u)
	p.update(func(st *Status) {
		for i := range st.Alarms {
			st.Alarms[i].Acknowledged = true
		}
	})
	return nil
}
func (p *fakePlant) Silence(u string) error { p.did("silence " + u); return nil }
func (p *fakePlant) Reset(u string) (int, string, error) {
	p.did("reset " + u)
	return 1, "GT-101 al2", nil
}
func (p *fakePlant) Bypass(point, u, reason string, d time.Duration) error {
	if point == "TT-1" {
		return alarm.ErrNotInterlocked
	}
	if point != "GT-101" {
		return alarm.ErrUnknownPoint
	}
	if reason == "" {
		return alarm.ErrBypassReason
	}
	if d > alarm.MaxBypass {
		return alarm.ErrBypassDuration
	}
	p.did("bypass " + point + " " + u + " " + reason + " " + d.String())
	p.mu.Lock()
	p.bypass = append(p.bypass, BypassStatus{Point: point, Operator: u, Reason: reason})
	p.mu.Unlock()
	return nil
}
func (p *fakePlant) EndBypass(point, u string) error {
	p.mu.Lock()
	bypassed := len(p.bypass) > 0
	p.bypass = nil
	p.mu.Unlock()
	if !bypassed {
		return alarm.ErrNoBypass
	}
	p.did("end " + point + " " + u)
	return nil
}

func (p *fakePlant) Metrics() Metrics {
	return Metrics{
		Lines:   []LineMetrics{{Bus: "rtu-1", Requests: 120, Replies: 110, Timeouts: 10}},
		Devices: []DeviceMetrics{{Name: "GT-101", Bus: "rtu-1", Unit: 1, Requests: 120, Timeouts: 10, CommLost: true}},
		Events:  map[string]uint64{"alarm_raised": 3}, StoreDropped: 2,
	}
}

func (p *fakePlant) History(point string, from, to time.Time, limit int) ([]Reading, error) {
	if point != "GT-101" {
		return nil, alarm.ErrUnknownPoint
	}
	// The fake stores one reading at every whole minute.
	first := from.Truncate(time.Minute)
	if first.Before(from) {
		first = first.Add(time.Minute)
	}
	var out []Reading
	for t := first; !t.After(to) && len(out) < limit; t = t.Add(time.Minute) {
		v := float64(t.Minute())
		out = append(out, Reading{Time: t, Value: &v, Quality: "good"})
	}
	return out, nil
}

func (p *fakePlant) Events(from, to time.Time, limit int) ([]Event, error) {
	out := []Event{{Seq: 7, Kind: "alarm_raised", Time: to.Add(-time.Minute), Point: "GT-101", Level: "al2", Text: "GT-101 al2"},
		{Seq: 5, Kind: "gateway_started", Time: to.Add(-time.Hour), Text: "started"}}
	if len(out) > limit {
		out = out[:limit]
	}
	return out, nil
}

// fakeOutputNames are the board outputs of the fake plant.
var fakeOutputNames = []string{"beacon", "esd-1", "horn"}

func (p *fakePlant) Outputs() OutputList {
	p.mu.Lock()
	defer p.mu.Unlock()
	var list OutputList
	for _, n := range fakeOutputNames {
		underTest := p.test != nil && p.test.Output == n
		list.Outputs = append(list.Outputs, OutputStatus{Name: n, Active: underTest, Testing: underTest})
	}
	if p.test != nil {
		t := *p.test
		list.Test = &t
	}
	return list
}

// TestOutput starts a test that runs until endTest, rejecting what the
// alarm engine rejects.
func (p *fakePlant) TestOutput(output, u string, d time.Duration) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	switch {
	case !slices.Contains(fakeOutputNames, output):
		return fmt.Errorf("%w: %q", alarm.ErrUnknownOutput, output)
	case p.stopping:
		return alarm.ErrOutputTestsStopped
	case p.test != nil:
		return &alarm.OutputTestRunningError{Running: alarm.OutputTest{Output: p.test.Output, Operator: p.test.Operator,
			Started: p.test.Started, Until: p.test.Until}}
	}
	start := time.Date(2026, 12, 5, 8, 0, 0, 0, time.UTC)
	p.test = &OutputTest{Output: output, Operator: u, Started: start, Until: start.Add(d)}
	p.actions = append(p.actions, "test "+output+" "+u+" "+d.String())
	return nil
}

// endTest ends the running output test.
func (p *fakePlant) endTest() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.test = nil
}

type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

type rig struct {
	t      testing.TB
	srv    *Server
	http   *httptest.Server
	plant  *fakePlant
	clock  *clock
	dir    string
	mu     sync.Mutex
	events []record.Event
}

func newRig(t testing.TB) *rig {
	t.Helper()
	rg := &rig{t: t, plant: &fakePlant{}, clock: &clock{t: time.Date(2026, 12, 5, 8, 0, 0, 0, time.UTC)}, dir: t.TempDir()}
	var err error
	rg.srv, err = New(Options{Web: config.Web{Listen: "127.0.0.1:0", StateDir: rg.dir, SessionIdle: config.Duration(30 * time.Minute),
		SessionMax: config.Duration(12 * time.Hour)}, Lang: "zh-CN", Plant: rg.plant, Now: rg.clock.now, Logger: slog.New(slog.DiscardHandler),
		Event: func(e record.Event) { rg.mu.Lock(); rg.events = append(rg.events, e); rg.mu.Unlock() }})
	if err != nil {
		t.Fatal(err)
	}
	rg.http = httptest.NewServer(rg.srv.Handler())
	t.Cleanup(rg.http.Close)
	return rg
}

func (rg *rig) setupToken() string {
	data, err := os.ReadFile(filepath.Join(rg.dir, setupTokenFile))
	if err != nil {
		rg.t.Fatal(err)
	}
	return strings.TrimSpace(string(data))
}

// client is one user's browser or gwctl.
type client struct {
	rg    *rig
	h     *http.Client
	lang  string
	token string
}

func (rg *rig) client() *client {
	jar, _ := cookiejar.New(nil)
	return &client{rg: rg, h: &http.Client{Jar: jar}}
}

type reply struct {
	status int
	body   map[string]any
	raw    string
	header http.Header
}

func (c *client) do(method, path string, body any, hdr ...string) reply {
	c.rg.t.Helper()
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, c.rg.http.URL+path, rd)
	if err != nil {
		c.rg.t.Fatal(err)
	}
	if c.lang != "" {
		req.Header.Set("Accept-Language", c.lang)
	}
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	resp, err := c.h.Do(req)
	if err != nil {
		c.rg.t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	r := reply{status: resp.StatusCode, raw: string(raw), header: resp.Header}
	json.Unmarshal(raw, &r.body)
	return r
}

func (c *client) expect(want int, method, path string, body any, hdr ...string) reply {
	c.rg.t.Helper()
	r := c.do(method, path, body, hdr...)
	if r.status != want {
		c.rg.t.Fatalf("%s %s: status %d, want %d: %s", method, path, r.status, want, r.raw)
	}
	return r
}

const installerPassword = "Tank-farm-2026"

// installer runs the setup and returns the logged-in installer.
func (rg *rig) installer() *client {
	c := rg.client()
	c.expect(200, "POST", "/api/setup", map[string]any{"token": rg.setupToken(), "user": "zhang", "password": installerPassword})
	return c
}

// account creates an account with role and returns it logged in.
func (rg *rig) account(admin *client, name string, role Role) *client {
	admin.expect(201, "POST", "/api/accounts", map[string]any{"name": name, "password": name + "-password-1", "role": string(role)})
	c := rg.client()
	c.expect(200, "POST", "/api/login", map[string]any{"user": name, "password": name + "-password-1"})
	return c
}
