package main

import (
	"encoding/json"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"
)

func TestAckPayloadsSplitsRanges(t *testing.T) {
	var ranges []seqRange
	for i := range int64(maxAckRanges + 3) {
		ranges = append(ranges, seqRange{First: 2*i + 1, Last: 2*i + 1})
	}
	payloads := ackPayloads(ranges)
	if len(payloads) != 2 {
		t.Fatalf("%d ack messages for %d ranges, want 2", len(payloads), len(ranges))
	}
	if want := `{"ranges":[[1,1],[3,3],`; !strings.HasPrefix(string(payloads[0]), want) {
		t.Errorf("first ack = %.40s..., want it to start with %s", payloads[0], want)
	}
	var second struct {
		Ranges [][2]int64 `json:"ranges"`
	}
	if err := json.Unmarshal(payloads[1], &second); err != nil {
		t.Fatal(err)
	}
	if want := [][2]int64{{2049, 2049}, {2051, 2051}, {2053, 2053}}; !slices.Equal(second.Ranges, want) {
		t.Errorf("second ack ranges = %v, want %v", second.Ranges, want)
	}
}

// published collects the acks an acker publishes.
type published struct {
	mu   sync.Mutex
	acks map[string][]string
}

func (p *published) publish(topic string, payload []byte) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.acks[topic] = append(p.acks[topic], string(payload))
	return nil
}

func (p *published) get(topic string) []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return slices.Clone(p.acks[topic])
}

func TestAckerMergesPerGateway(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	a := newAcker()
	out := &published{acks: map[string][]string{}}
	a.enqueue("p/E/gw-1/ack", []int64{1, 2, 3})
	a.enqueue("p/E/gw-1/ack", []int64{3, 5})
	a.enqueue("p/E/gw-2/ack", []int64{7})
	a.start(out.publish)

	deadline := time.Now().Add(5 * time.Second)
	for len(out.get("p/E/gw-1/ack")) == 0 || len(out.get("p/E/gw-2/ack")) == 0 {
		if time.Now().After(deadline) {
			t.Fatalf("no acks published after 5 s: %v", out.acks)
		}
		time.Sleep(10 * time.Millisecond)
	}
	a.close()
	a.enqueue("p/E/gw-1/ack", []int64{9})

	if got, want := out.get("p/E/gw-1/ack"), []string{`{"ranges":[[1,3],[5,5]]}`}; !slices.Equal(got, want) {
		t.Errorf("gw-1 acks = %q, want %q", got, want)
	}
	if got, want := out.get("p/E/gw-2/ack"), []string{`{"ranges":[[7,7]]}`}; !slices.Equal(got, want) {
		t.Errorf("gw-2 acks = %q, want %q", got, want)
	}
	if a.dropped.Load() != 1 {
		t.Errorf("dropped = %d, want 1 for the request after close", a.dropped.Load())
	}
}

func TestAckerCloseBeforeStart(t *testing.T) {
	a := newAcker()
	a.enqueue("p/E/gw-1/ack", []int64{1})
	a.close()
	a.start(func(string, []byte) error { t.Error("publish after close"); return nil })
	a.close()
}

func TestReceiverAcksValidMessagesWithDuplicates(t *testing.T) {
	recv, _, _ := newTestReceiver(langEnglish)
	var acked [][]int64
	recv.ack = func(topic string, seqs []int64) {
		if want := testPrefix + "/" + testEnterprise + "/" + testGateway + "/ack"; topic != want {
			t.Errorf("ack topic = %s, want %s", topic, want)
		}
		acked = append(acked, seqs)
	}
	telemetry := testTopic(topicTelemetry).name
	recv.handle(telemetry, qos1, mustJSON(exampleBody(exampleSample())))
	recv.handle(telemetry, qos1, mustJSON(exampleBody(exampleSample()))) // the same seq again
	recv.handle(telemetry, qos1, withSample(set("value", nil)))          // invalid
	recv.handle(testTopic(topicStatus).name, mqttMeta{qos: 1, retain: true}, mustJSON(exampleStatus()))
	recv.handle(telemetry, qos1, gzipped(t, mustJSON(exampleBody(changed(exampleSample(), set("seq", 1050))))))

	if want := [][]int64{{1042}, {1042}, {1050}}; !slices.EqualFunc(acked, want, slices.Equal) {
		t.Errorf("acked = %v, want %v: every valid records message, duplicates too, nothing else", acked, want)
	}
	if g := recv.snapshot()[0]; g.Compressed != 1 {
		t.Errorf("compressed = %d, want 1", g.Compressed)
	}
}
