package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// On the generic GPIO profile, which has no esd-2, --check must name an
// interlock output the profile lacks. The demo's interlocks name only
// esd-1 and fire-panel, both on the profile, so the demo passes.
func TestCheckNamesOutputsMissingFromTheProfile(t *testing.T) {
	data, err := os.ReadFile(demoConfig)
	if err != nil {
		t.Fatal(err)
	}
	text := strings.Replace(string(data), "  profile: sim\n", "  profile: generic-4do4di\n", 1)
	ok := filepath.Join(t.TempDir(), "gpio.yaml")
	if err := os.WriteFile(ok, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	if code, _, errOut := runCLI("--lang", "en", "--check", ok); code != exitOK {
		t.Fatalf("generic profile with the demo's outputs: exit %d\n%s", code, errOut)
	}

	bad := filepath.Join(t.TempDir(), "gpio-bad.yaml")
	text = strings.Replace(text, "{output: fire-panel}", "{output: esd-2}", 1)
	if err := os.WriteFile(bad, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	code, _, errOut := runCLI("--check", bad)
	if code != exitUsage || !strings.Contains(errOut, `板卡配置 generic-4do4di 没有输出 "esd-2"`) {
		t.Errorf("exit %d, stderr:\n%s", code, errOut)
	}
}

func TestCheckNamesOutputsMissingFromTheSimBoard(t *testing.T) {
	data, err := os.ReadFile(demoConfig)
	if err != nil {
		t.Fatal(err)
	}
	bad := filepath.Join(t.TempDir(), "sim-bad.yaml")
	text := strings.Replace(string(data), "{output: fire-panel}", "{output: esd-3}", 1)
	if err := os.WriteFile(bad, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	code, _, errOut := runCLI("--check", bad)
	if code != exitUsage || !strings.Contains(errOut, `板卡配置 sim 没有输出 "esd-3"`) {
		t.Errorf("exit %d, stderr:\n%s", code, errOut)
	}
}
