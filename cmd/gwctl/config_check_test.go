package main

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

const demoConfig = "../../config/examples/demo.yaml"

// editedDemo writes the demo config with each old text replaced by the
// following new one, and returns its path.
func editedDemo(t *testing.T, oldNew ...string) string {
	t.Helper()
	data, err := os.ReadFile(demoConfig)
	if err != nil {
		t.Fatal(err)
	}
	text := string(data)
	for i := 0; i+1 < len(oldNew); i += 2 {
		if !strings.Contains(text, oldNew[i]) {
			t.Fatalf("demo config lacks %q", oldNew[i])
		}
		text = strings.Replace(text, oldNew[i], oldNew[i+1], 1)
	}
	path := filepath.Join(t.TempDir(), "site.yaml")
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// lineAt returns "path:N:" for the first line of the file that contains
// text.
func lineAt(t *testing.T, path, text string) string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	for i, line := range strings.Split(string(data), "\n") {
		if strings.Contains(line, text) {
			return path + ":" + strconv.Itoa(i+1) + ":"
		}
	}
	t.Fatalf("%s has no line with %q", path, text)
	return ""
}

func TestConfigCheckValidDemo(t *testing.T) {
	code, out, errOut := runCLI("config", "check", demoConfig)
	if code != exitOK {
		t.Fatalf("exit %d, stderr:\n%s", code, errOut)
	}
	wantContains(t, "stdout", out, "配置 "+demoConfig+" 有效: 2 条总线, 11 台设备")

	code, out, _ = runCLI("config", "check", demoConfig, "--lang", "en")
	if code != exitOK {
		t.Fatalf("--lang en: exit %d", code)
	}
	wantContains(t, "stdout", out, "config "+demoConfig+" is valid: 2 buses, 11 devices")
}

// Every error is listed with its file and line, and the fix. The
// misspelt template key leaves GT-101 without points, so the interlock
// that names GT-101.conc is the third error.
func TestConfigCheckListsEveryErrorAtItsLine(t *testing.T) {
	path := editedDemo(t,
		"    template: gas-detector-combustible\n", "    templat: gas-detector-combustible\n",
		"    unit: 5\n", "    unit: 300\n")
	code, out, _ := runCLI("config", "check", path)
	if code != exitFailure {
		t.Errorf("exit %d, want %d", code, exitFailure)
	}
	wantContains(t, "stdout", out,
		"共有 3 处错误",
		lineAt(t, path, "templat:")+` devices[0] (GT-101) 中有未知的键 "templat"; 是否应为 "template"?`,
		lineAt(t, path, "unit: 300")+" devices[4] (AT-201).unit: 300 超出范围; 应为 1-247",
		lineAt(t, path, "when: {alarm: al2")+` interlocks[0] (gas-esd).when.points[0]: 没有名为 "GT-101.conc" 的点位`)

	code, out, _ = runCLI("--lang", "en", "config", "check", path)
	if code != exitFailure {
		t.Errorf("--lang en: exit %d, want %d", code, exitFailure)
	}
	wantContains(t, "stdout", out, "has 3 error(s)", `did you mean "template"?`, "unit: 300 is out of range; use 1-247")
}

// The board check of gatewayd --check runs too: an interlock output that
// the sim board lacks is an error at the line of the output.
func TestConfigCheckNamesMissingBoardOutput(t *testing.T) {
	path := editedDemo(t, "{output: fire-panel}", "{output: esd-3}")
	code, out, _ := runCLI("config", "check", path)
	if code != exitFailure {
		t.Errorf("exit %d, want %d", code, exitFailure)
	}
	wantContains(t, "stdout", out, lineAt(t, path, "{output: esd-3}")+" interlocks[0] (gas-esd).do[1].output", `板卡配置 sim 没有输出 "esd-3"`)
}

// A bus-load warning is printed at the bus's line, and alone does not
// fail the check.
func TestConfigCheckWarnsOfBusLoad(t *testing.T) {
	path := editedDemo(t, "baud: 9600", "baud: 1200")
	code, out, _ := runCLI("config", "check", path)
	if code != exitOK {
		t.Errorf("exit %d, want %d", code, exitOK)
	}
	wantContains(t, "stdout", out, lineAt(t, path, "baud: 1200")+" 警告: 总线 rs485-1", "有效")

	_, out, _ = runCLI("config", "check", path, "--lang=en")
	wantContains(t, "stdout", out, "warning: bus rs485-1")
}

// Without --lang, the config's site.lang chooses the language.
func TestConfigCheckSpeaksTheSiteLanguage(t *testing.T) {
	path := editedDemo(t, "lang: ${PLANTGW_LANG:-zh-CN}", "lang: en")
	_, out, _ := runCLI("config", "check", path)
	wantContains(t, "stdout", out, "is valid")

	_, out, _ = runCLI("config", "check", path, "--lang", "zh-CN")
	wantContains(t, "stdout", out, "有效")
}

func TestConfigCheckUsageErrors(t *testing.T) {
	cases := []struct {
		args   []string
		zh, en string
	}{
		{[]string{"config", "check", "/nonexistent/site.yaml"}, "配置文件 /nonexistent/site.yaml 不存在", "config file /nonexistent/site.yaml does not exist"},
		{[]string{"config", "check"}, "gwctl config check 需要配置文件", "gwctl config check needs the config file"},
		{[]string{"config", "check", "a.yaml", "b.yaml"}, "多余的参数: [b.yaml]", "unexpected arguments: [b.yaml]"},
		{[]string{"config", "check", "--strict", demoConfig}, "未知选项 --strict; 运行 gwctl config check --help", "unknown option --strict; run gwctl config check --help"},
		{[]string{"plan"}, "gwctl plan 需要配置文件", "gwctl plan needs the config file"},
	}
	for _, c := range cases {
		wantMessages(t, c.args, exitUsage, c.zh, c.en)
	}
}

// plan prints what gatewayd --print-plan prints.
func TestPlanPrintsTheReadPlan(t *testing.T) {
	code, out, errOut := runCLI("--lang", "en", "plan", demoConfig)
	if code != exitOK {
		t.Fatalf("exit %d, stderr:\n%s", code, errOut)
	}
	wantContains(t, "plan", out,
		"GT-101 (bus rs485-1, unit 1, every 1s, timeout 300ms): 1 read(s)",
		"  input    start     0 (30001) count   2  GT-101.conc, GT-101.conc (status)",
		"LT-301 (bus tcp-1, unit 1",
		"bus rs485-1 (9600 baud, 8N1): requests and replies take about")

	code, out, _ = runCLI("plan", demoConfig)
	if code != exitOK {
		t.Fatalf("zh-CN: exit %d", code)
	}
	wantContains(t, "plan", out, "GT-101 (总线 rs485-1, 站号 1, 周期 1s, 超时 300ms): 1 次读取")
}

func TestPlanOfBrokenConfigExits1(t *testing.T) {
	path := editedDemo(t, "    unit: 5\n", "    unit: 300\n")
	code, out, _ := runCLI("plan", path)
	if code != exitFailure {
		t.Errorf("exit %d, want %d", code, exitFailure)
	}
	wantContains(t, "stdout", out, lineAt(t, path, "unit: 300"))
}
