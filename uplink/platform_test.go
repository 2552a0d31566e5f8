package uplink

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"strings"
	"sync"
	"testing"
	"time"

	mqtt "github.com/eclipse/paho.mqtt.golang"

	"github.com/plantgw/plantgw/internal/testenv"
)

// platformMessage is one events or telemetry message as the test
// platform received it.
type platformMessage struct {
	topic string
	// size is the payload's length as published; gzipped is set when it
	// was a gzip body.
	size    int
	gzipped bool
	seqs    []uint64
	at      time.Time
	acked   bool
}

// platformRecord is one record with its arrival time.
type platformRecord struct {
	testenv.Received
	at time.Time
}

// testPlatform is an MQTT client that plays the platform: it subscribes
// to a gateway's events and telemetry with a persistent session, decodes
// plain and gzip bodies, and publishes an ack for each message that
// shouldAck selects.
type testPlatform struct {
	t        *testing.T
	client   mqtt.Client
	ackTopic string

	mu        sync.Mutex
	shouldAck func(index int) bool
	messages  []platformMessage
	records   []platformRecord
	// seen counts the arrivals of each seq, kept as records arrive so
	// that polling it costs little while a backlog drains.
	seen map[uint64]int
	// undecodable counts payloads that were neither JSON nor gzip JSON.
	undecodable int
}

const testBase = "plantgw/E1/gw-test/"

// startPlatform connects a test platform to url. shouldAck receives the
// index of each events or telemetry message in arrival order; nil never
// acknowledges.
func startPlatform(t *testing.T, url, clientID string, shouldAck func(index int) bool) *testPlatform {
	t.Helper()
	p := &testPlatform{t: t, ackTopic: testBase + "ack", shouldAck: shouldAck, seen: map[uint64]int{}}
	opts := mqtt.NewClientOptions().AddBroker(url).SetClientID(clientID).SetCleanSession(false).
		SetAutoReconnect(true).SetMaxReconnectInterval(200 * time.Millisecond).SetConnectRetry(true).
		SetConnectRetryInterval(200 * time.Millisecond).SetOrderMatters(true).
		SetOnConnectHandler(func(c mqtt.Client) {
			c.Subscribe(testBase+"events", 1, p.handle)
			c.Subscribe(testBase+"telemetry", 1, p.handle)
		})
	p.client = mqtt.NewClient(opts)
	if tok := p.client.Connect(); !tok.WaitTimeout(10*time.Second) || tok.Error() != nil {
		t.Fatalf("platform connect: %v", tok.Error())
	}
	t.Cleanup(func() { p.client.Disconnect(100) })
	return p
}

// setAckPolicy replaces shouldAck for the messages that arrive from now on.
func (p *testPlatform) setAckPolicy(shouldAck func(index int) bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.shouldAck = shouldAck
}

func (p *testPlatform) handle(c mqtt.Client, m mqtt.Message) {
	now := time.Now()
	body, gzipped, err := decodeBody(m.Payload())
	var msg struct {
		Records []testenv.Received `json:"records"`
	}
	if err == nil {
		err = json.Unmarshal(body, &msg)
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if err != nil {
		p.undecodable++
		return
	}
	pm := platformMessage{topic: m.Topic(), size: len(m.Payload()), gzipped: gzipped, at: now}
	for _, r := range msg.Records {
		pm.seqs = append(pm.seqs, r.Seq)
		p.records = append(p.records, platformRecord{Received: r, at: now})
		p.seen[r.Seq]++
	}
	pm.acked = p.shouldAck != nil && p.shouldAck(len(p.messages))
	p.messages = append(p.messages, pm)
	if pm.acked {
		// Not waiting for the token: with ordered delivery, waiting in
		// the handler would block paho's router.
		c.Publish(p.ackTopic, 1, false, ackPayload(pm.seqs))
	}
}

// decodeBody returns a message body as JSON, gunzipping a gzip body.
func decodeBody(payload []byte) (body []byte, gzipped bool, err error) {
	if !bytes.HasPrefix(payload, []byte{0x1f, 0x8b}) {
		return payload, false, nil
	}
	zr, err := gzip.NewReader(bytes.NewReader(payload))
	if err != nil {
		return nil, true, err
	}
	body, err = io.ReadAll(zr)
	return body, true, err
}

// ackPayload returns an ack of seqs, one range per seq.
func ackPayload(seqs []uint64) []byte {
	ranges := make([][2]uint64, 0, len(seqs))
	for _, s := range seqs {
		ranges = append(ranges, [2]uint64{s, s})
	}
	data, _ := json.Marshal(map[string]any{"ranges": ranges})
	return data
}

func (p *testPlatform) snapshot() ([]platformMessage, []platformRecord) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]platformMessage(nil), p.messages...), append([]platformRecord(nil), p.records...)
}

// counts returns how many times each seq arrived.
func (p *testPlatform) counts() map[uint64]int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return maps.Clone(p.seen)
}

// count returns how many times seq arrived.
func (p *testPlatform) count(seq uint64) int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.seen[seq]
}

// distinct returns the number of different seqs received.
func (p *testPlatform) distinct() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return len(p.seen)
}

// publishAck publishes payload on the gateway's ack topic and waits for
// the broker's PUBACK.
func (p *testPlatform) publishAck(payload []byte) {
	p.t.Helper()
	tok := p.client.Publish(p.ackTopic, 1, false, payload)
	if !tok.WaitTimeout(5*time.Second) || tok.Error() != nil {
		p.t.Fatalf("publish ack: %v", tok.Error())
	}
}

// withDelivery returns an Options edit for runUplink that sets d.
func withDelivery(d Delivery) func(*Options) {
	return func(o *Options) { o.Delivery = d }
}

// missingSeqs returns the seqs from 1 to n that never arrived, at most 10.
func missingSeqs(counts map[uint64]int, n int) string {
	var missing []string
	for seq := uint64(1); seq <= uint64(n) && len(missing) < 10; seq++ {
		if counts[seq] == 0 {
			missing = append(missing, fmt.Sprint(seq))
		}
	}
	return strings.Join(missing, ", ")
}
