package main

import (
	"strings"
	"testing"
)

// exampleBulk is the bulk record of docs/uplink-protocol.md: the first 12
// bytes of an MP4 file.
func exampleBulk() map[string]any {
	return map[string]any{
		"seq": 1050, "kind": "bulk",
		"name": "cam-1/2026-12-04T20:15:00+08:00", "content_type": "video/mp4",
		"part": 1, "parts": 3, "size": 12, "data": "AAAAIGZ0eXBpc29t",
		"ts": "2026-12-04T20:15:00.000+08:00", "clock_synced": true, "historical": false,
	}
}

func withBulk(change func(rec map[string]any)) []byte {
	rec := exampleBulk()
	change(rec)
	return mustJSON(exampleBody(rec))
}

func TestValidateBulkMessages(t *testing.T) {
	runValidationCases(t, []validationCase{
		{name: "doc bulk", kind: topicBulk, meta: qos1, payload: withBulk(func(map[string]any) {})},
		{name: "gzip bulk", kind: topicBulk, meta: qos1, payload: gzipped(t, withBulk(func(map[string]any) {}))},
		{name: "empty part", kind: topicBulk, meta: qos1, payload: withBulk(both(set("size", 0), set("data", "")))},
		{name: "empty content type", kind: topicBulk, meta: qos1, payload: withBulk(set("content_type", ""))},
		{name: "last part", kind: topicBulk, meta: qos1, payload: withBulk(set("part", 3))},
		{name: "two records", kind: topicBulk, meta: qos1,
			payload: mustJSON(exampleBody(exampleBulk(), changed(exampleBulk(), set("seq", 1051)))),
			wantErr: "records: must contain exactly 1 record on the bulk topic, got 2"},
		{name: "sample on bulk", kind: topicBulk, meta: qos1, payload: mustJSON(exampleBody(exampleSample())),
			wantErr: `records[0].kind: the bulk topic carries kind "bulk", got "sample"`},
		{name: "bulk on telemetry", kind: topicTelemetry, meta: qos1, payload: withBulk(func(map[string]any) {}),
			wantErr: `records[0].kind: the telemetry topic carries kind "sample", got "bulk"`},
		{name: "no name", kind: topicBulk, meta: qos1, payload: withBulk(set("name", "")), wantErr: "records[0].name: must not be empty"},
		{name: "no content type", kind: topicBulk, meta: qos1, payload: withBulk(remove("content_type")),
			wantErr: "records[0].content_type: missing required field"},
		{name: "part 0", kind: topicBulk, meta: qos1, payload: withBulk(set("part", 0)), wantErr: "records[0].part: must be 1 or more, got 0"},
		{name: "part after parts", kind: topicBulk, meta: qos1, payload: withBulk(set("part", 4)),
			wantErr: "records[0].parts: must be at least part (4), got 3"},
		{name: "fractional part", kind: topicBulk, meta: qos1, payload: withBulk(set("part", 1.5)), wantErr: "records[0].part: must be an integer"},
		{name: "negative size", kind: topicBulk, meta: qos1, payload: withBulk(set("size", -1)), wantErr: "records[0].size: must be 0 or more"},
		{name: "size differs", kind: topicBulk, meta: qos1, payload: withBulk(set("size", 13)),
			wantErr: "records[0].size: is 13, but data holds 12 bytes"},
		{name: "data not base64", kind: topicBulk, meta: qos1, payload: withBulk(set("data", "not base64!")),
			wantErr: "records[0].data: must be standard base64 with padding"},
		{name: "data without padding", kind: topicBulk, meta: qos1, payload: withBulk(both(set("data", "AAE"), set("size", 2))),
			wantErr: "records[0].data: must be standard base64 with padding"},
		{name: "data URL-safe", kind: topicBulk, meta: qos1, payload: withBulk(both(set("data", "-_8="), set("size", 2))),
			wantErr: "records[0].data: must be standard base64 with padding"},
		{name: "data null", kind: topicBulk, meta: qos1, payload: withBulk(set("data", nil)), wantErr: "records[0].data: must be a string"},
		{name: "unknown field", kind: topicBulk, meta: qos1, payload: withBulk(set("point_id", "GT-1")),
			wantErr: "records[0].point_id: unknown field"},
		{name: "no historical", kind: topicBulk, meta: qos1, payload: withBulk(remove("historical")),
			wantErr: "records[0].historical: missing required field"},
	})
}

// bulkPartOf returns part of the example object as a message with seq.
func bulkPartOf(seq, part int) []byte {
	return withBulk(both(set("seq", seq), set("part", part)))
}

func TestReceiverCountsBulkParts(t *testing.T) {
	recv, out, _ := newTestReceiver(langEnglish)
	bulk := testTopic(topicBulk).name

	recv.handle(bulk, qos1, bulkPartOf(11, 2))
	recv.handle(bulk, qos1, bulkPartOf(10, 1))
	recv.handle(bulk, qos1, bulkPartOf(10, 1)) // duplicate seq
	recv.handle(bulk, qos1, bulkPartOf(13, 2)) // part 2 again, under a new seq
	if lines := out.take(); len(lines) != 0 {
		t.Errorf("lines before the last part = %q, want none", lines)
	}
	recv.handle(bulk, qos1, bulkPartOf(12, 3))
	recv.handle(testTopic(topicTelemetry).name, qos1, mustJSON(exampleBody(exampleSample()))) // seq 1042

	lines := out.take()
	want := "[platform] gw-demo-01 BULK cam-1/2026-12-04T20:15:00+08:00 complete: 3 parts, 36 bytes, video/mp4 at 2026-12-04T20:15:00.000+08:00"
	if len(lines) != 1 || lines[0] != want {
		t.Fatalf("lines = %q, want %q", lines, want)
	}

	g := recv.snapshot()[0]
	checkCounts(t, []countCheck{
		{"records", g.Records, 5},
		{"samples", g.Samples, 1},
		{"bulk_parts", g.BulkParts, 4},
		{"bulk_bytes", g.BulkBytes, 48},
		{"bulk_objects", g.BulkObjects, 1},
		{"bulk_complete", g.BulkComplete, 1},
		{"duplicates", g.Duplicates, 1},
		{"invalid", g.Invalid, 0},
	})
	if g.BulkObjectsTruncated {
		t.Error("bulk objects reported truncated after one object")
	}
	summary := summaryLine(newLocalizer(langEnglish), g)
	if !strings.Contains(summary, "bulk 4 parts (1 of 1 objects complete)") {
		t.Errorf("summary = %q, want the bulk counts", summary)
	}
	final := finalLines(newLocalizer(langChinese), []gatewayReport{g})[0]
	if !strings.HasSuffix(final, ", 大文件 4 段 (完整 1 / 1 个)") {
		t.Errorf("final line = %q, want the bulk counts at its end", final)
	}
}

func TestBulkObjectsBounded(t *testing.T) {
	var s bulkStats
	part := &bulkPart{parts: 2, part: 1, size: 1}
	for i := range maxBulkObjects + 5 {
		part.name = "clip-" + itoa(int64(i))
		s.count(part)
		s.track(part)
	}
	if len(s.objects) != maxBulkObjects || !s.truncated {
		t.Errorf("tracked %d objects, truncated %v; want %d and true", len(s.objects), s.truncated, maxBulkObjects)
	}
	if s.parts != maxBulkObjects+5 {
		t.Errorf("parts = %d, want every part counted (%d)", s.parts, maxBulkObjects+5)
	}
}
