package uplink

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"slices"
	"testing"
	"time"

	"github.com/plantgw/plantgw/buffer"
	"github.com/plantgw/plantgw/record"
)

// sampleRecords returns n stored samples with seqs from 1, of the plant
// of storeforward_test.go.
func sampleRecords(n int) []buffer.Record {
	entries := plantEntries(0, n, time.Unix(1_800_000_000, 0))
	recs := make([]buffer.Record, 0, n)
	for i, e := range entries {
		if e.Lane == buffer.Telemetry {
			recs = append(recs, buffer.Record{Seq: uint64(i + 1), Lane: e.Lane, Payload: e.Payload})
		}
	}
	return recs
}

// The capped encoder writes a message that fits exactly as Encode does.
func TestEncodeCappedMatchesEncode(t *testing.T) {
	enc := mustEncoder(t, plantConfig())
	recs := sampleRecords(50)
	now := time.Unix(1_800_000_000, 0)
	want, _, err := enc.Encode(recs, 10, now)
	if err != nil {
		t.Fatal(err)
	}
	batches, skipped, err := enc.EncodeCapped(recs, 10, now, 1<<20, nil)
	if err != nil || len(skipped) != 0 {
		t.Fatalf("EncodeCapped: %v, skipped %v", err, skipped)
	}
	if len(batches) != 1 {
		t.Fatalf("%d messages, want 1", len(batches))
	}
	if !bytes.Equal(batches[0].Payload, want) {
		t.Errorf("payload differs from Encode's:\n got %s\nwant %s", batches[0].Payload, want)
	}
}

// decodeSeqs returns the seqs of a message body, failing on invalid JSON.
func decodeSeqs(t *testing.T, payload []byte) []uint64 {
	t.Helper()
	body, _, err := decodeBody(payload)
	if err != nil {
		t.Fatalf("decode body: %v", err)
	}
	var msg struct {
		Records []struct {
			Seq uint64 `json:"seq"`
		} `json:"records"`
	}
	if err := json.Unmarshal(body, &msg); err != nil {
		t.Fatalf("body is not valid JSON: %v", err)
	}
	var seqs []uint64
	for _, r := range msg.Records {
		seqs = append(seqs, r.Seq)
	}
	return seqs
}

func TestEncodeCappedSplits(t *testing.T) {
	enc := mustEncoder(t, plantConfig())
	recs := sampleRecords(500)
	for _, tt := range []struct {
		name     string
		maxBytes int
		compress compressFunc
	}{
		{"plain 4 KiB", 4 << 10, nil},
		{"plain 1 KiB", 1 << 10, nil},
		{"gzip 4 KiB", 4 << 10, newGzipper().compress},
		{"gzip 1 KiB", 1 << 10, newGzipper().compress},
	} {
		t.Run(tt.name, func(t *testing.T) {
			batches, _, err := enc.EncodeCapped(recs, 0, time.Unix(1_800_000_000, 0), tt.maxBytes, tt.compress)
			if err != nil {
				t.Fatal(err)
			}
			var all []uint64
			for i, b := range batches {
				if len(b.Payload) > tt.maxBytes || b.Oversize {
					t.Errorf("message %d has %d bytes (oversize %v), cap %d", i, len(b.Payload), b.Oversize, tt.maxBytes)
				}
				if got := decodeSeqs(t, b.Payload); !slices.Equal(got, b.Seqs) {
					t.Errorf("message %d carries seqs %v, Batch.Seqs says %v", i, got, b.Seqs)
				}
				all = append(all, b.Seqs...)
			}
			var want []uint64
			for _, r := range recs {
				want = append(want, r.Seq)
			}
			if !slices.Equal(all, want) {
				t.Errorf("messages carry %d seqs in this order, want all %d in seq order", len(all), len(want))
			}
			if len(batches) < 2 {
				t.Errorf("%d message(s); the test needs a split", len(batches))
			}
		})
	}
}

// textEvent returns a stored event whose text is n random hex digits,
// which compress to about half.
func textEvent(t *testing.T, seq uint64, n int) buffer.Record {
	t.Helper()
	raw := make([]byte, n/2)
	if _, err := rand.Read(raw); err != nil {
		t.Fatal(err)
	}
	return buffer.Record{Seq: seq, Lane: buffer.Events, Payload: record.EncodeEvent(record.Event{Kind: record.AlarmRaised,
		Time: time.Unix(1_800_000_000, 0), Point: "p1", Level: record.AL1, Source: record.SourceAuto, Text: hex.EncodeToString(raw)})}
}

func TestEncodeCappedOversizeRecordAlone(t *testing.T) {
	enc := mustEncoder(t, testSiteConfig())
	recs := []buffer.Record{textEvent(t, 1, 10), textEvent(t, 2, 9000), textEvent(t, 3, 10), textEvent(t, 4, 10)}
	for _, compress := range []compressFunc{nil, newGzipper().compress} {
		batches, _, err := enc.EncodeCapped(recs, 0, time.Unix(1_800_000_000, 0), 4<<10, compress)
		if err != nil {
			t.Fatal(err)
		}
		var got [][]uint64
		for _, b := range batches {
			got = append(got, b.Seqs)
			if b.Oversize != slices.Equal(b.Seqs, []uint64{2}) {
				t.Errorf("message %v oversize = %v with %d bytes", b.Seqs, b.Oversize, len(b.Payload))
			}
		}
		if want := [][]uint64{{1}, {2}, {3, 4}}; !slices.EqualFunc(got, want, slices.Equal) {
			t.Errorf("gzip %v: messages carry %v, want %v", compress != nil, got, want)
		}
	}
}

// Random text does not compress, so a gzip body that fits the cap as
// JSON can exceed it compressed; the encoder must split again.
func TestEncodeCappedGzipIncompressible(t *testing.T) {
	enc := mustEncoder(t, testSiteConfig())
	var recs []buffer.Record
	for seq := range uint64(40) {
		recs = append(recs, textEvent(t, seq+1, 400))
	}
	batches, _, err := enc.EncodeCapped(recs, 0, time.Unix(1_800_000_000, 0), 4<<10, newGzipper().compress)
	if err != nil {
		t.Fatal(err)
	}
	for _, b := range batches {
		if len(b.Payload) > 4<<10 {
			t.Errorf("gzip message of %d records has %d bytes, above the 4 KiB cap", len(b.Seqs), len(b.Payload))
		}
	}
}

func TestEncodeCappedSkipsUnreadable(t *testing.T) {
	enc := mustEncoder(t, plantConfig())
	recs := sampleRecords(3)
	recs[1].Payload = []byte{0xff}
	batches, skipped, err := enc.EncodeCapped(recs, 0, time.Unix(1_800_000_000, 0), 1<<20, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(skipped, []uint64{recs[1].Seq}) {
		t.Errorf("skipped = %v, want [%d]", skipped, recs[1].Seq)
	}
	if len(batches) != 1 || !slices.Equal(batches[0].Seqs, []uint64{recs[0].Seq, recs[2].Seq}) {
		t.Errorf("batches = %+v, want one with seqs %d and %d", batches, recs[0].Seq, recs[2].Seq)
	}
}
