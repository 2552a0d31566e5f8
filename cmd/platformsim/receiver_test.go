package main

import (
	"strings"
	"testing"
	"time"
)

// lineRecorder collects printed lines. The receiver calls print with its
// mutex held, and these tests call handle from one goroutine.
type lineRecorder struct {
	lines []string
}

func (r *lineRecorder) print(line string) {
	r.lines = append(r.lines, line)
}

func (r *lineRecorder) take() []string {
	lines := r.lines
	r.lines = nil
	return lines
}

func newTestReceiver(lang string) (*receiver, *lineRecorder, *time.Time) {
	out := &lineRecorder{}
	recv := newReceiver(testPrefix, newLocalizer(lang), out.print)
	now := time.Date(2026, 12, 4, 20, 15, 0, 0, time.UTC)
	recv.now = func() time.Time { return now }
	return recv, out, &now
}

func TestReceiverCountsAndPrintsAlarm(t *testing.T) {
	recv, out, _ := newTestReceiver(langEnglish)
	telemetry, events := testTopic(topicTelemetry).name, testTopic(topicEvents).name

	recv.handle(events, qos1, mustJSON(exampleBody(exampleEvent())))           // seq 1043
	recv.handle(telemetry, qos1, mustJSON(exampleBody(exampleSample())))       // seq 1042
	recv.handle(events, qos1, mustJSON(exampleBody(exampleEvent())))           // duplicate
	recv.handle(telemetry, qos1, withSample(set("value", nil)))                // invalid
	recv.handle("plantgw/"+testEnterprise+"/"+testGateway+"/other", qos1, nil) // not an uplink topic

	lines := out.take()
	wantAlarm := "[platform] gw-demo-01 ALARM GT-102.conc level al1 value 26 at 2026-12-04T20:15:02.981+08:00 seq 1043"
	if len(lines) != 2 || lines[0] != wantAlarm {
		t.Fatalf("lines = %q, want the alarm line %q and one invalid line", lines, wantAlarm)
	}
	if !strings.HasPrefix(lines[1], "[platform] invalid message on plantgw/91320500MA1DEMO01X/gw-demo-01/telemetry: records[0].value: must not be null") {
		t.Errorf("invalid line = %q", lines[1])
	}

	gateways := recv.snapshot()
	if len(gateways) != 1 {
		t.Fatalf("gateways = %d, want 1", len(gateways))
	}
	g := gateways[0]
	checkCounts(t, []countCheck{
		{"records", g.Records, 2},
		{"alarms", g.Alarms, 1},
		{"duplicates", g.Duplicates, 1},
		{"invalid", g.Invalid, 1},
		{"messages", g.Messages, 4},
		{"gaps", g.Gaps, 1041},
		{"max_seq", g.MaxSeq, 1043},
	})
	if g.EnterpriseCode != testEnterprise {
		t.Errorf("enterprise code = %q, want %q", g.EnterpriseCode, testEnterprise)
	}
	if !strings.Contains(g.LastInvalidError, "must not be null") {
		t.Errorf("last invalid error = %q", g.LastInvalidError)
	}
}

func TestReceiverPrintsCommLossAndRecovery(t *testing.T) {
	recv, out, _ := newTestReceiver(langChinese)
	events := testTopic(topicEvents).name
	commEvent := func(seq int, event string) []byte {
		return withEvent(both(set("seq", seq), set("event", event), set("device", "GT-103"), set("point_id", ""),
			remove("hazard_code"), remove("point_code"), remove("level"), set("value", nil)))
	}

	recv.handle(events, qos1, commEvent(1, "comm_lost"))
	recv.handle(events, qos1, commEvent(2, "comm_restored"))

	lines := out.take()
	want := []string{
		"[平台] gw-demo-01 通讯中断 设备 GT-103 时间 2026-12-04T20:15:02.981+08:00 seq 1",
		"[平台] gw-demo-01 通讯恢复 设备 GT-103 时间 2026-12-04T20:15:02.981+08:00 seq 2",
	}
	if len(lines) != len(want) {
		t.Fatalf("lines = %q, want %q", lines, want)
	}
	for i := range want {
		if lines[i] != want[i] {
			t.Errorf("line %d = %q, want %q", i, lines[i], want[i])
		}
	}
}

func TestReceiverPrintsTextWhenItChanges(t *testing.T) {
	recv, out, _ := newTestReceiver(langEnglish)
	telemetry := testTopic(topicTelemetry).name
	text := func(seq int, value any) []byte {
		return withSample(both(set("seq", seq), set("point_id", "GT-101.firmware"), set("value", value), set("unit", "")))
	}

	recv.handle(telemetry, qos1, text(1, "V2.1.7"))
	recv.handle(telemetry, qos1, text(2, "V2.1.7")) // unchanged: no line
	recv.handle(telemetry, qos1, text(1, "V2.1.7")) // duplicate: no line
	recv.handle(telemetry, qos1, text(3, "V2.1.8"))
	recv.handle(telemetry, qos1, withSample(set("seq", 4))) // a number: no line

	lines := out.take()
	want := []string{
		`[platform] gw-demo-01 TEXT GT-101.firmware "V2.1.7" at 2026-12-04T20:15:02.981+08:00 seq 1`,
		`[platform] gw-demo-01 TEXT GT-101.firmware "V2.1.8" at 2026-12-04T20:15:02.981+08:00 seq 3`,
	}
	if len(lines) != len(want) {
		t.Fatalf("lines = %q, want %q", lines, want)
	}
	for i := range want {
		if lines[i] != want[i] {
			t.Errorf("line %d = %q, want %q", i, lines[i], want[i])
		}
	}
}

func TestReceiverRateLimitsInvalidLines(t *testing.T) {
	recv, out, now := newTestReceiver(langEnglish)
	telemetry := testTopic(topicTelemetry).name
	invalid := []byte("not json")

	for range 5 {
		recv.handle(telemetry, qos1, invalid)
		*now = now.Add(100 * time.Millisecond)
	}
	if lines := out.take(); len(lines) != 1 {
		t.Fatalf("lines in the first half second = %q, want 1", lines)
	}

	*now = now.Add(time.Second)
	recv.handle(telemetry, qos1, invalid)
	lines := out.take()
	if len(lines) != 1 || !strings.Contains(lines[0], "(4 more invalid messages were not shown since the previous line)") {
		t.Fatalf("line after a second = %q, want it to report 4 suppressed", lines)
	}

	recv.handle(telemetry, qos1, invalid)
	if suppressed := recv.stop(); suppressed != 1 {
		t.Errorf("stop() = %d suppressed, want 1", suppressed)
	}
	if g := recv.snapshot()[0]; g.Invalid != 7 {
		t.Errorf("invalid = %d, want 7", g.Invalid)
	}
}

func TestReceiverStatus(t *testing.T) {
	recv, out, _ := newTestReceiver(langChinese)
	status := testTopic(topicStatus).name
	retained := mqttMeta{qos: 1, retain: true}

	recv.handle(status, retained, mustJSON(exampleStatus()))
	if g := recv.snapshot()[0]; g.Status != "online" {
		t.Errorf("status = %q, want online", g.Status)
	}
	recv.handle(status, retained, mustJSON(changed(exampleStatus(), set("state", "offline"))))
	if g := recv.snapshot()[0]; g.Status != "offline" {
		t.Errorf("status = %q, want offline", g.Status)
	}

	// An empty retained message deletes the retained status and is not counted.
	recv.handle(status, retained, nil)
	g := recv.snapshot()[0]
	checkCounts(t, []countCheck{{"messages", g.Messages, 2}, {"invalid", g.Invalid, 0}})

	lines := out.take()
	want := []string{
		"[平台] gw-demo-01 状态 在线 (时间 2026-12-04T20:15:00.002+08:00)",
		"[平台] gw-demo-01 状态 离线 (时间 2026-12-04T20:15:00.002+08:00)",
	}
	if strings.Join(lines, "\n") != strings.Join(want, "\n") {
		t.Errorf("lines = %q, want %q", lines, want)
	}
}

func TestReceiverIgnoresMessagesAfterStop(t *testing.T) {
	recv, _, _ := newTestReceiver(langEnglish)
	recv.stop()
	recv.handle(testTopic(topicTelemetry).name, qos1, mustJSON(exampleBody(exampleSample())))
	if gateways := recv.snapshot(); len(gateways) != 0 {
		t.Errorf("gateways after stop = %d, want 0", len(gateways))
	}
}

func TestLinePrinterDropsWhenFull(t *testing.T) {
	blocked := &blockingWriter{release: make(chan struct{})}
	printer := newLinePrinter(blocked)

	// One line is taken by the blocked writer, outputQueueLines wait in the
	// queue, and the rest are dropped.
	for range outputQueueLines + 10 {
		printer.print("line")
	}
	close(blocked.release)
	printer.close()

	if got := printer.dropped.Load(); got < 9 || got > 10 {
		t.Errorf("dropped = %d, want 9 or 10", got)
	}
	printer.print("after close")
	if got := printer.dropped.Load(); got < 10 {
		t.Errorf("dropped after a print on a closed printer = %d, want it counted", got)
	}
}

type blockingWriter struct {
	release chan struct{}
}

func (w *blockingWriter) Write(p []byte) (int, error) {
	<-w.release
	return len(p), nil
}
