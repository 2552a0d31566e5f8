//go:build !(386 || arm || mips || mipsle)

package buffer

import (
	"fmt"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/dgraph-io/badger/v4"

	"github.com/plantgw/plantgw/record"
)

// throughputBatch is one second of a 500-point plant: 499 samples and one
// event.
const throughputBatch = 500

// throughputEntries returns n records in the gateway's stored format
// (package record), all samples but the last, which is an alarm event.
func throughputEntries(n int) []Entry {
	now := time.Now()
	out := make([]Entry, n)
	for i := range n - 1 {
		out[i] = Entry{Lane: Telemetry, Payload: record.EncodeSample(record.Sample{
			Point: fmt.Sprintf("GT-%03d.conc", i), Time: now, ClockSynced: true, Value: float64(i) / 10, Quality: record.Good})}
	}
	out[n-1] = Entry{Lane: Events, Payload: record.EncodeEvent(record.Event{Kind: record.AlarmRaised, Time: now,
		ClockSynced: true, Point: "GT-001.conc", Level: record.AL1, Value: 21.5, HasValue: true, Source: record.SourceAuto,
		Text: "concentration above al1"})}
	return out
}

// BenchmarkAppendDurable appends batches of 500 records, one of them an
// event, so each Append returns only once its batch is synced to disk.
// It reports records per second. BenchmarkAppendDurableBaseline writes the
// same keys and values with a bare Badger WriteBatch and the same options.
func BenchmarkAppendDurable(b *testing.B) {
	buf := openBench(b)
	batch := throughputEntries(throughputBatch)
	start := time.Now()
	for b.Loop() {
		if _, err := buf.Append(batch); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N*throughputBatch)/time.Since(start).Seconds(), "records/s")
}

// BenchmarkAppendDurableBaseline writes, per op, what one Append of
// BenchmarkAppendDurable writes: for each record the record key and the
// queue key (see store_badger.go), through one WriteBatch, then syncs.
// It has no lock, no seq bookkeeping and no chunking at maxBatch.
func BenchmarkAppendDurableBaseline(b *testing.B) {
	db, err := badger.Open(badgerOptions(b.TempDir(), slog.New(slog.NewTextHandler(io.Discard, nil))))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	batch := throughputEntries(throughputBatch)
	seq := uint64(0)
	start := time.Now()
	for b.Loop() {
		wb := db.NewWriteBatch()
		for _, e := range batch {
			seq++
			if err := wb.Set(recordKey(seq), encodeRecord(e)); err != nil {
				b.Fatal(err)
			}
			if err := wb.Set(queueKey(e.Lane, seq), nil); err != nil {
				b.Fatal(err)
			}
		}
		if err := wb.Flush(); err != nil {
			b.Fatal(err)
		}
		if err := db.Sync(); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N*throughputBatch)/time.Since(start).Seconds(), "records/s")
}
