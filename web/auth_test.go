package web

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/plantgw/plantgw/config"
	"github.com/plantgw/plantgw/record"
)

func TestSetupTokenWorksOnce(t *testing.T) {
	rg := newRig(t)
	c := rg.client()
	if r := c.expect(200, "GET", "/api/setup", nil); r.body["needed"] != true {
		t.Fatalf("setup needed = %v", r.body["needed"])
	}
	tok := rg.setupToken()
	if len(strings.ReplaceAll(tok, "-", "")) != 24 {
		t.Fatalf("setup token %q", tok)
	}
	r := c.expect(401, "POST", "/api/setup", map[string]any{"token": "AAAA-BBBB", "user": "zhang", "password": installerPassword})
	if r.body["error"] != string(codeSetupToken) || !strings.Contains(r.body["message"].(string), "安装令牌") {
		t.Fatalf("wrong token reply: %s", r.raw)
	}
	r = c.expect(400, "POST", "/api/setup", map[string]any{"token": tok, "user": "zhang", "password": "short"})
	if r.body["error"] != string(codeWeakPassword) {
		t.Fatalf("weak password reply: %s", r.raw)
	}
	// Lower case without dashes, as typed on a phone, is the same token.
	typed := strings.ToLower(strings.ReplaceAll(tok, "-", ""))
	c.expect(200, "POST", "/api/setup", map[string]any{"token": typed, "user": "zhang", "password": installerPassword})
	me := c.expect(200, "GET", "/api/me", nil)
	if me.body["user"] != "zhang" {
		t.Errorf("me user = %s", me.raw)
	}
	if me.body["role"] != "installer" {
		t.Errorf("me role = %s", me.raw)
	}

	if _, err := os.Stat(filepath.Join(rg.dir, setupTokenFile)); !os.IsNotExist(err) {
		t.Fatalf("setup token file still there: %v", err)
	}
	c.expect(409, "POST", "/api/setup", map[string]any{"token": tok, "user": "li", "password": installerPassword})
	if len(rg.events) != 1 || rg.events[0].Kind != record.AccountCreated || rg.events[0].Operator != "zhang" {
		t.Fatalf("events = %+v", rg.events)
	}
	fi, err := os.Stat(filepath.Join(rg.dir, "accounts.json"))
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("accounts file: %v %v", fi, err)
	}
	data, _ := os.ReadFile(filepath.Join(rg.dir, "accounts.json"))
	if strings.Contains(string(data), installerPassword) || !strings.Contains(string(data), "$argon2id$") {
		t.Fatalf("accounts file does not hold an argon2id hash: %s", data)
	}
}

func TestSetupTokenSurvivesRestart(t *testing.T) {
	rg := newRig(t)
	tok := rg.setupToken()
	again, err := New(rg.srv.opts)
	if err != nil {
		t.Fatal(err)
	}
	if again.setupToken != tok {
		t.Fatalf("restart changed the setup token: %q then %q", tok, again.setupToken)
	}
	rg.installer()
	reloaded, err := New(rg.srv.opts)
	if err != nil {
		t.Fatal(err)
	}
	if reloaded.setupToken != "" {
		t.Fatal("a restart after setup offers a setup token again")
	}
	acc, ok := reloaded.accounts.get("zhang")
	if !ok {
		t.Fatal("account lost on reload")
	}
	if ok, err := checkPassword(acc.Hash, installerPassword); !ok || err != nil {
		t.Fatalf("reloaded hash does not check: %v %v", ok, err)
	}
	if ok, _ := checkPassword(acc.Hash, installerPassword+"x"); ok {
		t.Fatal("a wrong password checks")
	}
}

func TestLoginRateLimit(t *testing.T) {
	rg := newRig(t)
	rg.installer()
	c := rg.client()
	for i := 0; i < freeFailures; i++ {
		c.expect(401, "POST", "/api/login", map[string]any{"user": "zhang", "password": "guess-number-" + itoa(i)})
	}
	r := c.expect(429, "POST", "/api/login", map[string]any{"user": "zhang", "password": installerPassword})
	if r.header.Get("Retry-After") == "" || r.body["error"] != string(codeRateLimited) {
		t.Fatalf("limited reply: %v %s", r.header, r.raw)
	}
	// Another account name from the same address is limited too.
	c.expect(429, "POST", "/api/login", map[string]any{"user": "li", "password": "x"})
	rg.clock.advance(firstLockout + time.Second)
	c.expect(200, "POST", "/api/login", map[string]any{"user": "zhang", "password": installerPassword})
	// Success clears the count.
	c.expect(401, "POST", "/api/login", map[string]any{"user": "zhang", "password": "wrong-again"})
	c.expect(200, "POST", "/api/login", map[string]any{"user": "zhang", "password": installerPassword})
}

func TestUnknownAccountLooksLikeWrongPassword(t *testing.T) {
	rg := newRig(t)
	rg.installer()
	c := rg.client()
	c.lang = "en"
	a := c.expect(401, "POST", "/api/login", map[string]any{"user": "nobody", "password": installerPassword})
	b := c.expect(401, "POST", "/api/login", map[string]any{"user": "zhang", "password": "wrong-password"})
	if a.raw != b.raw || a.body["message"] != "wrong account name or password" {
		t.Fatalf("replies differ or not English: %s / %s", a.raw, b.raw)
	}
}

func TestSessionExpiry(t *testing.T) {
	rg := newRig(t)
	c := rg.installer()
	rg.clock.advance(29 * time.Minute)
	c.expect(200, "GET", "/api/me", nil)
	rg.clock.advance(31 * time.Minute)
	c.expect(401, "GET", "/api/me", nil)

	c.expect(200, "POST", "/api/login", map[string]any{"user": "zhang", "password": installerPassword})
	for i := 0; i < 12*3; i++ {
		rg.clock.advance(20 * time.Minute)
		if r := c.do("GET", "/api/me", nil); r.status != 200 {
			if i < 12*3-1 {
				t.Fatalf("session ended after %d min of use", (i+1)*20)
			}
			return
		}
	}
	t.Fatal("session outlived its 12 h maximum")
}

func TestLogoutEndsSession(t *testing.T) {
	rg := newRig(t)
	c := rg.installer()
	c.expect(204, "POST", "/api/logout", nil)
	c.expect(401, "GET", "/api/status", nil)
}

func TestBearerTokenForCLI(t *testing.T) {
	rg := newRig(t)
	rg.installer()
	cli := rg.client()
	cli.h.Jar = nil
	r := cli.expect(200, "POST", "/api/login", map[string]any{"user": "zhang", "password": installerPassword, "cli": true})
	cli.token, _ = r.body["token"].(string)
	if cli.token == "" {
		t.Fatalf("no token for the CLI: %s", r.raw)
	}
	cli.expect(204, "POST", "/api/alarms/silence", nil)
	page := rg.client()
	if r := page.expect(200, "POST", "/api/login", map[string]any{"user": "zhang", "password": installerPassword}); r.body["token"] != nil {
		t.Fatalf("the page's login reply shows the session token: %s", r.raw)
	}
}

func TestRolePermissions(t *testing.T) {
	rg := newRig(t)
	admin := rg.installer()
	viewer := rg.account(admin, "wang", Viewer)
	op := rg.account(admin, "liu", Operator)
	anon := rg.client()

	anon.expect(401, "GET", "/api/status", nil)
	anon.expect(401, "POST", "/api/alarms/reset", nil)
	viewer.expect(200, "GET", "/api/status", nil)
	r := viewer.expect(403, "POST", "/api/alarms/reset", nil)
	if !strings.Contains(r.body["message"].(string), "角色") {
		t.Fatalf("forbidden message not Chinese: %s", r.raw)
	}
	viewer.expect(403, "POST", "/api/bypasses", map[string]any{"point": "GT-101", "reason": "x", "duration": "1h"})
	op.expect(403, "POST", "/api/accounts", map[string]any{"name": "x", "password": "long-enough-pw", "role": "viewer"})
	r = op.expect(200, "POST", "/api/alarms/reset", nil)
	if r.body["not_reset"] != float64(1) {
		t.Errorf("reset reply count: %s", r.raw)
	}
	if r.body["latched"] != "GT-101 al2" {
		t.Errorf("reset reply names: %s", r.raw)
	}
	op.expect(204, "POST", "/api/alarms/acknowledge", nil)
	op.expect(204, "POST", "/api/alarms/silence", nil)
	want := []string{"reset liu", "ack liu", "silence liu"}
	if strings.Join(rg.plant.actions, "|") != strings.Join(want, "|") {
		t.Fatalf("actions %q, want %q", rg.plant.actions, want)
	}
}

func TestRemovedAccountLosesSession(t *testing.T) {
	rg := newRig(t)
	admin := rg.installer()
	op := rg.account(admin, "liu", Operator)
	admin.expect(204, "DELETE", "/api/accounts/liu", nil)
	op.expect(401, "GET", "/api/status", nil)
	r := admin.expect(409, "DELETE", "/api/accounts/zhang", nil)
	if r.body["error"] != string(codeLastInstaller) {
		t.Fatalf("last installer removal: %s", r.raw)
	}
	admin.expect(404, "DELETE", "/api/accounts/liu", nil)
	kinds := []record.EventKind{}
	for _, e := range rg.events {
		kinds = append(kinds, e.Kind)
	}
	if len(kinds) != 3 || kinds[2] != record.AccountRemoved || rg.events[2].Operator != "zhang" {
		t.Fatalf("account events %v", rg.events)
	}
}

func TestCrossOriginRejected(t *testing.T) {
	rg := newRig(t)
	c := rg.installer()
	r := c.expect(403, "POST", "/api/alarms/reset", nil, "Origin", "http://attacker.example", "Sec-Fetch-Site", "cross-site")
	if r.body["error"] != string(codeCrossOrigin) {
		t.Fatalf("cross-origin reply %s", r.raw)
	}
	if len(rg.plant.actions) != 0 {
		t.Fatalf("a cross-origin request reached the plant: %v", rg.plant.actions)
	}
	c.expect(200, "POST", "/api/alarms/reset", nil, "Sec-Fetch-Site", "same-origin")
	// Reading is not state-changing and stays allowed.
	c.expect(200, "GET", "/api/status", nil, "Sec-Fetch-Site", "cross-site")
}

func TestUnknownFieldsAndLargeBodiesRejected(t *testing.T) {
	rg := newRig(t)
	c := rg.client()
	c.expect(400, "POST", "/api/login", map[string]any{"user": "zhang", "password": "x", "admin": true})
	c.expect(400, "POST", "/api/login", map[string]any{"user": strings.Repeat("z", 2*maxBody), "password": "x"})
}

func TestWebListenValidation(t *testing.T) {
	for _, tc := range []struct {
		listen   string
		wildcard bool
	}{{"127.0.0.1:8080", false}, {"0.0.0.0:80", true}, {":8080", true}, {"[::]:80", true}, {"off", false}} {
		if got := (config.Web{Listen: tc.listen}).Wildcard(); got != tc.wildcard {
			t.Errorf("%s: wildcard %v, want %v", tc.listen, got, tc.wildcard)
		}
	}
}
