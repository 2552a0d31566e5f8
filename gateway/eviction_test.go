package gateway

import (
	"context"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"path/filepath"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/plantgw/plantgw/board"
	"github.com/plantgw/plantgw/buffer"
	"github.com/plantgw/plantgw/config"
	"github.com/plantgw/plantgw/internal/testenv"
	"github.com/plantgw/plantgw/record"
)

// TestEvictionEventReachesPlatform fills a buffer with old telemetry and
// a few events, gives the gateway half that size as its budget, and
// checks against mosquitto that the records_evicted event arrives while
// every event stays stored and the oldest telemetry goes.
func TestEvictionEventReachesPlatform(t *testing.T) {
	if testing.Short() {
		t.Skip("needs mosquitto")
	}
	dir := filepath.Join(t.TempDir(), "buf")
	events := prefill(t, dir, 150_000)
	used := diskBytes(t, dir)

	broker := testenv.StartMosquitto(t)
	sub := testenv.Subscribe(t, fmt.Sprintf("tcp://127.0.0.1:%d", broker.Port), "eviction-watch", "#")
	_, port := startGasSlave(t)
	cfg, err := config.Parse("test.yaml", fmt.Appendf(nil, gatewayYAML, port, broker.Port, dir), nil)
	if err != nil {
		t.Fatal(err)
	}
	// Below the config minimum on purpose: the test's store is small.
	cfg.Buffer.MaxBytes = config.ByteSize(used / 2)

	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	b := board.NewSim([]string{"horn", "beacon", "esd-1"}, "", log)
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Go(func() {
		_ = Run(ctx, cfg, Options{Logger: log, Board: b, DrainTimeout: time.Second, RetentionInterval: 200 * time.Millisecond})
	})
	testenv.WaitFor(t, 60*time.Second, "records_evicted event at the subscriber", func() bool {
		for _, r := range sub.Records() {
			if r.Event == string(record.RecordsEvicted) {
				return true
			}
		}
		return false
	})
	cancel()
	wg.Wait()

	stored := map[uint64]bool{}
	for _, e := range testenv.StoredEvents(t, dir, 0) {
		if e.Kind == record.FaultRaised {
			stored[uint64(e.Time.Unix())] = true
		}
	}
	if len(stored) != events {
		t.Errorf("%d of the %d prefilled events still stored; the budget must evict telemetry first", len(stored), events)
	}
	buf, err := buffer.Open(buffer.Options{Path: dir, Logger: log})
	if err != nil {
		t.Fatal(err)
	}
	defer buf.Close()
	oldest := uint64(0)
	buf.Scan(func(r buffer.Record) error {
		if r.Lane == buffer.Telemetry && oldest == 0 {
			oldest = r.Seq
		}
		return nil
	})
	if oldest <= 1 {
		t.Errorf("oldest telemetry seq %d: the oldest records were not evicted", oldest)
	}
}

// prefill appends n old telemetry records and one event per 10 000 to a
// new buffer at dir and returns the number of events.
func prefill(t *testing.T, dir string, n int) int {
	t.Helper()
	buf, err := buffer.Open(buffer.Options{Path: dir, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now().Add(-24 * time.Hour)
	events := 0
	var batch []buffer.Entry
	for i := range n {
		at := start.Add(time.Duration(i) * 100 * time.Millisecond)
		batch = append(batch, sampleEntry(record.Sample{Point: "GT-1.conc", Time: at, Value: float64(i % 1000), Quality: record.Good}))
		if i%10_000 == 0 {
			batch = append(batch, eventEntry(record.Event{Kind: record.FaultRaised, Point: "GT-1.conc", Time: start.Add(time.Duration(events) * time.Second)}))
			events++
		}
		if len(batch) >= 500 {
			if _, err := buf.Append(batch); err != nil {
				t.Fatal(err)
			}
			batch = batch[:0]
		}
	}
	if _, err := buf.Append(batch); err != nil {
		t.Fatal(err)
	}
	if err := buf.Close(); err != nil {
		t.Fatal(err)
	}
	return events
}

// diskBytes is the disk space allocated to the files under dir.
func diskBytes(t *testing.T, dir string) int64 {
	t.Helper()
	var total int64
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		total += info.Sys().(*syscall.Stat_t).Blocks * 512
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return total
}
