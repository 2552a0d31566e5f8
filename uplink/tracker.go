package uplink

import (
	"time"

	"github.com/plantgw/plantgw/buffer"
)

// recordState is the stage of a sent record between its publish and its
// removal from the upload queue.
type recordState uint8

const (
	// inFlight records are published and wait for their PUBACK.
	inFlight recordState = iota
	// awaitingAck records have their PUBACK and wait for the platform's
	// ack until their deadline.
	awaitingAck
	// dueForResend records passed their deadline without a platform ack
	// and wait to be published again.
	dueForResend
)

type sentRecord struct {
	lane     buffer.Lane
	state    recordState
	deadline time.Time
}

// tracker holds the records published on one connection that are still
// in their upload queue. Its size is bounded by the pump: the send window
// in PUBACK mode, Delivery.AckWindow in platform-ack mode.
type tracker struct {
	records map[uint64]*sentRecord
	// due counts the dueForResend records per lane.
	due map[buffer.Lane]int
	// nextExpiry is at or before the earliest deadline of an awaitingAck
	// record; zero when there is none. A record acknowledged before its
	// deadline leaves it early, which costs one needless expire pass.
	nextExpiry time.Time
}

func newTracker() *tracker {
	return &tracker{records: map[uint64]*sentRecord{}, due: map[buffer.Lane]int{}}
}

// len returns the number of records sent and still queued.
func (t *tracker) len() int { return len(t.records) }

// published records seqs of lane as in flight; resent records leave the
// dueForResend state.
func (t *tracker) published(lane buffer.Lane, seqs []uint64) {
	for _, seq := range seqs {
		r := t.records[seq]
		if r == nil {
			t.records[seq] = &sentRecord{lane: lane, state: inFlight}
			continue
		}
		if r.state == dueForResend {
			t.due[r.lane]--
		}
		r.state = inFlight
	}
}

// pubacked starts the platform ack deadline of the in-flight records
// among seqs. Records the platform acknowledged before their PUBACK are
// no longer tracked and are left out.
func (t *tracker) pubacked(seqs []uint64, deadline time.Time) {
	for _, seq := range seqs {
		r := t.records[seq]
		if r == nil || r.state != inFlight {
			continue
		}
		r.state, r.deadline = awaitingAck, deadline
		if t.nextExpiry.IsZero() || deadline.Before(t.nextExpiry) {
			t.nextExpiry = deadline
		}
	}
}

// remove stops tracking seqs.
func (t *tracker) remove(seqs []uint64) {
	for _, seq := range seqs {
		if r := t.records[seq]; r != nil {
			if r.state == dueForResend {
				t.due[r.lane]--
			}
			delete(t.records, seq)
		}
	}
}

// acknowledge removes the tracked records that ranges cover, whatever
// their state, and returns them by lane. unknown counts the covered seqs
// that were not tracked. ranges must be sorted and merged.
func (t *tracker) acknowledge(ranges []seqRange) (byLane map[buffer.Lane][]uint64, unknown uint64) {
	byLane = map[buffer.Lane][]uint64{}
	var covered, matched uint64
	for _, r := range ranges {
		covered += r.width()
	}
	take := func(seq uint64, r *sentRecord) {
		byLane[r.lane] = append(byLane[r.lane], seq)
		matched++
	}
	// Step through whichever is smaller: the covered seqs or the tracked
	// records, so that a range such as [1, 2^53-1] costs no more than
	// one pass over the tracker.
	if covered <= uint64(len(t.records)) {
		for _, r := range ranges {
			for seq := r.first; seq <= r.last; seq++ {
				if rec := t.records[seq]; rec != nil {
					take(seq, rec)
				}
			}
		}
	} else {
		for seq, rec := range t.records {
			if containsSeq(ranges, seq) {
				take(seq, rec)
			}
		}
	}
	for _, seqs := range byLane {
		t.remove(seqs)
	}
	return byLane, covered - matched
}

// expire moves the awaitingAck records whose deadline is at or before now
// to dueForResend and returns how many moved.
func (t *tracker) expire(now time.Time) int {
	if t.nextExpiry.IsZero() || now.Before(t.nextExpiry) {
		return 0
	}
	moved := 0
	var next time.Time
	for _, r := range t.records {
		if r.state != awaitingAck {
			continue
		}
		if !now.Before(r.deadline) {
			r.state = dueForResend
			t.due[r.lane]++
			moved++
			continue
		}
		if next.IsZero() || r.deadline.Before(next) {
			next = r.deadline
		}
	}
	t.nextExpiry = next
	return moved
}

// lowestDue returns the lowest seq of lane that is due for resend, and
// false when none is.
func (t *tracker) lowestDue(lane buffer.Lane) (uint64, bool) {
	if t.due[lane] == 0 {
		return 0, false
	}
	var low uint64
	found := false
	for seq, r := range t.records {
		if r.lane == lane && r.state == dueForResend && (!found || seq < low) {
			low, found = seq, true
		}
	}
	return low, found
}

func (t *tracker) isDue(seq uint64) bool {
	r := t.records[seq]
	return r != nil && r.state == dueForResend
}

// dropMissingDue stops tracking the due records of lane up to upTo that a
// read of the upload queue did not return: they left the queue without
// an ack, which only eviction does.
func (t *tracker) dropMissingDue(lane buffer.Lane, returned []buffer.Record, upTo uint64) int {
	got := make(map[uint64]bool, len(returned))
	for _, r := range returned {
		got[r.Seq] = true
	}
	var gone []uint64
	for seq, r := range t.records {
		if r.lane == lane && r.state == dueForResend && seq <= upTo && !got[seq] {
			gone = append(gone, seq)
		}
	}
	t.remove(gone)
	return len(gone)
}
