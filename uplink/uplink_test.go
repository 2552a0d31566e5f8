package uplink

import (
	"context"
	"io"
	"log/slog"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/plantgw/plantgw/buffer"
	"github.com/plantgw/plantgw/config"
	"github.com/plantgw/plantgw/internal/testenv"
	"github.com/plantgw/plantgw/record"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func testSiteConfig() *config.Config {
	return &config.Config{
		Site:   config.Site{EnterpriseCode: "E1", GatewayID: "gw-test", Timezone: "Asia/Shanghai"},
		Points: []config.Point{{ID: "p1", Unit: "%LEL", Platform: config.Platform{HazardCode: "H1", PointCode: "C1"}}},
	}
}

func quietLogger() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

func openBuffer(t *testing.T) *buffer.Buffer {
	t.Helper()
	b, err := buffer.Open(buffer.Options{Path: t.TempDir(), Logger: quietLogger()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { b.Close() })
	// The buffer's Run syncs appended telemetry, as in the gateway:
	// Pending returns telemetry only once it is synced.
	ctx, cancel := context.WithCancel(context.Background())
	var run sync.WaitGroup
	run.Go(func() { _ = b.Run(ctx) })
	t.Cleanup(func() { cancel(); run.Wait() })
	return b
}

func appendRecords(t *testing.T, b *buffer.Buffer, n int) {
	t.Helper()
	var entries []buffer.Entry
	now := time.Now()
	for i := range n {
		if i%50 == 0 {
			entries = append(entries, buffer.Entry{Lane: buffer.Events, Payload: record.EncodeEvent(record.Event{
				Kind: record.AlarmRaised, Time: now, Point: "p1", Level: record.AL1, Source: record.SourceAuto, Text: "test"})})
			continue
		}
		entries = append(entries, buffer.Entry{Lane: buffer.Telemetry, Payload: record.EncodeSample(record.Sample{
			Point: "p1", Time: now, Value: float64(i), Quality: record.Good})})
	}
	if _, err := b.Append(entries); err != nil {
		t.Fatal(err)
	}
}

// startUplink runs an uplink over b; records already in b count as
// backlog from before the start.
func startUplink(t *testing.T, url string, b *buffer.Buffer) (stop func()) {
	t.Helper()
	cfg := testSiteConfig()
	enc, err := NewEncoder(cfg)
	if err != nil {
		t.Fatal(err)
	}
	mq := config.MQTT{URL: url, ClientID: "gw-test", TopicPrefix: "plantgw", KeepAlive: config.Duration(5 * time.Second), MaxRecords: 50}
	u := New(Options{MQTT: mq, Encoder: enc, Store: b, Logger: quietLogger(), AckTimeout: 3 * time.Second,
		BacklogUpTo: b.Stats().LastSeq}, cfg.Site)
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Go(func() { _ = u.Run(ctx) })
	return func() { cancel(); wg.Wait() }
}

// checkAllOnce fails unless every seq 1..n arrived, and reports duplicates.
func checkAll(t *testing.T, got map[uint64]int, n int) (dups int) {
	t.Helper()
	for seq := uint64(1); seq <= uint64(n); seq++ {
		switch c := got[seq]; {
		case c == 0:
			t.Errorf("seq %d never arrived", seq)
		case c > 1:
			dups += c - 1
		}
	}
	return dups
}

func TestBacklogReachesSubscriberEventsFirst(t *testing.T) {
	broker := testenv.StartMosquitto(t)
	sub := testenv.Subscribe(t, broker.URL(), "platform-1", "plantgw/E1/gw-test/+")
	b := openBuffer(t)
	appendRecords(t, b, 2000)
	stop := startUplink(t, broker.URL(), b)
	defer stop()

	testenv.WaitFor(t, 20*time.Second, "2000 records", func() bool { return len(sub.Seqs()) >= 2000 })
	if dups := checkAll(t, sub.Seqs(), 2000); dups != 0 {
		t.Errorf("%d duplicates on a steady connection; want 0", dups)
	}
	testenv.WaitFor(t, 5*time.Second, "empty upload queue", func() bool {
		st := b.Stats()
		return st.Pending[buffer.Events] == 0 && st.Pending[buffer.Telemetry] == 0
	})
	recs := sub.Records()
	if recs[0].Kind != "event" {
		t.Errorf("first record received is a %s; want an event (events go first)", recs[0].Kind)
	}
	if !recs[len(recs)-1].Historical {
		t.Error("backlog stored before the uplink started is not marked historical")
	}
}

func TestLiveRecordsAreNotHistorical(t *testing.T) {
	broker := testenv.StartMosquitto(t)
	sub := testenv.Subscribe(t, broker.URL(), "platform-3", "plantgw/E1/gw-test/+")
	b := openBuffer(t)
	appendRecords(t, b, 10)
	stop := startUplink(t, broker.URL(), b)
	defer stop()
	appendRecords(t, b, 10)
	testenv.WaitFor(t, 10*time.Second, "20 records", func() bool { return len(sub.Seqs()) >= 20 })
	for _, r := range sub.Records() {
		if want := r.Seq <= 10; r.Historical != want {
			t.Errorf("seq %d historical = %v, want %v (stored before the uplink started: seqs 1-10)", r.Seq, r.Historical, want)
		}
	}
}

func TestBrokerRestartLosesNothing(t *testing.T) {
	broker := testenv.StartMosquitto(t)
	sub := testenv.Subscribe(t, broker.URL(), "platform-2", "plantgw/E1/gw-test/+")
	b := openBuffer(t)
	stop := startUplink(t, broker.URL(), b)
	defer stop()

	total := 0
	for round := range 4 {
		appendRecords(t, b, 500)
		total += 500
		if round%2 == 1 {
			broker.Stop()
			appendRecords(t, b, 300)
			total += 300
			time.Sleep(1500 * time.Millisecond)
			broker.Start()
		}
	}
	testenv.WaitFor(t, 60*time.Second, "every record after restarts", func() bool { return len(sub.Seqs()) >= total })
	dups := checkAll(t, sub.Seqs(), total)
	t.Logf("%d records, %d duplicates after 2 broker restarts", total, dups)
}
