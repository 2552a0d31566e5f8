package buffer

import (
	"fmt"
	"testing"
	"time"

	"github.com/plantgw/plantgw/record"
)

// plantPoints is the number of points of the benchmark plant, so one
// batch of plantPoints records is one second of its traffic.
const plantPoints = 500

// indexDiskRecords is the number of records BenchmarkIndexDiskBytes
// stores per run.
const indexDiskRecords = 200_000

// plantBatch returns one second of a 500-point plant at second, in the
// gateway's stored format: 499 samples and one alarm event, each with its
// point and time when withIndex is set.
func plantBatch(second int, withIndex bool) []Entry {
	at := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(second) * time.Second)
	out := make([]Entry, plantPoints)
	for i := range plantPoints - 1 {
		point := fmt.Sprintf("GT-%03d.conc", i)
		out[i] = Entry{Lane: Telemetry, Payload: record.EncodeSample(record.Sample{
			Point: point, Time: at, ClockSynced: true, Value: float64((second+i)%1000) / 10, Quality: record.Good})}
		if withIndex {
			out[i].Point, out[i].Time = point, at
		}
	}
	out[plantPoints-1] = Entry{Lane: Events, Payload: record.EncodeEvent(record.Event{Kind: record.AlarmRaised, Time: at,
		ClockSynced: true, Point: "GT-001.conc", Level: record.AL1, Value: 21.5, HasValue: true, Source: record.SourceAuto,
		Text: "concentration above al1"})}
	if withIndex {
		out[plantPoints-1].Point, out[plantPoints-1].Time = "GT-001.conc", at
	}
	return out
}

// BenchmarkAppendIndex appends one second of the plant per op, with and
// without the point index, and reports records per second. Each batch
// holds an event, so each Append syncs.
func BenchmarkAppendIndex(b *testing.B) {
	for _, withIndex := range []bool{false, true} {
		b.Run(fmt.Sprintf("index=%v", withIndex), func(b *testing.B) {
			buf := openBench(b)
			second := 0
			start := time.Now()
			for b.Loop() {
				if _, err := buf.Append(plantBatch(second, withIndex)); err != nil {
					b.Fatal(err)
				}
				second++
			}
			b.ReportMetric(float64(b.N*plantPoints)/time.Since(start).Seconds(), "records/s")
		})
	}
}

// BenchmarkIndexDiskBytes stores indexDiskRecords records of the plant in
// a fresh buffer, with and without the point index, closes it and reports
// the disk blocks of the store per record. Run it with -benchtime 1x.
func BenchmarkIndexDiskBytes(b *testing.B) {
	if testing.Short() {
		b.Skip("stores 200 000 records per run")
	}
	for _, withIndex := range []bool{false, true} {
		b.Run(fmt.Sprintf("index=%v", withIndex), func(b *testing.B) {
			var used int64
			for b.Loop() {
				dir := b.TempDir()
				buf := openTest(b, dir)
				for second := range indexDiskRecords / plantPoints {
					if _, err := buf.Append(plantBatch(second, withIndex)); err != nil {
						b.Fatal(err)
					}
				}
				if err := buf.Close(); err != nil {
					b.Fatal(err)
				}
				var err error
				if used, err = dirSize(dir); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(0, "ns/op")
			b.ReportMetric(float64(used)/indexDiskRecords, "disk-B/record")
		})
	}
}
