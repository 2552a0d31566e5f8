package main

import (
	"os"
	"regexp"
	"testing"
)

// docJSONBlock matches the ```json examples in the protocol document.
var docJSONBlock = regexp.MustCompile("(?s)```json\n(.*?)```")

// FuzzValidateMessage feeds arbitrary payloads to the validator, which
// parses bytes from the network. It must not panic, must return the same
// result twice, and a message it accepts must keep the record invariants.
func FuzzValidateMessage(f *testing.F) {
	f.Add(uint8(0), mustJSON(exampleBody(exampleSample())))
	f.Add(uint8(1), mustJSON(exampleBody(exampleEvent())))
	f.Add(uint8(2), mustJSON(exampleStatus()))
	f.Add(uint8(0), withSample(both(set("quality", "bad"), set("value", nil), set("cause", "timeout"))))
	f.Add(uint8(1), withEvent(both(set("event", "comm_lost"), set("device", "rtu-1"), set("point_id", ""),
		remove("hazard_code"), remove("point_code"), remove("level"))))
	f.Add(uint8(0), gzipped(f, mustJSON(exampleBody(exampleSample()))))
	f.Add(uint8(1), gzipped(f, mustJSON(exampleBody(exampleEvent()))))
	f.Add(uint8(4), mustJSON(exampleBody(exampleBulk())))

	// The examples exactly as the document prints them, on every topic.
	doc, err := os.ReadFile("../../docs/uplink-protocol.md")
	if err != nil {
		f.Fatalf("read the protocol document for seeds: %v", err)
	}
	blocks := docJSONBlock.FindAllSubmatch(doc, -1)
	if len(blocks) < 4 {
		f.Fatalf("found %d json examples in the protocol document, want at least 4", len(blocks))
	}
	for _, block := range blocks {
		for kind := range uint8(5) {
			f.Add(kind, block[1])
		}
	}

	kinds := []string{topicTelemetry, topicEvents, topicStatus, topicHeartbeat, topicBulk}
	f.Fuzz(func(t *testing.T, kindIndex uint8, payload []byte) {
		kind := kinds[int(kindIndex)%len(kinds)]
		meta := mqttMeta{qos: 1, retain: kind == topicStatus}

		message, verr := validateMessage(testTopic(kind), meta, payload)
		again, verrAgain := validateMessage(testTopic(kind), meta, payload)
		if (verr == nil) != (verrAgain == nil) || (verr != nil && verr.Error() != verrAgain.Error()) {
			t.Fatalf("validation is not deterministic: %v, then %v", verr, verrAgain)
		}
		if verr != nil {
			if message != nil {
				t.Fatalf("error %v came with a message", verr)
			}
			if verr.Error() == "" || verr.localize(newLocalizer(langChinese)) == "" {
				t.Fatal("empty error text")
			}
			return
		}
		if again == nil {
			t.Fatal("second validation returned no message")
		}

		if kind == topicStatus {
			if message.state != "online" && message.state != "offline" {
				t.Fatalf("accepted status state %q", message.state)
			}
			return
		}
		if kind == topicHeartbeat {
			if hb := message.heartbeat; hb == nil || hb.backlogEv < 0 || hb.backlogTel < 0 || hb.devicesLost > hb.devicesTotal {
				t.Fatalf("accepted heartbeat %+v", message.heartbeat)
			}
			return
		}
		if len(message.records) == 0 {
			t.Fatal("accepted a message without records")
		}
		wantKind := recordKind(kind)
		if kind == topicBulk && len(message.records) != 1 {
			t.Fatalf("accepted %d records on the bulk topic", len(message.records))
		}
		seen := map[int64]bool{}
		for _, rec := range message.records {
			if rec.seq < 1 || seen[rec.seq] || rec.kind != wantKind {
				t.Fatalf("accepted record seq %d kind %q (seen before: %v) on the %s topic", rec.seq, rec.kind, seen[rec.seq], kind)
			}
			seen[rec.seq] = true
			if b := rec.bulk; (b != nil) != (kind == topicBulk) || (b != nil && (b.part < 1 || b.part > b.parts || b.size < 0)) {
				t.Fatalf("accepted bulk part %+v on the %s topic", b, kind)
			}
		}
	})
}
