package config

import (
	"net"
	"path/filepath"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Web configures the local commissioning page and its JSON API, served on
// the maintenance interface.
type Web struct {
	// Listen is the address the page binds to, such as
	// 192.168.100.1:8080 on the maintenance port. "off" serves nothing.
	// It is never a wildcard address unless written so.
	Listen string `yaml:"listen"`
	// StateDir holds the accounts file and the one-time setup token.
	StateDir string `yaml:"state_dir"`
	// SessionIdle ends a session after this long without a request;
	// SessionMax ends it this long after login in any case.
	SessionIdle Duration `yaml:"session_idle"`
	SessionMax  Duration `yaml:"session_max"`
	// MetricsToken lets a Prometheus scraper read /metrics with
	// "Authorization: Bearer TOKEN" and no account. Empty means /metrics
	// needs a viewer session. It is a secret: write it as ${VARIABLE}.
	MetricsToken string `yaml:"metrics_token"`
}

// Web defaults. The page listens on loopback only, so a gateway whose
// config names no maintenance address serves only local clients.
const (
	DefaultWebListen      = "127.0.0.1:8080"
	WebOff                = "off"
	DefaultSessionIdle    = Duration(30 * time.Minute)
	DefaultSessionMax     = Duration(12 * time.Hour)
	defaultWebStateSuffix = "-web"
	// MinMetricsTokenLen is the shortest scrape token accepted, in
	// characters: 16 random hex digits are 64 bits.
	MinMetricsTokenLen = 16
)

func applyWebDefaults(c *Config) {
	setString(&c.Web.Listen, DefaultWebListen)
	// Beside the buffer directory, not inside it: the store owns that.
	setString(&c.Web.StateDir, filepath.Clean(c.Buffer.Path)+defaultWebStateSuffix)
	setDuration(&c.Web.SessionIdle, DefaultSessionIdle)
	setDuration(&c.Web.SessionMax, DefaultSessionMax)
}

func (v *validator) validateWeb() {
	w := v.cfg.Web
	v.durationRange("web.session_idle", w.SessionIdle, time.Minute, 24*time.Hour)
	v.durationRange("web.session_max", w.SessionMax, time.Minute, 7*24*time.Hour)
	v.validateMetricsToken(w.MetricsToken)
	if w.Listen == WebOff {
		return
	}
	host, port, err := net.SplitHostPort(w.Listen)
	if err != nil || port == "" {
		v.add("web.listen", "%s: %q is not one of %s", "web.listen", w.Listen, "HOST:PORT such as 192.168.100.1:8080, or off")
		return
	}
	if host != "" && net.ParseIP(host) == nil {
		v.add("web.listen", "%s: %q is not one of %s", "web.listen", w.Listen, "an IP address of the maintenance interface with a port, or off")
	}
}

func (v *validator) validateMetricsToken(tok string) {
	if tok == "" {
		return
	}
	if utf8.RuneCountInString(tok) < MinMetricsTokenLen || strings.ContainsFunc(tok, unicode.IsSpace) {
		v.add("web.metrics_token", "%s: use at least %d characters and no spaces, such as 32 random hex digits", "web.metrics_token", MinMetricsTokenLen)
	}
}

// WebWildcard reports whether the page listens on every interface, which
// config check warns about: the plant network would reach it too.
func (w Web) Wildcard() bool {
	if w.Listen == WebOff {
		return false
	}
	host, _, err := net.SplitHostPort(w.Listen)
	if err != nil {
		return false
	}
	ip := net.ParseIP(host)
	return host == "" || (ip != nil && ip.IsUnspecified())
}
