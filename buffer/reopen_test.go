package buffer

import (
	"bytes"
	"fmt"
	"testing"
)

// TestManyRecordsSurviveReopen writes enough records that Badger flushes
// more than one table, which is where Badger v4.9.6 lost every record on
// 32-bit builds. Run it with GOARCH=386 as well as natively.
func TestManyRecordsSurviveReopen(t *testing.T) {
	if testing.Short() {
		t.Skip("writes 100 000 records")
	}
	const total = 100_000
	const chunk = 1000
	dir := t.TempDir()
	payload := func(seq uint64) []byte {
		return []byte(fmt.Sprintf("sample %d %s", seq, bytes.Repeat([]byte{'x'}, int(seq%64))))
	}
	laneOf := func(seq uint64) Lane {
		if seq%10 == 0 {
			return Events
		}
		return Telemetry
	}

	b := openTest(t, dir)
	for start := uint64(1); start <= total; start += chunk {
		batch := make([]Entry, chunk)
		for i := range batch {
			seq := start + uint64(i)
			batch[i] = Entry{Lane: laneOf(seq), Payload: payload(seq)}
		}
		first, err := b.Append(batch)
		if err != nil {
			t.Fatalf("append at seq %d: %v", start, err)
		}
		if first != start {
			t.Fatalf("append returned first seq %d, want %d", first, start)
		}
	}
	if err := b.PutMeta("alarm/latches", []byte(`{"trips":["esd"]}`)); err != nil {
		t.Fatal(err)
	}
	if err := b.Ack(Events, []uint64{10, 20, 30}); err != nil {
		t.Fatal(err)
	}
	if err := b.Close(); err != nil {
		t.Fatal(err)
	}

	b = openTest(t, dir)
	defer b.Close()
	stats := b.Stats()
	if stats.LastSeq != total {
		t.Errorf("last seq after reopen = %d, want %d", stats.LastSeq, total)
	}
	if got := stats.Pending[Events]; got != total/10-3 {
		t.Errorf("events pending after reopen = %d, want %d", got, total/10-3)
	}
	if got := stats.Pending[Telemetry]; got != total-total/10 {
		t.Errorf("telemetry pending after reopen = %d, want %d", got, total-total/10)
	}
	meta, err := b.GetMeta("alarm/latches")
	if err != nil {
		t.Errorf("GetMeta after reopen: %v", err)
	}
	if string(meta) != `{"trips":["esd"]}` {
		t.Errorf("metadata after reopen = %q, want %q", meta, `{"trips":["esd"]}`)
	}

	next := uint64(1)
	err = b.Scan(func(r Record) error {
		if r.Seq != next {
			return fmt.Errorf("record seq %d, want %d (lost or reordered)", r.Seq, next)
		}
		if r.Lane != laneOf(r.Seq) {
			return fmt.Errorf("record %d lane %s, want %s", r.Seq, r.Lane, laneOf(r.Seq))
		}
		if want := payload(r.Seq); !bytes.Equal(r.Payload, want) {
			return fmt.Errorf("record %d payload %q, want %q", r.Seq, r.Payload, want)
		}
		next++
		return nil
	})
	if err != nil {
		t.Fatalf("scan after reopen: %v", err)
	}
	if next-1 != total {
		t.Errorf("scanned %d records after reopen, want %d", next-1, total)
	}

	events, err := b.Pending(Events, 5, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(events) != 5 || events[0].Seq != 40 || events[4].Seq != 80 {
		t.Errorf("first pending events after reopen = %+v, want seqs 40 to 80", events)
	}

	first, err := b.Append([]Entry{{Lane: Events, Payload: []byte("after reopen")}})
	if err != nil {
		t.Fatal(err)
	}
	if first != total+1 {
		t.Errorf("append after reopen got seq %d, want %d", first, total+1)
	}
}
