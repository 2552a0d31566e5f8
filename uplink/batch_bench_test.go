package uplink

import (
	"testing"
	"time"
)

// BenchmarkEncode encodes a message of 100 samples of the simulated
// plant (config.DefaultMaxRecords), plain and gzip, and reports the
// payload bytes per message and the bytes per record.
func BenchmarkEncode(b *testing.B) {
	enc, err := NewEncoder(plantConfig())
	if err != nil {
		b.Fatal(err)
	}
	recs := sampleRecords(101)[:100]
	now := time.Unix(1_800_000_000, 0)
	for _, bc := range []struct {
		name     string
		compress compressFunc
	}{{"plain", nil}, {"gzip", newGzipper().compress}} {
		b.Run(bc.name, func(b *testing.B) {
			var size int
			for b.Loop() {
				batches, _, err := enc.EncodeCapped(recs, 0, now, DefaultMaxMessageBytes, bc.compress)
				if err != nil || len(batches) != 1 {
					b.Fatalf("%d messages, %v", len(batches), err)
				}
				size = len(batches[0].Payload)
			}
			b.ReportMetric(float64(size), "payload_bytes")
			b.ReportMetric(float64(size)/float64(len(recs)), "bytes/record")
		})
	}
}
