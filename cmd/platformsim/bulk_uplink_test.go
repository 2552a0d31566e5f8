package main

import (
	"context"
	"io"
	"log/slog"
	"math/rand/v2"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/plantgw/plantgw/buffer"
	gwconfig "github.com/plantgw/plantgw/config"
	"github.com/plantgw/plantgw/internal/testenv"
	gwrecord "github.com/plantgw/plantgw/record"
	"github.com/plantgw/plantgw/uplink"
)

// TestRunValidatesUplinkBulk runs the gateway's uplink, with platform
// acks and gzip, against platformsim --ack: the bulk parts of a clip
// that the uplink encodes must pass the validator, arrive complete, and
// leave the gateway's bulk queue only by platformsim's acks.
func TestRunValidatesUplinkBulk(t *testing.T) {
	reportPath := filepath.Join(t.TempDir(), "report.json")
	sim := startSim(t, "--port", "0", "--summary-every", "0", "--report", reportPath, "--lang", "en", "--ack")

	b, err := buffer.Open(buffer.Options{Path: t.TempDir(), Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()

	const name, contentType = "cam-1/2026-12-04T20:15:00+08:00", "video/mp4"
	partSize := gwrecord.BulkPartSize(buffer.MaxPayloadLen, name, contentType)
	clip := make([]byte, 2*partSize+partSize/2)
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range clip {
		clip[i] = byte(rng.Uint32())
	}
	entries := []buffer.Entry{{Lane: buffer.Telemetry, Payload: gwrecord.EncodeSample(gwrecord.Sample{
		Point: "GT-102.conc", Time: time.Now(), Value: 3, Quality: gwrecord.Good, ClockSynced: true})}}
	for _, part := range gwrecord.SplitBulk(name, contentType, time.Now(), clip, partSize) {
		part.ClockSynced = true
		entries = append(entries, buffer.Entry{Lane: buffer.Bulk, Payload: gwrecord.EncodeBulk(part)})
	}
	if _, err := b.Append(entries); err != nil {
		t.Fatal(err)
	}
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
		KeepAlive: gwconfig.Duration(5 * time.Second), MaxRecords: 10}
	up := uplink.New(uplink.Options{MQTT: mq, Encoder: enc, Store: b, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
		Delivery: uplink.Delivery{Ack: uplink.AckByPlatform, Compression: uplink.CompressGzip}}, cfg.Site)
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Go(func() { _ = up.Run(ctx) })

	waitForOutput(t, sim.stdout, `gw-demo-01 BULK cam-1/\S+ complete: 3 parts, `+itoa(int64(len(clip)))+` bytes, video/mp4`)
	testenv.WaitFor(t, testTimeout, "platform acks for every record", func() bool {
		st := b.Stats()
		return st.Pending[buffer.Bulk] == 0 && st.Pending[buffer.Telemetry] == 0
	})
	if acked := up.State().PlatformAcked; acked != 4 {
		t.Errorf("records acknowledged by platformsim = %d, want 4", acked)
	}
	cancel()
	wg.Wait()
	if code := sim.stop(t); code != exitOK {
		t.Fatalf("exit status %d", code)
	}

	g := readReport(t, reportPath).Gateways[testGateway]
	checkCounts(t, []countCheck{
		{"invalid", g.Invalid, 0},
		{"records", g.Records, 4},
		{"samples", g.Samples, 1},
		{"bulk_parts", g.BulkParts, 3},
		{"bulk_bytes", g.BulkBytes, int64(len(clip))},
		{"bulk_objects", g.BulkObjects, 1},
		{"bulk_complete", g.BulkComplete, 1},
		{"gaps", g.Gaps, 0},
		{"compressed", g.Compressed, 4},
	})
	if g.Invalid != 0 {
		t.Errorf("last invalid error: %s", g.LastInvalidError)
	}
}
