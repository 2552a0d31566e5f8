package config

import (
	"strings"
	"testing"
	"time"
)

func TestWebDefaultsToLoopbackBesideTheBuffer(t *testing.T) {
	cfg, err := parse(t, minimal)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Web.Listen != "127.0.0.1:8080" || cfg.Web.StateDir != "/tmp/x-web" || cfg.Web.Wildcard() {
		t.Errorf("web defaults %+v", cfg.Web)
	}
	if cfg.Web.SessionIdle.D() != 30*time.Minute || cfg.Web.SessionMax.D() != 12*time.Hour {
		t.Errorf("session defaults %+v", cfg.Web)
	}
}

func TestWebAndLightningProblems(t *testing.T) {
	const tail = "path: /tmp/x\n"
	runReplaceCases(t, []replaceCase{
		{"listen without port", tail, tail + "web: {listen: 192.168.100.1}\n", 22, `web.listen: "192.168.100.1" is not one of HOST:PORT`},
		{"listen on a name", tail, tail + "web: {listen: \"gateway.local:80\"}\n", 22, `web.listen: "gateway.local:80" is not one of an IP address`},
		{"idle too short", tail, tail + "web: {session_idle: 10s}\n", 22, "web.session_idle: 10s is out of range"},
		{"lightning both", tail, tail + "lightning: {point: P1, contacts: {red: input:lw}}\n", 22, "lightning: give exactly one of point or contacts"},
		{"lightning unknown point", tail, tail + "lightning: {point: P9}\n", 22, `lightning.point: no point named "P9"`},
		{"lightning contact not bool", tail, tail + "lightning:\n  contacts: {red: P1}\n", 23, `lightning.contacts.red: point "P1" is int16`},
		{"lightning empty input", tail, tail + "lightning:\n  contacts: {yellow: \"input:\"}\n", 23, `names no board input`},
	})
	for _, ok := range []string{"web: {listen: \"off\"}\n", "web: {listen: \"0.0.0.0:80\"}\n", "lightning: {point: P1}\n",
		"lightning: {contacts: {yellow: \"input:lightning-warning\"}}\n"} {
		if _, err := parse(t, strings.Replace(minimal, tail, tail+ok, 1)); err != nil {
			t.Errorf("%s: %v", strings.TrimSpace(ok), english(err))
		}
	}
}
