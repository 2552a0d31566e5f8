package gateway

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/plantgw/plantgw/board"
	"github.com/plantgw/plantgw/config"
	"github.com/plantgw/plantgw/internal/testenv"
	"github.com/plantgw/plantgw/record"
	"github.com/plantgw/plantgw/web"
)

// apiUser is a gwctl-style client of the gateway's local API.
type apiUser struct {
	t     *testing.T
	base  string
	token string
}

func (u *apiUser) call(method, path string, body any, out any) int {
	u.t.Helper()
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, u.base+path, rd)
	if u.token != "" {
		req.Header.Set("Authorization", "Bearer "+u.token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		u.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	if out != nil {
		json.Unmarshal(raw, out)
	}
	return resp.StatusCode
}

func (u *apiUser) must(want int, method, path string, body any, out any) {
	u.t.Helper()
	if got := u.call(method, path, body, out); got != want {
		u.t.Fatalf("%s %s: status %d, want %d", method, path, got, want)
	}
}

// TestLocalAPIBypassAndReset runs the gateway with
// its API on loopback: an operator account bypasses the gas point, the
// gas rises without a trip, ending the bypass trips, and a reset through
// the API releases the output. Every action is stored with the account.
func TestLocalAPIBypassAndReset(t *testing.T) {
	slave, port := startGasSlave(t)
	dir := t.TempDir()
	webPort := testenv.FreePort(t)
	text := strings.Replace(fmt.Sprintf(gatewayYAML, port, testenv.FreePort(t), filepath.Join(dir, "buf")),
		`web: {listen: "off"}`, fmt.Sprintf(`web: {listen: "127.0.0.1:%d"}`, webPort), 1)
	cfg, err := config.Parse("test.yaml", []byte(text), nil)
	if err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	b := board.NewSim([]string{"horn", "beacon", "esd-1"}, "", log)
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Go(func() { _ = Run(ctx, cfg, Options{Logger: log, Board: b, DrainTimeout: 100 * time.Millisecond}) })
	defer func() { cancel(); wg.Wait() }()

	base := fmt.Sprintf("http://127.0.0.1:%d", webPort)
	anon := &apiUser{t: t, base: base}
	testenv.WaitFor(t, 5*time.Second, "local API up", func() bool {
		resp, err := http.Get(base + "/api/setup")
		if err == nil {
			resp.Body.Close()
		}
		return err == nil
	})
	tok, err := os.ReadFile(filepath.Join(dir, "buf-web", "setup-token"))
	if err != nil {
		t.Fatal(err)
	}
	var login struct{ Token string }
	anon.must(200, "POST", "/api/setup", map[string]any{"token": strings.TrimSpace(string(tok)), "user": "zhang", "password": "Tank-farm-2026", "cli": true}, &login)
	installer := &apiUser{t: t, base: base, token: login.Token}
	installer.must(201, "POST", "/api/accounts", map[string]any{"name": "liu", "password": "Shift-B-2026", "role": "operator"}, nil)
	anon.must(200, "POST", "/api/login", map[string]any{"user": "liu", "password": "Shift-B-2026", "cli": true}, &login)
	op := &apiUser{t: t, base: base, token: login.Token}

	testenv.WaitFor(t, 5*time.Second, "esd-1 released after the first scan", func() bool { return !b.State()["esd-1"] })
	op.must(204, "POST", "/api/bypasses", map[string]any{"point": "GT-1.conc", "reason": "calibration gas", "duration": "1h"}, nil)
	slave.tenths.Store(450)
	var st web.Status
	testenv.WaitFor(t, 5*time.Second, "alarm latched at 45 %LEL", func() bool {
		op.must(200, "GET", "/api/status", nil, &st)
		return len(st.Alarms) > 0
	})
	time.Sleep(500 * time.Millisecond)
	if b.State()["esd-1"] {
		t.Fatal("esd-1 tripped on a bypassed point")
	}
	op.must(200, "GET", "/api/status", nil, &st)
	if len(st.Bypasses) != 1 || st.Bypasses[0].Operator != "liu" || st.Points[0].Value == nil || *st.Points[0].Value != 45 {
		t.Fatalf("status during bypass: %+v", st)
	}

	op.must(204, "DELETE", "/api/bypasses/GT-1.conc", nil, nil)
	testenv.WaitFor(t, 5*time.Second, "esd-1 trips once the bypass ends", func() bool { return b.State()["esd-1"] })
	op.must(200, "GET", "/api/status", nil, &st)
	if len(st.Interlocks) != 1 || !st.Interlocks[0].Tripped || st.Interlocks[0].Points[0] != "GT-1.conc" {
		t.Errorf("interlocks in status: %+v", st.Interlocks)
	}
	if len(st.Alarms) == 0 || st.Alarms[0].Value == nil || *st.Alarms[0].Value != 45 || st.Alarms[0].SetPoint == 0 {
		t.Errorf("alarms in status: %+v", st.Alarms)
	}
	active := map[string]bool{}
	for _, o := range st.Outputs {
		active[o.Name] = o.Active
	}
	if !active["esd-1"] || st.Timezone == "" {
		t.Errorf("outputs %+v, timezone %q", st.Outputs, st.Timezone)
	}
	var reset struct {
		NotReset int `json:"not_reset"`
	}
	op.must(200, "POST", "/api/alarms/reset", nil, &reset)
	if reset.NotReset == 0 {
		t.Fatal("reset accepted while the gas is still at 45 %LEL")
	}
	slave.tenths.Store(10)
	testenv.WaitFor(t, 5*time.Second, "reset through the API once the gas is back", func() bool {
		op.must(200, "POST", "/api/alarms/reset", nil, &reset)
		return reset.NotReset == 0 && !b.State()["esd-1"]
	})
	cancel()
	wg.Wait()

	byKind := map[record.EventKind]record.Event{}
	for _, e := range testenv.StoredEvents(t, filepath.Join(dir, "buf"), 0) {
		byKind[e.Kind] = e
	}
	for _, k := range []record.EventKind{record.BypassOn, record.BypassOff, record.TripReset, record.AlarmReset} {
		e, ok := byKind[k]
		if !ok || e.Operator != "liu" || e.Source != record.SourceLocalUI {
			t.Errorf("%s event: %+v, want operator liu from local_ui", k, e)
		}
	}
	if e := byKind[record.AccountCreated]; e.Operator != "zhang" {
		t.Errorf("account_created: %+v", e)
	}
}
