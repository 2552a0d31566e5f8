package buffer

import "testing"

// BenchmarkAppendTelemetry appends batches of 10 telemetry records, about
// one poll cycle of a small gateway. On 32-bit builds each append is a
// bbolt commit with its fsyncs. On 64-bit builds Badger syncs telemetry
// once per SyncInterval (50 ms here).
func BenchmarkAppendTelemetry(b *testing.B) {
	buf := openBench(b)
	batch := entries(Telemetry, 10, "bench")
	for b.Loop() {
		if _, err := buf.Append(batch); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkAppendEvent appends one event, which returns only once it is
// on disk on every engine.
func BenchmarkAppendEvent(b *testing.B) {
	buf := openBench(b)
	batch := entries(Events, 1, "bench")
	for b.Loop() {
		if _, err := buf.Append(batch); err != nil {
			b.Fatal(err)
		}
	}
}

func openBench(b *testing.B) *Buffer {
	b.Helper()
	buf := openTest(b, b.TempDir())
	b.Cleanup(func() { buf.Close() })
	return buf
}
