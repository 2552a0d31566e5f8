package main

import (
	"context"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/plantgw/plantgw/internal/testenv"
)

func TestParseFlagsDefaults(t *testing.T) {
	cfg, err := parseFlags(nil)
	if err != nil {
		t.Fatalf("parseFlags(nil): %v", err)
	}
	want := config{
		tcpAddr: "127.0.0.1:15020", rtu: "pty", steps: []scenarioStep{{Name: "normal"}},
		speed: 1, noise: 1, seed: 1, printEvery: 5 * time.Second, lang: "zh-CN",
	}
	if cfg.tcpAddr != want.tcpAddr || cfg.rtu != want.rtu || !slices.Equal(cfg.steps, want.steps) ||
		cfg.speed != want.speed || cfg.noise != want.noise || cfg.seed != want.seed ||
		cfg.printEvery != want.printEvery || cfg.lang != want.lang || cfg.rtuLink != "" || cfg.stateFile != "" {
		t.Errorf("defaults = %+v, want %+v", cfg, want)
	}
}

func TestParseFlagsValues(t *testing.T) {
	cfg, err := parseFlags([]string{
		"--tcp", "", "--rtu=/dev/ttyUSB0", "--scenario", "leak,overfill", "--speed", "2.5",
		"--noise", "0", "--seed", "42", "--print-every", "0", "--lang", "en",
	})
	if err != nil {
		t.Fatalf("parseFlags: %v", err)
	}
	if cfg.tcpAddr != "" || cfg.rtu != "/dev/ttyUSB0" || len(cfg.steps) != 2 || cfg.speed != 2.5 ||
		cfg.noise != 0 || cfg.seed != 42 || cfg.printEvery != 0 || cfg.lang != "en" {
		t.Errorf("config = %+v", cfg)
	}
}

func TestRunRejectsBadFlags(t *testing.T) {
	scenarioFile := filepath.Join(t.TempDir(), "steps.json")
	os.WriteFile(scenarioFile, []byte(`[{"name": "flood"}]`), 0o600)

	tests := []struct {
		args []string
		want string // part of stderr
	}{
		{[]string{"--speed", "abc"}, `--speed 的值 "abc" 无效`},
		{[]string{"--speed", "0", "--lang", "en"}, `invalid --speed value "0": write a number greater than 0`},
		{[]string{"--speed", "101", "--lang=en"}, `invalid --speed value "101"`},
		{[]string{"--noise", "-1"}, `--noise 的值 "-1" 无效`},
		{[]string{"--seed", "x", "--lang", "en"}, `invalid --seed value "x"`},
		{[]string{"--print-every", "5", "--lang", "en"}, `invalid --print-every value "5": write a duration such as 5s`},
		{[]string{"--lang", "fr"}, `--lang 的值 "fr" 无效：请写 zh-CN 或 en`},
		{[]string{"--tcp", "15020", "--lang", "en"}, `invalid --tcp value "15020": write host:port`},
		{[]string{"--scenario", "leak,flood"}, `场景 "flood" 不存在`},
		{[]string{"--scenario-file", scenarioFile, "--lang", "en"}, `unknown scenario "flood": use one of normal, leak`},
		{[]string{"--scenario-file", "/nonexistent/steps.json", "--lang", "en"}, "cannot read scenario file /nonexistent/steps.json"},
		{[]string{"--scenario", "leak", "--scenario-file", scenarioFile, "--lang", "en"}, "cannot be used together"},
		{[]string{"--rtu", "/dev/ttyS0", "--rtu-link", "/tmp/x", "--lang", "en"}, "--rtu-link needs --rtu pty"},
		{[]string{"--tcp", "", "--rtu", "", "--lang", "en"}, "both Modbus TCP and Modbus RTU are off"},
		{[]string{"--bogus", "--lang", "en"}, "unknown flag --bogus: run plantsim --help"},
		{[]string{"--lang", "en", "--speed"}, "flag --speed needs a value"},
		{[]string{"extra"}, `多余的参数 "extra"`},
	}
	for _, tt := range tests {
		var stdout, stderr testenv.SyncBuffer
		code := run(context.Background(), tt.args, &stdout, &stderr)
		if code != 2 {
			t.Errorf("run(%q) exit code = %d, want 2", tt.args, code)
		}
		if !strings.Contains(stderr.String(), tt.want) {
			t.Errorf("run(%q) stderr = %q, want it to contain %q", tt.args, stderr.String(), tt.want)
		}
	}
}

func TestRunHelp(t *testing.T) {
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"--help"}, "用法：plantsim [参数]"},
		{[]string{"-h", "--lang", "en"}, "Usage: plantsim [flags]"},
	}
	for _, tt := range tests {
		var stdout, stderr testenv.SyncBuffer
		if code := run(context.Background(), tt.args, &stdout, &stderr); code != 0 {
			t.Errorf("run(%q) exit code = %d, want 0", tt.args, code)
		}
		if !strings.Contains(stdout.String(), tt.want) || !strings.Contains(stdout.String(), "--scenario-file") {
			t.Errorf("run(%q) stdout = %q, want help containing %q", tt.args, stdout.String(), tt.want)
		}
	}
}

func TestRunFailsOnBusyPort(t *testing.T) {
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("listen: %v", err)
	}
	defer busy.Close()

	var stdout, stderr testenv.SyncBuffer
	code := run(context.Background(), []string{"--tcp", busy.Addr().String(), "--rtu", "", "--print-every", "0"}, &stdout, &stderr)
	if code != 1 {
		t.Errorf("exit code = %d, want 1", code)
	}
	if want := "错误：无法在 " + busy.Addr().String() + " 启动 Modbus TCP 服务器"; !strings.Contains(stderr.String(), want) {
		t.Errorf("stderr = %q, want it to contain %q", stderr.String(), want)
	}
}

func TestRunRefusesToReplaceFileWithLink(t *testing.T) {
	path := filepath.Join(t.TempDir(), "not-a-link")
	os.WriteFile(path, []byte("keep me"), 0o600)

	var stdout, stderr testenv.SyncBuffer
	code := run(context.Background(), []string{"--tcp", "", "--rtu-link", path, "--lang", "en"}, &stdout, &stderr)
	if code != 1 || !strings.Contains(stderr.String(), "cannot create symbolic link "+path) {
		t.Errorf("exit code %d, stderr %q; want 1 and a symbolic link error", code, stderr.String())
	}
	if data, _ := os.ReadFile(path); string(data) != "keep me" {
		t.Errorf("file content = %q, want it untouched", data)
	}
}
