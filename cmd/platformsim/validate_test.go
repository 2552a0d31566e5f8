package main

import (
	"encoding/json"
	"strings"
	"testing"
)

const (
	testPrefix     = "plantgw"
	testEnterprise = "91320500MA1DEMO01X"
	testGateway    = "gw-demo-01"
)

var qos1 = mqttMeta{qos: 1}

func testTopic(kind string) topic {
	name := testPrefix + "/" + testEnterprise + "/" + testGateway + "/" + kind
	t, ok := parseTopic(testPrefix, name)
	if !ok {
		panic("test topic does not parse: " + name)
	}
	return t
}

// Records and bodies from the examples in docs/uplink-protocol.md.
func exampleSample() map[string]any {
	return map[string]any{
		"seq": 1042, "kind": "sample",
		"point_id": "GT-102.conc", "hazard_code": "320500001001", "point_code": "GT102",
		"value": 23.5, "unit": "%LEL", "quality": "good",
		"ts": "2026-12-04T20:15:02.981+08:00", "clock_synced": true, "historical": false,
	}
}

func exampleEvent() map[string]any {
	return map[string]any{
		"seq": 1043, "kind": "event", "event": "alarm_raised",
		"point_id": "GT-102.conc", "hazard_code": "320500001001", "point_code": "GT102",
		"level": "al1", "value": 26.0, "source": "auto",
		"ts": "2026-12-04T20:15:02.981+08:00", "clock_synced": true, "historical": false,
		"text": "GT-102.conc level 1 alarm at 26.0 %LEL (set point 20)",
	}
}

func exampleBody(records ...map[string]any) map[string]any {
	items := make([]any, len(records))
	for i, rec := range records {
		items[i] = rec
	}
	return map[string]any{
		"v": 1, "format": "platform-json-v1",
		"gateway_id": testGateway, "enterprise_code": testEnterprise,
		"sent_at": "2026-12-04T20:15:03.120+08:00",
		"records": items,
	}
}

func exampleStatus() map[string]any {
	return map[string]any{
		"v": 1, "gateway_id": testGateway, "enterprise_code": testEnterprise,
		"state": "online", "ts": "2026-12-04T20:15:00.002+08:00",
	}
}

func mustJSON(value any) []byte {
	data, err := json.Marshal(value)
	if err != nil {
		panic(err)
	}
	return data
}

// withSample returns a telemetry body whose only record is the example
// sample after change.
func withSample(change func(rec map[string]any)) []byte {
	rec := exampleSample()
	change(rec)
	return mustJSON(exampleBody(rec))
}

func withEvent(change func(rec map[string]any)) []byte {
	rec := exampleEvent()
	change(rec)
	return mustJSON(exampleBody(rec))
}

func withBody(kind string, change func(body map[string]any)) []byte {
	body := exampleBody(exampleSample())
	if kind == topicEvents {
		body = exampleBody(exampleEvent())
	}
	change(body)
	return mustJSON(body)
}

func set(field string, value any) func(map[string]any) {
	return func(m map[string]any) { m[field] = value }
}

func remove(field string) func(map[string]any) {
	return func(m map[string]any) { delete(m, field) }
}

func changed(m map[string]any, change func(map[string]any)) map[string]any {
	change(m)
	return m
}

func both(changes ...func(map[string]any)) func(map[string]any) {
	return func(m map[string]any) {
		for _, change := range changes {
			change(m)
		}
	}
}

type validationCase struct {
	name    string
	kind    string // topic kind
	meta    mqttMeta
	payload []byte
	wantErr string // substring of the English error, "" for a valid message
}

func runValidationCases(t *testing.T, cases []validationCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			message, verr := validateMessage(testTopic(tc.kind), tc.meta, tc.payload)
			if tc.wantErr == "" {
				if verr != nil {
					t.Fatalf("valid message rejected: %v", verr)
				}
				if message == nil {
					t.Fatal("valid message returned no result")
				}
				return
			}
			if verr == nil {
				t.Fatalf("invalid message accepted, want error containing %q", tc.wantErr)
			}
			if !strings.Contains(verr.Error(), tc.wantErr) {
				t.Fatalf("error = %q, want it to contain %q", verr.Error(), tc.wantErr)
			}
		})
	}
}

func TestValidateValidMessages(t *testing.T) {
	runValidationCases(t, []validationCase{
		{name: "doc sample", kind: topicTelemetry, meta: qos1, payload: mustJSON(exampleBody(exampleSample()))},
		{name: "doc event", kind: topicEvents, meta: qos1, payload: mustJSON(exampleBody(exampleEvent()))},
		{name: "doc status", kind: topicStatus, meta: mqttMeta{qos: 1, retain: true}, payload: mustJSON(exampleStatus())},
		{name: "offline status with format", kind: topicStatus, meta: mqttMeta{qos: 1, retain: true},
			payload: mustJSON(changed(exampleStatus(), both(set("state", "offline"), set("format", "platform-json-v1"))))},
		{name: "bad sample with cause", kind: topicTelemetry, meta: qos1,
			payload: withSample(both(set("quality", "bad"), set("value", nil), set("cause", "timeout")))},
		{name: "uncertain sample with cause", kind: topicTelemetry, meta: qos1,
			payload: withSample(both(set("quality", "uncertain"), set("cause", "stale")))},
		{name: "contact sample", kind: topicTelemetry, meta: qos1,
			payload: withSample(both(set("value", true), set("unit", "")))},
		{name: "text sample", kind: topicTelemetry, meta: qos1,
			payload: withSample(both(set("value", "V2.1.7"), set("unit", "")))},
		{name: "empty text sample", kind: topicTelemetry, meta: qos1,
			payload: withSample(both(set("value", ""), set("unit", "")))},
		{name: "exception with its code", kind: topicTelemetry, meta: qos1,
			payload: withSample(both(set("quality", "bad"), set("value", nil), set("cause", "exception"), set("exception_code", 2)))},
		{name: "bad text sample", kind: topicTelemetry, meta: qos1,
			payload: withSample(both(set("quality", "bad"), set("value", nil), set("cause", "invalid_text")))},
		{name: "UTC offset Z", kind: topicTelemetry, meta: qos1,
			payload: withSample(set("ts", "2026-12-04T12:15:02Z"))},
		{name: "two records", kind: topicTelemetry, meta: qos1,
			payload: mustJSON(exampleBody(exampleSample(), changed(exampleSample(), set("seq", 1044))))},
		{name: "comm_lost without point", kind: topicEvents, meta: qos1,
			payload: withEvent(both(set("event", "comm_lost"), set("device", "rtu-1"), set("point_id", ""),
				remove("hazard_code"), remove("point_code"), remove("level"), remove("value")))},
		{name: "gateway_started without point fields", kind: topicEvents, meta: qos1,
			payload: withEvent(both(set("event", "gateway_started"), remove("point_id"), remove("hazard_code"),
				remove("point_code"), remove("level"), remove("value"), remove("text")))},
		{name: "trip with output", kind: topicEvents, meta: qos1,
			payload: withEvent(both(set("event", "trip"), set("output", "DO-3"), remove("level")))},
		{name: "fault with null value", kind: topicEvents, meta: qos1,
			payload: withEvent(both(set("event", "fault_raised"), set("value", nil), remove("level")))},
		{name: "output test started", kind: topicEvents, meta: qos1,
			payload: withEvent(both(set("event", "output_test_started"), set("output", "esd-1"), set("operator", "zhang"),
				set("until", "2026-12-04T20:15:05.981+08:00"), set("source", "local_ui"), set("point_id", ""),
				remove("hazard_code"), remove("point_code"), remove("level"), set("value", nil)))},
	})
}

func TestValidateMessageRules(t *testing.T) {
	runValidationCases(t, []validationCase{
		// MQTT packet and payload.
		{name: "QoS 0", kind: topicTelemetry, meta: mqttMeta{qos: 0}, payload: withSample(func(map[string]any) {}), wantErr: "QoS 0"},
		{name: "status not retained", kind: topicStatus, meta: qos1, payload: mustJSON(exampleStatus()), wantErr: "not retained"},
		{name: "empty payload", kind: topicTelemetry, meta: qos1, payload: nil, wantErr: "empty payload"},
		{name: "invalid UTF-8", kind: topicTelemetry, meta: qos1, payload: []byte("{\"v\":\"\xff\"}"), wantErr: "not valid UTF-8"},
		{name: "not JSON", kind: topicTelemetry, meta: qos1, payload: []byte("v=1"), wantErr: "not valid JSON"},
		{name: "truncated JSON", kind: topicTelemetry, meta: qos1, payload: []byte(`{"v":1,`), wantErr: "unexpected end of input"},
		{name: "trailing data", kind: topicTelemetry, meta: qos1, payload: []byte(`{} {}`), wantErr: "unexpected data after"},
		{name: "duplicate key", kind: topicTelemetry, meta: qos1, payload: []byte(`{"v":1,"v":1}`), wantErr: "v: duplicate key"},
		{name: "body is array", kind: topicTelemetry, meta: qos1, payload: []byte(`[]`), wantErr: "must be a JSON object"},
		{name: "deep nesting", kind: topicTelemetry, meta: qos1, payload: []byte(strings.Repeat("[", 40) + strings.Repeat("]", 40)), wantErr: "nested deeper"},

		// Exception codes.
		{name: "exception code without exception", kind: topicTelemetry, meta: qos1,
			payload: withSample(both(set("quality", "bad"), set("value", nil), set("cause", "timeout"), set("exception_code", 2))),
			wantErr: "exception_code: only allowed with cause exception, got cause timeout"},
		{name: "exception code 0", kind: topicTelemetry, meta: qos1,
			payload: withSample(both(set("quality", "bad"), set("value", nil), set("cause", "exception"), set("exception_code", 0))),
			wantErr: "exception_code: must be a Modbus exception code from 1 to 255, got 0"},
		{name: "exception code as text", kind: topicTelemetry, meta: qos1,
			payload: withSample(both(set("quality", "bad"), set("value", nil), set("cause", "exception"), set("exception_code", "02"))),
			wantErr: "exception_code: must be an integer"},

		// Message body.
		{name: "unknown body field", kind: topicTelemetry, meta: qos1, payload: withBody(topicTelemetry, set("extra", 1)), wantErr: "extra: unknown field"},
		{name: "v missing", kind: topicTelemetry, meta: qos1, payload: withBody(topicTelemetry, remove("v")), wantErr: "v: missing required field"},
		{name: "v is 2", kind: topicTelemetry, meta: qos1, payload: withBody(topicTelemetry, set("v", 2)), wantErr: "v: must be 1, got 2"},
		{name: "v is string", kind: topicTelemetry, meta: qos1, payload: withBody(topicTelemetry, set("v", "1")), wantErr: "v: must be an integer"},
		{name: "v is 1.0", kind: topicTelemetry, meta: qos1, payload: []byte(strings.Replace(string(withBody(topicTelemetry, set("v", 1))), `"v":1`, `"v":1.0`, 1)), wantErr: "v: must be an integer"},
		{name: "format wrong", kind: topicTelemetry, meta: qos1, payload: withBody(topicTelemetry, set("format", "platform-json-v2")), wantErr: "format: must be one of platform-json-v1"},
		{name: "format missing", kind: topicTelemetry, meta: qos1, payload: withBody(topicTelemetry, remove("format")), wantErr: "format: missing required field"},
		{name: "gateway_id mismatch", kind: topicTelemetry, meta: qos1, payload: withBody(topicTelemetry, set("gateway_id", "gw-other")), wantErr: "gateway_id: \"gw-other\" does not match the topic's gateway id"},
		{name: "gateway_id empty", kind: topicTelemetry, meta: qos1, payload: withBody(topicTelemetry, set("gateway_id", "")), wantErr: "gateway_id: must not be empty"},
		{name: "enterprise_code mismatch", kind: topicTelemetry, meta: qos1, payload: withBody(topicTelemetry, set("enterprise_code", "X")), wantErr: "enterprise_code: \"X\" does not match the topic's enterprise code"},
		{name: "enterprise_code is number", kind: topicTelemetry, meta: qos1, payload: withBody(topicTelemetry, set("enterprise_code", 7)), wantErr: "enterprise_code: must be a string"},
		{name: "sent_at without offset", kind: topicTelemetry, meta: qos1, payload: withBody(topicTelemetry, set("sent_at", "2026-12-04T20:15:03.120")), wantErr: "sent_at: must be an RFC 3339 time"},
		{name: "sent_at with comma", kind: topicTelemetry, meta: qos1, payload: withBody(topicTelemetry, set("sent_at", "2026-12-04T20:15:03,120+08:00")), wantErr: "sent_at: must be an RFC 3339 time"},
		{name: "sent_at month 13", kind: topicTelemetry, meta: qos1, payload: withBody(topicTelemetry, set("sent_at", "2026-13-04T20:15:03+08:00")), wantErr: "sent_at: must be an RFC 3339 time"},
		{name: "sent_at missing", kind: topicTelemetry, meta: qos1, payload: withBody(topicTelemetry, remove("sent_at")), wantErr: "sent_at: missing required field"},
		{name: "records missing", kind: topicTelemetry, meta: qos1, payload: withBody(topicTelemetry, remove("records")), wantErr: "records: missing required field"},
		{name: "records not array", kind: topicTelemetry, meta: qos1, payload: withBody(topicTelemetry, set("records", map[string]any{})), wantErr: "records: must be an array"},
		{name: "records empty", kind: topicTelemetry, meta: qos1, payload: withBody(topicTelemetry, set("records", []any{})), wantErr: "records: must contain at least 1 record"},
		{name: "record not object", kind: topicTelemetry, meta: qos1, payload: withBody(topicTelemetry, set("records", []any{1})), wantErr: "records[0]: must be a JSON object"},
		{name: "duplicate seq in message", kind: topicTelemetry, meta: qos1, payload: mustJSON(exampleBody(exampleSample(), exampleSample())), wantErr: "records[1].seq: seq 1042 already appears in records[0]"},

		// Fields common to both records.
		{name: "unknown record field", kind: topicTelemetry, meta: qos1, payload: withSample(set("point_Id", "x")), wantErr: "records[0].point_Id: unknown field"},
		{name: "seq missing", kind: topicTelemetry, meta: qos1, payload: withSample(remove("seq")), wantErr: "records[0].seq: missing required field"},
		{name: "seq zero", kind: topicTelemetry, meta: qos1, payload: withSample(set("seq", 0)), wantErr: "records[0].seq: must be 1 or more, got 0"},
		{name: "seq negative", kind: topicTelemetry, meta: qos1, payload: withSample(set("seq", -5)), wantErr: "records[0].seq: must be 1 or more"},
		{name: "seq fraction", kind: topicTelemetry, meta: qos1, payload: withSample(set("seq", 1.5)), wantErr: "records[0].seq: must be an integer"},
		{name: "seq exponent", kind: topicTelemetry, meta: qos1, payload: []byte(strings.Replace(string(withSample(func(map[string]any) {})), `"seq":1042`, `"seq":1e3`, 1)), wantErr: "records[0].seq: must be an integer"},
		{name: "seq string", kind: topicTelemetry, meta: qos1, payload: withSample(set("seq", "1042")), wantErr: "records[0].seq: must be an integer"},
		{name: "seq beyond int64", kind: topicTelemetry, meta: qos1, payload: []byte(strings.Replace(string(withSample(func(map[string]any) {})), `"seq":1042`, `"seq":9223372036854775808`, 1)), wantErr: "records[0].seq: integer out of range"},
		{name: "kind missing", kind: topicTelemetry, meta: qos1, payload: withSample(remove("kind")), wantErr: "records[0].kind: missing required field"},
		{name: "event on telemetry topic", kind: topicTelemetry, meta: qos1, payload: mustJSON(exampleBody(exampleEvent())), wantErr: "records[0].kind: the telemetry topic carries kind \"sample\", got \"event\""},
		{name: "sample on events topic", kind: topicEvents, meta: qos1, payload: mustJSON(exampleBody(exampleSample())), wantErr: "records[0].kind: the events topic carries kind \"event\", got \"sample\""},
		{name: "ts without offset", kind: topicTelemetry, meta: qos1, payload: withSample(set("ts", "2026-12-04T20:15:02.981")), wantErr: "records[0].ts: must be an RFC 3339 time"},
		{name: "ts missing", kind: topicTelemetry, meta: qos1, payload: withSample(remove("ts")), wantErr: "records[0].ts: missing required field"},
		{name: "clock_synced missing", kind: topicTelemetry, meta: qos1, payload: withSample(remove("clock_synced")), wantErr: "records[0].clock_synced: missing required field"},
		{name: "clock_synced string", kind: topicTelemetry, meta: qos1, payload: withSample(set("clock_synced", "true")), wantErr: "records[0].clock_synced: must be a boolean"},
		{name: "historical null", kind: topicTelemetry, meta: qos1, payload: withSample(set("historical", nil)), wantErr: "records[0].historical: must be a boolean"},

		// Sample records.
		{name: "point_id empty", kind: topicTelemetry, meta: qos1, payload: withSample(set("point_id", "")), wantErr: "records[0].point_id: must not be empty"},
		{name: "hazard_code missing", kind: topicTelemetry, meta: qos1, payload: withSample(remove("hazard_code")), wantErr: "records[0].hazard_code: missing required field"},
		{name: "point_code empty", kind: topicTelemetry, meta: qos1, payload: withSample(set("point_code", "")), wantErr: "records[0].point_code: must not be empty"},
		{name: "quality unknown", kind: topicTelemetry, meta: qos1, payload: withSample(set("quality", "ok")), wantErr: "records[0].quality: must be one of good, uncertain, bad, got \"ok\""},
		{name: "cause missing when bad", kind: topicTelemetry, meta: qos1, payload: withSample(both(set("quality", "bad"), set("value", nil))), wantErr: "records[0].cause: required when quality is bad"},
		{name: "cause missing when uncertain", kind: topicTelemetry, meta: qos1, payload: withSample(set("quality", "uncertain")), wantErr: "records[0].cause: required when quality is uncertain"},
		{name: "cause unknown", kind: topicTelemetry, meta: qos1, payload: withSample(both(set("quality", "uncertain"), set("cause", "gremlins"))), wantErr: "records[0].cause: must be one of timeout"},
		{name: "value null when good", kind: topicTelemetry, meta: qos1, payload: withSample(set("value", nil)), wantErr: "records[0].value: must not be null when quality is good"},
		{name: "value number when bad", kind: topicTelemetry, meta: qos1, payload: withSample(both(set("quality", "bad"), set("cause", "crc"))), wantErr: "records[0].value: must be null when quality is bad"},
		{name: "value object", kind: topicTelemetry, meta: qos1, payload: withSample(set("value", map[string]any{"v": 1})), wantErr: "records[0].value: must be a number, boolean, string or null"},
		{name: "unit on text", kind: topicTelemetry, meta: qos1, payload: withSample(set("value", "23.5")), wantErr: "records[0].unit: must be empty for text (a string value), got \"%LEL\""},
		{name: "value missing", kind: topicTelemetry, meta: qos1, payload: withSample(remove("value")), wantErr: "records[0].value: missing required field"},
		{name: "unit missing", kind: topicTelemetry, meta: qos1, payload: withSample(remove("unit")), wantErr: "records[0].unit: missing required field"},
		{name: "unit on contact", kind: topicTelemetry, meta: qos1, payload: withSample(set("value", false)), wantErr: "records[0].unit: must be empty for a contact"},

		// Event records.
		{name: "event type unknown", kind: topicEvents, meta: qos1, payload: withEvent(set("event", "alarm")), wantErr: "records[0].event: must be one of alarm_raised"},
		{name: "event missing", kind: topicEvents, meta: qos1, payload: withEvent(remove("event")), wantErr: "records[0].event: missing required field"},
		{name: "level unknown", kind: topicEvents, meta: qos1, payload: withEvent(set("level", "al3")), wantErr: "records[0].level: must be one of al1, al2, h, hh, l, ll, got \"al3\""},
		{name: "level missing on alarm_raised", kind: topicEvents, meta: qos1, payload: withEvent(remove("level")), wantErr: "records[0].level: required for event alarm_raised"},
		{name: "source unknown", kind: topicEvents, meta: qos1, payload: withEvent(set("source", "operator")), wantErr: "records[0].source: must be one of auto, local_button, local_ui, remote"},
		{name: "source missing", kind: topicEvents, meta: qos1, payload: withEvent(remove("source")), wantErr: "records[0].source: missing required field"},
		{name: "hazard_code missing with point", kind: topicEvents, meta: qos1, payload: withEvent(remove("hazard_code")), wantErr: "records[0].hazard_code: required when point_id is not empty"},
		{name: "point_code empty with point", kind: topicEvents, meta: qos1, payload: withEvent(set("point_code", "")), wantErr: "records[0].point_code: required when point_id is not empty"},
		{name: "hazard_code without point", kind: topicEvents, meta: qos1,
			payload: withEvent(both(set("event", "gateway_started"), set("point_id", ""), remove("point_code"), remove("level"))), wantErr: "records[0].hazard_code: must be absent or empty when point_id is empty"},
		{name: "point missing on alarm_raised", kind: topicEvents, meta: qos1,
			payload: withEvent(both(remove("point_id"), remove("hazard_code"), remove("point_code"))), wantErr: "records[0].point_id: required for event alarm_raised"},
		{name: "device missing on comm_lost", kind: topicEvents, meta: qos1, payload: withEvent(both(set("event", "comm_lost"), remove("level"))), wantErr: "records[0].device: required for event comm_lost"},
		{name: "output missing on trip", kind: topicEvents, meta: qos1, payload: withEvent(both(set("event", "trip"), remove("level"))), wantErr: "records[0].output: required for event trip"},
		{name: "output missing on output test", kind: topicEvents, meta: qos1, payload: withEvent(both(set("event", "output_test_ended"), remove("level"))), wantErr: "records[0].output: required for event output_test_ended"},
		{name: "event value boolean", kind: topicEvents, meta: qos1, payload: withEvent(set("value", true)), wantErr: "records[0].value: must be a number or null"},
		{name: "text not string", kind: topicEvents, meta: qos1, payload: withEvent(set("text", 5)), wantErr: "records[0].text: must be a string"},
		{name: "event field on sample", kind: topicTelemetry, meta: qos1, payload: withSample(set("event", "alarm_raised")), wantErr: "records[0].event: unknown field"},

		// Status messages.
		{name: "status state unknown", kind: topicStatus, meta: mqttMeta{qos: 1, retain: true}, payload: mustJSON(changed(exampleStatus(), set("state", "up"))), wantErr: "state: must be one of online, offline"},
		{name: "status gateway mismatch", kind: topicStatus, meta: mqttMeta{qos: 1, retain: true}, payload: mustJSON(changed(exampleStatus(), set("gateway_id", "gw-x"))), wantErr: "gateway_id: \"gw-x\" does not match"},
		{name: "status ts invalid", kind: topicStatus, meta: mqttMeta{qos: 1, retain: true}, payload: mustJSON(changed(exampleStatus(), set("ts", "yesterday"))), wantErr: "ts: must be an RFC 3339 time"},
		{name: "status v missing", kind: topicStatus, meta: mqttMeta{qos: 1, retain: true}, payload: mustJSON(changed(exampleStatus(), remove("v"))), wantErr: "v: missing required field"},
		{name: "status wrong format", kind: topicStatus, meta: mqttMeta{qos: 1, retain: true}, payload: mustJSON(changed(exampleStatus(), set("format", "x"))), wantErr: "format: must be one of platform-json-v1"},
		{name: "status unknown field", kind: topicStatus, meta: mqttMeta{qos: 1, retain: true}, payload: mustJSON(changed(exampleStatus(), set("records", []any{}))), wantErr: "records: unknown field"},
	})
}

func TestValidateReturnsRecords(t *testing.T) {
	payload := mustJSON(exampleBody(exampleEvent()))
	message, verr := validateMessage(testTopic(topicEvents), qos1, payload)
	if verr != nil {
		t.Fatalf("doc event rejected: %v", verr)
	}
	if len(message.records) != 1 {
		t.Fatalf("records = %d, want 1", len(message.records))
	}

	rec := message.records[0]
	want := record{seq: 1043, kind: "event", event: "alarm_raised", pointID: "GT-102.conc", level: "al1",
		value: "26", ts: "2026-12-04T20:15:02.981+08:00"}
	if rec != want {
		t.Errorf("record = %+v, want %+v", rec, want)
	}
}

func TestValidateKeepsValueText(t *testing.T) {
	payload := []byte(strings.Replace(string(mustJSON(exampleBody(exampleEvent()))), `"value":26`, `"value":26.0`, 1))
	message, verr := validateMessage(testTopic(topicEvents), qos1, payload)
	if verr != nil {
		t.Fatalf("event rejected: %v", verr)
	}
	if got := message.records[0].value; got != "26.0" {
		t.Errorf("value = %q, want the number as sent, 26.0", got)
	}
}

func TestParseTopic(t *testing.T) {
	cases := []struct {
		prefix, name string
		ok           bool
		gateway      string
	}{
		{"plantgw", "plantgw/E1/gw-1/events", true, "gw-1"},
		{"plantgw", "plantgw/E1/gw-1/status", true, "gw-1"},
		{"a/b", "a/b/E1/gw-2/telemetry", true, "gw-2"},
		{"plantgw", "plantgw/E1/gw-1/other", false, ""},
		{"plantgw", "plantgw/E1/events", false, ""},
		{"plantgw", "other/E1/gw-1/events", false, ""},
	}
	for _, tc := range cases {
		got, ok := parseTopic(tc.prefix, tc.name)
		if ok != tc.ok {
			t.Errorf("parseTopic(%q, %q) ok = %v, want %v", tc.prefix, tc.name, ok, tc.ok)
			continue
		}
		if ok && got.gatewayID != tc.gateway {
			t.Errorf("parseTopic(%q, %q) gateway = %q, want %q", tc.prefix, tc.name, got.gatewayID, tc.gateway)
		}
	}
}
