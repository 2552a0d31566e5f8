package main

import (
	"fmt"
	"log/slog"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/plantgw/plantgw/alarm"
	"github.com/plantgw/plantgw/config"
	"github.com/plantgw/plantgw/web"
)

// apiPlant is the gateway behind the test API: one gas point with a
// latched alarm that a reset cannot clear until cleared is set.
type apiPlant struct {
	mu       sync.Mutex
	bypasses []web.BypassStatus
	actions  []string
	cleared  bool
}

func (p *apiPlant) did(s string) { p.mu.Lock(); p.actions = append(p.actions, s); p.mu.Unlock() }

func (p *apiPlant) Status() web.Status {
	p.mu.Lock()
	defer p.mu.Unlock()
	v := 42.5
	st := web.Status{Gateway: "gw-test", Time: time.Now(), Points: []web.PointStatus{{ID: "GT-101.conc", Unit: "%LEL", Value: &v, Quality: "good", Time: time.Now()}},
		Bypasses: append([]web.BypassStatus(nil), p.bypasses...), Devices: web.DeviceSummary{Total: 3, Lost: 1},
		Buffer: web.BufferStatus{LastSeq: 1234, Pending: map[string]int{"events": 2, "telemetry": 300}}}
	if !p.cleared {
		st.Alarms = []web.AlarmStatus{{Point: "GT-101.conc", Level: "al2", Active: true}}
		st.Interlocks = []web.InterlockStatus{{Name: "gas-esd", Tripped: true}}
	}
	return st
}
func (p *apiPlant) Acknowledge(u string) error { p.did("ack " + u); return nil }
func (p *apiPlant) Silence(u string) error     { p.did("silence " + u); return nil }
func (p *apiPlant) Reset(u string) (int, string, error) {
	p.did("reset " + u)
	p.mu.Lock()
	defer p.mu.Unlock()
	if !p.cleared {
		return 1, "GT-101.conc al2", nil
	}
	return 0, "", nil
}
func (p *apiPlant) Bypass(point, u, reason string, d time.Duration) error {
	if point != "GT-101.conc" {
		return alarm.ErrUnknownPoint
	}
	if d > alarm.MaxBypass {
		return alarm.ErrBypassDuration
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.bypasses = append(p.bypasses, web.BypassStatus{Point: point, Operator: u, Reason: reason, Until: time.Now().Add(d)})
	return nil
}
func (p *apiPlant) EndBypass(point, u string) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.bypasses = nil
	p.actions = append(p.actions, "end "+point+" "+u)
	return nil
}
func (p *apiPlant) Metrics() web.Metrics { return web.Metrics{} }
func (p *apiPlant) History(string, time.Time, time.Time, int) ([]web.Reading, error) {
	return nil, nil
}
func (p *apiPlant) Events(time.Time, time.Time, int) ([]web.Event, error) { return nil, nil }

// startAPI serves the local API of a fake gateway on loopback and returns
// its address, the state directory and the plant. gwctl keeps its login
// in the test's temp dir.
func startAPI(t *testing.T) (addr, stateDir string, p *apiPlant) {
	t.Helper()
	stateDir = t.TempDir()
	p = &apiPlant{}
	srv, err := web.New(web.Options{Web: config.Web{StateDir: stateDir, SessionIdle: config.Duration(time.Hour), SessionMax: config.Duration(time.Hour)},
		Lang: "zh-CN", Plant: p, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(srv.Handler())
	t.Cleanup(hs.Close)
	t.Setenv("PLANTGW_SESSION_FILE", filepath.Join(t.TempDir(), "sessions.json"))
	t.Setenv("PLANTGW_GATEWAY", strings.TrimPrefix(hs.URL, "http://"))
	t.Setenv("PLANTGW_LANG", "")
	return hs.URL, stateDir, p
}

// withStdin runs f with lines as the standard input of gwctl.
func withStdin(lines string, f func()) {
	old := stdin
	stdin = strings.NewReader(lines)
	defer func() { stdin = old }()
	f()
}

func setupInstaller(t *testing.T, stateDir string) {
	t.Helper()
	tok, err := os.ReadFile(filepath.Join(stateDir, "setup-token"))
	if err != nil {
		t.Fatal(err)
	}
	withStdin("Tank-farm-2026\n", func() {
		code, out, errs := runCLI("setup", "--token", strings.TrimSpace(string(tok)), "--user", "zhang", "--password-stdin")
		if code != exitOK {
			t.Fatalf("setup: %d %s %s", code, out, errs)
		}
		wantContains(t, "setup output", out, "已登录", "zhang (安装人员)")
	})
}

func TestGwctlSetupStatusAndAccounts(t *testing.T) {
	_, stateDir, _ := startAPI(t)
	code, _, errs := runCLI("status")
	if code != exitFailure {
		t.Fatalf("status before login: exit %d", code)
	}
	wantContains(t, "status before login", errs, "请先登录", "gwctl login")

	setupInstaller(t, stateDir)
	code, out, errs := runCLI("status")
	if code != exitOK {
		t.Fatalf("status: %d %s", code, errs)
	}
	wantContains(t, "status", out, "GT-101.conc", "42.5", "%LEL", "正常", "报警: GT-101.conc AL2", "联锁 gas-esd 已动作",
		"设备: 3 台, 通讯中断: 1 台", "待上传: 事件 2 条, 遥测 300 条")

	withStdin("Shift-B-2026\nShift-B-2026\n", func() {
		code, out, errs = runCLI("accounts", "add", "--name", "liu", "--role", "operator", "--password-stdin")
	})
	if code != exitOK {
		t.Fatalf("accounts add: %d %s", code, errs)
	}
	code, out, _ = runCLI("accounts", "list", "--lang", "en")
	wantContains(t, "accounts list", out, "zhang (installer)", "liu (operator)")
	code, _, errs = runCLI("accounts", "remove", "--name", "zhang")
	if code != exitFailure {
		t.Fatalf("removing the last installer: exit %d", code)
	}
	wantContains(t, "last installer", errs, "不能删除最后一个安装人员账户")
}

func TestGwctlBypassAndReset(t *testing.T) {
	_, stateDir, p := startAPI(t)
	setupInstaller(t, stateDir)

	code, out, errs := runCLI("bypass", "set", "--point", "GT-101.conc", "--reason", "更换探头", "--for", "2h")
	if code != exitOK {
		t.Fatalf("bypass set: %d %s", code, errs)
	}
	wantContains(t, "bypass set", out, "GT-101.conc 已旁路至")
	_, out, _ = runCLI("bypass", "list")
	wantContains(t, "bypass list", out, "旁路: GT-101.conc, 设置人 zhang", "更换探头")
	code, _, errs = runCLI("bypass", "set", "--point", "GT-101.conc", "--reason", "x", "--for", "9h", "--lang", "en")
	if code != exitFailure {
		t.Fatalf("9 h bypass: exit %d", code)
	}
	wantContains(t, "9 h bypass", errs, `bypass duration "9h0m0s": give 1s to 8h`)
	code, _, errs = runCLI("bypass", "set", "--point", "GT-999", "--reason", "x", "--for", "1h")
	wantContains(t, "unknown point", errs, `没有报警点位 "GT-999"`)
	if code != exitFailure {
		t.Fatalf("unknown point: exit %d", code)
	}
	if code, _, _ := runCLI("bypass", "end", "--point", "GT-101.conc"); code != exitOK {
		t.Fatalf("bypass end: exit %d", code)
	}

	code, out, _ = runCLI("alarms", "reset")
	if code != exitFailure {
		t.Fatalf("reset with the gas still high: exit %d", code)
	}
	wantContains(t, "refused reset", out, "1 个报警或联锁未复位", "GT-101.conc al2")
	p.mu.Lock()
	p.cleared = true
	p.mu.Unlock()
	code, out, _ = runCLI("alarms", "reset")
	if code != exitOK {
		t.Fatalf("reset: exit %d", code)
	}
	wantContains(t, "reset", out, "复位完成")
	for _, a := range []string{"acknowledge", "silence"} {
		if code, _, errs := runCLI("alarms", a); code != exitOK {
			t.Fatalf("alarms %s: %d %s", a, code, errs)
		}
	}
	want := "end GT-101.conc zhang|reset zhang|reset zhang|ack zhang|silence zhang"
	if got := strings.Join(p.actions, "|"); got != want {
		t.Errorf("actions %q, want %q", got, want)
	}
}

func TestGwctlLoginErrors(t *testing.T) {
	_, stateDir, _ := startAPI(t)
	setupInstaller(t, stateDir)
	withStdin("wrong-password\n", func() {
		code, _, errs := runCLI("login", "--user", "zhang", "--password-stdin")
		if code != exitFailure {
			t.Fatalf("wrong password: exit %d", code)
		}
		wantContains(t, "wrong password", errs, "账户名或密码错误")
	})
	withStdin("wrong-password\n", func() {
		_, _, errs := runCLI("login", "--user", "zhang", "--password-stdin", "--lang", "en")
		wantContains(t, "wrong password in English", errs, "wrong account name or password")
	})
	if code, _, errs := runCLI("logout"); code != exitOK {
		t.Fatalf("logout: %d %s", code, errs)
	}
	if code, _, _ := runCLI("status"); code != exitFailure {
		t.Fatalf("status after logout: exit %d", code)
	}
	code, _, errs := runCLI("status", "--gateway", "127.0.0.1:1")
	if code != exitFailure {
		t.Fatalf("unreachable gateway: exit %d", code)
	}
	wantContains(t, "unreachable gateway", errs, "无法连接", "web.listen")
}

func TestGwctlSetupTokenFromConfig(t *testing.T) {
	_, stateDir, _ := startAPI(t)
	cfgPath := filepath.Join(t.TempDir(), "gw.yaml")
	text := fmt.Sprintf(`site: {enterprise_code: E1, gateway_id: gw-1}
buses: [{name: tcp-1, tcp: {address: "127.0.0.1:502"}}]
devices: [{name: D1, bus: tcp-1, unit: 1}]
points: [{id: P1, device: D1, register: {table: input, address: "30001"}, type: int16, platform: {hazard_code: H1, point_code: C1}}]
uplink: {mqtt: {url: "tcp://127.0.0.1:1883"}}
buffer: {path: /tmp/x}
web: {listen: "192.168.100.1:8080", state_dir: %q}
`, stateDir)
	if err := os.WriteFile(cfgPath, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	tok, _ := os.ReadFile(filepath.Join(stateDir, "setup-token"))
	code, out, errs := runCLI("setup-token", cfgPath)
	if code != exitOK {
		t.Fatalf("setup-token: %d %s", code, errs)
	}
	wantContains(t, "setup-token", out, "安装令牌: "+strings.TrimSpace(string(tok)), "gwctl setup --gateway 192.168.100.1:8080")
	setupInstaller(t, stateDir)
	code, _, errs = runCLI("setup-token", cfgPath)
	if code != exitFailure {
		t.Fatalf("setup-token after setup: exit %d", code)
	}
	wantContains(t, "setup-token after setup", errs, "初始设置已完成")
}
