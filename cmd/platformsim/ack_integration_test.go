package main

import (
	"encoding/json"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	paho "github.com/eclipse/paho.mqtt.golang"
	"go.uber.org/goleak"
)

// TestRunAcknowledgesRecords runs platformsim with --ack and publishes as
// a gateway would: plain and gzip telemetry, an event and an invalid
// message. The acks on the gateway's ack topic must cover exactly the
// seqs of the valid messages.
func TestRunAcknowledgesRecords(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())

	reportPath := filepath.Join(t.TempDir(), "report.json")
	sim := startSim(t, "--port", "0", "--summary-every", "0", "--ack", "--report", reportPath, "--lang", "en")
	waitForOutput(t, sim.stdout, `acknowledging received records on each gateway's ack topic`)

	client := connectPaho(t, sim.addr, testGateway)
	var mu sync.Mutex
	acked := map[int64]int{}
	ackTopicName := testPrefix + "/" + testEnterprise + "/" + testGateway + "/ack"
	tok := client.Subscribe(ackTopicName, 1, func(_ paho.Client, m paho.Message) {
		var body struct {
			Ranges [][2]int64 `json:"ranges"`
		}
		if err := json.Unmarshal(m.Payload(), &body); err != nil {
			t.Errorf("ack %s is not valid JSON: %v", m.Payload(), err)
			return
		}
		mu.Lock()
		defer mu.Unlock()
		for _, r := range body.Ranges {
			for seq := r[0]; seq <= r[1]; seq++ {
				acked[seq]++
			}
		}
	})
	if !tok.WaitTimeout(testTimeout) || tok.Error() != nil {
		t.Fatalf("subscribe to %s: %v", ackTopicName, tok.Error())
	}

	telemetry, events := testTopic(topicTelemetry).name, testTopic(topicEvents).name
	sample := func(seq int) map[string]any { return changed(exampleSample(), set("seq", seq)) }
	publish(t, client, telemetry, false, mustJSON(exampleBody(sample(1), sample(2))))
	publish(t, client, telemetry, false, gzipped(t, mustJSON(exampleBody(sample(5)))))
	publish(t, client, events, false, withEvent(set("seq", 3)))
	publish(t, client, telemetry, false, withSample(both(set("seq", 4), set("value", nil)))) // invalid: never acknowledged

	ackedSeqs := func() []int64 {
		mu.Lock()
		defer mu.Unlock()
		var seqs []int64
		for seq := range acked {
			seqs = append(seqs, seq)
		}
		slices.Sort(seqs)
		return seqs
	}
	deadline := time.Now().Add(testTimeout)
	for len(ackedSeqs()) < 4 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	// An ack for the invalid message would come with the others, within
	// the same interval.
	time.Sleep(3 * ackInterval)
	if got, want := ackedSeqs(), []int64{1, 2, 3, 5}; !slices.Equal(got, want) {
		t.Errorf("acknowledged seqs = %v, want %v", got, want)
	}

	client.Disconnect(250)
	if code := sim.stop(t); code != exitOK {
		t.Fatalf("exit status = %d, want 0; stderr:\n%s", code, sim.stderr.String())
	}
	g := readReport(t, reportPath).Gateways[testGateway]
	checkCounts(t, []countCheck{{"records", g.Records, 4}, {"compressed", g.Compressed, 1}, {"invalid", g.Invalid, 1}})
}
