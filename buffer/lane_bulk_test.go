package buffer

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"
)

// TestBulkPendingAckAndReopen queues bulk records between telemetry and
// events, acknowledges some and checks the bulk queue before and after a
// reopen.
func TestBulkPendingAckAndReopen(t *testing.T) {
	dir := t.TempDir()
	b := openTest(t, dir)
	// Seqs 1-3 telemetry, 4-8 bulk, 9 event, 10-11 bulk.
	for _, batch := range [][]Entry{entries(Telemetry, 3, "t"), entries(Bulk, 5, "b"), entries(Events, 1, "e"), entries(Bulk, 2, "c")} {
		if _, err := b.Append(batch); err != nil {
			t.Fatal(err)
		}
	}
	if err := b.Sync(); err != nil {
		t.Fatal(err)
	}

	recs, err := b.Pending(Bulk, 10, nil)
	if got, want := pendingSeqs(t, recs, err), []uint64{4, 5, 6, 7, 8, 10, 11}; !slices.Equal(got, want) {
		t.Fatalf("pending bulk = %v, want %v", got, want)
	}
	if recs[0].Lane != Bulk || string(recs[0].Payload) != "b-0" {
		t.Errorf("first bulk record = lane %s payload %q, want lane bulk payload b-0", recs[0].Lane, recs[0].Payload)
	}
	if err := b.Ack(Bulk, []uint64{4, 5, 10, 9}); err != nil {
		t.Fatal(err)
	}
	st := b.Stats()
	if st.Pending[Bulk] != 4 {
		t.Errorf("pending bulk after ack = %d, want 4", st.Pending[Bulk])
	}
	if st.Pending[Events] != 1 || st.Pending[Telemetry] != 3 {
		t.Errorf("pending events %d telemetry %d after a bulk ack, want 1 and 3: an ack of seq 9 in the bulk lane must not touch the event",
			st.Pending[Events], st.Pending[Telemetry])
	}
	if err := b.Close(); err != nil {
		t.Fatal(err)
	}

	b = openTest(t, dir)
	defer b.Close()
	if got := b.Stats().Pending[Bulk]; got != 4 {
		t.Errorf("pending bulk after reopen = %d, want 4", got)
	}
	recs, err = b.PendingFrom(Bulk, 7, 10, nil)
	if got, want := pendingSeqs(t, recs, err), []uint64{7, 8, 11}; !slices.Equal(got, want) {
		t.Errorf("bulk PendingFrom(7) after reopen = %v, want %v", got, want)
	}
	first, err := b.Append(entries(Bulk, 1, "d"))
	if err != nil || first != 12 {
		t.Errorf("bulk append after reopen: seq %d, %v; want 12", first, err)
	}
}

// laneRecord is the part of a stored record that TestEvictOrderThreeLanes checks.
type laneRecord struct {
	class evictionClass
	bytes int64
}

// threeLaneStore appends telemetry, bulk and events interleaved, so that
// seq order differs from eviction order, acknowledges every other record
// of each lane, and adds two long-lived telemetry records. It returns
// each record's eviction class and stored length.
func threeLaneStore(t *testing.T, b *Buffer) map[uint64]laneRecord {
	t.Helper()
	small, large := make([]byte, 200), make([]byte, 6000)
	var batch []Entry
	for i := range 600 {
		switch {
		case i%20 == 7:
			batch = append(batch, Entry{Lane: Bulk, Payload: large})
		case i%4 == 1:
			batch = append(batch, Entry{Lane: Events, Payload: small})
		default:
			batch = append(batch, Entry{Lane: Telemetry, Payload: small})
		}
	}
	batch = append(batch, Entry{Lane: Telemetry, Payload: small, KeepFor: KeepLightning},
		Entry{Lane: Telemetry, Payload: small, KeepFor: KeepLightning})
	if _, err := b.Append(batch); err != nil {
		t.Fatal(err)
	}

	out := map[uint64]laneRecord{}
	acks := map[Lane][]uint64{}
	seen := map[Lane]int{}
	for i, e := range batch {
		seq := uint64(i + 1)
		uploaded := seen[e.Lane]%2 == 0
		seen[e.Lane]++
		if uploaded {
			acks[e.Lane] = append(acks[e.Lane], seq)
		}
		out[seq] = laneRecord{class: evictionClass{lane: e.Lane, queued: !uploaded, longLived: e.KeepFor > 0}, bytes: storedLen(e)}
	}
	for lane, seqs := range acks {
		if err := b.Ack(lane, seqs); err != nil {
			t.Fatal(err)
		}
	}
	return out
}

// classBytes returns the stored length of each class's records.
func classBytes(recs map[uint64]laneRecord) map[evictionClass]int64 {
	out := map[evictionClass]int64{}
	for _, r := range recs {
		out[r.class] += r.bytes
	}
	return out
}

// wantSpaceOrder is the eviction order that regulation sets for the byte
// budget, written out apart from spaceOrder so that a change to it fails
// the test.
var wantSpaceOrder = []evictionClass{
	{Telemetry, false, false}, {Telemetry, true, false},
	{Bulk, false, false}, {Bulk, true, false},
	{Events, false, false}, {Events, true, false},
	{Telemetry, false, true}, {Telemetry, true, true},
	{Bulk, false, true}, {Bulk, true, true},
	{Events, false, true}, {Events, true, true},
}

// checkEvictedInOrder checks that the records a pass removed are every
// record of the classes before boundary in wantSpaceOrder, the oldest
// records of class boundary, and none of the later classes.
func checkEvictedInOrder(t *testing.T, recs map[uint64]laneRecord, stored map[uint64]Lane, boundary int) {
	t.Helper()
	position := map[evictionClass]int{}
	for i, c := range wantSpaceOrder {
		position[c] = i
	}
	seqs := make([]uint64, 0, len(recs))
	for seq := range recs {
		seqs = append(seqs, seq)
	}
	slices.Sort(seqs)
	keptInBoundary := false
	for _, seq := range seqs {
		r := recs[seq]
		_, kept := stored[seq]
		pos := position[r.class]
		switch {
		case pos < boundary && kept:
			t.Errorf("seq %d (%s) kept, but the pass reached the later class %s", seq, describeClass(r.class), describeClass(wantSpaceOrder[boundary]))
		case pos > boundary && !kept:
			t.Errorf("seq %d (%s) evicted before the earlier class %s was used up", seq, describeClass(r.class), describeClass(wantSpaceOrder[boundary]))
		case pos == boundary && kept:
			keptInBoundary = true
		case pos == boundary && keptInBoundary:
			t.Errorf("seq %d (%s) evicted although an older record of its class was kept", seq, describeClass(r.class))
		}
	}
}

func describeClass(c evictionClass) string {
	state := "uploaded"
	if c.queued {
		state = "queued"
	}
	if c.longLived {
		state += " long-lived"
	}
	return fmt.Sprintf("%s %s", state, c.lane)
}

// TestEvictOrderThreeLanes runs one byte-budget pass for each of several
// budgets, each on a fresh store of telemetry, bulk and events. Each
// budget ends the pass in the middle of one class. The pass must remove
// every record of the classes before it, in the order telemetry, bulk,
// events (uploaded before queued in each lane), then the oldest records
// of that class, and nothing else.
func TestEvictOrderThreeLanes(t *testing.T) {
	for boundary, class := range wantSpaceOrder[:6] {
		t.Run(describeClass(class), func(t *testing.T) {
			clock := &fakeClock{now: time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)}
			b := openRetention(t, clock, Retention{})
			recs := threeLaneStore(t, b)
			sizes := classBytes(recs)
			if sizes[class] == 0 {
				t.Fatalf("the store has no %s records", describeClass(class))
			}

			// A pass evicts target = recordBytes × (1 - 0.9 × MaxBytes/used)
			// of stored length, so this budget ends it halfway into class.
			var before int64
			for _, c := range wantSpaceOrder[:boundary] {
				before += sizes[c]
			}
			target := float64(before) + float64(sizes[class])/2
			used, err := b.store.size()
			if err != nil {
				t.Fatal(err)
			}
			fraction := (1 - target/float64(b.recordBytes)) / 0.9
			b.opts.Retention.MaxBytes = int64(float64(used) * fraction)

			ev, err := b.Evict()
			if err != nil {
				t.Fatal(err)
			}
			checkEvictedInOrder(t, recs, storedSeqs(t, b), boundary)

			summary := ev.String()
			if !strings.Contains(summary, " bulk ") {
				t.Errorf("eviction summary %q does not name the bulk lane", summary)
			}
			bulk := ev.Lanes[Bulk]
			if boundary < 2 && bulk != nil {
				t.Errorf("bulk evicted while telemetry was left: %s", summary)
			}
			if boundary >= 2 && (bulk == nil || bulk.Count == 0) {
				t.Errorf("no bulk evicted by a pass that reached %s: %s", describeClass(class), summary)
			}
			if boundary >= 4 && bulk != nil && bulk.BeforeUpload != int(bulkQueued(recs)) {
				t.Errorf("bulk evicted before upload = %d, want all %d queued bulk records: %s", bulk.BeforeUpload, bulkQueued(recs), summary)
			}
			if got, want := b.Stats().Pending[Bulk], pendingAfter(recs, storedSeqs(t, b), Bulk); got != want {
				t.Errorf("pending bulk after the pass = %d, want %d", got, want)
			}
		})
	}
}

func bulkQueued(recs map[uint64]laneRecord) int64 {
	var n int64
	for _, r := range recs {
		if r.class.lane == Bulk && r.class.queued {
			n++
		}
	}
	return n
}

// pendingAfter counts lane's queued records that are still stored.
func pendingAfter(recs map[uint64]laneRecord, stored map[uint64]Lane, lane Lane) int {
	n := 0
	for seq, r := range recs {
		if _, kept := stored[seq]; kept && r.class.lane == lane && r.class.queued {
			n++
		}
	}
	return n
}

// TestEvictByAgeTreatsBulkLikeTelemetry checks that age retention removes
// uploaded bulk records like uploaded telemetry and keeps queued ones.
func TestEvictByAgeTreatsBulkLikeTelemetry(t *testing.T) {
	start := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	clock := &fakeClock{now: start}
	b := openRetention(t, clock, Retention{MaxAge: 30 * 24 * time.Hour})
	// Seqs 1-4 bulk, 5-6 telemetry, 7-8 bulk.
	for _, batch := range [][]Entry{entries(Bulk, 4, "b"), entries(Telemetry, 2, "t"), entries(Bulk, 2, "c")} {
		if _, err := b.Append(batch); err != nil {
			t.Fatal(err)
		}
	}
	if err := b.Ack(Bulk, []uint64{1, 2, 3, 7}); err != nil {
		t.Fatal(err)
	}
	ackAll(t, b, Telemetry, 6)

	clock.now = start.Add(31 * 24 * time.Hour)
	ev, err := b.Evict()
	if err != nil {
		t.Fatal(err)
	}
	bulk := ev.Lanes[Bulk]
	if bulk == nil || bulk.Count != 4 || bulk.FirstSeq != 1 || bulk.LastSeq != 7 || bulk.BeforeUpload != 0 {
		t.Errorf("bulk evicted by age = %+v, want the 4 uploaded records, seqs 1-7, none before upload", bulk)
	}
	if tel := ev.Lanes[Telemetry]; tel == nil || tel.Count != 2 {
		t.Errorf("telemetry evicted by age = %+v, want 2 records", tel)
	}
	stored := storedSeqs(t, b)
	if _, ok := stored[4]; !ok || len(stored) != 2 {
		t.Errorf("stored after the pass = %v, want only the queued bulk records 4 and 8", stored)
	}
}

// TestRestampCoversBulkLane checks that a re-stamp after a clock step
// rewrites queued bulk records too, and leaves acknowledged ones alone.
func TestRestampCoversBulkLane(t *testing.T) {
	b := openTest(t, t.TempDir())
	defer b.Close()
	if _, err := b.Append(append(entries(Bulk, 3, "b"), entries(Telemetry, 1, "t")...)); err != nil {
		t.Fatal(err)
	}
	if err := b.Ack(Bulk, []uint64{2}); err != nil {
		t.Fatal(err)
	}
	rewrite := func(p []byte) ([]byte, bool) { return append([]byte("new-"), p...), true }
	n, err := b.Restamp(context.Background(), RestampRequest{From: 1, To: 4, Shift: time.Hour, Rewrite: rewrite})
	if err != nil || n != 3 {
		t.Fatalf("Restamp = %d, %v; want 3 records (2 bulk, 1 telemetry)", n, err)
	}
	want := map[uint64]string{1: "new-b-0", 2: "b-1", 3: "new-b-2", 4: "new-t-0"}
	for seq, r := range recordsBySeq(t, b) {
		if string(r.Payload) != want[seq] {
			t.Errorf("seq %d payload = %q, want %q", seq, r.Payload, want[seq])
		}
	}
}
