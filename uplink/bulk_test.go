package uplink

import (
	"bytes"
	"encoding/json"
	"slices"
	"testing"
	"time"

	"github.com/plantgw/plantgw/buffer"
	"github.com/plantgw/plantgw/config"
	"github.com/plantgw/plantgw/record"
)

func bulkRecord(seq uint64, part record.Bulk) buffer.Record {
	return buffer.Record{Seq: seq, Lane: buffer.Bulk, Payload: record.EncodeBulk(part)}
}

// decodeRecords returns the records of a message body as JSON fields.
func decodeRecords(t *testing.T, payload []byte) []map[string]any {
	t.Helper()
	var msg struct {
		Records []map[string]any `json:"records"`
	}
	if err := json.Unmarshal(payload, &msg); err != nil {
		t.Fatalf("decode message %q: %v", payload, err)
	}
	return msg.Records
}

func TestBulkRecordFields(t *testing.T) {
	enc := mustEncoder(t, testSiteConfig())
	data := []byte{0, 0, 0, 0x20, 'f', 't', 'y', 'p', 0xff}
	part := record.Bulk{Name: "cam-1/clip-7", ContentType: "video/mp4", Time: time.Date(2026, 12, 4, 12, 15, 0, 0, time.UTC),
		ClockSynced: true, Part: 2, Parts: 3, Data: data}
	batches, skipped, err := enc.EncodeEach([]buffer.Record{bulkRecord(9, part)}, 9, time.Now(), DefaultMaxMessageBytes, nil)
	if err != nil || len(skipped) != 0 || len(batches) != 1 {
		t.Fatalf("encode: %d batches, skipped %v, %v; want 1 batch", len(batches), skipped, err)
	}
	recs := decodeRecords(t, batches[0].Payload)
	if len(recs) != 1 {
		t.Fatalf("records = %d, want 1", len(recs))
	}
	got := recs[0]
	want := map[string]any{"seq": 9.0, "kind": "bulk", "name": "cam-1/clip-7", "content_type": "video/mp4", "part": 2.0, "parts": 3.0,
		"size": float64(len(data)), "data": "AAAAIGZ0eXD/", "ts": "2026-12-04T20:15:00.000+08:00", "clock_synced": true, "historical": true}
	for field, value := range want {
		if got[field] != value {
			t.Errorf("%s = %#v, want %#v", field, got[field], value)
		}
	}
	if len(got) != len(want) {
		t.Errorf("record has %d fields, want %d: %v", len(got), len(want), got)
	}
}

func TestBulkPartWithoutDataSendsEmptyString(t *testing.T) {
	enc := mustEncoder(t, testSiteConfig())
	part := record.Bulk{Name: "clip", Part: 1, Parts: 1}
	batches, _, err := enc.EncodeEach([]buffer.Record{bulkRecord(1, part)}, 0, time.Now(), DefaultMaxMessageBytes, nil)
	if err != nil || len(batches) != 1 {
		t.Fatalf("encode: %d batches, %v", len(batches), err)
	}
	rec := decodeRecords(t, batches[0].Payload)[0]
	if rec["data"] != "" || rec["size"] != 0.0 {
		t.Errorf("data = %#v, size = %#v; want an empty string and 0", rec["data"], rec["size"])
	}
}

// TestEncodeEachSendsOneRecordPerMessage checks that bulk parts go one per
// message, that a part larger than the byte cap goes alone as oversize,
// and that gzip applies to bulk messages too.
func TestEncodeEachSendsOneRecordPerMessage(t *testing.T) {
	enc := mustEncoder(t, testSiteConfig())
	var recs []buffer.Record
	for i, n := range []int{10, 20_000, 30} {
		recs = append(recs, bulkRecord(uint64(i+1), record.Bulk{Name: "clip", Part: i + 1, Parts: 3, Data: bytes.Repeat([]byte{'v'}, n)}))
	}
	const maxBytes = 8 << 10
	batches, skipped, err := enc.EncodeEach(recs, 0, time.Now(), maxBytes, nil)
	if err != nil || len(skipped) != 0 {
		t.Fatalf("encode: skipped %v, %v", skipped, err)
	}
	if len(batches) != 3 {
		t.Fatalf("%d messages for 3 bulk parts, want 3", len(batches))
	}
	for i, b := range batches {
		if !slices.Equal(b.Seqs, []uint64{uint64(i + 1)}) {
			t.Errorf("message %d carries seqs %v, want [%d]", i, b.Seqs, i+1)
		}
		if wantOversize := i == 1; b.Oversize != wantOversize {
			t.Errorf("message %d of %d bytes: oversize %v, want %v", i, len(b.Payload), b.Oversize, wantOversize)
		}
	}

	gz := newGzipper()
	batches, _, err = enc.EncodeEach(recs, 0, time.Now(), maxBytes, gz.compress)
	if err != nil || len(batches) != 3 {
		t.Fatalf("gzip encode: %d messages, %v; want 3", len(batches), err)
	}
	if !bytes.HasPrefix(batches[1].Payload, []byte{0x1f, 0x8b}) || batches[1].Oversize {
		t.Errorf("gzip message of repeated bytes: %d bytes, oversize %v; want a gzip payload within the cap", len(batches[1].Payload), batches[1].Oversize)
	}
}

// TestBulkOutsideBulkLaneSkipped checks that a bulk part in another lane,
// and a sample in the bulk lane, are left out as unreadable: their topics
// carry only their own kind.
func TestBulkOutsideBulkLaneSkipped(t *testing.T) {
	enc := mustEncoder(t, testSiteConfig())
	part := record.EncodeBulk(record.Bulk{Name: "clip", Part: 1, Parts: 1, Data: []byte("x")})
	sample := record.EncodeSample(record.Sample{Point: "p1", Value: 1})
	recs := []buffer.Record{
		{Seq: 1, Lane: buffer.Telemetry, Payload: part},
		{Seq: 2, Lane: buffer.Telemetry, Payload: sample},
	}
	batches, skipped, err := enc.EncodeCapped(recs, 0, time.Now(), DefaultMaxMessageBytes, nil)
	if err != nil || !slices.Equal(skipped, []uint64{1}) || len(batches) != 1 || !slices.Equal(batches[0].Seqs, []uint64{2}) {
		t.Errorf("telemetry with a bulk part: batches %+v, skipped %v, %v; want seq 2 sent and seq 1 skipped", batches, skipped, err)
	}
	recs = []buffer.Record{{Seq: 3, Lane: buffer.Bulk, Payload: sample}, {Seq: 4, Lane: buffer.Bulk, Payload: part}}
	batches, skipped, err = enc.EncodeEach(recs, 0, time.Now(), DefaultMaxMessageBytes, nil)
	if err != nil || !slices.Equal(skipped, []uint64{3}) || len(batches) != 1 || !slices.Equal(batches[0].Seqs, []uint64{4}) {
		t.Errorf("bulk lane with a sample: batches %+v, skipped %v, %v; want seq 4 sent and seq 3 skipped", batches, skipped, err)
	}
}

// TestBulkReadsBoundedByWindow checks that the pump reads no more bulk
// records than it may publish messages, live and paced, while other
// lanes read up to the record limit.
func TestBulkReadsBoundedByWindow(t *testing.T) {
	u := New(Options{MQTT: config.MQTT{MaxRecords: 100}, Window: 8}, config.Site{})
	p := &pumpState{}
	for i := range 3 {
		p.flights = append(p.flights, &flight{paced: i > 0})
	}
	tests := []struct {
		lane  buffer.Lane
		paced bool
		want  int
	}{
		{buffer.Bulk, false, 5}, // 8 - 3 in flight
		{buffer.Bulk, true, 4},  // 8 - 2 for live, less the 2 paced in flight
		{buffer.Telemetry, false, 100},
		{buffer.Events, true, 100},
	}
	for _, tt := range tests {
		if got := u.readLimit(p, tt.lane, tt.paced, 100); got != tt.want {
			t.Errorf("readLimit(%s, paced %v) = %d, want %d", tt.lane, tt.paced, got, tt.want)
		}
	}
	if got := u.readLimit(p, buffer.Bulk, false, 2); got != 2 {
		t.Errorf("readLimit(bulk) with 2 records allowed = %d, want 2", got)
	}
}

func TestBulkTopic(t *testing.T) {
	u := New(Options{MQTT: config.MQTT{TopicPrefix: "plantgw"}}, config.Site{EnterpriseCode: "E1", GatewayID: "gw-1"})
	for lane, want := range map[buffer.Lane]string{buffer.Events: "plantgw/E1/gw-1/events", buffer.Telemetry: "plantgw/E1/gw-1/telemetry",
		buffer.Bulk: "plantgw/E1/gw-1/bulk"} {
		if got := u.topics.forLane(lane); got != want {
			t.Errorf("topic of lane %s = %q, want %q", lane, got, want)
		}
	}
}
