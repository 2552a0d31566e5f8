package buffer

import (
	"fmt"
	"io"
	"log/slog"
	"testing"
	"time"
)

const day = 24 * time.Hour

// lightningEntry is a long-lived event as the gateway stores a lightning
// warning level change.
func lightningEntry(level int, at time.Time) Entry {
	return Entry{Lane: Events, Point: "LW-1.level", Time: at, KeepFor: KeepLightning,
		Payload: []byte(fmt.Sprintf("lightning level %d", level))}
}

// TestHistoryIndexEvictedWithRecords appends indexed samples for 90 days
// under a 30-day age limit and checks, after every eviction pass, that
// History returns exactly the kept records and that the index holds one
// key per kept indexed record.
func TestHistoryIndexEvictedWithRecords(t *testing.T) {
	start := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	clock := &fakeClock{now: start}
	b := openRetention(t, clock, Retention{MaxAge: 30 * day})
	points := []string{"GT-1", "GT-10", "LT-1"}

	maxIndexKeys := 0
	for d := range 90 {
		clock.now = start.Add(time.Duration(d) * day)
		var batch []Entry
		for hour := range 24 {
			for _, p := range points {
				batch = append(batch, indexedEntry(p, clock.now.Add(time.Duration(hour)*time.Hour)))
			}
		}
		batch = append(batch, Entry{Lane: Events, Payload: []byte("not indexed")})
		if _, err := b.Append(batch); err != nil {
			t.Fatal(err)
		}
		ackAll(t, b, Telemetry, b.Stats().LastSeq)
		ackAll(t, b, Events, b.Stats().LastSeq)
		if _, err := b.Evict(); err != nil {
			t.Fatal(err)
		}

		kept := 0
		if err := b.Scan(func(r Record) error {
			if r.Point != "" {
				kept++
			}
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		indexKeys := countIndexKeys(t, b)
		if indexKeys != kept {
			t.Fatalf("day %d: %d index keys for %d indexed records", d, indexKeys, kept)
		}
		maxIndexKeys = max(maxIndexKeys, indexKeys)
	}
	// 31 days of 72 samples at most: the index does not grow with the
	// 90 days appended.
	if limit := 31 * 24 * len(points); maxIndexKeys > limit {
		t.Errorf("index grew to %d keys, more than the %d of 31 days", maxIndexKeys, limit)
	}

	last := start.Add(89 * day)
	got := historyOf(t, b, "GT-1", start, last.Add(day))
	if len(got) != 30*24 && len(got) != 31*24 {
		t.Fatalf("History of GT-1 after eviction has %d records, want 30 or 31 days of 24", len(got))
	}
	oldest := last.Add(-31 * day)
	for i, r := range got {
		if r.Point != "GT-1" || r.Time.Before(oldest) {
			t.Fatalf("record %d: %s at %s, want GT-1 no older than %s", i, r.Point, r.Time, oldest)
		}
		if i > 0 && !r.Time.After(got[i-1].Time) {
			t.Fatalf("record %d at %s does not follow %s", i, r.Time, got[i-1].Time)
		}
	}
	if !got[len(got)-1].Time.Equal(last.Add(23 * time.Hour)) {
		t.Errorf("newest GT-1 record at %s, want %s", got[len(got)-1].Time, last.Add(23*time.Hour))
	}
}

// TestLongLivedKeptThreeYears checks that lightning events outlive other
// records under the 30-day age limit and go once 1095 days have passed.
func TestLongLivedKeptThreeYears(t *testing.T) {
	start := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	clock := &fakeClock{now: start}
	b := openRetention(t, clock, Retention{MaxAge: 30 * day})

	// Day 0: seqs 1-5 telemetry, 6-7 events, 8-9 lightning events.
	batch := append(entries(Telemetry, 5, "t"), entries(Events, 2, "e")...)
	batch = append(batch, lightningEntry(2, start), lightningEntry(3, start))
	if _, err := b.Append(batch); err != nil {
		t.Fatal(err)
	}
	ackAll(t, b, Telemetry, 9)
	ackAll(t, b, Events, 9)

	// A day of telemetry every 10 days, uploaded and aged out in turn,
	// stores a stamp each time.
	for d := 10; d <= 1100; d += 10 {
		clock.now = start.Add(time.Duration(d) * day)
		if _, err := b.Append(entries(Telemetry, 3, fmt.Sprintf("day%d", d))); err != nil {
			t.Fatal(err)
		}
		ackAll(t, b, Telemetry, b.Stats().LastSeq)
		ev, err := b.Evict()
		if err != nil {
			t.Fatal(err)
		}
		stored := storedSeqs(t, b)
		_, kept8 := stored[8]
		_, kept9 := stored[9]
		switch {
		case d < 1095 && (!kept8 || !kept9):
			t.Fatalf("day %d: lightning events evicted before 1095 days: %s", d, ev)
		case d >= 1100 && (kept8 || kept9):
			t.Fatalf("day %d: lightning events kept after 1095 days", d)
		case d >= 1100:
			if events := ev.Lanes[Events]; events == nil || events.LongLived != 2 {
				t.Errorf("day %d: eviction = %s, want the 2 lightning events counted as long-lived", d, ev)
			}
		}
		if d >= 40 {
			for seq := uint64(1); seq <= 7; seq++ {
				if _, ok := stored[seq]; ok {
					t.Fatalf("day %d: record %d kept past 30 days", d, seq)
				}
			}
		}
		// Stamps whose records are gone are trimmed, so the 3 years of
		// stamps kept below the lightning events stay few.
		if n := countStamps(t, b); n > 6 {
			t.Fatalf("day %d: %d append stamps stored, want at most 6", d, n)
		}
	}
}

// TestLongLivedEvictedLastUnderPressure fills the store with uploaded
// lightning events, then pending plain events, and sets a budget that
// evicts about half: only plain events go, although they wait for upload.
// A budget of 1 byte then evicts the lightning events too.
func TestLongLivedEvictedLastUnderPressure(t *testing.T) {
	start := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	clock := &fakeClock{now: start}
	b := openRetention(t, clock, Retention{})
	payload := make([]byte, 200)
	var batch []Entry
	for i := range 300 {
		e := lightningEntry(i%4, start.Add(time.Duration(i)*time.Second))
		e.Payload = payload
		batch = append(batch, e)
	}
	if _, err := b.Append(batch); err != nil {
		t.Fatal(err)
	}
	ackAll(t, b, Events, 300)
	batch = batch[:0]
	for range 1700 {
		batch = append(batch, Entry{Lane: Events, Payload: payload})
	}
	if _, err := b.Append(batch); err != nil {
		t.Fatal(err)
	}

	ev := evictWithBudget(t, b, 1, 2)
	events := ev.Lanes[Events]
	if events == nil || events.Count == 0 {
		t.Fatalf("nothing evicted over the budget: %s", ev)
	}
	if events.LongLived != 0 || events.FirstSeq != 301 {
		t.Errorf("eviction = %s, want plain events only, from seq 301", ev)
	}
	if events.BeforeUpload != events.Count {
		t.Errorf("eviction = %s, want every evicted event counted before upload", ev)
	}
	if got := len(historyOf(t, b, "LW-1.level", start, start.Add(day))); got != 300 {
		t.Errorf("History of the lightning level has %d records, want all 300", got)
	}

	// As if Badger had compacted the evicted records away, so that the
	// next pass measures the store as it is.
	b.unreclaimed = 0
	b.opts.Retention.MaxBytes = 1
	ev, err := b.Evict()
	if err != nil {
		t.Fatal(err)
	}
	events = ev.Lanes[Events]
	if events == nil || events.LongLived == 0 {
		t.Fatalf("eviction with a 1-byte budget = %s, want lightning events evicted", ev)
	}
	if stored := storedSeqs(t, b); len(stored) > 0 {
		for seq := range stored {
			if seq > 300 {
				t.Errorf("plain event %d kept while lightning events were evicted", seq)
			}
		}
	}
	if got, want := countIndexKeys(t, b), len(historyOf(t, b, "LW-1.level", start, start.Add(day))); got != want {
		t.Errorf("%d index keys left for %d indexed records", got, want)
	}
}

// TestSeqKeptWhenNewestEvicted evicts every record, the newest included,
// and checks that the seq continues after a reopen instead of restarting.
func TestSeqKeptWhenNewestEvicted(t *testing.T) {
	start := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	clock := &fakeClock{now: start}
	dir := t.TempDir()
	opts := Options{Path: dir, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), Now: clock.Now,
		Retention: Retention{MaxAge: 30 * day}}
	b, err := Open(opts)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := b.Append(entries(Telemetry, 10, "t")); err != nil {
		t.Fatal(err)
	}
	ackAll(t, b, Telemetry, 10)
	clock.now = start.Add(40 * day)
	if ev, err := b.Evict(); err != nil || ev.Total() != 10 {
		t.Fatalf("eviction = %s, %v; want all 10 records", ev, err)
	}
	if err := b.Close(); err != nil {
		t.Fatal(err)
	}
	// Without the floor file only the store can tell the last seq.
	if err := removeIfExists(seqFloorPath(dir)); err != nil {
		t.Fatal(err)
	}

	b, err = Open(opts)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	if first, err := b.Append(entries(Telemetry, 1, "after")); err != nil || first != 11 {
		t.Errorf("append after reopen: seq %d, %v; want 11", first, err)
	}
}
