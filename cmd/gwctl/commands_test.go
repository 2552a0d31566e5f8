package main

import (
	"strings"
	"testing"
)

func TestHelpListsEveryCommand(t *testing.T) {
	for _, args := range [][]string{{"--help"}, {"help"}, {"-h"}} {
		code, out, _ := runCLI(args...)
		if code != exitOK {
			t.Errorf("%v: exit %d, want 0", args, code)
		}
		wantContains(t, "help", out, "用法: gwctl <命令> [选项]", "config check", "plan", "scan", "read", "write")
	}
	code, out, _ := runCLI("--lang", "en", "help")
	if code != exitOK {
		t.Errorf("--lang en help: exit %d", code)
	}
	wantContains(t, "help", out, "Usage: gwctl <command> [flags]", "find the unit ids")
}

func TestCommandHelpShowsItsFlags(t *testing.T) {
	cases := []struct {
		args []string
		want string
	}{
		{[]string{"help", "scan"}, "--units 列表"},
		{[]string{"scan", "--help"}, "--units 列表"},
		{[]string{"read", "-h", "--lang", "en"}, "--count N          number of values to read"},
		{[]string{"help", "config", "check"}, "用法: gwctl config check 配置文件"},
		{[]string{"write", "--help"}, "功能码 16"},
	}
	for _, c := range cases {
		code, out, _ := runCLI(c.args...)
		if code != exitOK || !strings.Contains(out, c.want) {
			t.Errorf("%v: exit %d, stdout lacks %q:\n%s", c.args, code, c.want, out)
		}
	}
}

func TestCommandLineErrorsExit2(t *testing.T) {
	cases := []struct {
		args   []string
		zh, en string
	}{
		{nil, "用法", "Usage"},
		{[]string{"scna"}, `未知命令 "scna"; 运行 gwctl help`, `unknown command "scna"; run gwctl help`},
		{[]string{"config"}, "config 后面需要一个命令: config check", "config needs a command: config check"},
		{[]string{"config", "chek", "x.yaml"}, `未知命令 "config chek"; config 的命令有: config check`, `unknown command "config chek"; commands of config: config check`},
		{[]string{"--port", "/dev/ttyUSB0"}, "未知选项 --port; 选项应写在命令之后", "unknown option --port; options go after the command"},
		{[]string{"help", "nothing"}, `未知命令 "nothing"`, `unknown command "nothing"`},
		{[]string{"scan", "--tcp"}, "选项 --tcp 需要一个值", "option --tcp needs a value"},
		{[]string{"scan", "--tcp", "127.0.0.1:502", "extra"}, "多余的参数: [extra]", "unexpected arguments: [extra]"},
	}
	for _, c := range cases {
		code, _, errOut := runCLI(c.args...)
		if code != exitUsage || !strings.Contains(errOut, c.zh) {
			t.Errorf("%v: exit %d, stderr %q; want %d and %q", c.args, code, errOut, exitUsage, c.zh)
		}
		code, _, errOut = runCLI(append([]string{"--lang", "en"}, c.args...)...)
		if code != exitUsage || !strings.Contains(errOut, c.en) {
			t.Errorf("--lang en %v: exit %d, stderr %q; want %d and %q", c.args, code, errOut, exitUsage, c.en)
		}
	}
}

func TestInvalidLangExits2(t *testing.T) {
	code, _, errOut := runCLI("config", "check", demoConfig, "--lang", "fr")
	if code != exitUsage || !strings.Contains(errOut, `无效的 --lang "fr"`) {
		t.Errorf("exit %d, stderr %q", code, errOut)
	}
}

// Flags may come before or after the positional argument, and "--" ends
// the flags.
func TestFlagsAroundPositionalArguments(t *testing.T) {
	for _, args := range [][]string{
		{"config", "check", "--lang", "en", demoConfig},
		{"config", "check", demoConfig, "--lang", "en"},
		{"--lang", "en", "config", "check", "--", demoConfig},
	} {
		code, out, errOut := runCLI(args...)
		if code != exitOK || !strings.Contains(out, "is valid") {
			t.Errorf("%v: exit %d, stdout %q, stderr %q", args, code, out, errOut)
		}
	}
}
