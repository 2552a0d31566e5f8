package uplink

import (
	"context"
	"fmt"
	"time"

	mqtt "github.com/eclipse/paho.mqtt.golang"

	"github.com/plantgw/plantgw/buffer"
)

// ackQueueLen bounds the platform acks waiting for the pump. An ack
// dropped when it is full only delays its records: they are sent again
// after the ack timeout and acknowledged then.
const ackQueueLen = 256

// subAckFailure is the SUBACK return code of a rejected subscription
// (MQTT 3.1.1 section 3.9.3).
const subAckFailure = 0x80

// subscribeAcks subscribes s to the gateway's ack topic with QoS 1 and
// waits for the SUBACK, so that no ack for this connection's records is
// missed. With a clean session the subscription ends with the connection.
func (u *Uplink) subscribeAcks(ctx context.Context, s *session) error {
	s.acks = make(chan []seqRange, ackQueueLen)
	tok := s.client.Subscribe(u.topics.ack, 1, func(_ mqtt.Client, m mqtt.Message) { u.receiveAck(s, m.Payload()) })
	if err := waitToken(ctx, tok, u.opts.AckTimeout); err != nil {
		return fmt.Errorf("subscribe to the ack topic %s: %w", u.topics.ack, err)
	}
	if sub, ok := tok.(*mqtt.SubscribeToken); ok && sub.Result()[u.topics.ack] == subAckFailure {
		return fmt.Errorf("subscribe to the ack topic %s: the broker rejected the subscription; allow the gateway's login to subscribe to it", u.topics.ack)
	}
	return nil
}

// receiveAck runs on paho's goroutines: it parses an ack and queues it
// for the pump without blocking.
func (u *Uplink) receiveAck(s *session, payload []byte) {
	ranges, err := parseAck(payload)
	if err != nil {
		u.setState(func(st *State) { st.InvalidAcks++ })
		if u.ackLog.allow(time.Now()) {
			u.opts.Logger.Warn("invalid platform ack ignored; its records are sent again after the ack timeout",
				"topic", u.topics.ack, "err", err)
		}
		return
	}
	select {
	case s.acks <- ranges:
	default:
		u.setState(func(st *State) { st.DroppedAcks++ })
	}
}

// applyAck removes the records a platform ack covers from their upload
// queues.
func (u *Uplink) applyAck(p *pumpState, ranges []seqRange) error {
	byLane, unknown := p.tracker.acknowledge(ranges)
	var acked uint64
	for _, lane := range buffer.Lanes {
		seqs := byLane[lane]
		if len(seqs) == 0 {
			continue
		}
		if err := u.opts.Store.Ack(lane, seqs); err != nil {
			return fmt.Errorf("remove %d platform-acknowledged records: %w", len(seqs), err)
		}
		acked += uint64(len(seqs))
	}
	u.setState(func(st *State) { st.PlatformAcked += acked; st.UnknownAcked += unknown })
	return nil
}
