package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/creack/pty"

	"github.com/plantgw/plantgw/alarm"
	"github.com/plantgw/plantgw/config"
	"github.com/plantgw/plantgw/web"
)

// apiPlant is the gateway behind the test API: two gas points in one
// tripped interlock, GT-101.conc past its level 2 set point and
// GT-102.conc in fault, with latched alarms that a reset cannot clear
// until cleared is set.
type apiPlant struct {
	// Plant is nil: it supplies the methods of web.Plant that these tests
	// never call, and calling one panics.
	web.Plant

	mu       sync.Mutex
	bypasses []web.BypassStatus
	actions  []string
	cleared  bool
	// timezone is the site's time zone that Status reports.
	timezone string
	// now is the gateway's time that Status reports.
	now time.Time
}

func (p *apiPlant) did(s string) { p.mu.Lock(); p.actions = append(p.actions, s); p.mu.Unlock() }

func (p *apiPlant) Status() web.Status {
	p.mu.Lock()
	defer p.mu.Unlock()
	v := 42.5
	st := web.Status{Gateway: "gw-test", Time: p.now, Timezone: p.timezone,
		Points: []web.PointStatus{
			{ID: "GT-101.conc", Unit: "%LEL", Value: &v, Quality: "good", Time: p.now.Add(-time.Second)},
			{ID: "GT-102.conc", Unit: "%LEL", Quality: "bad", Time: p.now.Add(-time.Second), Fault: !p.cleared},
		},
		Interlocks: []web.InterlockStatus{
			{Name: "gas-esd", Points: []string{"GT-101.conc", "GT-102.conc", "GT-103.conc"}, Outputs: []string{"esd-1", "horn"}, Valves: []string{"XV-101"}},
			{Name: "overfill", Points: []string{"LT-201.level"}, Outputs: []string{"esd-2"}},
		},
		Outputs:  []web.OutputStatus{{Name: "beacon"}, {Name: "esd-1"}, {Name: "horn"}},
		Valves:   []web.ValveStatus{{Name: "XV-101", Open: true}},
		Bypasses: append([]web.BypassStatus(nil), p.bypasses...), Devices: web.DeviceSummary{Total: 3, Lost: 1},
		Buffer: web.BufferStatus{LastSeq: 1234, Pending: map[string]int{"events": 2, "telemetry": 300}}}
	if !p.cleared {
		st.Alarms = []web.AlarmStatus{
			{Point: "GT-101.conc", Level: "al2", Value: &v, SetPoint: 25, Priority: 1, Active: true},
			{Point: "GT-102.conc", Level: "al1", SetPoint: 20, Priority: 2, Active: true, Acknowledged: true},
		}
		st.Faults = []string{"GT-102.conc"}
		st.Interlocks[0].Tripped = true
		st.Outputs = []web.OutputStatus{{Name: "beacon", Active: true}, {Name: "esd-1", Active: true}, {Name: "horn", Active: true, Failed: true}}
		st.Valves = []web.ValveStatus{{Name: "XV-101", Held: true, Closed: true, Failed: true}}
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
		return 3, "GT-101.conc al2, GT-102.conc al1, gas-esd", nil
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
	p.bypasses = append(p.bypasses, web.BypassStatus{Point: point, Operator: u, Reason: reason, Until: p.now.Add(d)})
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
	// No other zone uses Kathmandu's UTC+05:45, so a time shown in the test
	// machine's zone instead fails the checks, unless the machine is in
	// Nepal.
	p = &apiPlant{timezone: "Asia/Kathmandu", now: time.Now().Truncate(time.Second)}
	addr, stateDir, _ = serveAPI(t, p)
	return addr, stateDir, p
}

// serveAPI serves the local API of plant on loopback, in Chinese unless a
// request names another language, and points gwctl at it with its
// login kept in the test's temp dir. It returns the server's URL, its
// state directory and the server.
func serveAPI(t *testing.T, plant web.Plant) (url, stateDir string, srv *web.Server) {
	t.Helper()
	stateDir = t.TempDir()
	srv, err := web.New(web.Options{Web: config.Web{StateDir: stateDir, SessionIdle: config.Duration(time.Hour), SessionMax: config.Duration(time.Hour)},
		Lang: "zh-CN", Plant: plant, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(srv.Handler())
	t.Cleanup(hs.Close)
	t.Setenv("PLANTGW_SESSION_FILE", filepath.Join(t.TempDir(), "sessions.json"))
	t.Setenv("PLANTGW_GATEWAY", strings.TrimPrefix(hs.URL, "http://"))
	t.Setenv("PLANTGW_LANG", "")
	return hs.URL, stateDir, srv
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

// siteTime formats t as gwctl shows it in the fake gateway's time zone.
func siteTime(t *testing.T, p *apiPlant, at time.Time, layout string) string {
	t.Helper()
	loc, err := time.LoadLocation(p.timezone)
	if err != nil {
		t.Fatal(err)
	}
	return at.In(loc).Format(layout)
}

func TestGwctlSetupStatusAndAccounts(t *testing.T) {
	_, stateDir, p := startAPI(t)
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
	wantContains(t, "status", out,
		"网关 gw-test, 时间 "+siteTime(t, p, p.now, time.DateTime)+" (Asia/Kathmandu)",
		"GT-101.conc", "42.5", "%LEL", "正常", siteTime(t, p, p.now.Add(-time.Second), time.TimeOnly),
		"报警: GT-101.conc 二级报警, 数值 42.5 %LEL, 设定值 25 %LEL, 越过设定值, 未确认",
		"报警: GT-102.conc 一级报警, 数值 无有效读数, 设定值 20 %LEL, 越过设定值, 已确认",
		"故障点位: GT-102.conc",
		"联锁 gas-esd 已动作, 原因: GT-101.conc 二级报警, GT-102.conc 一级报警/故障; 输出: esd-1, horn; 阀门: XV-101",
		"输出 beacon: 动作 (失电)", "输出 horn: 动作 (失电); 无法驱动, 请查看网关日志",
		"切断阀 XV-101: 被联锁保持关闭; 限位: 关到位; 报警: 未在规定时间内到达关限位",
		"设备: 3 台, 通讯中断: 1 台", "待上传: 事件 2 条, 遥测 300 条")
	if strings.Contains(out, "overfill") {
		t.Errorf("status lists the interlock overfill, which is not tripped:\n%s", out)
	}

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

func TestGwctlStatusInEnglishAfterClear(t *testing.T) {
	_, stateDir, p := startAPI(t)
	setupInstaller(t, stateDir)
	p.mu.Lock()
	p.cleared = true
	p.mu.Unlock()
	code, out, errs := runCLI("status", "--lang", "en")
	if code != exitOK {
		t.Fatalf("status: %d %s", code, errs)
	}
	wantContains(t, "status in English", out, "gateway gw-test at "+siteTime(t, p, p.now, time.DateTime)+" (Asia/Kathmandu)",
		"alarms: none latched", "interlocks: 2, none tripped", "output esd-1: released (energised)",
		"valve XV-101: not held by a trip; at its open limit")
}

func TestGwctlStatusUnknownTimezone(t *testing.T) {
	_, stateDir, p := startAPI(t)
	p.mu.Lock()
	p.timezone = "Mars/Olympus_Mons"
	p.mu.Unlock()
	setupInstaller(t, stateDir)
	code, out, errs := runCLI("status")
	if code != exitOK {
		t.Fatalf("status: %d %s", code, errs)
	}
	wantContains(t, "status with an unknown time zone", out,
		"时间 "+p.now.In(time.Local).Format(time.DateTime)+" (本机时区; 本机不认识现场时区 \"Mars/Olympus_Mons\")")
}

func TestGwctlAlarmLevelsInEnglish(t *testing.T) {
	_, stateDir, _ := startAPI(t)
	setupInstaller(t, stateDir)
	_, out, _ := runCLI("status", "--lang", "en")
	wantContains(t, "status in English", out,
		"alarm: GT-101.conc level 2 alarm, value 42.5 %LEL, set point 25 %LEL, past the set point, not acknowledged",
		"interlock gas-esd TRIPPED, cause: GT-101.conc level 2 alarm, GT-102.conc level 1 alarm/in fault",
		"output horn: active (de-energised); could not be driven")
}

func TestGwctlBypassAndReset(t *testing.T) {
	_, stateDir, p := startAPI(t)
	setupInstaller(t, stateDir)

	code, out, errs := runCLI("bypass", "set", "--point", "GT-101.conc", "--reason", "更换探头", "--for", "2h")
	if code != exitOK {
		t.Fatalf("bypass set: %d %s", code, errs)
	}
	until := siteTime(t, p, p.now.Add(2*time.Hour), time.TimeOnly)
	wantContains(t, "bypass set", out, "GT-101.conc 已旁路至 ", until+" (Asia/Kathmandu, 剩余 2h)")
	_, out, _ = runCLI("bypass", "list")
	wantContains(t, "bypass list", out, "时间按 Asia/Kathmandu 显示", "旁路: GT-101.conc, 设置人 zhang, 至 ", until+" (剩余 2h): 更换探头")
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
	wantContains(t, "rejected reset", out, "3 个报警或联锁未复位, 因为数值仍越过设定值或处于故障:",
		"  GT-101.conc 二级报警: 数值 42.5 %LEL, 设定值 25 %LEL",
		"  GT-102.conc 一级报警: 故障, 没有有效读数; 设定值 20 %LEL",
		"  联锁 gas-esd 保持动作",
		"请在数值回到设定值以内、故障排除后再复位: gwctl alarms reset")
	if strings.Contains(out, " al2") {
		t.Errorf("reset reply shows the level code al2 instead of its name:\n%s", out)
	}
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

func TestGwctlBypassDurationErrors(t *testing.T) {
	_, stateDir, p := startAPI(t)
	setupInstaller(t, stateDir)
	cases := []struct {
		value, lang, want string
	}{
		{"2", "zh-CN", `--for "2" 无效: 时长须带单位 (h 小时, m 分钟, s 秒), 例如 2h、30m 或 1h30m`},
		{"2 hours", "zh-CN", `--for "2 hours" 无效`},
		{"2", "en", `invalid --for "2": write a duration with its unit (h, m or s), such as 2h, 30m or 1h30m`},
		{"0s", "zh-CN", `--for "0s" 超出范围: 旁路时长应为 1s 到 8h, 例如 2h 或 30m`},
		{"-30m", "zh-CN", `--for "-30m" 超出范围`},
		{"9h", "en", `--for "9h" is out of range: a bypass lasts from 1s to 8h, such as 2h or 30m`},
	}
	for _, c := range cases {
		code, _, errs := runCLI("bypass", "set", "--point", "GT-101.conc", "--reason", "标定", "--for", c.value, "--lang", c.lang)
		if code != exitUsage {
			t.Errorf("--for %q: exit %d, want %d", c.value, code, exitUsage)
		}
		wantContains(t, "--for "+c.value, errs, c.want)
		if strings.Contains(errs, "缺少") || strings.Contains(errs, "missing") {
			t.Errorf("--for %q is reported as missing: %s", c.value, errs)
		}
	}
	if len(p.bypasses) != 0 {
		t.Errorf("bypasses %v set with invalid durations", p.bypasses)
	}

	code, _, errs := runCLI("bypass", "set", "--point", "GT-101.conc")
	if code != exitUsage {
		t.Errorf("bypass set without --reason and --for: exit %d", code)
	}
	wantContains(t, "missing flags", errs, "缺少 --for, --reason; 例如: gwctl bypass set --point GT-101.conc --reason 更换探头 --for 2h")
	_, _, errs = runCLI("bypass", "set", "--lang", "en")
	wantContains(t, "missing flags in English", errs, `missing --for, --point, --reason; for example: gwctl bypass set --point GT-101.conc --reason "sensor replacement" --for 2h`)
}

// A forbidden reply names the account, its role and the role needed, and
// gwctl adds how to go on.
func TestGwctlForbiddenNamesRoles(t *testing.T) {
	_, stateDir, _ := startAPI(t)
	setupInstaller(t, stateDir)
	for _, a := range []struct{ name, role string }{{"liu", "operator"}, {"wang", "viewer"}} {
		withStdin("Shift-B-2026\n", func() {
			if code, _, errs := runCLI("accounts", "add", "--name", a.name, "--role", a.role, "--password-stdin"); code != exitOK {
				t.Fatalf("accounts add %s: %d %s", a.name, code, errs)
			}
		})
	}
	login := func(name string) {
		t.Helper()
		withStdin("Shift-B-2026\n", func() {
			if code, _, errs := runCLI("login", "--user", name, "--password-stdin"); code != exitOK {
				t.Fatalf("login %s: %d %s", name, code, errs)
			}
		})
	}

	login("liu")
	code, _, errs := runCLI("accounts", "list")
	if code != exitFailure {
		t.Fatalf("accounts list as operator: exit %d", code)
	}
	wantContains(t, "operator lists accounts", errs, "账户 liu 的角色为操作员; 此操作需要安装人员账户; 请改用这样的账户登录: gwctl login --user 账户名")

	login("wang")
	_, _, errs = runCLI("alarms", "reset")
	wantContains(t, "viewer resets", errs, "账户 wang 的角色为查看人员; 此操作需要操作员账户")
	_, _, errs = runCLI("bypass", "set", "--point", "GT-101.conc", "--reason", "x", "--for", "1h", "--lang", "en")
	wantContains(t, "viewer bypasses in English", errs, "account wang has the viewer role; this needs the operator role", "log in with such an account: gwctl login --user NAME")
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

// writeSetupConfig writes a valid config file that ends with sections,
// its buffer and web sections, and returns its path.
func writeSetupConfig(t *testing.T, sections string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "gw.yaml")
	text := `site: {enterprise_code: E1, gateway_id: gw-1}
buses: [{name: tcp-1, tcp: {address: "127.0.0.1:502"}}]
devices: [{name: D1, bus: tcp-1, unit: 1}]
points: [{id: P1, device: D1, register: {table: input, address: "30001"}, type: int16, platform: {hazard_code: H1, point_code: C1}}]
uplink: {mqtt: {url: "tcp://127.0.0.1:1883"}}
` + sections
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// A state directory written with ${...} depends on the environment that
// gwctl runs in, which may differ from gatewayd's.
func TestGwctlSetupTokenFromEnvironment(t *testing.T) {
	_, stateDir, _ := startAPI(t)
	elsewhere := filepath.Join(t.TempDir(), "elsewhere")
	cfgPath := writeSetupConfig(t, fmt.Sprintf("buffer:\n  path: /tmp/x\nweb:\n  state_dir: ${GWCTL_TEST_STATE_DIR:-%s}\n", elsewhere))

	t.Setenv("GWCTL_TEST_STATE_DIR", stateDir)
	code, out, errs := runCLI("setup-token", cfgPath)
	if code != exitOK {
		t.Fatalf("setup-token with the variable set: %d %s", code, errs)
	}
	wantContains(t, "setup-token with the variable set", out, "安装令牌: ")

	t.Setenv("GWCTL_TEST_STATE_DIR", "")
	code, _, errs = runCLI("setup-token", cfgPath)
	if code != exitFailure {
		t.Fatalf("setup-token with the variable unset: exit %d", code)
	}
	wantContains(t, "setup-token with the variable unset", errs,
		filepath.Join(elsewhere, "setup-token")+" 不存在, 没有安装令牌",
		"web.state_dir 在 gw.yaml 中写作 \"${GWCTL_TEST_STATE_DIR:-"+elsewhere+"}\", 所以此路径取决于环境变量 GWCTL_TEST_STATE_DIR (未设置)",
		"例如 GWCTL_TEST_STATE_DIR=取值 gwctl setup-token "+cfgPath)

	t.Setenv("GWCTL_TEST_STATE_DIR", elsewhere+"-2")
	_, _, errs = runCLI("setup-token", cfgPath, "--lang", "en")
	wantContains(t, "setup-token with another value", errs,
		"depends on the environment variables GWCTL_TEST_STATE_DIR="+elsewhere+"-2;")
}

func TestGwctlSetupTokenFromBufferPath(t *testing.T) {
	buffer := filepath.Join(t.TempDir(), "buffer")
	cfgPath := writeSetupConfig(t, "buffer:\n  path: ${GWCTL_TEST_BUFFER:-"+buffer+"}\n")
	t.Setenv("GWCTL_TEST_BUFFER", "")
	code, _, errs := runCLI("setup-token", cfgPath)
	if code != exitFailure {
		t.Fatalf("setup-token: exit %d", code)
	}
	wantContains(t, "setup-token", errs, filepath.Join(buffer+"-web", "setup-token")+" 不存在",
		"buffer.path 在 gw.yaml 中写作", "GWCTL_TEST_BUFFER (未设置)")

	plain := writeSetupConfig(t, "buffer:\n  path: "+buffer+"\n")
	_, _, errs = runCLI("setup-token", plain)
	if strings.Contains(errs, "环境变量") {
		t.Errorf("setup-token blames environment variables for a config without any:\n%s", errs)
	}
}

func TestGwctlAPIHelpListsFlags(t *testing.T) {
	cases := []struct {
		command []string
		zh, en  []string
	}{
		{[]string{"setup"}, []string{"--token 令牌", "--user 账户名", "--gateway 地址", "--password-stdin", "只读一次", "两次"},
			[]string{"--token TOKEN", "--user NAME", "--gateway ADDRESS", "--password-stdin", "once, with no second entry", "twice"}},
		{[]string{"login"}, []string{"--user 账户名", "--gateway 地址", "--password-stdin"}, []string{"--user NAME", "--gateway ADDRESS", "--password-stdin"}},
		{[]string{"logout"}, []string{"--gateway 地址"}, []string{"--gateway ADDRESS"}},
		{[]string{"status"}, []string{"--gateway 地址", "现场时区"}, []string{"--gateway ADDRESS", "time zone"}},
		{[]string{"alarms", "reset"}, []string{"--gateway 地址"}, []string{"--gateway ADDRESS"}},
		{[]string{"bypass", "set"}, []string{"--point 点位", "--reason 原因", "--for 时长", "--gateway 地址", "GT-101.conc --reason 更换探头 --for 2h"},
			[]string{"--point POINT", "--reason TEXT", "--for DURATION", "--gateway ADDRESS", "GT-101.conc"}},
		{[]string{"bypass", "end"}, []string{"--point 点位", "--gateway 地址"}, []string{"--point POINT", "--gateway ADDRESS"}},
		{[]string{"bypass", "list"}, []string{"--gateway 地址"}, []string{"--gateway ADDRESS"}},
		{[]string{"accounts", "add"}, []string{"--name 账户名", "--role 角色", "--gateway 地址", "--password-stdin", "只读一次"},
			[]string{"--name NAME", "--role ROLE", "--gateway ADDRESS", "--password-stdin", "once"}},
		{[]string{"accounts", "list"}, []string{"--gateway 地址"}, []string{"--gateway ADDRESS"}},
		{[]string{"accounts", "remove"}, []string{"--name 账户名", "--gateway 地址"}, []string{"--name NAME", "--gateway ADDRESS"}},
		{[]string{"setup-token"}, []string{"配置文件", "环境变量"}, []string{"FILE", "environment variables"}},
	}
	placeholder := regexp.MustCompile(`\b(POINT|DURATION|TEXT|NAME|ADDRESS|TOKEN|ROLE|FILE|VARIABLE)\b`)
	for _, c := range cases {
		name := strings.Join(c.command, " ")
		code, zh, _ := runCLI(append([]string{"help"}, c.command...)...)
		if code != exitOK {
			t.Fatalf("help %s: exit %d", name, code)
		}
		wantContains(t, "help "+name, zh, c.zh...)
		if m := placeholder.FindString(zh); m != "" {
			t.Errorf("help %s in Chinese has the English placeholder %s:\n%s", name, m, zh)
		}
		_, en, _ := runCLI(append(append([]string{"help"}, c.command...), "--lang", "en")...)
		wantContains(t, "help "+name+" in English", en, c.en...)
	}
}

// A new password typed on a terminal is asked for twice and compared.
func TestReadPasswordTwiceOnTerminal(t *testing.T) {
	for _, c := range []struct {
		name, first, second string
		wantErr             string
	}{
		{"same", "Tank-farm-2026", "Tank-farm-2026", ""},
		{"different", "Tank-farm-2026", "Tank-farm-2025", "两次输入的密码不一致"},
	} {
		t.Run(c.name, func(t *testing.T) {
			ptmx, tty, err := pty.Open()
			if err != nil {
				t.Skipf("no pty: %v", err)
			}
			defer ptmx.Close()
			defer tty.Close()
			old := stdin
			stdin = tty
			defer func() { stdin = old }()
			typed := make(chan error, 1)
			go func() {
				_, err := io.WriteString(ptmx, c.first+"\n"+c.second+"\n")
				typed <- err
			}()
			var prompts bytes.Buffer
			e := newEnv(nil, io.Discard, &prompts)
			pw, err := readPassword(e, false, true)
			if err := <-typed; err != nil {
				t.Fatal(err)
			}
			wantContains(t, "prompts", prompts.String(), "密码: ", "再次输入密码: ")
			if c.wantErr == "" {
				if err != nil || pw != c.first {
					t.Errorf("readPassword = %q, %v; want %q", pw, err, c.first)
				}
				return
			}
			var u *userError
			if !errors.As(err, &u) || !strings.Contains(e.message(u), c.wantErr) {
				t.Errorf("readPassword error %v, want %q", err, c.wantErr)
			}
		})
	}
}

// Without the gateway's status, a rejected reset names what stays latched
// from the reply's list, with levels in words.
func TestLatchedItemsInWords(t *testing.T) {
	e := newEnv(nil, io.Discard, io.Discard)
	got := latchedItems(e, "GT-101.conc al2, LT-201.level hh, gas-esd")
	want := []string{"GT-101.conc 二级报警", "LT-201.level 高高报 (HH)", "联锁 gas-esd 保持动作"}
	if !slices.Equal(got, want) {
		t.Errorf("latchedItems = %q, want %q", got, want)
	}
}
