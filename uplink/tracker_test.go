package uplink

import (
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/plantgw/plantgw/buffer"
)

func TestTrackerResendCycle(t *testing.T) {
	tr := newTracker()
	t0 := time.Unix(1_800_000_000, 0)
	tr.published(buffer.Telemetry, []uint64{1, 2, 3})
	tr.published(buffer.Events, []uint64{4})
	tr.pubacked([]uint64{1, 2, 3, 4}, t0.Add(time.Second))

	if n := tr.expire(t0.Add(500 * time.Millisecond)); n != 0 {
		t.Fatalf("expire before the deadline moved %d records", n)
	}
	byLane, unknown := tr.acknowledge([]seqRange{{2, 2}, {100, 109}})
	if !slices.Equal(byLane[buffer.Telemetry], []uint64{2}) || unknown != 10 {
		t.Fatalf("acknowledge = %v, %d unknown; want telemetry [2] and 10 unknown", byLane, unknown)
	}
	if n := tr.expire(t0.Add(time.Second)); n != 3 {
		t.Fatalf("expire at the deadline moved %d records, want 3 (1, 3 and 4)", n)
	}
	if low, ok := tr.lowestDue(buffer.Telemetry); !ok || low != 1 {
		t.Errorf("lowestDue(telemetry) = %d, %v; want 1", low, ok)
	}
	if tr.due[buffer.Telemetry] != 2 || tr.due[buffer.Events] != 1 {
		t.Errorf("due = %v, want 2 telemetry and 1 event", tr.due)
	}

	tr.published(buffer.Telemetry, []uint64{1})
	if tr.isDue(1) || !tr.isDue(3) {
		t.Errorf("after resending 1: isDue(1) = %v, isDue(3) = %v; want false, true", tr.isDue(1), tr.isDue(3))
	}
	if got := tr.dropMissingDue(buffer.Telemetry, nil, 10); got != 1 {
		t.Errorf("dropMissingDue removed %d records, want 1 (seq 3)", got)
	}
	if tr.due[buffer.Telemetry] != 0 || tr.len() != 2 {
		t.Errorf("after the drop: due %v, %d tracked; want 0 telemetry due and 2 tracked (1 and 4)", tr.due, tr.len())
	}
}

// A platform ack may arrive before the PUBACK: the record is then gone
// when the PUBACK comes and must not start an ack deadline.
func TestTrackerAckBeforePUBACK(t *testing.T) {
	tr := newTracker()
	tr.published(buffer.Telemetry, []uint64{1, 2})
	tr.acknowledge([]seqRange{{1, 2}})
	tr.pubacked([]uint64{1, 2}, time.Unix(1, 0))
	if tr.len() != 0 || !tr.nextExpiry.IsZero() {
		t.Errorf("%d tracked, next expiry %v; want none", tr.len(), tr.nextExpiry)
	}
}

// acknowledge steps through the ranges or through the tracker, whichever
// is smaller; both ways must give the same result.
func TestTrackerAcknowledgeWideRange(t *testing.T) {
	for _, ranges := range [][]seqRange{{{1, maxAckSeq}}, {{5, 7}}} {
		tr := newTracker()
		tr.published(buffer.Telemetry, []uint64{5, 6, 7, 8})
		byLane, unknown := tr.acknowledge(ranges)
		want := []uint64{5, 6, 7}
		if ranges[0].last == maxAckSeq {
			want = []uint64{5, 6, 7, 8}
		}
		got := slices.Sorted(slices.Values(byLane[buffer.Telemetry]))
		if !slices.Equal(got, want) {
			t.Errorf("acknowledge(%v) = %v, want %v", ranges, got, want)
		}
		if wantUnknown := ranges[0].width() - uint64(len(want)); unknown != wantUnknown {
			t.Errorf("acknowledge(%v) unknown = %d, want %d", ranges, unknown, wantUnknown)
		}
	}
}

// TestTrackerRandomOperations applies random publishes, PUBACKs, acks,
// expiries and drops, and checks after each that the per-lane due counts
// match the records and that nextExpiry is not after any deadline.
func TestTrackerRandomOperations(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	tr := newTracker()
	now := time.Unix(1_800_000_000, 0)
	lanes := []buffer.Lane{buffer.Events, buffer.Telemetry}
	randomSeqs := func() []uint64 {
		seqs := make([]uint64, 1+rng.IntN(5))
		for i := range seqs {
			seqs[i] = 1 + rng.Uint64N(40)
		}
		return seqs
	}
	for step := range 20_000 {
		// A seq belongs to one lane: odd seqs are events.
		seqs := randomSeqs()
		lane := lanes[seqs[0]%2]
		seqs = slices.DeleteFunc(seqs, func(s uint64) bool { return lanes[s%2] != lane })
		switch op := rng.IntN(6); op {
		case 0:
			tr.published(lane, seqs)
		case 1:
			tr.pubacked(seqs, now.Add(time.Duration(1+rng.IntN(5))*time.Second))
		case 2:
			first := 1 + rng.Uint64N(40)
			tr.acknowledge([]seqRange{{first, first + rng.Uint64N(4)}})
		case 3:
			now = now.Add(time.Duration(rng.IntN(1500)) * time.Millisecond)
			tr.expire(now)
		case 4:
			tr.remove(seqs)
		case 5:
			tr.dropMissingDue(lane, nil, rng.Uint64N(41))
		}

		due := map[buffer.Lane]int{}
		for seq, r := range tr.records {
			if r.lane != lanes[seq%2] {
				t.Fatalf("step %d: seq %d tracked in lane %s", step, seq, r.lane)
			}
			if r.state == dueForResend {
				due[r.lane]++
			}
			if r.state == awaitingAck && (tr.nextExpiry.IsZero() || r.deadline.Before(tr.nextExpiry)) {
				t.Fatalf("step %d: seq %d awaits an ack until %v, before nextExpiry %v", step, seq, r.deadline, tr.nextExpiry)
			}
		}
		for _, l := range lanes {
			if tr.due[l] != due[l] {
				t.Fatalf("step %d: due[%s] = %d, but %d records are due", step, l, tr.due[l], due[l])
			}
		}
	}
}
