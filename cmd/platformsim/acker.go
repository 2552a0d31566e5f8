package main

import (
	"encoding/json"
	"sync"
	"sync/atomic"
	"time"
)

// Platform acks, turned on by --ack. docs/uplink-protocol.md defines the
// ack topic and payload.
const (
	topicAck = "ack"
	// ackInterval is how long received seqs wait, merged, before their
	// ack is published: a gateway sending 20 messages a second gets 10
	// acks a second instead of 20.
	ackInterval = 100 * time.Millisecond
	// maxAckRanges is the most ranges the gateway takes in one ack;
	// more are sent in further messages.
	maxAckRanges = 1024
	// ackQueueLen bounds the messages waiting for the acker. A message
	// dropped when it is full only delays its records: the gateway sends
	// them again after its ack timeout, and they are acknowledged then.
	ackQueueLen = 4096
)

// ackRequest is the seqs of one valid message for the gateway whose ack
// topic is topic.
type ackRequest struct {
	topic string
	seqs  []int64
}

// acker publishes an ack for every valid events, telemetry or bulk message,
// duplicates included, because a gateway that sends a record again has
// not received the earlier ack. It merges the seqs per gateway and
// publishes every ackInterval from one goroutine, which its owner stops
// with close.
type acker struct {
	requests chan ackRequest
	dropped  atomic.Int64
	// failed counts acks that the broker would not take.
	failed atomic.Int64
	stop   chan struct{}
	done   chan struct{}

	mu      sync.Mutex // guards started, closed and sends on requests
	started bool
	closed  bool
}

func newAcker() *acker {
	return &acker{requests: make(chan ackRequest, ackQueueLen), stop: make(chan struct{}), done: make(chan struct{})}
}

// ackTopic returns the ack topic of the gateway that published on t.
func ackTopic(prefix string, t topic) string {
	return prefix + "/" + t.enterpriseCode + "/" + t.gatewayID + "/" + topicAck
}

// enqueue queues the seqs of one message without waiting. It drops them
// and counts the drop when the queue is full or the acker is closed.
func (a *acker) enqueue(topic string, seqs []int64) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.closed {
		a.dropped.Add(1)
		return
	}
	select {
	case a.requests <- ackRequest{topic: topic, seqs: seqs}:
	default:
		a.dropped.Add(1)
	}
}

// start runs the goroutine that merges requests and calls publish.
// Requests queued before start wait in the queue. It does nothing after
// close.
func (a *acker) start(publish func(topic string, payload []byte) error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.started || a.closed {
		return
	}
	a.started = true
	go a.run(publish)
}

func (a *acker) run(publish func(topic string, payload []byte) error) {
	defer close(a.done)
	ticker := time.NewTicker(ackInterval)
	defer ticker.Stop()
	pending := map[string]*seqSet{}
	for {
		select {
		case <-a.stop:
			return
		case req := <-a.requests:
			set := pending[req.topic]
			if set == nil {
				set = &seqSet{}
				pending[req.topic] = set
			}
			for _, seq := range req.seqs {
				set.add(seq)
			}
		case <-ticker.C:
			for topic, set := range pending {
				for _, payload := range ackPayloads(set.ranges) {
					if publish(topic, payload) != nil {
						a.failed.Add(1)
					}
				}
			}
			clear(pending)
		}
	}
}

// close stops the goroutine and waits for it. Seqs not yet acknowledged
// are dropped; the gateway sends them again on its next connection.
func (a *acker) close() {
	a.mu.Lock()
	wasClosed, started := a.closed, a.started
	a.closed = true
	a.mu.Unlock()
	if !started {
		return
	}
	if !wasClosed {
		close(a.stop)
	}
	<-a.done
}

// ackPayloads returns the ack messages for ranges, at most maxAckRanges
// ranges each: {"ranges":[[first,last],...]}.
func ackPayloads(ranges []seqRange) [][]byte {
	var out [][]byte
	for start := 0; start < len(ranges); start += maxAckRanges {
		chunk := ranges[start:min(start+maxAckRanges, len(ranges))]
		pairs := make([][2]int64, len(chunk))
		for i, r := range chunk {
			pairs[i] = [2]int64{r.First, r.Last}
		}
		// Marshal cannot fail for a struct of integer slices.
		payload, _ := json.Marshal(struct {
			Ranges [][2]int64 `json:"ranges"`
		}{pairs})
		out = append(out, payload)
	}
	return out
}
