package buffer

import (
	"io"
	"log/slog"
	"math"
	"testing"
	"time"
)

// fakeClock is a settable clock for append stamps and max age.
type fakeClock struct{ now time.Time }

func (c *fakeClock) Now() time.Time { return c.now }

func openRetention(t *testing.T, clock *fakeClock, r Retention) *Buffer {
	t.Helper()
	b, err := Open(Options{Path: t.TempDir(), SyncInterval: 50 * time.Millisecond,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), Retention: r, Now: clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { b.Close() })
	return b
}

// evictWithBudget sets the byte budget to num/den of the store's size now
// and runs one eviction pass.
func evictWithBudget(t *testing.T, b *Buffer, num, den int64) Eviction {
	t.Helper()
	used, err := b.store.size()
	if err != nil {
		t.Fatal(err)
	}
	b.opts.Retention.MaxBytes = used * num / den
	ev, err := b.Evict()
	if err != nil {
		t.Fatal(err)
	}
	return ev
}

// ackAll acknowledges every record of lane up to seq upTo, synced first
// because Pending returns only durable records.
func ackAll(t *testing.T, b *Buffer, lane Lane, upTo uint64) {
	t.Helper()
	if err := b.Sync(); err != nil {
		t.Fatal(err)
	}
	recs, err := b.Pending(lane, math.MaxInt32, nil)
	if err != nil {
		t.Fatal(err)
	}
	var seqs []uint64
	for _, r := range recs {
		if r.Seq <= upTo {
			seqs = append(seqs, r.Seq)
		}
	}
	if err := b.Ack(lane, seqs); err != nil {
		t.Fatal(err)
	}
}

func storedSeqs(t *testing.T, b *Buffer) map[uint64]Lane {
	t.Helper()
	out := map[uint64]Lane{}
	if err := b.Scan(func(r Record) error { out[r.Seq] = r.Lane; return nil }); err != nil {
		t.Fatal(err)
	}
	return out
}

// TestEvictOverBudget fills the store with uploaded telemetry, pending
// telemetry and events, then sets the budget to half the measured size.
func TestEvictOverBudget(t *testing.T) {
	clock := &fakeClock{now: time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)}
	var reported []Eviction
	b := openRetention(t, clock, Retention{OnEvict: func(e Eviction) { reported = append(reported, e) }})

	payload := make([]byte, 200)
	var batch []Entry
	for i := range 4000 {
		lane := Telemetry
		if i%100 == 0 {
			lane = Events
		}
		batch = append(batch, Entry{Lane: lane, Payload: payload})
	}
	if _, err := b.Append(batch); err != nil {
		t.Fatal(err)
	}
	// Seqs 1-2000 are uploaded, 2001-4000 wait for upload.
	ackAll(t, b, Telemetry, 2000)
	ackAll(t, b, Events, 2000)

	// Evicting down to 90 % of three quarters takes about a third of the
	// records, fewer than the 1980 uploaded telemetry records.
	ev := evictWithBudget(t, b, 3, 4)

	tel := ev.Lanes[Telemetry]
	if tel == nil || tel.Count == 0 {
		t.Fatalf("no telemetry evicted: %s", ev)
	}
	if ev.Lanes[Events] != nil {
		t.Errorf("events evicted while uploaded telemetry was left: %s", ev)
	}
	if tel.BeforeUpload != 0 {
		t.Errorf("%d pending records evicted while uploaded ones were left: %s", tel.BeforeUpload, ev)
	}
	if tel.FirstSeq != 2 {
		t.Errorf("first evicted seq = %d, want 2 (oldest telemetry)", tel.FirstSeq)
	}
	if len(ev.Reasons) != 1 || ev.Reasons[0] != "max_bytes" {
		t.Errorf("reasons = %v, want [max_bytes]", ev.Reasons)
	}

	stored := storedSeqs(t, b)
	for seq := uint64(1); seq <= 4000; seq++ {
		lane, kept := stored[seq]
		wasEvent := (seq-1)%100 == 0
		switch {
		case wasEvent && !kept:
			t.Fatalf("event %d evicted", seq)
		case !wasEvent && seq <= tel.LastSeq && kept:
			t.Fatalf("telemetry %d kept although newer telemetry %d was evicted", seq, tel.LastSeq)
		case !wasEvent && seq > tel.LastSeq && !kept:
			t.Fatalf("telemetry %d evicted, beyond the last reported seq %d", seq, tel.LastSeq)
		case kept && wasEvent != (lane == Events):
			t.Fatalf("record %d has lane %s", seq, lane)
		}
	}
	if got := 4000 - len(stored); got != tel.Count {
		t.Errorf("records removed = %d, eviction reports %d", got, tel.Count)
	}
	if len(reported) != 1 || reported[0].Total() != tel.Count {
		t.Errorf("OnEvict calls = %v, want one with %d records", reported, tel.Count)
	}
	if got := b.Stats().Pending[Telemetry]; got != 2000-20 {
		t.Errorf("pending telemetry = %d, want %d", got, 2000-20)
	}
}

// TestEvictBeforeUploadWhenForced sets a budget that only evicting pending
// records can meet, and checks they are counted as evicted before upload.
func TestEvictBeforeUploadWhenForced(t *testing.T) {
	clock := &fakeClock{now: time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)}
	b := openRetention(t, clock, Retention{})
	payload := make([]byte, 200)
	var batch []Entry
	for range 3000 {
		batch = append(batch, Entry{Lane: Telemetry, Payload: payload})
	}
	batch = append(batch, Entry{Lane: Events, Payload: payload})
	if _, err := b.Append(batch); err != nil {
		t.Fatal(err)
	}
	ev := evictWithBudget(t, b, 1, 2)
	tel := ev.Lanes[Telemetry]
	if tel == nil || tel.BeforeUpload == 0 || tel.BeforeUpload != tel.Count {
		t.Fatalf("eviction = %s; want only telemetry, all counted before upload", ev)
	}
	if ev.Lanes[Events] != nil {
		t.Errorf("the event was evicted while telemetry was left: %s", ev)
	}
	if got, want := b.Stats().Pending[Telemetry], 3000-tel.Count; got != want {
		t.Errorf("pending telemetry = %d, want %d", got, want)
	}
	recs, err := b.Pending(Telemetry, 1, nil)
	if err != nil || len(recs) != 1 || recs[0].Seq != uint64(tel.Count+1) {
		t.Errorf("first pending telemetry = %+v, %v; want seq %d", recs, err, tel.Count+1)
	}
}

// TestEvictByAge checks that uploaded records older than MaxAge go and that
// pending and recent records stay.
func TestEvictByAge(t *testing.T) {
	start := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	clock := &fakeClock{now: start}
	var reported []Eviction
	b := openRetention(t, clock, Retention{MaxAge: 30 * 24 * time.Hour, OnEvict: func(e Eviction) { reported = append(reported, e) }})

	// Day 0: seqs 1-10 telemetry, 11 event. Day 10: 12-21 telemetry.
	// Day 20: 22-31 telemetry, never uploaded.
	if _, err := b.Append(append(entries(Telemetry, 10, "d0"), entries(Events, 1, "d0e")...)); err != nil {
		t.Fatal(err)
	}
	clock.now = start.Add(10 * 24 * time.Hour)
	if _, err := b.Append(entries(Telemetry, 10, "d10")); err != nil {
		t.Fatal(err)
	}
	ackAll(t, b, Telemetry, 21)
	ackAll(t, b, Events, 21)
	clock.now = start.Add(20 * 24 * time.Hour)
	if _, err := b.Append(entries(Telemetry, 10, "d20")); err != nil {
		t.Fatal(err)
	}

	clock.now = start.Add(30*24*time.Hour - time.Minute)
	if ev, err := b.Evict(); err != nil || ev.Total() != 0 {
		t.Fatalf("eviction before 30 days = %s, %v; want none", ev, err)
	}

	clock.now = start.Add(35 * 24 * time.Hour)
	ev, err := b.Evict()
	if err != nil {
		t.Fatal(err)
	}
	tel, events := ev.Lanes[Telemetry], ev.Lanes[Events]
	if tel == nil || tel.Count != 10 || tel.FirstSeq != 1 || tel.LastSeq != 10 || tel.BeforeUpload != 0 {
		t.Errorf("telemetry eviction = %+v, want seqs 1-10, none before upload", tel)
	}
	if events == nil || events.Count != 1 || events.FirstSeq != 11 {
		t.Errorf("event eviction = %+v, want seq 11", events)
	}
	if len(ev.Reasons) != 1 || ev.Reasons[0] != "max_age" {
		t.Errorf("reasons = %v, want [max_age]", ev.Reasons)
	}

	// At day 60 the day-10 records are old and go; the day-20 records are
	// old too but still wait for upload, so they stay.
	clock.now = start.Add(60 * 24 * time.Hour)
	ev, err = b.Evict()
	if err != nil {
		t.Fatal(err)
	}
	if tel := ev.Lanes[Telemetry]; tel == nil || tel.Count != 10 || tel.FirstSeq != 12 || tel.LastSeq != 21 {
		t.Errorf("second eviction = %s, want telemetry seqs 12-21", ev)
	}
	stored := storedSeqs(t, b)
	if len(stored) != 10 {
		t.Errorf("stored records = %d, want the 10 pending ones", len(stored))
	}
	for seq := uint64(22); seq <= 31; seq++ {
		if _, ok := stored[seq]; !ok {
			t.Errorf("pending record %d evicted by age", seq)
		}
	}
	if len(reported) != 2 {
		t.Errorf("OnEvict called %d times, want 2", len(reported))
	}
}

// TestStampsSurviveReopen checks that append times are kept across a
// restart, so age retention still finds old records.
func TestStampsSurviveReopen(t *testing.T) {
	start := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	clock := &fakeClock{now: start}
	dir := t.TempDir()
	opts := Options{Path: dir, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), Now: clock.Now,
		Retention: Retention{MaxAge: 30 * 24 * time.Hour}}
	b, err := Open(opts)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := b.Append(entries(Telemetry, 5, "old")); err != nil {
		t.Fatal(err)
	}
	ackAll(t, b, Telemetry, 5)
	if err := b.Close(); err != nil {
		t.Fatal(err)
	}

	clock.now = start.Add(40 * 24 * time.Hour)
	b, err = Open(opts)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	if _, err := b.Append(entries(Telemetry, 5, "new")); err != nil {
		t.Fatal(err)
	}
	ev, err := b.Evict()
	if err != nil {
		t.Fatal(err)
	}
	if tel := ev.Lanes[Telemetry]; tel == nil || tel.Count != 5 || tel.LastSeq != 5 {
		t.Errorf("eviction after reopen = %s, want telemetry seqs 1-5", ev)
	}
}
