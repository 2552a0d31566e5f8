package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/plantgw/plantgw/internal/testenv"
	"github.com/plantgw/plantgw/record"
	"github.com/plantgw/plantgw/web"
)

func fptr(v float64) *float64 { return &v }

// kathmandu formats t in the fake gateway's time zone.
func kathmandu(t *testing.T, at time.Time, layout string) string {
	t.Helper()
	loc, err := time.LoadLocation("Asia/Kathmandu")
	if err != nil {
		t.Fatal(err)
	}
	return at.In(loc).Format(layout)
}

// sampleLog is an event log, newest first, with one event of each form
// the console prints differently.
func sampleLog(now time.Time) []web.Event {
	at := func(minutes int) time.Time { return now.Add(-time.Duration(minutes) * time.Minute) }
	return []web.Event{
		{Seq: 9, Kind: "account_created", Time: at(1), Operator: "zhang", Text: "account liu (operator) created by zhang"},
		{Seq: 8, Kind: "output_test_ended", Time: at(2), Output: "esd-1", Operator: "zhang"},
		{Seq: 7, Kind: "output_test_started", Time: at(3), Output: "esd-1", Operator: "zhang", Until: at(3).Add(3 * time.Second)},
		{Seq: 6, Kind: "comm_lost", Time: at(4), Device: "LT-301", Cause: "exception", Code: 0x0A},
		{Seq: 5, Kind: "bypass_on", Time: at(5), Point: "GT-101.conc", Operator: "liu", Reason: "更换探头", Until: at(5).Add(2 * time.Hour)},
		{Seq: 4, Kind: "trip", Time: at(6), Interlock: "gas-esd", Output: "esd-1", Level: "al2", Cause: "fault_vote", Device: "XV-101"},
		{Seq: 3, Kind: "alarm_raised", Time: at(7), Point: "GT-101.conc", Level: "al2", Value: fptr(42.5)},
		{Seq: 2, Kind: "gateway_started", Time: at(8), Text: "gateway gw-test started with 3 devices on 1 buses"},
	}
}

func TestGwctlEventsPrintsLogOldestFirst(t *testing.T) {
	g, _ := startGatewayFake(t)
	g.log = sampleLog(g.now)
	code, out, errs := runCLI("events", "--hours", "2")
	if code != exitOK {
		t.Fatalf("events: exit %d: %s", code, errs)
	}
	clock := func(ev web.Event) string { return kathmandu(t, ev.Time, time.TimeOnly) }
	log := g.log
	want := []string{
		"网关 gw-test 最近 2 小时的事件记录; 时间按 Asia/Kathmandu 显示",
		clock(log[7]) + " 事件      网关启动: gateway gw-test started with 3 devices on 1 buses",
		clock(log[6]) + " 报警      GT-101.conc 二级报警, 数值 42.5 %LEL",
		clock(log[5]) + " 联锁动作  联锁 gas-esd 使输出 esd-1 动作, 原因: 二级报警或输入故障; 关闭阀门 XV-101",
		clock(log[4]) + " 旁路      GT-101.conc 已由 liu 旁路至 " + kathmandu(t, log[4].Until, time.TimeOnly) + ", 原因: 更换探头",
		clock(log[3]) + " 通讯中断  设备 LT-301 前面的 TCP 网关回复异常 0A (路径不可用",
		clock(log[2]) + " 输出测试  输出 esd-1 由 zhang 测试, 动作 (失电) 至 " + kathmandu(t, log[2].Until, time.TimeOnly),
		clock(log[1]) + " 测试结束  输出 esd-1: zhang 的测试已结束, 恢复由报警逻辑控制",
		clock(log[0]) + " 事件      账户创建: account liu (operator) created by zhang",
	}
	last := -1
	for _, w := range want {
		i := strings.Index(out, w)
		if i < 0 {
			t.Errorf("output lacks %q:\n%s", w, out)
			continue
		}
		if i < last {
			t.Errorf("%q is out of order:\n%s", w, out)
		}
		last = i
	}
	g.fakeMu.Lock()
	window := g.to.Sub(g.from)
	g.fakeMu.Unlock()
	if window != 2*time.Hour {
		t.Errorf("events read over %v, want the 2 h of --hours", window)
	}
}

func TestGwctlEventsInEnglish(t *testing.T) {
	g, _ := startGatewayFake(t)
	g.log = sampleLog(g.now)
	_, out, _ := runCLI("events", "--lang", "en")
	wantContains(t, "output", out, "event log of gateway gw-test, the last 24 hours; times in Asia/Kathmandu",
		"ALARM     GT-101.conc level 2 alarm, value 42.5 %LEL",
		"TRIP      interlock gas-esd tripped outputs esd-1, cause: level 2 alarm or an input in fault; closing valves XV-101",
		"TEST      output esd-1 driven active (de-energised) by zhang for a test until",
		"EVENT     gateway started: gateway gw-test started")
}

func TestGwctlEventsEmptyAndInvalidHours(t *testing.T) {
	startGatewayFake(t)
	code, out, _ := runCLI("events")
	if code != exitOK {
		t.Fatalf("events: exit %d", code)
	}
	wantContains(t, "empty log", out, "最近 24 小时内没有事件")
	for _, hours := range []string{"0", "169", "x"} {
		code, _, errs := runCLI("events", "--hours", hours)
		if code != exitUsage {
			t.Errorf("--hours %s: exit %d", hours, code)
		}
		wantContains(t, "--hours "+hours, errs, `--hours "`+hours+`"`)
	}
}

// --follow prints each live event once, also one that both the log and
// the stream deliver, until Ctrl-C.
func TestGwctlEventsFollowsLiveEvents(t *testing.T) {
	g, srv := startGatewayFake(t)
	g.log = sampleLog(g.now)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var out, errs testenv.SyncBuffer
	done := make(chan int, 1)
	go func() { done <- runContext(ctx, []string{"events", "--follow"}, &out, &errs) }()
	testenv.WaitFor(t, 5*time.Second, "the log and the follow line", func() bool { return strings.Contains(out.String(), "正在跟踪实时事件") })

	live := time.Now()
	srv.Publish(record.Event{Kind: record.OutputTestStarted, Time: live, Output: "horn", Operator: "zhang", Until: live.Add(3 * time.Second)})
	// The stream delivers an event that the log had too, as happens when
	// one is recorded between opening the stream and reading the log.
	srv.Publish(record.Event{Kind: record.AlarmRaised, Time: g.log[6].Time, Point: "GT-101.conc", Level: record.AL2, Value: 42.5, HasValue: true})
	srv.Publish(record.Event{Kind: record.GatewayStopped, Time: live})
	testenv.WaitFor(t, 5*time.Second, "the live events", func() bool { return strings.Contains(out.String(), "停止      网关已停止") })
	cancel()
	select {
	case code := <-done:
		if code != exitOK {
			t.Errorf("exit %d after Ctrl-C, want 0: %s", code, errs.String())
		}
	case <-time.After(2 * time.Second):
		t.Fatal("gwctl events --follow did not stop within 2 s of Ctrl-C")
	}
	text := out.String()
	wantContains(t, "live events", text, kathmandu(t, live, time.TimeOnly)+" 输出测试  输出 horn 由 zhang 测试")
	if n := strings.Count(text, "报警      GT-101.conc 二级报警"); n != 1 {
		t.Errorf("the alarm in both log and stream printed %d times, want 1:\n%s", n, text)
	}
}

// scriptedGateway serves /api/status, /api/events and /api/stream from
// scripts, as a gateway whose stream drops events and then the
// connection.
type scriptedGateway struct {
	mu  sync.Mutex
	now time.Time
	// logs are the replies to the reads of the event log in turn; the
	// last one repeats.
	logs    [][]web.Event
	reads   int
	streams []string
	opened  int
}

func (s *scriptedGateway) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	switch r.URL.Path {
	case "/api/status":
		json.NewEncoder(w).Encode(web.Status{Gateway: "gw-script", Time: s.now, Timezone: "Asia/Kathmandu"})
	case "/api/events":
		json.NewEncoder(w).Encode(s.logs[min(s.reads, len(s.logs)-1)])
		s.reads++
	case "/api/stream":
		if s.opened >= len(s.streams) {
			http.Error(w, `{"error":"streams_full","message":"no more streams"}`, http.StatusServiceUnavailable)
			return
		}
		w.Header().Set("Content-Type", "text/event-stream")
		io.WriteString(w, s.streams[s.opened])
		s.opened++
	default:
		http.NotFound(w, r)
	}
}

func sseData(name string, v any) string {
	data, _ := json.Marshal(v)
	return fmt.Sprintf("event: %s\ndata: %s\n\n", name, data)
}

// A reload prints the events the stream missed from the log, and a
// dropped stream is opened again after its retry time.
func TestGwctlEventsFollowReloadAndReconnect(t *testing.T) {
	now := time.Now().Truncate(time.Second)
	history := web.Event{Kind: "fault_raised", Time: now.Add(-time.Hour), Point: "GT-102.conc"}
	delivered := web.Event{Kind: "comm_restored", Time: now.Add(time.Second), Device: "GT-102"}
	missed := web.Event{Kind: "fault_cleared", Time: now.Add(2 * time.Second), Point: "GT-102.conc"}
	afterReconnect := web.Event{Kind: "alarm_silenced", Time: now.Add(5 * time.Second), Operator: "liu"}
	// The first read of the log has one event; the read at the reload
	// also has the missed event and the delivered one, newest first.
	logs := [][]web.Event{{history}, {missed, delivered, history}}
	gw := &scriptedGateway{now: now, logs: logs, streams: []string{
		"retry: 10\n\n" + sseData("event", delivered) + sseData("reload", map[string]int{"dropped": 1}),
		": a comment\n" + sseData("event", afterReconnect),
	}}
	hs := httptest.NewServer(gw)
	defer hs.Close()
	t.Setenv("PLANTGW_SESSION_FILE", t.TempDir()+"/sessions.json")
	t.Setenv("PLANTGW_GATEWAY", hs.URL)

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var out, errs testenv.SyncBuffer
	done := make(chan int, 1)
	go func() { done <- runContext(ctx, []string{"events", "--follow", "--lang", "en"}, &out, &errs) }()
	testenv.WaitFor(t, 5*time.Second, "the event after the reconnect", func() bool { return strings.Contains(out.String(), "horn silenced by liu") })
	cancel()
	<-done
	text := out.String()
	wantContains(t, "output", text, "1 events that the live stream missed, from the gateway's event log:",
		"FAULT OK  GT-102.conc reads valid values again", "the live stream ended: the gateway closed the stream; connecting again in 0s", "connected again")
	for _, line := range []string{"FAULT     GT-102.conc has no valid reading", "COMM OK   device GT-102 replies again", "FAULT OK  GT-102.conc"} {
		if n := strings.Count(text, line); n != 1 {
			t.Errorf("%q printed %d times, want 1:\n%s", line, n, text)
		}
	}
	if strings.Index(text, "COMM OK") > strings.Index(text, "FAULT OK") {
		t.Errorf("the missed event came before the live one that preceded the reload:\n%s", text)
	}
}

func TestSSEReader(t *testing.T) {
	stream := "retry: 2500\r\n: keep-alive comment\r\n\r\nevent: status\ndata: {\"a\":1}\n\n" +
		"data: first\ndata: second\n\nevent: empty\n\nevent:reload\ndata:{}\n\n"
	r := newSSEReader(strings.NewReader(stream))
	want := []sseEvent{{name: "status", data: `{"a":1}`}, {name: "message", data: "first\nsecond"}, {name: "reload", data: "{}"}}
	for i, w := range want {
		got, err := r.next()
		if err != nil {
			t.Fatalf("event %d: %v", i, err)
		}
		if got != w {
			t.Errorf("event %d = %+v, want %+v", i, got, w)
		}
	}
	if _, err := r.next(); err != io.EOF {
		t.Errorf("after the last event: %v, want EOF", err)
	}
	if r.retry != 2500*time.Millisecond {
		t.Errorf("retry %v, want 2.5s", r.retry)
	}
}

// Every event kind gets a line without formatting errors, and the kinds
// the console prints get their console line rather than the fallback.
func TestEventViewCoversEveryKind(t *testing.T) {
	e := newEnv(nil, io.Discard, io.Discard)
	v := newEventView(e, web.Status{Timezone: "UTC"})
	kinds := []record.EventKind{record.AlarmRaised, record.AlarmCleared, record.AlarmReset, record.AlarmSilenced, record.AlarmAcknowledged,
		record.BypassOn, record.BypassOff, record.ValveFailed, record.ValveUncommanded, record.ValveReset, record.SwitchDisagree,
		record.SwitchAgree, record.FaultRaised, record.FaultCleared, record.CommLost, record.CommRestored, record.Trip, record.TripReset,
		record.OutputChanged, record.WriteUnconfirmed, record.LightningWarning, record.OutputTestStarted, record.OutputTestEnded,
		record.GatewayStopped}
	for _, k := range kinds {
		line := v.describe(web.Event{Kind: string(k), State: "inactive"})
		if line == "" || strings.Contains(line, "%!") || strings.HasPrefix(line, "事件") {
			t.Errorf("%s: line %q", k, line)
		}
	}
	for _, k := range []record.EventKind{record.RecordsEvicted, record.StoreReplaced, record.AccountCreated, record.AccountRemoved,
		record.GatewayStarted, record.ClockStep} {
		line := v.describe(web.Event{Kind: string(k), Text: "text"})
		if !strings.HasPrefix(line, "事件") || strings.Contains(line, string(k)) {
			t.Errorf("%s: line %q, want the fallback with the kind's name", k, line)
		}
	}
}
