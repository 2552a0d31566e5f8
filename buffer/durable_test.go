package buffer

import (
	"context"
	"io"
	"log/slog"
	"slices"
	"testing"
	"time"
)

// openUnsynced opens a buffer whose periodic sync does not come during a
// test, so that only events, Sync and Close make records durable.
func openUnsynced(t *testing.T, dir string) *Buffer {
	t.Helper()
	b, err := Open(Options{Path: dir, SyncInterval: time.Hour, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// unsyncedWant returns what Pending returns for records that were
// committed but not synced: nothing, unless the engine's commits are
// durable (bbolt).
func unsyncedWant(seqs []uint64) []uint64 {
	if commitIsDurable {
		return seqs
	}
	return nil
}

func drainNotify(b *Buffer) {
	select {
	case <-b.Notify():
	default:
	}
}

func notified(b *Buffer) bool {
	select {
	case <-b.Notify():
		return true
	default:
		return false
	}
}

func TestPendingWaitsForSync(t *testing.T) {
	b := openUnsynced(t, t.TempDir())
	defer b.Close()
	drainNotify(b)
	if _, err := b.Append(entries(Telemetry, 5, "t")); err != nil {
		t.Fatal(err)
	}
	all := []uint64{1, 2, 3, 4, 5}

	recs, err := b.Pending(Telemetry, 10, nil)
	if got := pendingSeqs(t, recs, err); !slices.Equal(got, unsyncedWant(all)) {
		t.Errorf("Pending before sync = %v, want %v", got, unsyncedWant(all))
	}
	recs, err = b.PendingFrom(Telemetry, 2, 10, nil)
	if got := pendingSeqs(t, recs, err); !slices.Equal(got, unsyncedWant(all[1:])) {
		t.Errorf("PendingFrom(2) before sync = %v, want %v", got, unsyncedWant(all[1:]))
	}
	if got := notified(b); got != commitIsDurable {
		t.Errorf("notified before sync = %v, want %v", got, commitIsDurable)
	}

	if err := b.Sync(); err != nil {
		t.Fatal(err)
	}
	if !commitIsDurable && !notified(b) {
		t.Error("no notification after the sync that made 5 records sendable")
	}
	recs, err = b.Pending(Telemetry, 10, nil)
	if got := pendingSeqs(t, recs, err); !slices.Equal(got, all) {
		t.Errorf("Pending after sync = %v, want %v", got, all)
	}
	recs, err = b.PendingFrom(Telemetry, 2, 10, nil)
	if got := pendingSeqs(t, recs, err); !slices.Equal(got, all[1:]) {
		t.Errorf("PendingFrom(2) after sync = %v, want %v", got, all[1:])
	}
	if st := b.Stats(); st.DurableSeq != 5 {
		t.Errorf("Stats().DurableSeq after sync = %d, want 5", st.DurableSeq)
	}
}

// An event is synced on append, and so is the telemetry before it.
func TestEventSendableAtOnce(t *testing.T) {
	b := openUnsynced(t, t.TempDir())
	defer b.Close()
	if _, err := b.Append(entries(Telemetry, 3, "t")); err != nil {
		t.Fatal(err)
	}
	drainNotify(b)
	if _, err := b.Append(entries(Events, 1, "e")); err != nil {
		t.Fatal(err)
	}
	if !notified(b) {
		t.Error("no notification after an event append")
	}
	recs, err := b.Pending(Events, 10, nil)
	if got := pendingSeqs(t, recs, err); !slices.Equal(got, []uint64{4}) {
		t.Errorf("Pending(events) = %v, want [4]", got)
	}
	recs, err = b.Pending(Telemetry, 10, nil)
	if got := pendingSeqs(t, recs, err); !slices.Equal(got, []uint64{1, 2, 3}) {
		t.Errorf("Pending(telemetry) after the event's sync = %v, want [1 2 3]", got)
	}
}

func TestPeriodicSyncMakesTelemetrySendable(t *testing.T) {
	b, err := Open(Options{Path: t.TempDir(), SyncInterval: 20 * time.Millisecond, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- b.Run(ctx) }()
	defer func() { cancel(); <-done }()

	if _, err := b.Append(entries(Telemetry, 4, "t")); err != nil {
		t.Fatal(err)
	}
	deadline := time.After(5 * time.Second)
	for {
		recs, err := b.Pending(Telemetry, 10, nil)
		if got := pendingSeqs(t, recs, err); slices.Equal(got, []uint64{1, 2, 3, 4}) {
			return
		}
		select {
		case <-b.Notify():
		case <-deadline:
			t.Fatal("telemetry not sendable 5 s after the append; want it after the next periodic sync")
		}
	}
}

// Records that the last process committed count as durable once Open has
// synced them.
func TestLoadedRecordsSendable(t *testing.T) {
	dir := t.TempDir()
	b := openUnsynced(t, dir)
	if _, err := b.Append(entries(Telemetry, 3, "t")); err != nil {
		t.Fatal(err)
	}
	if err := b.Close(); err != nil {
		t.Fatal(err)
	}
	b = openUnsynced(t, dir)
	defer b.Close()
	recs, err := b.Pending(Telemetry, 10, nil)
	if got := pendingSeqs(t, recs, err); !slices.Equal(got, []uint64{1, 2, 3}) {
		t.Errorf("Pending after reopen = %v, want [1 2 3]", got)
	}
}
