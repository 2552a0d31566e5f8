package uplink

import (
	"context"
	"errors"
	"fmt"
	"time"

	mqtt "github.com/eclipse/paho.mqtt.golang"

	"github.com/plantgw/plantgw/buffer"
)

// flight is one published message waiting for its PUBACK.
type flight struct {
	lane buffer.Lane
	seqs []uint64
	tok  mqtt.Token
	sent time.Time
}

// pumpState is the send window of one connection. It dies with the
// connection: records it had in flight are still queued in the store and
// go out again on the next connection.
type pumpState struct {
	flights  []*flight
	inflight map[uint64]bool
}

var errIdle = errors.New("nothing left to send")

// recheck is how often the pump looks at the store without a wake-up, so a
// missed notification delays a record by at most this long.
const recheck = time.Second

func (u *Uplink) pump(ctx context.Context, s *session) error {
	return u.runPump(ctx, s, false)
}

// pumpUntilEmpty sends until no record waits and none is in flight.
func (u *Uplink) pumpUntilEmpty(ctx context.Context, s *session) error {
	err := u.runPump(ctx, s, true)
	if errors.Is(err, errIdle) {
		return nil
	}
	return err
}

func (u *Uplink) runPump(ctx context.Context, s *session, untilEmpty bool) error {
	if s.pump == nil {
		s.pump = &pumpState{inflight: map[uint64]bool{}}
	}
	p := s.pump
	tick := time.NewTicker(recheck)
	defer tick.Stop()
	for {
		if err := u.reap(p); err != nil {
			return err
		}
		if err := u.fill(s, p); err != nil {
			return err
		}
		if untilEmpty && len(p.flights) == 0 {
			return errIdle
		}
		if err := u.wait(ctx, s, p, tick.C); err != nil {
			return err
		}
	}
}

// wait blocks until something may have changed: the oldest flight
// completed, new records arrived, or the recheck tick.
func (u *Uplink) wait(ctx context.Context, s *session, p *pumpState, tick <-chan time.Time) error {
	var headDone <-chan struct{}
	var ackDeadline <-chan time.Time
	if len(p.flights) > 0 {
		head := p.flights[0]
		headDone = head.tok.Done()
		timer := time.NewTimer(time.Until(head.sent.Add(u.opts.AckTimeout)))
		defer timer.Stop()
		ackDeadline = timer.C
	}
	select {
	case <-ctx.Done():
		return ctx.Err()
	case err := <-s.lost:
		return fmt.Errorf("connection lost: %w", err)
	case <-headDone:
	case <-ackDeadline:
		return fmt.Errorf("no PUBACK within %v for %d records", u.opts.AckTimeout, len(p.flights[0].seqs))
	case <-u.opts.Store.Notify():
	case <-tick:
	case <-s.heartbeatTick():
		u.sendHeartbeat(s)
	}
	return nil
}

// reap handles every completed flight. A PUBACK removes the records from
// the upload queue; an error ends the connection.
func (u *Uplink) reap(p *pumpState) error {
	kept := p.flights[:0]
	var failed error
	for _, f := range p.flights {
		select {
		case <-f.tok.Done():
		default:
			kept = append(kept, f)
			continue
		}
		if err := f.tok.Error(); err != nil {
			failed = fmt.Errorf("publish of %d records failed: %w", len(f.seqs), err)
			continue
		}
		if err := u.opts.Store.Ack(f.lane, f.seqs); err != nil {
			return fmt.Errorf("acknowledge %d records: %w", len(f.seqs), err)
		}
		for _, s := range f.seqs {
			delete(p.inflight, s)
		}
		u.setState(func(st *State) { st.SentRecords += uint64(len(f.seqs)) })
	}
	p.flights = kept
	return failed
}

// fill publishes queued records, events first, until the window is full
// or nothing waits.
func (u *Uplink) fill(s *session, p *pumpState) error {
	for _, lane := range buffer.Lanes {
		for len(p.flights) < u.opts.Window {
			recs, err := u.opts.Store.Pending(lane, u.opts.MQTT.MaxRecords, func(seq uint64) bool { return p.inflight[seq] })
			if err != nil {
				return err
			}
			if len(recs) == 0 {
				break
			}
			if err := u.publish(s, p, lane, recs); err != nil {
				return err
			}
		}
	}
	return nil
}

func (u *Uplink) publish(s *session, p *pumpState, lane buffer.Lane, recs []buffer.Record) error {
	payload, skipped, err := u.opts.Encoder.Encode(recs, s.historicalUpTo, time.Now())
	if err != nil {
		return err
	}
	if len(skipped) > 0 {
		// An unreadable record can never be sent; keep it in history but
		// take it off the queue so it does not block the lane.
		u.opts.Logger.Error("stored records unreadable; left out of the upload", "lane", lane.String(), "seqs", skipped)
		if err := u.opts.Store.Ack(lane, skipped); err != nil {
			return fmt.Errorf("drop unreadable records: %w", err)
		}
	}
	if payload == nil {
		return nil
	}
	topic := u.topics.telemetry
	if lane == buffer.Events {
		topic = u.topics.events
	}
	f := &flight{lane: lane, sent: time.Now(), tok: s.client.Publish(topic, 1, false, payload)}
	for _, r := range recs {
		if !contains(skipped, r.Seq) {
			f.seqs = append(f.seqs, r.Seq)
			p.inflight[r.Seq] = true
		}
	}
	p.flights = append(p.flights, f)
	return nil
}

func contains(list []uint64, v uint64) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}
