package buffer

import (
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"
)

// indexedEntry is a telemetry entry of point at t whose payload names both.
func indexedEntry(point string, t time.Time) Entry {
	return Entry{Lane: Telemetry, Point: point, Time: t, Payload: []byte(fmt.Sprintf("%s@%d", point, t.UnixNano()))}
}

// historyOf returns what History calls fn with.
func historyOf(t *testing.T, b *Buffer, point string, from, to time.Time) []Record {
	t.Helper()
	var out []Record
	if err := b.History(point, from, to, func(r Record) error { out = append(out, r); return nil }); err != nil {
		t.Fatal(err)
	}
	return out
}

// expectedHistory filters appended entries, whose seqs start at first, as
// History must return them: by time, then seq.
func expectedHistory(appended []Entry, first uint64, point string, from, to time.Time) []Record {
	var out []Record
	for i, e := range appended {
		if e.Point == point && !e.Time.Before(from) && e.Time.Before(to) {
			out = append(out, Record{Seq: first + uint64(i), Lane: e.Lane, Payload: e.Payload, Point: e.Point, Time: e.Time})
		}
	}
	slices.SortStableFunc(out, func(a, b Record) int { return a.Time.Compare(b.Time) })
	return out
}

func checkHistory(t *testing.T, got, want []Record) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("History returned %d records, want %d", len(got), len(want))
	}
	for i := range want {
		g, w := got[i], want[i]
		if g.Seq != w.Seq || g.Lane != w.Lane || g.Point != w.Point || !g.Time.Equal(w.Time) || string(g.Payload) != string(w.Payload) {
			t.Fatalf("record %d = seq %d %s %s %s %q, want seq %d %s %s %s %q", i,
				g.Seq, g.Lane, g.Point, g.Time.Format(time.RFC3339Nano), g.Payload,
				w.Seq, w.Lane, w.Point, w.Time.Format(time.RFC3339Nano), w.Payload)
		}
	}
}

// TestHistoryOfOnePoint interleaves 12 points whose ids are prefixes of
// one another, with samples out of time order and several at the same
// time, and queries one point and a window.
func TestHistoryOfOnePoint(t *testing.T) {
	b := openTest(t, t.TempDir())
	defer b.Close()
	t0 := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	points := []string{"GT-1", "GT-10", "GT-100", "GT-1.conc", "LT-1", "GT-2", "GT-20", "LT-10", "PT-1", "PT-11", "GT-1x", "G"}
	var appended []Entry
	for step := range 600 {
		for i, p := range points {
			// Every fifth step is a backfill from 300 s earlier, and
			// step pairs share a time, so times repeat out of order.
			at := t0.Add(time.Duration(step/2) * time.Second)
			if step%5 == 0 {
				at = at.Add(-300 * time.Second)
			}
			e := indexedEntry(p, at.Add(time.Duration(i)*time.Millisecond))
			if step%7 == 0 {
				e.Lane = Events
			}
			appended = append(appended, e)
		}
	}
	// A record without a point is not indexed.
	appended = append(appended, Entry{Lane: Telemetry, Payload: []byte("no point"), Time: t0.Add(100 * time.Second)})
	first := uint64(0)
	for start := 0; start < len(appended); start += 700 {
		seq, err := b.Append(appended[start:min(start+700, len(appended))])
		if err != nil {
			t.Fatal(err)
		}
		if first == 0 {
			first = seq
		}
	}

	tests := []struct {
		name     string
		point    string
		from, to time.Time
		want     int
	}{
		{"window", "GT-1", t0.Add(100 * time.Second), t0.Add(200 * time.Second), 160},
		{"whole history", "GT-10", t0.Add(-time.Hour), t0.Add(time.Hour), 600},
		{"prefix of other ids", "G", t0, t0.Add(30 * time.Second), 48},
		{"backfilled past", "PT-11", t0.Add(-300 * time.Second), t0, 120},
		{"empty window", "GT-1", t0.Add(50 * time.Second), t0.Add(50 * time.Second), 0},
		{"unknown point", "GT-3", t0.Add(-time.Hour), t0.Add(time.Hour), 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			want := expectedHistory(appended, first, tt.point, tt.from, tt.to)
			if len(want) != tt.want {
				t.Fatalf("test data gives %d records, want %d", len(want), tt.want)
			}
			checkHistory(t, historyOf(t, b, tt.point, tt.from, tt.to), want)
		})
	}
}

// TestHistoryPagesThroughTies stores more records at one time than one
// read batch holds, so a batch ends inside the tie.
func TestHistoryPagesThroughTies(t *testing.T) {
	b := openTest(t, t.TempDir())
	defer b.Close()
	t0 := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	var appended []Entry
	for i := range 3*historyBatch + 17 {
		at := t0.Add(time.Duration(i%2) * time.Second)
		appended = append(appended, indexedEntry("LT-7", at), indexedEntry("LT-8", at))
	}
	for start := 0; start < len(appended); start += maxBatch {
		if _, err := b.Append(appended[start:min(start+maxBatch, len(appended))]); err != nil {
			t.Fatal(err)
		}
	}
	got := historyOf(t, b, "LT-7", t0, t0.Add(time.Minute))
	checkHistory(t, got, expectedHistory(appended, 1, "LT-7", t0, t0.Add(time.Minute)))
}

func TestHistoryStopsAtCallbackError(t *testing.T) {
	b := openTest(t, t.TempDir())
	defer b.Close()
	t0 := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	var batch []Entry
	for i := range 10 {
		batch = append(batch, indexedEntry("FT-1", t0.Add(time.Duration(i)*time.Second)))
	}
	if _, err := b.Append(batch); err != nil {
		t.Fatal(err)
	}
	stop := errors.New("enough")
	calls := 0
	err := b.History("FT-1", t0, t0.Add(time.Hour), func(Record) error {
		calls++
		if calls == 3 {
			return stop
		}
		return nil
	})
	if !errors.Is(err, stop) || calls != 3 {
		t.Errorf("History = %v after %d calls, want the callback's error after 3", err, calls)
	}
}

func TestHistoryIndexSurvivesReopen(t *testing.T) {
	dir := t.TempDir()
	b := openTest(t, dir)
	t0 := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	appended := []Entry{indexedEntry("AT-1", t0), indexedEntry("AT-2", t0), indexedEntry("AT-1", t0.Add(time.Second))}
	appended[2].Lane = Events
	appended[2].KeepFor = KeepLightning
	if _, err := b.Append(appended); err != nil {
		t.Fatal(err)
	}
	if err := b.Close(); err != nil {
		t.Fatal(err)
	}
	b = openTest(t, dir)
	defer b.Close()
	got := historyOf(t, b, "AT-1", t0, t0.Add(time.Minute))
	checkHistory(t, got, expectedHistory(appended, 1, "AT-1", t0, t0.Add(time.Minute)))
	if got[1].KeepFor != KeepLightning {
		t.Errorf("KeepFor after reopen = %v, want %v", got[1].KeepFor, KeepLightning)
	}
}

func TestAppendRejectsInvalidEntries(t *testing.T) {
	b := openTest(t, t.TempDir())
	defer b.Close()
	long := make([]byte, MaxPointLen+1)
	for i := range long {
		long[i] = 'p'
	}
	for _, e := range []Entry{
		{Lane: Telemetry, Point: string(long), Time: time.Now()},
		{Lane: Lane('x'), Payload: []byte("x")},
	} {
		if _, err := b.Append([]Entry{{Lane: Events}, e}); !errors.Is(err, ErrInvalidEntry) {
			t.Errorf("Append of %d-byte point in lane %s: %v, want ErrInvalidEntry", len(e.Point), e.Lane, err)
		}
	}
	if got := b.Stats().LastSeq; got != 0 {
		t.Errorf("last seq after rejected appends = %d, want 0: nothing stored", got)
	}
}
