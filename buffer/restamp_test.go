package buffer

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// The payloads of these tests are "tag@unixns": the record's time, which
// shiftPayload moves as a gateway's Rewrite moves a record's time.

func stampedEntry(lane Lane, point string, tag string, at time.Time) Entry {
	return Entry{Lane: lane, Point: point, Time: at, Payload: fmt.Appendf(nil, "%s@%d", tag, at.UnixNano())}
}

func payloadTime(t *testing.T, payload []byte) time.Time {
	t.Helper()
	_, ns, ok := strings.Cut(string(payload), "@")
	if !ok {
		t.Fatalf("payload %q has no time", payload)
	}
	n, err := strconv.ParseInt(ns, 10, 64)
	if err != nil {
		t.Fatalf("payload %q: %v", payload, err)
	}
	return time.Unix(0, n)
}

// shiftPayload returns a Rewrite that moves a payload's time by shift,
// except for tags in keep.
func shiftPayload(shift time.Duration, keep ...string) func([]byte) ([]byte, bool) {
	return func(payload []byte) ([]byte, bool) {
		tag, ns, ok := strings.Cut(string(payload), "@")
		if !ok {
			return nil, false
		}
		for _, k := range keep {
			if tag == k {
				return nil, false
			}
		}
		n, err := strconv.ParseInt(ns, 10, 64)
		if err != nil {
			return nil, false
		}
		return fmt.Appendf(nil, "%s@%d", tag, time.Unix(0, n).Add(shift).UnixNano()), true
	}
}

func recordsBySeq(t *testing.T, b *Buffer) map[uint64]Record {
	t.Helper()
	out := map[uint64]Record{}
	if err := b.Scan(func(r Record) error { out[r.Seq] = r; return nil }); err != nil {
		t.Fatal(err)
	}
	return out
}

// checkIndexMatchesRecords fails unless the point's index keys are exactly
// one per record of the point, each at its record's index time.
func checkIndexMatchesRecords(t *testing.T, b *Buffer, point string) {
	t.Helper()
	want := map[uint64]int64{}
	for seq, r := range recordsBySeq(t, b) {
		if r.Point == point {
			want[seq] = r.Time.UnixNano()
		}
	}
	got := map[uint64]int64{}
	from := historyPos{ns: math.MinInt64}
	for {
		items, err := b.store.history(point, from, math.MaxInt64, historyBatch)
		if err != nil {
			t.Fatal(err)
		}
		for _, it := range items {
			if _, dup := got[it.pos.seq]; dup {
				t.Errorf("seq %d has two index keys", it.pos.seq)
			}
			got[it.pos.seq] = it.pos.ns
		}
		if len(items) < historyBatch {
			break
		}
		last := items[len(items)-1].pos
		from = historyPos{ns: last.ns, seq: last.seq + 1}
	}
	for seq, ns := range want {
		if got[seq] != ns {
			t.Errorf("seq %d: index time %v, want the record's %v", seq, time.Unix(0, got[seq]).UTC(), time.Unix(0, ns).UTC())
		}
	}
	if len(got) != len(want) {
		t.Errorf("%d index keys for %s, want %d", len(got), point, len(want))
	}
}

func TestRestampQueuedRecordsOnly(t *testing.T) {
	dir := t.TempDir()
	b := openTest(t, dir)
	boot := time.Date(1970, 1, 1, 0, 5, 0, 0, time.UTC)
	var in []Entry
	for i := range 10 {
		in = append(in, stampedEntry(Telemetry, "GT-1", fmt.Sprint("s", i+1), boot.Add(time.Duration(i)*time.Second)))
	}
	if _, err := b.Append(in); err != nil {
		t.Fatal(err)
	}
	if err := b.Sync(); err != nil {
		t.Fatal(err)
	}
	if err := b.Ack(Telemetry, []uint64{1, 2, 3}); err != nil {
		t.Fatal(err)
	}
	step := 56 * 365 * 24 * time.Hour

	n, err := b.Restamp(context.Background(), RestampRequest{From: 1, To: 8, Shift: step, Rewrite: shiftPayload(step, "s6")})
	if err != nil {
		t.Fatal(err)
	}
	// Seqs 4, 5, 7 and 8: 1-3 are uploaded, Rewrite rejects 6, and 9-10
	// are outside the range.
	if n != 4 {
		t.Errorf("Restamp = %d records, want 4", n)
	}
	if err := b.Close(); err != nil {
		t.Fatal(err)
	}
	b = openTest(t, dir)
	defer b.Close()
	got := recordsBySeq(t, b)
	for seq := uint64(1); seq <= 10; seq++ {
		want := boot.Add(time.Duration(seq-1) * time.Second)
		if seq == 4 || seq == 5 || seq == 7 || seq == 8 {
			want = want.Add(step)
		}
		r := got[seq]
		if !r.Time.Equal(want) {
			t.Errorf("seq %d: index time %v, want %v", seq, r.Time.UTC(), want.UTC())
		}
		if pt := payloadTime(t, r.Payload); !pt.Equal(want) {
			t.Errorf("seq %d: payload time %v, want %v", seq, pt.UTC(), want.UTC())
		}
		if r.Point != "GT-1" || r.Lane != Telemetry {
			t.Errorf("seq %d: point %q lane %s, want GT-1 telemetry", seq, r.Point, r.Lane)
		}
	}
	checkIndexMatchesRecords(t, b, "GT-1")
	history := historyOf(t, b, "GT-1", boot.Add(step), boot.Add(step+time.Hour))
	var seqs []uint64
	for _, r := range history {
		seqs = append(seqs, r.Seq)
	}
	if fmt.Sprint(seqs) != "[4 5 7 8]" {
		t.Errorf("history after the step = %v, want [4 5 7 8]", seqs)
	}
}

// TestRestampManyBatches re-stamps more queued records than one
// transaction takes, in both lanes, with unindexed and long-lived
// records among them, and checks the byte count that the buffer keeps.
func TestRestampManyBatches(t *testing.T) {
	dir := t.TempDir()
	b := openTest(t, dir)
	boot := time.Date(1970, 1, 1, 0, 0, 10, 0, time.UTC)
	const n = 3*maxBatch + 7
	var in []Entry
	for i := range n {
		at := boot.Add(time.Duration(i) * time.Millisecond)
		switch {
		case i%10 == 0:
			e := stampedEntry(Events, "events", fmt.Sprint("e", i), at)
			e.KeepFor = KeepLightning
			in = append(in, e)
		case i%7 == 0:
			in = append(in, stampedEntry(Telemetry, "", fmt.Sprint("u", i), at))
		default:
			in = append(in, stampedEntry(Telemetry, "GT-2", fmt.Sprint("s", i), at))
		}
	}
	if _, err := b.Append(in); err != nil {
		t.Fatal(err)
	}
	step := -90 * time.Minute

	restamped, err := b.Restamp(context.Background(), RestampRequest{From: 1, To: n, Shift: step, Rewrite: shiftPayload(step)})
	if err != nil {
		t.Fatal(err)
	}
	if restamped != n {
		t.Errorf("Restamp = %d records, want %d", restamped, n)
	}
	bytesBefore := b.recordBytes
	if err := b.Close(); err != nil {
		t.Fatal(err)
	}
	b = openTest(t, dir)
	defer b.Close()
	if b.recordBytes != bytesBefore {
		t.Errorf("record bytes after reopen = %d, want the %d counted by Restamp", b.recordBytes, bytesBefore)
	}
	for seq, r := range recordsBySeq(t, b) {
		want := in[seq-1].Time.Add(step)
		if pt := payloadTime(t, r.Payload); !pt.Equal(want) {
			t.Errorf("seq %d: payload time %v, want %v", seq, pt.UTC(), want.UTC())
		}
		if r.Point != "" && !r.Time.Equal(want) {
			t.Errorf("seq %d: index time %v, want %v", seq, r.Time.UTC(), want.UTC())
		}
		if r.KeepFor != in[seq-1].KeepFor {
			t.Errorf("seq %d: KeepFor %v, want %v", seq, r.KeepFor, in[seq-1].KeepFor)
		}
	}
	checkIndexMatchesRecords(t, b, "GT-2")
	checkIndexMatchesRecords(t, b, "events")
}

// Without AppendTimes, records appended before a forward step look
// decades old on the new clock, so age retention removes them once
// uploaded. With it they keep their real age.
func TestRestampAppendTimes(t *testing.T) {
	for _, appendTimes := range []bool{false, true} {
		t.Run(fmt.Sprint("AppendTimes=", appendTimes), func(t *testing.T) {
			boot := time.Date(1970, 1, 1, 0, 0, 30, 0, time.UTC)
			clock := &fakeClock{now: boot}
			b := openRetention(t, clock, Retention{MaxAge: 30 * day})
			if _, err := b.Append(entries(Telemetry, 5, "t")); err != nil {
				t.Fatal(err)
			}
			clock.now = boot.Add(2 * stampEvery)
			if _, err := b.Append(entries(Telemetry, 5, "u")); err != nil {
				t.Fatal(err)
			}
			step := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC).Sub(clock.now)
			clock.now = clock.now.Add(step)
			_, err := b.Restamp(context.Background(), RestampRequest{From: 1, To: 10, Shift: step, AppendTimes: appendTimes,
				Rewrite: func(p []byte) ([]byte, bool) { return p, true }})
			if err != nil {
				t.Fatal(err)
			}
			ackAll(t, b, Telemetry, 10)
			clock.now = clock.now.Add(time.Hour)

			ev, err := b.Evict()
			if err != nil {
				t.Fatal(err)
			}
			want := 10
			if appendTimes {
				want = 0
			}
			if ev.Total() != want {
				t.Errorf("eviction an hour after the step = %s, want %d records", ev, want)
			}
		})
	}
}

func TestRestampStopsWhenContextEnds(t *testing.T) {
	b := openTest(t, t.TempDir())
	defer b.Close()
	if _, err := b.Append(entries(Telemetry, 10, "t")); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	n, err := b.Restamp(ctx, RestampRequest{From: 1, To: 10, Rewrite: func(p []byte) ([]byte, bool) { return p, true }})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("Restamp with an ended context = %d, %v; want context.Canceled", n, err)
	}
	if n != 0 {
		t.Errorf("Restamp with an ended context rewrote %d records, want 0", n)
	}
}

func TestRestampRejectsMissingRewrite(t *testing.T) {
	b := openTest(t, t.TempDir())
	defer b.Close()
	if _, err := b.Restamp(context.Background(), RestampRequest{From: 1, To: 10}); !errors.Is(err, errNoRewrite) {
		t.Errorf("Restamp without Rewrite = %v, want errNoRewrite", err)
	}
}

func TestRestampAfterCloseFails(t *testing.T) {
	b := openTest(t, t.TempDir())
	if _, err := b.Append(entries(Telemetry, 2, "t")); err != nil {
		t.Fatal(err)
	}
	if err := b.Close(); err != nil {
		t.Fatal(err)
	}
	_, err := b.Restamp(context.Background(), RestampRequest{From: 1, To: 2, Rewrite: func(p []byte) ([]byte, bool) { return p, true }})
	if !errors.Is(err, ErrClosed) {
		t.Errorf("Restamp after Close = %v, want ErrClosed", err)
	}
}

// TestRestampWhileAppendingAndAcking runs a re-stamp beside appends and
// acks, as a gateway does while it corrects a clock step, and checks that
// the index still matches the records.
func TestRestampWhileAppendingAndAcking(t *testing.T) {
	b := openTest(t, t.TempDir())
	defer b.Close()
	boot := time.Date(1970, 1, 1, 0, 1, 0, 0, time.UTC)
	var in []Entry
	for i := range 2000 {
		in = append(in, stampedEntry(Telemetry, "GT-3", fmt.Sprint("s", i), boot.Add(time.Duration(i)*time.Millisecond)))
	}
	if _, err := b.Append(in); err != nil {
		t.Fatal(err)
	}

	var wg sync.WaitGroup
	wg.Go(func() {
		for i := range 50 {
			at := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(i) * time.Millisecond)
			if _, err := b.Append([]Entry{stampedEntry(Telemetry, "GT-3", "new", at)}); err != nil {
				t.Error(err)
				return
			}
			if err := b.Ack(Telemetry, []uint64{uint64(i*40 + 1)}); err != nil {
				t.Error(err)
				return
			}
		}
	})
	step := time.Hour
	if _, err := b.Restamp(context.Background(), RestampRequest{From: 1, To: 2000, Shift: step, Rewrite: shiftPayload(step)}); err != nil {
		t.Fatal(err)
	}
	wg.Wait()

	checkIndexMatchesRecords(t, b, "GT-3")
	for seq, r := range recordsBySeq(t, b) {
		if pt := payloadTime(t, r.Payload); !pt.Equal(r.Time) {
			t.Errorf("seq %d: payload time %v, index time %v; want them equal", seq, pt.UTC(), r.Time.UTC())
		}
	}
}
