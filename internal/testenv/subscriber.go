package testenv

import (
	"encoding/json"
	"strings"
	"sync"
	"testing"
	"time"

	mqtt "github.com/eclipse/paho.mqtt.golang"
)

// Received is one record as a platform would see it.
type Received struct {
	Seq     uint64          `json:"seq"`
	Kind    string          `json:"kind"`
	Event   string          `json:"event"`
	PointID string          `json:"point_id"`
	Device  string          `json:"device"`
	Level   string          `json:"level"`
	Output  string          `json:"output"`
	Value   json.RawMessage `json:"value"`
	Quality string          `json:"quality"`
	Cause   string          `json:"cause"`
	// TS is the record's source time.
	TS         time.Time `json:"ts"`
	Historical bool      `json:"historical"`
	Text       string    `json:"text"`
}

// Number returns the value of an analog record.
func (r Received) Number() (float64, bool) {
	var v float64
	err := json.Unmarshal(r.Value, &v)
	return v, err == nil && len(r.Value) > 0 && string(r.Value) != "null"
}

// Bool returns the value of a contact record.
func (r Received) Bool() (value, ok bool) {
	err := json.Unmarshal(r.Value, &value)
	return value, err == nil && (string(r.Value) == "true" || string(r.Value) == "false")
}

// Message is one PUBLISH as the subscriber received it.
type Message struct {
	Topic    string
	Payload  []byte
	QoS      byte
	Retained bool
}

// Subscriber is an MQTT client with a persistent session that collects the
// records of every message under a topic filter, and every message whole.
type Subscriber struct {
	client mqtt.Client
	mu     sync.Mutex
	counts map[uint64]int
	recs   []Received
	msgs   []Message
}

// Subscribe connects to url and subscribes to filter with QoS 1.
func Subscribe(t testing.TB, url, clientID, filter string) *Subscriber {
	t.Helper()
	s := &Subscriber{counts: map[uint64]int{}}
	handler := func(_ mqtt.Client, m mqtt.Message) {
		s.mu.Lock()
		s.msgs = append(s.msgs, Message{Topic: m.Topic(), Payload: m.Payload(), QoS: m.Qos(), Retained: m.Retained()})
		s.mu.Unlock()
		var body struct {
			Records []Received `json:"records"`
		}
		if err := json.Unmarshal(m.Payload(), &body); err != nil {
			return
		}
		s.mu.Lock()
		defer s.mu.Unlock()
		for _, r := range body.Records {
			s.counts[r.Seq]++
			s.recs = append(s.recs, r)
		}
	}
	o := mqtt.NewClientOptions().AddBroker(url).SetClientID(clientID).SetCleanSession(false).
		SetAutoReconnect(true).SetMaxReconnectInterval(200 * time.Millisecond).SetConnectRetry(true).
		// Order matters: tests check that records arrive in the order
		// the broker delivered them, such as events before samples.
		SetConnectRetryInterval(200 * time.Millisecond).SetOrderMatters(true).
		SetOnConnectHandler(func(c mqtt.Client) { c.Subscribe(filter, 1, handler) })
	s.client = mqtt.NewClient(o)
	if tok := s.client.Connect(); !tok.WaitTimeout(10*time.Second) || tok.Error() != nil {
		t.Fatalf("subscriber connect: %v", tok.Error())
	}
	t.Cleanup(func() { s.client.Disconnect(100) })
	return s
}

// Seqs returns how many times each seq arrived.
func (s *Subscriber) Seqs() map[uint64]int {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make(map[uint64]int, len(s.counts))
	for k, v := range s.counts {
		out[k] = v
	}
	return out
}

// Records returns the records received so far, in arrival order.
func (s *Subscriber) Records() []Received {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Received(nil), s.recs...)
}

// Messages returns the messages received so far whose topic ends with
// suffix, in arrival order.
func (s *Subscriber) Messages(suffix string) []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Message
	for _, m := range s.msgs {
		if strings.HasSuffix(m.Topic, suffix) {
			out = append(out, m)
		}
	}
	return out
}

// WaitFor polls cond every 20 ms until it holds or limit passes.
func WaitFor(t testing.TB, limit time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(limit)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %v waiting for %s", limit, what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// WaitConnected waits until the subscriber's connection is open again, for
// example after a broker restart, so that what a test publishes next goes
// to a connected client rather than to the broker's queue for an absent
// session.
func (s *Subscriber) WaitConnected(t testing.TB, limit time.Duration) {
	t.Helper()
	WaitFor(t, limit, "subscriber connected", s.client.IsConnectionOpen)
}
