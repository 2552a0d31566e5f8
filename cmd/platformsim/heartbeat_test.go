package main

import (
	"context"
	"io"
	"log/slog"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/plantgw/plantgw/buffer"
	gwconfig "github.com/plantgw/plantgw/config"
	gwrecord "github.com/plantgw/plantgw/record"
	"github.com/plantgw/plantgw/uplink"
)

// exampleHeartbeat is the heartbeat example in docs/uplink-protocol.md.
func exampleHeartbeat() map[string]any {
	return map[string]any{
		"v": 1, "format": "platform-json-v1", "gateway_id": testGateway, "enterprise_code": testEnterprise,
		"ts": "2026-12-04T20:16:00.004+08:00", "clock_synced": true, "uptime_s": 86400,
		"version": "v1.3.0", "last_seq": 1043,
		"backlog": map[string]any{"events": 0, "telemetry": 12, "bulk": 3},
		"devices": map[string]any{"total": 8, "lost": 1},
	}
}

func TestValidateHeartbeat(t *testing.T) {
	runValidationCases(t, []validationCase{
		{name: "doc heartbeat", kind: topicHeartbeat, meta: qos1, payload: mustJSON(exampleHeartbeat())},
		{name: "without devices and version", kind: topicHeartbeat, meta: qos1,
			payload: mustJSON(changed(exampleHeartbeat(), both(remove("devices"), remove("version"))))},
		{name: "without bulk backlog", kind: topicHeartbeat, meta: qos1,
			payload: mustJSON(changed(exampleHeartbeat(), set("backlog", map[string]any{"events": 0, "telemetry": 12})))},
		{name: "retained", kind: topicHeartbeat, meta: mqttMeta{qos: 1, retain: true}, payload: mustJSON(exampleHeartbeat()),
			wantErr: "heartbeat message is retained"},
		{name: "QoS 0", kind: topicHeartbeat, meta: mqttMeta{qos: 0}, payload: mustJSON(exampleHeartbeat()), wantErr: "QoS 0"},
		{name: "unknown field", kind: topicHeartbeat, meta: qos1, payload: mustJSON(changed(exampleHeartbeat(), set("cpu", 3))),
			wantErr: "cpu: unknown field"},
		{name: "backlog missing", kind: topicHeartbeat, meta: qos1, payload: mustJSON(changed(exampleHeartbeat(), remove("backlog"))),
			wantErr: "backlog: missing required field"},
		{name: "backlog lane unknown", kind: topicHeartbeat, meta: qos1,
			payload: mustJSON(changed(exampleHeartbeat(), set("backlog", map[string]any{"events": 0, "telemetry": 1, "video": 2}))),
			wantErr: "backlog.video: unknown field"},
		{name: "backlog negative", kind: topicHeartbeat, meta: qos1,
			payload: mustJSON(changed(exampleHeartbeat(), set("backlog", map[string]any{"events": -1, "telemetry": 1}))),
			wantErr: "backlog.events: must be 0 or more, got -1"},
		{name: "bulk backlog negative", kind: topicHeartbeat, meta: qos1,
			payload: mustJSON(changed(exampleHeartbeat(), set("backlog", map[string]any{"events": 0, "telemetry": 1, "bulk": -2}))),
			wantErr: "backlog.bulk: must be 0 or more, got -2"},
		{name: "bulk backlog not a number", kind: topicHeartbeat, meta: qos1,
			payload: mustJSON(changed(exampleHeartbeat(), set("backlog", map[string]any{"events": 0, "telemetry": 1, "bulk": "3"}))),
			wantErr: "backlog.bulk: must be an integer"},
		{name: "more lost than total", kind: topicHeartbeat, meta: qos1,
			payload: mustJSON(changed(exampleHeartbeat(), set("devices", map[string]any{"total": 2, "lost": 3}))),
			wantErr: "devices.lost: must be at most total (2), got 3"},
		{name: "clock_synced missing", kind: topicHeartbeat, meta: qos1, payload: mustJSON(changed(exampleHeartbeat(), remove("clock_synced"))),
			wantErr: "clock_synced: missing required field"},
		{name: "gateway_id mismatch", kind: topicHeartbeat, meta: qos1, payload: mustJSON(changed(exampleHeartbeat(), set("gateway_id", "gw-x"))),
			wantErr: "does not match the topic's gateway id"},
	})
}

func TestReceiverPrintsHeartbeat(t *testing.T) {
	recv, out, _ := newTestReceiver(langEnglish)
	recv.handle(testTopic(topicHeartbeat).name, qos1, mustJSON(exampleHeartbeat()))

	want := "[platform] gw-demo-01 heartbeat: backlog events 0 telemetry 12 bulk 3, last seq 1043, uptime 86400 s, devices 8 (lost 1), clock synced, version v1.3.0 (at 2026-12-04T20:16:00.004+08:00)"
	if lines := out.take(); len(lines) != 1 || lines[0] != want {
		t.Errorf("lines = %q, want %q", lines, want)
	}
	g := recv.snapshot()[0]
	if g.Heartbeats != 1 || g.Backlog == nil || g.Backlog.Telemetry != 12 || g.Backlog.Bulk != 3 || g.Invalid != 0 {
		t.Errorf("report = %+v, want 1 heartbeat with a telemetry backlog of 12 and a bulk backlog of 3", g)
	}
	if line := summaryLine(newLocalizer(langEnglish), g); !strings.HasSuffix(line, "backlog 15") {
		t.Errorf("summary line %q does not end with the backlog", line)
	}
}

func TestReceiverHeartbeatInChinese(t *testing.T) {
	recv, out, _ := newTestReceiver(langChinese)
	recv.handle(testTopic(topicHeartbeat).name, qos1, mustJSON(changed(exampleHeartbeat(), both(set("clock_synced", false), remove("devices")))))
	want := "[平台] gw-demo-01 心跳: 积压 事件 0 遥测 12 大文件 3, 最新 seq 1043, 运行 86400 秒, 时钟未同步, 版本 v1.3.0 (时间 2026-12-04T20:16:00.004+08:00)"
	if lines := out.take(); len(lines) != 1 || lines[0] != want {
		t.Errorf("lines = %q, want %q", lines, want)
	}
}

// TestRunValidatesUplinkHeartbeats runs the gateway's uplink against
// platformsim, so the heartbeat that the uplink encodes must pass the
// validator.
func TestRunValidatesUplinkHeartbeats(t *testing.T) {
	reportPath := filepath.Join(t.TempDir(), "report.json")
	sim := startSim(t, "--port", "0", "--summary-every", "0", "--report", reportPath, "--lang", "en")

	b, err := buffer.Open(buffer.Options{Path: t.TempDir(), Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	if _, err := b.Append([]buffer.Entry{{Lane: buffer.Telemetry, Payload: gwrecord.EncodeSample(gwrecord.Sample{
		Point: "GT-102.conc", Time: time.Now(), Value: 3, Quality: gwrecord.Good, ClockSynced: true})}}); err != nil {
		t.Fatal(err)
	}
	// The buffer hands telemetry to the uplink only once it is synced.
	if err := b.Sync(); err != nil {
		t.Fatal(err)
	}
	cfg := &gwconfig.Config{
		Site: gwconfig.Site{EnterpriseCode: testEnterprise, GatewayID: testGateway, Timezone: "Asia/Shanghai"},
		Points: []gwconfig.Point{{ID: "GT-102.conc", Unit: "%LEL",
			Platform: gwconfig.Platform{HazardCode: "320500001001", PointCode: "GT102"}}},
	}
	enc, err := uplink.NewEncoder(cfg)
	if err != nil {
		t.Fatal(err)
	}
	mq := gwconfig.MQTT{URL: "tcp://" + sim.addr, ClientID: testGateway, TopicPrefix: testPrefix,
		KeepAlive: gwconfig.Duration(5 * time.Second), MaxRecords: 10, Heartbeat: gwconfig.Duration(200 * time.Millisecond)}
	up := uplink.New(uplink.Options{MQTT: mq, Encoder: enc, Store: b, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
		Devices: uplink.NewCommSummary(4).Summary}, cfg.Site)
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Go(func() { _ = up.Run(ctx) })

	waitForOutput(t, sim.stdout, `gw-demo-01 heartbeat: backlog events 0 telemetry 1 bulk 0, last seq 1, uptime \d+ s, devices 4 \(lost 0\)`)
	waitForOutput(t, sim.stdout, `gw-demo-01 heartbeat: backlog events 0 telemetry 0 bulk 0, last seq 1`)
	cancel()
	wg.Wait()
	if code := sim.stop(t); code != exitOK {
		t.Fatalf("exit status %d", code)
	}

	g := readReport(t, reportPath).Gateways[testGateway]
	if g.Invalid != 0 {
		t.Errorf("invalid = %d (%s), want 0", g.Invalid, g.LastInvalidError)
	}
	if g.Heartbeats < 2 || g.Records != 1 {
		t.Errorf("heartbeats = %d, records = %d; want at least 2 heartbeats and 1 record", g.Heartbeats, g.Records)
	}
}
