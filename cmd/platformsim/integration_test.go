package main

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"io"
	"net"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	paho "github.com/eclipse/paho.mqtt.golang"
	"go.uber.org/goleak"

	"github.com/plantgw/plantgw/internal/testenv"
)

const testTimeout = 5 * time.Second

// waitForOutput polls out until pattern matches and returns the submatches.
func waitForOutput(t *testing.T, out *testenv.SyncBuffer, pattern string) []string {
	t.Helper()
	re := regexp.MustCompile(pattern)
	deadline := time.Now().Add(testTimeout)
	for time.Now().Before(deadline) {
		if match := re.FindStringSubmatch(out.String()); match != nil {
			return match
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("output has no match for %q after %v:\n%s", pattern, testTimeout, out.String())
	return nil
}

// simRun is platformsim started by run() in a goroutine.
type simRun struct {
	cancel context.CancelFunc
	exit   chan int
	stdout *testenv.SyncBuffer
	stderr *testenv.SyncBuffer
	addr   string
}

func startSim(t *testing.T, args ...string) *simRun {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	sim := &simRun{cancel: cancel, exit: make(chan int, 1), stdout: &testenv.SyncBuffer{}, stderr: &testenv.SyncBuffer{}}
	go func() {
		sim.exit <- run(ctx, args, sim.stdout, sim.stderr)
	}()
	sim.addr = waitForOutput(t, sim.stdout, `(?:listening on|正在监听) (\S+?), `)[1]
	return sim
}

// stop cancels run like SIGINT does and returns its exit status.
func (s *simRun) stop(t *testing.T) int {
	t.Helper()
	s.cancel()
	select {
	case code := <-s.exit:
		return code
	case <-time.After(testTimeout):
		t.Fatalf("run did not return within %v after cancel", testTimeout)
		return -1
	}
}

func readReport(t *testing.T, path string) report {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read report: %v", err)
	}
	var r report
	if err := json.Unmarshal(data, &r); err != nil {
		t.Fatalf("decode report: %v\n%s", err, data)
	}
	return r
}

func connectPaho(t *testing.T, addr, clientID string) paho.Client {
	t.Helper()
	will := mustJSON(changed(exampleStatus(), set("state", "offline")))
	opts := paho.NewClientOptions().
		AddBroker("tcp://"+addr).
		SetClientID(clientID).
		SetCleanSession(true).
		SetAutoReconnect(false).
		SetProtocolVersion(4).
		SetConnectTimeout(testTimeout).
		SetBinaryWill(testTopic(topicStatus).name, will, 1, true)
	client := paho.NewClient(opts)
	token := client.Connect()
	if !token.WaitTimeout(testTimeout) || token.Error() != nil {
		t.Fatalf("connect to %s: timed out or failed: %v", addr, token.Error())
	}
	return client
}

func publish(t *testing.T, client paho.Client, topicName string, retained bool, payload []byte) {
	t.Helper()
	token := client.Publish(topicName, 1, retained, payload)
	if !token.WaitTimeout(testTimeout) || token.Error() != nil {
		t.Fatalf("publish to %s: timed out or failed: %v", topicName, token.Error())
	}
}

func TestRunCountsPublishedMessages(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())

	reportPath := filepath.Join(t.TempDir(), "report.json")
	sim := startSim(t, "--port", "0", "--summary-every", "50ms", "--report", reportPath, "--lang", "en")

	client := connectPaho(t, sim.addr, testGateway)
	status, events, telemetry := testTopic(topicStatus).name, testTopic(topicEvents).name, testTopic(topicTelemetry).name
	sample := func(seq int) []byte { return withSample(set("seq", seq)) }

	publish(t, client, status, true, mustJSON(exampleStatus()))
	// Events go first, as a gateway sends them, so seq 3 arrives before 1.
	publish(t, client, events, false, withEvent(set("seq", 3)))
	publish(t, client, telemetry, false, mustJSON(exampleBody(
		changed(exampleSample(), set("seq", 1)), changed(exampleSample(), set("seq", 2)))))
	publish(t, client, telemetry, false, sample(2)) // duplicate after a resend
	publish(t, client, telemetry, false, sample(5)) // seq 4 never arrives
	publish(t, client, telemetry, false, withSample(both(set("seq", 6), set("value", nil))))
	publish(t, client, events, false, withEvent(both(set("seq", 7), set("event", "trip"), set("output", "DO-3"), remove("level"))))

	waitForOutput(t, sim.stdout, `gw-demo-01 online records 5 .* latest seq 7`)
	client.Disconnect(250)
	waitForOutput(t, sim.stdout, `client gw-demo-01 disconnected`)

	if code := sim.stop(t); code != exitOK {
		t.Fatalf("exit status = %d, want 0; stderr:\n%s", code, sim.stderr.String())
	}

	out := sim.stdout.String()
	for _, want := range []string{
		"[platform] gw-demo-01 ALARM GT-102.conc level al1 value 26 at 2026-12-04T20:15:02.981+08:00 seq 3",
		"[platform] gw-demo-01 TRIP GT-102.conc output DO-3 value 26 at 2026-12-04T20:15:02.981+08:00 seq 7",
		"[platform] invalid message on plantgw/91320500MA1DEMO01X/gw-demo-01/telemetry: records[0].value: must not be null when quality is good",
		"platform summary: gateway gw-demo-01 received 5 records, 1 alarms, 1 trips, 2 gaps, 1 duplicates, 1 invalid",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("stdout has no line %q:\n%s", want, out)
		}
	}
	if !strings.HasSuffix(out, "platform summary: gateway gw-demo-01 received 5 records, 1 alarms, 1 trips, 2 gaps, 1 duplicates, 1 invalid\n") {
		t.Errorf("the final line is not last:\n%s", out)
	}

	r := readReport(t, reportPath)
	if r.Format != reportFormat {
		t.Errorf("report format = %q, want %q", r.Format, reportFormat)
	}
	if r.Listen != sim.addr {
		t.Errorf("report listen = %q, want %q", r.Listen, sim.addr)
	}
	if r.TopicPrefix != "plantgw" {
		t.Errorf("report topic_prefix = %q, want plantgw", r.TopicPrefix)
	}
	g, ok := r.Gateways[testGateway]
	if !ok {
		t.Fatalf("report has no gateway %s: %+v", testGateway, r.Gateways)
	}
	checkCounts(t, []countCheck{
		{"messages", g.Messages, 7},
		{"records", g.Records, 5},
		{"samples", g.Samples, 3},
		{"events", g.Events, 2},
		{"alarms", g.Alarms, 1},
		{"trips", g.Trips, 1},
		{"duplicates", g.Duplicates, 1},
		{"gaps", g.Gaps, 2},
		{"invalid", g.Invalid, 1},
		{"max_seq", g.MaxSeq, 7},
	})
	if !slices.Equal(g.Missing, []seqRange{{4, 4}, {6, 6}}) || g.MissingTruncated {
		t.Errorf("report missing = %v (truncated %v), want [{4 4} {6 6}]", g.Missing, g.MissingTruncated)
	}
	if g.Status != "online" {
		t.Errorf("report status = %q, want online", g.Status)
	}
	if g.EnterpriseCode != testEnterprise {
		t.Errorf("report enterprise_code = %q, want %s", g.EnterpriseCode, testEnterprise)
	}
}

// mqttConnectPacket encodes an MQTT 3.1.1 CONNECT with clean session and a
// retained QoS 1 will, so that a test can drop the TCP connection without
// the DISCONNECT that paho always sends.
func mqttConnectPacket(clientID, willTopic string, will []byte) []byte {
	field := func(b []byte) []byte {
		return append(binary.BigEndian.AppendUint16(nil, uint16(len(b))), b...)
	}
	const flags = 0x02 | 0x04 | 0x08 | 0x20 // clean session, will, will QoS 1, will retain

	var body []byte
	body = append(body, field([]byte("MQTT"))...)
	body = append(body, mqttProtocolLevel, flags, 0, 60) // keep alive 60 s
	body = append(body, field([]byte(clientID))...)
	body = append(body, field([]byte(willTopic))...)
	body = append(body, field(will)...)

	packet := []byte{0x10}
	for length := len(body); ; {
		digit := byte(length % 128)
		length /= 128
		if length > 0 {
			digit |= 0x80
		}
		packet = append(packet, digit)
		if length == 0 {
			break
		}
	}
	return append(packet, body...)
}

func TestRunRecordsWillWhenConnectionDrops(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())

	reportPath := filepath.Join(t.TempDir(), "report.json")
	sim := startSim(t, "--port", "0", "--summary-every", "0", "--report", reportPath)

	conn, err := net.DialTimeout("tcp", sim.addr, testTimeout)
	if err != nil {
		t.Fatalf("dial %s: %v", sim.addr, err)
	}
	will := mustJSON(changed(exampleStatus(), set("state", "offline")))
	if _, err := conn.Write(mqttConnectPacket(testGateway, testTopic(topicStatus).name, will)); err != nil {
		t.Fatalf("write CONNECT: %v", err)
	}
	connack := make([]byte, 4)
	if err := conn.SetReadDeadline(time.Now().Add(testTimeout)); err != nil {
		t.Fatal(err)
	}
	if _, err := io.ReadFull(conn, connack); err != nil || connack[0] != 0x20 || connack[3] != 0 {
		t.Fatalf("CONNACK = %x, %v, want 20020000", connack, err)
	}
	conn.Close()

	waitForOutput(t, sim.stdout, `gw-demo-01 状态 离线`)
	if code := sim.stop(t); code != exitOK {
		t.Fatalf("exit status = %d, want 0; stderr:\n%s", code, sim.stderr.String())
	}

	g := readReport(t, reportPath).Gateways[testGateway]
	if g.Status != "offline" {
		t.Errorf("report status = %q, want offline after the will", g.Status)
	}
	checkCounts(t, []countCheck{{"messages", g.Messages, 1}, {"invalid", g.Invalid, 0}})
	if !strings.Contains(sim.stdout.String(), "平台汇总: 网关 gw-demo-01 收到记录 0 条, 报警 0 次, 联锁跳车 0 次, 缺号 0, 重复 0, 格式错误 0") {
		t.Errorf("stdout has no zh-CN final line:\n%s", sim.stdout.String())
	}
}

func TestRunPortInUse(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())

	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	_, port, _ := net.SplitHostPort(busy.Addr().String())

	var stdout, stderr bytes.Buffer
	code := run(context.Background(), []string{"--port", port, "--lang", "en"}, &stdout, &stderr)
	if code != exitFailure {
		t.Errorf("exit status = %d, want %d", code, exitFailure)
	}
	for _, want := range []string{"127.0.0.1:" + port, "address already in use", "--port"} {
		if !strings.Contains(stderr.String(), want) {
			t.Errorf("stderr has no %q:\n%s", want, stderr.String())
		}
	}
}

func TestRunBadFlags(t *testing.T) {
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), []string{"--listen", "0.0.0.0:1883"}, &stdout, &stderr)
	if code != exitBadFlags {
		t.Errorf("exit status = %d, want %d", code, exitBadFlags)
	}
	if !strings.Contains(stderr.String(), "--allow-remote") {
		t.Errorf("stderr does not name --allow-remote:\n%s", stderr.String())
	}
	if stdout.Len() != 0 {
		t.Errorf("stdout = %q, want nothing", stdout.String())
	}
}

func TestRunStopsAfterDuration(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())

	var stdout, stderr bytes.Buffer
	start := time.Now()
	code := run(context.Background(), []string{"--port", "0", "--duration", "100ms", "--summary-every", "20ms", "--lang", "en"}, &stdout, &stderr)
	if code != exitOK {
		t.Fatalf("exit status = %d, want 0; stderr:\n%s", code, stderr.String())
	}
	if elapsed := time.Since(start); elapsed > 2*time.Second {
		t.Errorf("run took %v with --duration 100ms", elapsed)
	}
	if !strings.Contains(stdout.String(), "[platform] no message from any gateway yet") {
		t.Errorf("stdout has no live summary line:\n%s", stdout.String())
	}
	if !strings.HasSuffix(stdout.String(), "platform summary: no gateway sent any message\n") {
		t.Errorf("stdout does not end with the final line:\n%s", stdout.String())
	}
}

func TestRunReportWriteFailure(t *testing.T) {
	var stdout, stderr bytes.Buffer
	missingDir := filepath.Join(t.TempDir(), "missing", "report.json")
	code := run(context.Background(), []string{"--port", "0", "--duration", "10ms", "--report", missingDir, "--lang", "en"}, &stdout, &stderr)
	if code != exitFailure {
		t.Errorf("exit status = %d, want %d", code, exitFailure)
	}
	if !strings.Contains(stderr.String(), "cannot write the report") {
		t.Errorf("stderr = %q, want the report error", stderr.String())
	}
}
