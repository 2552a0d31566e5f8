package config

import (
	"strings"
	"testing"
)

func TestWebMetricsToken(t *testing.T) {
	const tail = "path: /tmp/x\n"
	runReplaceCases(t, []replaceCase{
		{"token too short", tail, tail + "web: {metrics_token: abc123}\n", 22, "web.metrics_token: use at least 16 characters"},
		{"token with a space", tail, tail + "web: {metrics_token: \"0123456789 abcdef0\"}\n", 22, "no spaces"},
	})
	cfg, err := parse(t, strings.Replace(minimal, tail, tail+"web: {metrics_token: 3f9a0c1d2e4b5a6978d0e1f2a3b4c5d6}\n", 1))
	if err != nil {
		t.Fatal(english(err))
	}
	if cfg.Web.MetricsToken != "3f9a0c1d2e4b5a6978d0e1f2a3b4c5d6" {
		t.Errorf("metrics token = %q", cfg.Web.MetricsToken)
	}
	cfg, err = parse(t, minimal)
	if err != nil {
		t.Fatal(english(err))
	}
	if cfg.Web.MetricsToken != "" {
		t.Errorf("default metrics token = %q, want none", cfg.Web.MetricsToken)
	}
}
