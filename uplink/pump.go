package uplink

import (
	"context"
	"errors"
	"fmt"
	"math"
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
	// paced is set for a message of historical or resent records.
	paced bool
}

// pumpState is the send state of one connection. It dies with the
// connection: the records it tracked are still queued in the store and
// go out again on the next connection.
type pumpState struct {
	flights []*flight
	tracker *tracker
	pacer   *pacer
	// liveFrom and backlogFrom are, per lane, the next seq to read for
	// live and for historical records. Every queued record of the class
	// below them has been sent on this connection.
	liveFrom, backlogFrom map[buffer.Lane]uint64
	// backlogDone marks the lanes whose historical records have all been
	// sent on this connection.
	backlogDone map[buffer.Lane]bool
	// heldBack is set when the last fill left records for the pacer.
	heldBack bool
}

func (u *Uplink) newPumpState(s *session) *pumpState {
	p := &pumpState{
		tracker:     newTracker(),
		pacer:       newPacer(u.opts.Delivery.BacklogRate, u.opts.MQTT.MaxRecords, time.Now()),
		liveFrom:    map[buffer.Lane]uint64{},
		backlogFrom: map[buffer.Lane]uint64{},
		backlogDone: map[buffer.Lane]bool{},
	}
	for _, lane := range buffer.Lanes {
		p.liveFrom[lane] = s.historicalUpTo + 1
		p.backlogDone[lane] = s.historicalUpTo == 0
	}
	return p
}

var errIdle = errors.New("nothing left to send")

// recheck is how often the pump looks at the store without a wake-up, so a
// missed notification delays a record by at most this long.
const recheck = time.Second

func (u *Uplink) pump(ctx context.Context, s *session) error {
	return u.runPump(ctx, s, false)
}

// pumpUntilEmpty sends until no record waits, none is in flight and, in
// platform-ack mode, the platform has acknowledged every record sent.
func (u *Uplink) pumpUntilEmpty(ctx context.Context, s *session) error {
	err := u.runPump(ctx, s, true)
	if errors.Is(err, errIdle) {
		return nil
	}
	return err
}

func (u *Uplink) runPump(ctx context.Context, s *session, untilEmpty bool) error {
	if s.pump == nil {
		s.pump = u.newPumpState(s)
	}
	p := s.pump
	tick := time.NewTicker(recheck)
	defer tick.Stop()
	for {
		if err := u.reap(p); err != nil {
			return err
		}
		u.expireAcks(p)
		if err := u.fill(s, p); err != nil {
			return err
		}
		u.setState(func(st *State) { st.Unacked = p.tracker.len() })
		if untilEmpty && len(p.flights) == 0 && p.tracker.len() == 0 && !p.heldBack {
			return errIdle
		}
		if err := u.wait(ctx, s, p, tick.C); err != nil {
			return err
		}
	}
}

// wait blocks until something may have changed: the oldest flight
// completed, a platform ack arrived, new records arrived, a platform ack
// deadline or the pacer's next message is due, or the recheck tick.
func (u *Uplink) wait(ctx context.Context, s *session, p *pumpState, tick <-chan time.Time) error {
	var head *flight
	var headDone <-chan struct{}
	var wake time.Time
	if len(p.flights) > 0 {
		head = p.flights[0]
		headDone = head.tok.Done()
		wake = head.sent.Add(u.opts.AckTimeout)
	}
	wake = earliest(wake, p.tracker.nextExpiry)
	if p.heldBack {
		now := time.Now()
		wake = earliest(wake, now.Add(p.pacer.readyIn(now)))
	}
	var timer <-chan time.Time
	if !wake.IsZero() {
		t := time.NewTimer(time.Until(wake))
		defer t.Stop()
		timer = t.C
	}
	select {
	case <-ctx.Done():
		return ctx.Err()
	case err := <-s.lost:
		return fmt.Errorf("connection lost: %w", err)
	case <-headDone:
	case <-timer:
		return u.checkPUBACKTimeout(head)
	case ranges := <-s.acks:
		return u.applyAck(p, ranges)
	case <-u.opts.Store.Notify():
	case <-tick:
	case <-s.heartbeatTick():
		u.sendHeartbeat(s)
	}
	return nil
}

// checkPUBACKTimeout returns an error when head has waited longer than
// AckTimeout for its PUBACK. The wake-up timer also serves other
// deadlines, so it firing alone proves nothing.
func (u *Uplink) checkPUBACKTimeout(head *flight) error {
	if head == nil || time.Since(head.sent) < u.opts.AckTimeout {
		return nil
	}
	select {
	case <-head.tok.Done():
		return nil
	default:
	}
	return fmt.Errorf("no PUBACK within %v for %d records", u.opts.AckTimeout, len(head.seqs))
}

// earliest returns the earlier of two times, where zero means none.
func earliest(a, b time.Time) time.Time {
	if a.IsZero() || (!b.IsZero() && b.Before(a)) {
		return b
	}
	return a
}

// reap handles every completed flight. With PUBACK acknowledgement a
// PUBACK removes the records from the upload queue; with platform
// acknowledgement it starts their ack timeout. An error ends the
// connection.
func (u *Uplink) reap(p *pumpState) error {
	kept := p.flights[:0]
	var failed error
	now := time.Now()
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
		u.setState(func(st *State) { st.SentRecords += uint64(len(f.seqs)) })
		if u.opts.Delivery.Ack == AckByPlatform {
			p.tracker.pubacked(f.seqs, now.Add(u.opts.Delivery.PlatformAckTimeout))
			continue
		}
		if err := u.opts.Store.Ack(f.lane, f.seqs); err != nil {
			return fmt.Errorf("acknowledge %d records: %w", len(f.seqs), err)
		}
		p.tracker.remove(f.seqs)
	}
	clear(p.flights[len(kept):])
	p.flights = kept
	return failed
}

// expireAcks marks the records whose platform ack is overdue for resend.
func (u *Uplink) expireAcks(p *pumpState) {
	now := time.Now()
	if n := p.tracker.expire(now); n > 0 && u.resendLog.allow(now) {
		u.opts.Logger.Info("records not acknowledged by the platform within the ack timeout; sending them again",
			"records", n, "ack_timeout", u.opts.Delivery.PlatformAckTimeout, "topic", u.topics.ack)
	}
}

// fill publishes queued records until the window is full or nothing
// waits. Events go before telemetry, and telemetry before bulk. Within a
// lane, live records go first and without a rate limit. Records sent
// again after an ack timeout and then historical records follow at the
// backlog rate.
func (u *Uplink) fill(s *session, p *pumpState) error {
	p.heldBack = false
	for _, lane := range buffer.Lanes {
		if err := u.fillLive(s, p, lane); err != nil {
			return err
		}
		if err := u.fillResends(s, p, lane); err != nil {
			return err
		}
		if err := u.fillBacklog(s, p, lane); err != nil {
			return err
		}
	}
	return nil
}

func (u *Uplink) fillLive(s *session, p *pumpState, lane buffer.Lane) error {
	for u.flightRoom(p, false) {
		n := u.readLimit(p, lane, false, u.recordRoom(p, false))
		if n <= 0 {
			return nil
		}
		recs, err := u.opts.Store.PendingFrom(lane, p.liveFrom[lane], n, nil)
		if err != nil {
			return err
		}
		if len(recs) == 0 {
			return nil
		}
		p.liveFrom[lane] = recs[len(recs)-1].Seq + 1
		if err := u.publish(s, p, lane, recs, false); err != nil {
			return err
		}
		if len(recs) < n {
			return nil
		}
	}
	return nil
}

func (u *Uplink) fillResends(s *session, p *pumpState, lane buffer.Lane) error {
	for p.tracker.due[lane] > 0 && u.flightRoom(p, true) {
		n := p.pacer.allowance(time.Now(), u.readLimit(p, lane, true, min(u.opts.MQTT.MaxRecords, p.tracker.due[lane])))
		if n == 0 {
			p.heldBack = true
			return nil
		}
		from, _ := p.tracker.lowestDue(lane)
		recs, err := u.opts.Store.PendingFrom(lane, from, n, func(seq uint64) bool { return !p.tracker.isDue(seq) })
		if err != nil {
			return err
		}
		scannedTo := uint64(math.MaxUint64)
		if len(recs) == n {
			scannedTo = recs[len(recs)-1].Seq
		}
		if gone := p.tracker.dropMissingDue(lane, recs, scannedTo); gone > 0 {
			u.opts.Logger.Warn("records due for resend left the upload queue without a platform ack, by eviction",
				"lane", lane.String(), "records", gone)
		}
		if len(recs) == 0 {
			continue
		}
		p.pacer.take(len(recs))
		u.setState(func(st *State) { st.Resent += uint64(len(recs)) })
		if err := u.publish(s, p, lane, recs, true); err != nil {
			return err
		}
	}
	return nil
}

func (u *Uplink) fillBacklog(s *session, p *pumpState, lane buffer.Lane) error {
	for !p.backlogDone[lane] && u.flightRoom(p, true) {
		room := u.readLimit(p, lane, true, u.recordRoom(p, true))
		if room <= 0 {
			return nil
		}
		n := p.pacer.allowance(time.Now(), room)
		if n == 0 {
			p.heldBack = true
			return nil
		}
		durable := u.opts.Store.Stats().DurableSeq
		recs, err := u.opts.Store.PendingFrom(lane, p.backlogFrom[lane], n, nil)
		if err != nil {
			return err
		}
		historical := recs
		for i, r := range recs {
			if r.Seq > s.historicalUpTo {
				historical = recs[:i]
				break
			}
		}
		// A short read ends the backlog unless it may have stopped at
		// the buffer's last durable seq, below historicalUpTo: the rest
		// follows after the next sync.
		if len(historical) < n && (len(historical) < len(recs) || durable >= s.historicalUpTo) {
			p.backlogDone[lane] = true
		}
		if len(historical) == 0 {
			return nil
		}
		p.backlogFrom[lane] = historical[len(historical)-1].Seq + 1
		p.pacer.take(len(historical))
		if err := u.publish(s, p, lane, historical, true); err != nil {
			return err
		}
	}
	return nil
}

// flightRoom reports whether another message may be published.
func (u *Uplink) flightRoom(p *pumpState, paced bool) bool {
	return u.messageRoom(p, paced) > 0
}

// messageRoom returns how many more messages may be published now. Paced
// messages leave two places of the window to live records, so a slow
// broker that fills the window with backlog does not hold back new
// alarms.
func (u *Uplink) messageRoom(p *pumpState, paced bool) int {
	room := u.opts.Window - len(p.flights)
	if !paced {
		return room
	}
	inFlight := 0
	for _, f := range p.flights {
		if f.paced {
			inFlight++
		}
	}
	return min(room, max(1, u.opts.Window-2)-inFlight)
}

// recordRoom returns how many records not yet sent on this connection
// may be read for the next message. With platform acknowledgement it
// keeps the records awaiting an ack within AckWindow, and historical
// records within three quarters of it, so that live records find room.
func (u *Uplink) recordRoom(p *pumpState, paced bool) int {
	if u.opts.Delivery.Ack != AckByPlatform {
		return u.opts.MQTT.MaxRecords
	}
	limit := u.opts.Delivery.AckWindow
	if paced {
		limit -= limit / 4
	}
	return min(u.opts.MQTT.MaxRecords, limit-p.tracker.len())
}

// publish encodes records of one lane into messages within the byte cap
// and publishes them. Bulk records go one per message.
func (u *Uplink) publish(s *session, p *pumpState, lane buffer.Lane, recs []buffer.Record, paced bool) error {
	var compress compressFunc
	if u.gzip != nil {
		compress = u.gzip.compress
	}
	now := time.Now()
	encode := u.opts.Encoder.EncodeCapped
	if lane == buffer.Bulk {
		encode = u.opts.Encoder.EncodeEach
	}
	batches, skipped, err := encode(recs, s.historicalUpTo, now, u.opts.Delivery.MaxMessageBytes, compress)
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
		p.tracker.remove(skipped)
	}
	topic := u.topics.forLane(lane)
	for _, b := range batches {
		if b.Oversize {
			u.setState(func(st *State) { st.Oversize++ })
			if u.oversizeLog.allow(now) {
				u.opts.Logger.Warn("record larger than uplink.max_message_bytes; sent in a message of its own, which the broker may reject",
					"lane", lane.String(), "seq", b.Seqs[0], "bytes", len(b.Payload), "max_message_bytes", u.opts.Delivery.MaxMessageBytes)
			}
		}
		p.tracker.published(lane, b.Seqs)
		p.flights = append(p.flights, &flight{lane: lane, seqs: b.Seqs, sent: now, paced: paced,
			tok: s.client.Publish(topic, 1, false, b.Payload)})
	}
	return nil
}
