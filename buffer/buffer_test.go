package buffer

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"
)

// badger.Open v4.9.6 leaves two goroutines running when it fails after
// creating its caches, as it does on the broken stores of the corruption
// tests, and has no call that stops them.
func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m,
		goleak.IgnoreTopFunction("github.com/dgraph-io/badger/v4.(*DB).monitorCache"),
		goleak.IgnoreTopFunction("github.com/dgraph-io/ristretto/v2/z.(*AllocatorPool).freeupAllocators"))
}

func openTest(t testing.TB, dir string) *Buffer {
	t.Helper()
	b, err := Open(Options{Path: dir, SyncInterval: 50 * time.Millisecond, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func entries(lane Lane, n int, tag string) []Entry {
	out := make([]Entry, n)
	for i := range out {
		out[i] = Entry{Lane: lane, Payload: []byte(fmt.Sprintf("%s-%d", tag, i))}
	}
	return out
}

func TestSeqSurvivesReopenWithoutGaps(t *testing.T) {
	dir := t.TempDir()
	b := openTest(t, dir)
	first, err := b.Append(entries(Telemetry, 1000, "a"))
	if err != nil || first != 1 {
		t.Fatalf("first append: seq %d, %v; want 1", first, err)
	}
	if err := b.Close(); err != nil {
		t.Fatal(err)
	}

	b = openTest(t, dir)
	defer b.Close()
	first, err = b.Append(entries(Events, 1, "e"))
	if err != nil || first != 1001 {
		t.Fatalf("append after reopen: seq %d, %v; want 1001", first, err)
	}
	var seqs []uint64
	if err := b.Scan(func(r Record) error { seqs = append(seqs, r.Seq); return nil }); err != nil {
		t.Fatal(err)
	}
	for i, s := range seqs {
		if s != uint64(i+1) {
			t.Fatalf("record %d has seq %d; want %d (gap or reorder)", i, s, i+1)
		}
	}
	if got := b.Stats().Pending[Telemetry]; got != 1000 {
		t.Errorf("telemetry pending after reopen = %d, want 1000", got)
	}
}

func TestPendingAndAck(t *testing.T) {
	b := openTest(t, t.TempDir())
	defer b.Close()
	if _, err := b.Append(append(entries(Telemetry, 3, "t"), entries(Events, 2, "e")...)); err != nil {
		t.Fatal(err)
	}
	ev, err := b.Pending(Events, 10, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(ev) != 2 || ev[0].Seq != 4 || string(ev[1].Payload) != "e-1" {
		t.Fatalf("pending events = %+v; want seqs 4 and 5", ev)
	}
	tel, err := b.Pending(Telemetry, 10, func(seq uint64) bool { return seq == 2 })
	if err != nil || len(tel) != 2 || tel[0].Seq != 1 || tel[1].Seq != 3 {
		t.Fatalf("pending telemetry skipping 2 = %+v, %v; want seqs 1 and 3", tel, err)
	}
	if err := b.Ack(Telemetry, []uint64{1, 3, 3}); err != nil {
		t.Fatal(err)
	}
	if got := b.Stats().Pending[Telemetry]; got != 1 {
		t.Errorf("telemetry pending after ack = %d, want 1", got)
	}
	count := 0
	if err := b.Scan(func(Record) error { count++; return nil }); err != nil {
		t.Fatal(err)
	}
	if count != 5 {
		t.Errorf("records after ack = %d, want 5 (history is kept)", count)
	}
}

func TestConcurrentAppendsAreGapFree(t *testing.T) {
	b := openTest(t, t.TempDir())
	defer b.Close()
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 50 {
				if _, err := b.Append(entries(Lanes[(w+i)%2], 1+i%3, "c")); err != nil {
					t.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()
	prev := uint64(0)
	if err := b.Scan(func(r Record) error {
		if r.Seq != prev+1 {
			return fmt.Errorf("seq %d after %d", r.Seq, prev)
		}
		prev = r.Seq
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if prev != b.Stats().LastSeq {
		t.Errorf("last scanned seq %d, stats say %d", prev, b.Stats().LastSeq)
	}
}

func TestAppendAfterClose(t *testing.T) {
	b := openTest(t, t.TempDir())
	if err := b.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := b.Append(entries(Events, 1, "x")); err != ErrClosed {
		t.Errorf("append after close: %v, want ErrClosed", err)
	}
}

func TestMetaSurvivesReopen(t *testing.T) {
	dir := t.TempDir()
	b := openTest(t, dir)
	if got, err := b.GetMeta("alarm/latches"); err != nil || got != nil {
		t.Fatalf("GetMeta on a new store = %q, %v; want nil, nil", got, err)
	}
	if err := b.PutMeta("alarm/latches", []byte(`{"trips":["esd"]}`)); err != nil {
		t.Fatal(err)
	}
	if err := b.Close(); err != nil {
		t.Fatal(err)
	}
	b = openTest(t, dir)
	defer b.Close()
	got, err := b.GetMeta("alarm/latches")
	if err != nil || string(got) != `{"trips":["esd"]}` {
		t.Errorf("after reopen: %q, %v", got, err)
	}
	if b.Stats().LastSeq != 0 {
		t.Errorf("meta counted as a record: last seq %d", b.Stats().LastSeq)
	}
}

func TestDeleteMetaSurvivesReopen(t *testing.T) {
	dir := t.TempDir()
	b := openTest(t, dir)
	if err := b.PutMeta("alarm/latches", []byte(`{"trips":["esd"]}`)); err != nil {
		t.Fatal(err)
	}
	if err := b.DeleteMeta("alarm/latches"); err != nil {
		t.Fatal(err)
	}
	if err := b.DeleteMeta("never-stored"); err != nil {
		t.Errorf("DeleteMeta of a missing document: %v, want nil", err)
	}
	if err := b.Close(); err != nil {
		t.Fatal(err)
	}

	b = openTest(t, dir)
	defer b.Close()
	if got, err := b.GetMeta("alarm/latches"); err != nil || got != nil {
		t.Errorf("after delete and reopen: %q, %v; want nil, nil", got, err)
	}
}

func TestOpenLockedReturnsErrLocked(t *testing.T) {
	dir := t.TempDir()
	b := openTest(t, dir)
	defer b.Close()

	second, err := Open(Options{Path: dir, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err == nil {
		second.Close()
		t.Fatal("second Open of a locked buffer succeeded")
	}
	if !errors.Is(err, ErrLocked) {
		t.Errorf("second Open: %v, want ErrLocked", err)
	}
}

func TestMetaEmptyNameRejected(t *testing.T) {
	b := openTest(t, t.TempDir())
	defer b.Close()
	if err := b.PutMeta("", []byte("x")); err == nil {
		t.Error("PutMeta with an empty name succeeded")
	}
	if _, err := b.GetMeta(""); err == nil {
		t.Error("GetMeta with an empty name succeeded")
	}
	if err := b.DeleteMeta(""); err == nil {
		t.Error("DeleteMeta with an empty name succeeded")
	}
}

// TestLargeAppendSplitsByBytes appends 512 records with the longest point
// ids and 2 KiB payloads in one call: one transaction of them would pass
// Badger's transaction limit, so Append must split it by bytes.
func TestLargeAppendSplitsByBytes(t *testing.T) {
	b := openTest(t, t.TempDir())
	defer b.Close()
	point := strings.Repeat("p", MaxPointLen)
	payload := bytes.Repeat([]byte("x"), 2048)
	entries := make([]Entry, maxBatch)
	for i := range entries {
		entries[i] = Entry{Lane: Telemetry, Payload: payload, Point: point, Time: time.Unix(int64(i), 0)}
	}
	if _, err := b.Append(entries); err != nil {
		t.Fatalf("append of %d large records: %v", len(entries), err)
	}
	if got := b.Stats().LastSeq; got != maxBatch {
		t.Errorf("last seq %d, want %d", got, maxBatch)
	}
	if _, err := b.Append([]Entry{{Lane: Events, Payload: make([]byte, MaxPayloadLen+1)}}); !errors.Is(err, ErrInvalidEntry) {
		t.Errorf("oversized payload: %v, want ErrInvalidEntry", err)
	}
}
