package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const demoConfig = "../../config/examples/demo.yaml"

func runCLI(args ...string) (code int, stdout, stderr string) {
	var out, errb bytes.Buffer
	code = run(args, &out, &errb)
	return code, out.String(), errb.String()
}

func TestCheckValidConfig(t *testing.T) {
	code, out, errOut := runCLI("--check", demoConfig)
	if code != exitOK {
		t.Fatalf("exit %d, stderr:\n%s", code, errOut)
	}
	if !strings.Contains(out, "配置") || !strings.Contains(out, "有效") {
		t.Errorf("output %q is not the Chinese confirmation", out)
	}
}

func TestCheckBrokenConfigExits2(t *testing.T) {
	data, err := os.ReadFile(demoConfig)
	if err != nil {
		t.Fatal(err)
	}
	broken := strings.Replace(string(data), "    template: gas-detector-combustible\n", "    templat: gas-detector-combustible\n", 1)
	path := filepath.Join(t.TempDir(), "site.yaml")
	if err := os.WriteFile(path, []byte(broken), 0o600); err != nil {
		t.Fatal(err)
	}

	code, _, errOut := runCLI("--check", path)
	if code != exitUsage {
		t.Errorf("exit %d, want %d", code, exitUsage)
	}
	if !strings.Contains(errOut, path+":") || !strings.Contains(errOut, "未知的键") || !strings.Contains(errOut, `"template"`) {
		t.Errorf("stderr lacks file:line, the Chinese message or the suggestion:\n%s", errOut)
	}

	code, _, errOut = runCLI("--lang", "en", "--check", path)
	if code != exitUsage || !strings.Contains(errOut, `did you mean "template"?`) || strings.Contains(errOut, "need a template") {
		t.Errorf("--lang en: exit %d, stderr:\n%s", code, errOut)
	}
}

func TestPrintPlan(t *testing.T) {
	code, out, errOut := runCLI("--lang", "en", "--print-plan", demoConfig)
	if code != exitOK {
		t.Fatalf("exit %d, stderr:\n%s", code, errOut)
	}
	for _, want := range []string{"GT-101 (bus rs485-1, unit 1, every 1s, timeout 300ms): 1 read(s)", "bus rs485-1 (9600 baud, 8N1): requests and replies take about", "LT-301 (bus tcp-1, unit 1", "GT-101.conc (status)",
		"input    start     0 (30001) count   2", "holding  start     0 (40001)", "discrete start     0 (10001)"} {
		if !strings.Contains(out, want) {
			t.Errorf("plan lacks %q:\n%s", want, out)
		}
	}
}

func TestHelpExits0(t *testing.T) {
	code, out, _ := runCLI("--help")
	if code != exitOK || !strings.Contains(out, "PLANTGW_LANG") {
		t.Errorf("--help: exit %d, stdout:\n%s", code, out)
	}
}

func TestCommandLineErrorsInChinese(t *testing.T) {
	code, _, errOut := runCLI("--bogus")
	if code != exitUsage || !strings.Contains(errOut, "未知选项 -bogus") {
		t.Errorf("--bogus: exit %d, stderr:\n%s", code, errOut)
	}
	code, _, errOut = runCLI("--check", "/nonexistent/site.yaml")
	if code != exitUsage || !strings.Contains(errOut, "配置文件 /nonexistent/site.yaml 不存在") {
		t.Errorf("missing config: exit %d, stderr:\n%s", code, errOut)
	}
}

func TestBadFlagsExit2(t *testing.T) {
	for _, args := range [][]string{{"--nope"}, {"--lang", "fr", "--check", demoConfig}, {"a.yaml", "b.yaml"}} {
		if code, _, _ := runCLI(args...); code != exitUsage {
			t.Errorf("%v: exit %d, want %d", args, code, exitUsage)
		}
	}
}
