package main

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"time"
)

func parseTestFlags(args ...string) (config, error) {
	return parseFlags(args, newLocalizer(scanLang(args)), &bytes.Buffer{})
}

func TestParseFlagsDefaults(t *testing.T) {
	cfg, err := parseTestFlags()
	if err != nil {
		t.Fatalf("parseFlags() error = %v", err)
	}
	want := config{listen: "127.0.0.1:1883", topicPrefix: "plantgw", summaryEvery: 2 * time.Second, lang: langChinese}
	if cfg != want {
		t.Errorf("config = %+v, want %+v", cfg, want)
	}
}

func TestParseFlagsValid(t *testing.T) {
	cases := []struct {
		args []string
		want func(config) bool
	}{
		{[]string{"--port", "1884"}, func(c config) bool { return c.listen == "127.0.0.1:1884" }},
		{[]string{"--port=0"}, func(c config) bool { return c.listen == "127.0.0.1:0" }},
		{[]string{"--listen", "[::1]:1883"}, func(c config) bool { return c.listen == "[::1]:1883" }},
		{[]string{"--listen", "localhost:1999"}, func(c config) bool { return c.listen == "127.0.0.1:1999" }},
		{[]string{"--listen", "192.168.1.5:1883", "--allow-remote", "--port", "1900"}, func(c config) bool { return c.listen == "192.168.1.5:1900" && c.allowRemote }},
		{[]string{"--listen", ":1883", "--allow-remote"}, func(c config) bool { return c.listen == ":1883" }},
		{[]string{"--topic-prefix", "site/a"}, func(c config) bool { return c.topicPrefix == "site/a" }},
		{[]string{"--summary-every", "0"}, func(c config) bool { return c.summaryEvery == 0 }},
		{[]string{"--duration", "1m30s"}, func(c config) bool { return c.duration == 90*time.Second }},
		{[]string{"--report", "/tmp/r.json"}, func(c config) bool { return c.reportPath == "/tmp/r.json" }},
		{[]string{"--lang", "en"}, func(c config) bool { return c.lang == langEnglish }},
		{[]string{"-lang=zh"}, func(c config) bool { return c.lang == langChinese }},
	}
	for _, tc := range cases {
		cfg, err := parseTestFlags(tc.args...)
		if err != nil {
			t.Errorf("parseFlags(%q) error = %v", tc.args, err)
			continue
		}
		if !tc.want(cfg) {
			t.Errorf("parseFlags(%q) = %+v", tc.args, cfg)
		}
	}
}

func TestParseFlagsInvalid(t *testing.T) {
	cases := []struct {
		args    []string
		wantErr string
	}{
		{[]string{"--lang", "en", "--listen", "0.0.0.0:1883"}, "not a loopback address"},
		{[]string{"--lang", "en", "--listen", "192.168.1.5:1883"}, "Add --allow-remote"},
		{[]string{"--lang", "en", "--listen", ":1883"}, "all interfaces is not a loopback address"},
		{[]string{"--lang", "en", "--listen", "gateway.local:1883"}, "not a loopback address"},
		{[]string{"--lang", "en", "--listen", "127.0.0.1"}, "invalid --listen"},
		{[]string{"--lang", "en", "--port", "65536"}, "invalid port \"65536\""},
		{[]string{"--lang", "en", "--port", "abc"}, "invalid port \"abc\""},
		{[]string{"--lang", "en", "--topic-prefix", ""}, "invalid --topic-prefix"},
		{[]string{"--lang", "en", "--topic-prefix", "a/+"}, "invalid --topic-prefix"},
		{[]string{"--lang", "en", "--topic-prefix", "a//b"}, "invalid --topic-prefix"},
		{[]string{"--lang", "en", "--topic-prefix", "plantgw/"}, "invalid --topic-prefix"},
		{[]string{"--lang", "en", "--summary-every", "-1s"}, "invalid --summary-every"},
		{[]string{"--lang", "en", "--duration", "soon"}, "invalid --duration"},
		{[]string{"--lang", "fr"}, "--lang \"fr\" 无效"},
		{[]string{"--lang", "en", "--verbose"}, "unknown flag -verbose"},
		{[]string{"--lang", "en", "--report"}, "flag -report needs a value"},
		{[]string{"--lang", "en", "extra"}, "unexpected argument extra"},
		{[]string{"--listen", "0.0.0.0:1883"}, "不是本机回环地址"},
	}
	for _, tc := range cases {
		_, err := parseTestFlags(tc.args...)
		var flagErr *flagError
		if !errors.As(err, &flagErr) {
			t.Errorf("parseFlags(%q) error = %v, want a *flagError", tc.args, err)
			continue
		}
		if !strings.Contains(err.Error(), tc.wantErr) {
			t.Errorf("parseFlags(%q) error = %q, want it to contain %q", tc.args, err, tc.wantErr)
		}
	}
}

func TestParseFlagsHelp(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--help"}, "用法: platformsim [参数]"},
		{[]string{"-h", "--lang", "en"}, "Usage: platformsim [flags]"},
	} {
		var stdout bytes.Buffer
		_, err := parseFlags(tc.args, newLocalizer(scanLang(tc.args)), &stdout)
		if !errors.Is(err, errHelp) {
			t.Errorf("parseFlags(%q) error = %v, want errHelp", tc.args, err)
		}
		if !strings.HasPrefix(stdout.String(), tc.want) {
			t.Errorf("help output starts %q, want %q", firstLine(stdout.String()), tc.want)
		}
		for _, spec := range flagSpecs {
			if !strings.Contains(stdout.String(), "--"+spec.name) {
				t.Errorf("help output has no --%s", spec.name)
			}
		}
	}
}

func TestScanLang(t *testing.T) {
	cases := map[string][]string{
		langChinese: {},
		langEnglish: {"--port", "1", "--lang", "en"},
	}
	for want, args := range cases {
		if got := scanLang(args); got != want {
			t.Errorf("scanLang(%q) = %q, want %q", args, got, want)
		}
	}
	if got := scanLang([]string{"--lang=EN"}); got != langEnglish {
		t.Errorf("scanLang(--lang=EN) = %q, want en", got)
	}
	if got := scanLang([]string{"--lang", "fr"}); got != langChinese {
		t.Errorf("scanLang(--lang fr) = %q, want the default zh-CN", got)
	}
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return line
}
