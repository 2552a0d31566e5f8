package main

import (
	"bytes"
	"compress/gzip"
	"testing"
)

func gzipped(t testing.TB, body []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	if _, err := zw.Write(body); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestValidateGzipBodies(t *testing.T) {
	body := mustJSON(exampleBody(exampleSample()))
	whole := gzipped(t, body)
	runValidationCases(t, []validationCase{
		{name: "gzip telemetry", kind: topicTelemetry, meta: qos1, payload: whole},
		{name: "gzip events", kind: topicEvents, meta: qos1, payload: gzipped(t, mustJSON(exampleBody(exampleEvent())))},
		{name: "gzip status", kind: topicStatus, meta: mqttMeta{qos: 1, retain: true}, payload: gzipped(t, mustJSON(exampleStatus())),
			wantErr: "a gzip body is allowed on events, telemetry and bulk only"},
		{name: "truncated gzip", kind: topicTelemetry, meta: qos1, payload: whole[:len(whole)-10], wantErr: "not a valid gzip body"},
		{name: "gzip header only", kind: topicTelemetry, meta: qos1, payload: []byte{0x1f, 0x8b}, wantErr: "not a valid gzip body"},
		{name: "gzip of invalid JSON", kind: topicTelemetry, meta: qos1, payload: gzipped(t, []byte(`{"v":1`)), wantErr: "not valid JSON"},
		{name: "gzip bomb", kind: topicTelemetry, meta: qos1, payload: gzipped(t, make([]byte, maxDecompressedBytes+1)),
			wantErr: "decompresses to more than 16777216 bytes"},
	})
}

func TestValidateMarksCompressed(t *testing.T) {
	body := mustJSON(exampleBody(exampleSample()))
	for _, tc := range []struct {
		name    string
		payload []byte
		want    bool
	}{{"plain", body, false}, {"gzip", gzipped(t, body), true}} {
		message, verr := validateMessage(testTopic(topicTelemetry), qos1, tc.payload)
		if verr != nil {
			t.Fatalf("%s: %v", tc.name, verr)
		}
		if message.compressed != tc.want {
			t.Errorf("%s: compressed = %v, want %v", tc.name, message.compressed, tc.want)
		}
		if len(message.records) != 1 || message.records[0].seq != 1042 {
			t.Errorf("%s: records = %+v, want seq 1042", tc.name, message.records)
		}
	}
}
