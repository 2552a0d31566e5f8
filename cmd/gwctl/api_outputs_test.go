package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/creack/pty"

	"github.com/plantgw/plantgw/alarm"
	"github.com/plantgw/plantgw/internal/testenv"
	"github.com/plantgw/plantgw/web"
)

// gatewayFake is the gateway behind the outputs and events tests: the
// apiPlant's status, a board of three outputs whose tests end by the wall
// clock as the engine's tick ends them, and an event log.
type gatewayFake struct {
	*apiPlant

	fakeMu sync.Mutex
	// held are the outputs that the alarm logic holds active.
	held  map[string]bool
	test  *web.OutputTest
	tests []string
	// log is the stored events, newest first; from and to are the window
	// of the last read.
	log      []web.Event
	from, to time.Time
}

var fakeOutputs = []string{"beacon", "esd-1", "horn"}

func (g *gatewayFake) Outputs() web.OutputList {
	g.fakeMu.Lock()
	defer g.fakeMu.Unlock()
	if g.test != nil && !time.Now().Before(g.test.Until) {
		g.test = nil
	}
	var list web.OutputList
	for _, n := range fakeOutputs {
		underTest := g.test != nil && g.test.Output == n
		list.Outputs = append(list.Outputs, web.OutputStatus{Name: n, Active: g.held[n] || underTest, Held: g.held[n], Testing: underTest})
	}
	if g.test != nil {
		t := *g.test
		list.Test = &t
	}
	return list
}

func (g *gatewayFake) TestOutput(output, user string, d time.Duration) error {
	g.Outputs() // ends an expired test
	g.fakeMu.Lock()
	defer g.fakeMu.Unlock()
	if !slices.Contains(fakeOutputs, output) {
		return fmt.Errorf("%w: %q", alarm.ErrUnknownOutput, output)
	}
	if t := g.test; t != nil {
		return &alarm.OutputTestRunningError{Running: alarm.OutputTest{Output: t.Output, Operator: t.Operator, Started: t.Started, Until: t.Until}}
	}
	now := time.Now()
	g.test = &web.OutputTest{Output: output, Operator: user, Started: now, Until: now.Add(d)}
	g.tests = append(g.tests, output+" "+user+" "+d.String())
	return nil
}

func (g *gatewayFake) Events(from, to time.Time, limit int) ([]web.Event, error) {
	g.fakeMu.Lock()
	defer g.fakeMu.Unlock()
	g.from, g.to = from, to
	var out []web.Event
	for _, e := range g.log {
		if !e.Time.Before(from) && !e.Time.After(to) && len(out) < limit {
			out = append(out, e)
		}
	}
	return out, nil
}

// testsRun returns the tests started so far, as "output user duration".
func (g *gatewayFake) testsRun() []string {
	g.fakeMu.Lock()
	defer g.fakeMu.Unlock()
	return slices.Clone(g.tests)
}

// startGatewayFake serves the local API of a gatewayFake on loopback,
// logged in as the installer zhang, and returns the fake and its server.
func startGatewayFake(t *testing.T) (*gatewayFake, *web.Server) {
	t.Helper()
	g := &gatewayFake{apiPlant: &apiPlant{timezone: "Asia/Kathmandu", now: time.Now().Truncate(time.Second), cleared: true},
		held: map[string]bool{}}
	_, stateDir, srv := serveAPI(t, g)
	setupInstaller(t, stateDir)
	return g, srv
}

// shortPause makes the pause between the outputs of --all short for the
// test.
func shortPause(t *testing.T, d time.Duration) {
	old := outputTestPause
	outputTestPause = d
	t.Cleanup(func() { outputTestPause = old })
}

func TestGwctlOutputsTestAllInTurn(t *testing.T) {
	g, _ := startGatewayFake(t)
	shortPause(t, 50*time.Millisecond)
	code, out, errs := runCLI("outputs", "test", "--all", "--seconds", "1", "--yes")
	if code != exitOK {
		t.Fatalf("outputs test --all: exit %d\n%s%s", code, out, errs)
	}
	wantContains(t, "plan", out, "每次一个输出:", "  beacon 将点亮 1 秒", "  esd-1 将动作 (失电) 1 秒: 下游设备会收到停车信号", "  horn 将鸣响 1 秒")
	wantContains(t, "results", out, "beacon: 动作 1 秒 ...", "beacon: 已测试 1 秒; 已恢复释放 (得电)",
		"esd-1: 已测试 1 秒; 已恢复释放 (得电)", "horn: 已测试 1 秒; 已恢复释放 (得电)", "输出测试完成: 已测试 3 个输出")
	if strings.Index(out, "beacon: 已测试") > strings.Index(out, "esd-1: 动作") || strings.Index(out, "esd-1: 已测试") > strings.Index(out, "horn: 动作") {
		t.Errorf("an output's test started before the previous one ended:\n%s", out)
	}
	want := []string{"beacon zhang 1s", "esd-1 zhang 1s", "horn zhang 1s"}
	if got := g.testsRun(); !slices.Equal(got, want) {
		t.Errorf("tests %q, want %q", got, want)
	}
}

func TestGwctlOutputsTestOneInEnglish(t *testing.T) {
	g, _ := startGatewayFake(t)
	code, out, errs := runCLI("outputs", "test", "--output", "esd-1", "--seconds", "1", "--yes", "--lang", "en")
	if code != exitOK {
		t.Fatalf("outputs test --output esd-1: exit %d\n%s%s", code, out, errs)
	}
	wantContains(t, "output", out, "esd-1 will TRIP (de-energise) for 1 s: downstream equipment will see a shutdown",
		"esd-1: tested for 1 s; released again (energised)", "output test done: 1 outputs tested")
	if strings.Contains(out, "horn") || strings.Contains(out, "beacon") {
		t.Errorf("a test of esd-1 mentions other outputs:\n%s", out)
	}
	if got := g.testsRun(); !slices.Equal(got, []string{"esd-1 zhang 1s"}) {
		t.Errorf("tests %q", got)
	}
}

// gwctl reports that an output the alarm logic holds active stays active,
// before and after its test.
func TestGwctlOutputsTestHeldOutput(t *testing.T) {
	g, _ := startGatewayFake(t)
	g.fakeMu.Lock()
	g.held["esd-1"] = true
	g.fakeMu.Unlock()
	code, out, errs := runCLI("outputs", "test", "--output", "esd-1", "--seconds", "1", "--yes")
	if code != exitOK {
		t.Fatalf("exit %d\n%s%s", code, out, errs)
	}
	wantContains(t, "output", out, "esd-1 已处于动作状态: 由报警逻辑保持, 测试不改变它", "esd-1: 已测试 1 秒; 由于报警逻辑保持, 仍处于动作状态")
}

func TestGwctlOutputsTestCommandLineErrors(t *testing.T) {
	g, _ := startGatewayFake(t)
	cases := []struct {
		args []string
		code int
		want string
	}{
		{[]string{}, exitUsage, "请给出 --output 输出名 或 --all 之一"},
		{[]string{"--all", "--output", "horn"}, exitUsage, "请给出 --output 输出名 或 --all 之一"},
		{[]string{"--all", "--seconds", "31"}, exitUsage, `--seconds "31"`},
		{[]string{"--all", "--seconds", "0"}, exitUsage, `--seconds "0"`},
		{[]string{"--output", "esd-9", "--yes"}, exitFailure, `本网关的板卡上没有输出 "esd-9"; 板卡的输出为: beacon, esd-1, horn`},
		{[]string{"--output", "horn"}, exitUsage, "标准输入不是终端, gwctl 无法请求确认; 请加上 --yes"},
	}
	for _, c := range cases {
		var code int
		var errs string
		withStdin("y\n", func() { code, _, errs = runCLI(append([]string{"outputs", "test"}, c.args...)...) })
		if code != c.code {
			t.Errorf("%v: exit %d, want %d: %s", c.args, code, c.code, errs)
		}
		wantContains(t, fmt.Sprint(c.args), errs, c.want)
	}
	if got := g.testsRun(); len(got) != 0 {
		t.Errorf("rejected command lines started tests %q", got)
	}
}

// A test that another installer runs is named with its end in the site's
// time zone, before anything is asked or changed.
func TestGwctlOutputsTestWhileAnotherRuns(t *testing.T) {
	g, _ := startGatewayFake(t)
	if err := g.TestOutput("horn", "li", 20*time.Second); err != nil {
		t.Fatal(err)
	}
	until := g.Outputs().Test.Until
	code, _, errs := runCLI("outputs", "test", "--output", "beacon", "--yes")
	if code != exitFailure {
		t.Fatalf("exit %d: %s", code, errs)
	}
	loc, err := time.LoadLocation("Asia/Kathmandu")
	if err != nil {
		t.Fatal(err)
	}
	wantContains(t, "stderr", errs, "输出 horn 正由 li 测试, 至 "+until.In(loc).Format(time.TimeOnly)+" 结束")
	if got := g.testsRun(); len(got) != 1 {
		t.Errorf("tests %q, want only li's", got)
	}
}

func TestGwctlOutputsTestNeedsInstaller(t *testing.T) {
	g, _ := startGatewayFake(t)
	withStdin("Shift-B-2026\n", func() {
		if code, _, errs := runCLI("accounts", "add", "--name", "liu", "--role", "operator", "--password-stdin"); code != exitOK {
			t.Fatalf("accounts add: %d %s", code, errs)
		}
	})
	withStdin("Shift-B-2026\n", func() {
		if code, _, errs := runCLI("login", "--user", "liu", "--password-stdin"); code != exitOK {
			t.Fatalf("login: %d %s", code, errs)
		}
	})
	code, out, errs := runCLI("outputs", "test", "--output", "horn", "--yes")
	if code != exitFailure {
		t.Fatalf("operator's test: exit %d", code)
	}
	wantContains(t, "operator's test", errs, "账户 liu 的角色为操作员; 输出测试需要安装人员账户")
	if out != "" {
		t.Errorf("an operator was shown the test plan:\n%s", out)
	}
	if got := g.testsRun(); len(got) != 0 {
		t.Errorf("an operator started tests %q", got)
	}
}

// Ctrl-C between two outputs stops before the next one; Ctrl-C during a
// test leaves it to end by itself.
func TestGwctlOutputsTestStopsOnCtrlC(t *testing.T) {
	cases := []struct {
		name, cancelAt string
		pause          time.Duration
		want           string
	}{
		{"between outputs", "beacon: 已测试 1 秒", 10 * time.Second, "输出测试已被 Ctrl-C 停止; 未测试: esd-1, horn"},
		{"during a test", "beacon: 动作 1 秒 ...", 50 * time.Millisecond, "Ctrl-C: beacon 保持动作, 直到其测试在 1 秒内自行结束; 未测试: esd-1, horn"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			g, _ := startGatewayFake(t)
			shortPause(t, c.pause)
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			var out, errs testenv.SyncBuffer
			done := make(chan int, 1)
			go func() {
				done <- runContext(ctx, []string{"outputs", "test", "--all", "--seconds", "1", "--yes"}, &out, &errs)
			}()
			testenv.WaitFor(t, 10*time.Second, c.cancelAt, func() bool { return strings.Contains(out.String(), c.cancelAt) })
			cancel()
			var code int
			select {
			case code = <-done:
			case <-time.After(2 * time.Second):
				t.Fatal("gwctl did not stop within 2 s of Ctrl-C")
			}
			if code != exitFailure {
				t.Errorf("exit %d, want %d", code, exitFailure)
			}
			wantContains(t, "output", out.String(), c.want)
			if got := g.testsRun(); !slices.Equal(got, []string{"beacon zhang 1s"}) {
				t.Errorf("tests %q, want only the beacon's", got)
			}
		})
	}
}

// On a terminal gwctl prompts before it tests, and only y goes on.
func TestGwctlOutputsTestAsksOnTerminal(t *testing.T) {
	for _, c := range []struct {
		answer string
		want   string
		tests  int
	}{
		{"n", "输出测试已取消; 没有做任何改动", 0},
		{"y", "horn: 已测试 1 秒; 已恢复释放 (得电)", 1},
	} {
		t.Run(c.answer, func(t *testing.T) {
			g, _ := startGatewayFake(t)
			ptmx, tty, err := pty.Open()
			if err != nil {
				t.Skipf("no pty: %v", err)
			}
			defer ptmx.Close()
			var out testenv.SyncBuffer
			copied := make(chan struct{})
			go func() { defer close(copied); copyUntilClosed(&out, ptmx) }()

			self, err := os.Executable()
			if err != nil {
				t.Fatal(err)
			}
			cmd := exec.Command(self, "outputs", "test", "--output", "horn", "--seconds", "1")
			cmd.Env = append(os.Environ(), envRunMain+"=1")
			cmd.Stdin, cmd.Stdout, cmd.Stderr = tty, tty, tty
			cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true, Setctty: true, Ctty: 0}
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			testenv.WaitFor(t, 5*time.Second, "the question", func() bool { return strings.Contains(out.String(), "开始输出测试? [y/N]") })
			if _, err := ptmx.WriteString(c.answer + "\n"); err != nil {
				t.Fatal(err)
			}
			cmd.Wait()
			tty.Close()
			testenv.WaitFor(t, 5*time.Second, c.want, func() bool { return strings.Contains(out.String(), c.want) })
			ptmx.Close()
			<-copied
			if got := g.testsRun(); len(got) != c.tests {
				t.Errorf("answer %q: tests %q, want %d", c.answer, got, c.tests)
			}
			wantContains(t, "plan", out.String(), "horn 将鸣响 1 秒")
		})
	}
}
