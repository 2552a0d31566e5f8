package buffer

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// Lane orders records for upload: events before telemetry before bulk.
// Its byte is stored in every record and queue key, so the values of
// existing lanes must never change.
type Lane byte

// Lanes, highest upload priority first.
const (
	Events    Lane = 'e'
	Telemetry Lane = 't'
	// Bulk holds large opaque records, such as the parts of a video clip,
	// which go last in upload and before events in eviction.
	Bulk Lane = 'b'
)

// Lanes lists the lanes in upload priority order.
var Lanes = []Lane{Events, Telemetry, Bulk}

func (l Lane) String() string {
	switch l {
	case Events:
		return "events"
	case Telemetry:
		return "telemetry"
	case Bulk:
		return "bulk"
	}
	return fmt.Sprintf("lane(%d)", byte(l))
}

// known reports whether l is one of Lanes.
func (l Lane) known() bool {
	return slices.Contains(Lanes, l)
}

// maxBatch and maxBatchBytes bound one storage transaction. Badger
// rejects a transaction above 15 % of its memtable size (614 KiB with the
// options in store_badger_options.go), so Append splits larger calls by
// count and by their estimated bytes.
const (
	maxBatch      = 512
	maxBatchBytes = 256 << 10
)

// txnOverhead estimates the bytes a record adds to a transaction besides
// its stored value: its queue key, its index key's fixed part and
// Badger's per-entry metadata.
const txnOverhead = 64

// chunkEnd returns the end of the transaction that starts at entries[start]:
// at most maxBatch entries and maxBatchBytes, but at least one entry.
func chunkEnd(entries []Entry, start int) int {
	end, bytes := start, int64(0)
	for end < len(entries) && end-start < maxBatch {
		n := storedLen(entries[end]) + int64(len(entries[end].Point)) + txnOverhead
		if end > start && bytes+n > maxBatchBytes {
			break
		}
		bytes += n
		end++
	}
	return end
}

// Options configure a buffer.
type Options struct {
	Path string
	// SyncInterval bounds how long appended telemetry may stay unsynced.
	SyncInterval time.Duration
	Logger       *slog.Logger
	// Retention bounds the stored history; its zero value keeps
	// everything.
	Retention Retention
	// Now returns the current time for append stamps and max age. Nil
	// uses time.Now.
	Now func() time.Time
	// ReplaceBroken, when set, lets Open move a store that it cannot open
	// or load aside and start a fresh one (see replace.go). Open then
	// appends the entry that ReplaceBroken returns as the fresh store's
	// first record, so the replacement is stored and uploaded. When nil,
	// Open returns the error and moves nothing.
	ReplaceBroken func(Replacement) Entry
}

// Buffer is an open store. Its methods are safe for concurrent use.
type Buffer struct {
	store store
	opts  Options

	// mu serialises appends so seq stays gap-free: a number is taken
	// only when its transaction commits.
	mu      sync.Mutex
	lastSeq uint64
	pending map[Lane]int
	dirty   bool
	synced  time.Time
	// recordBytes is the key and value length of all stored records.
	recordBytes int64
	// lastStamp is the time of the newest append stamp.
	lastStamp time.Time
	// unreclaimed estimates the disk bytes of evicted records that the
	// engine has not yet released (see evictForSpace).
	unreclaimed int64
	// unreclaimedPasses counts the passes since unreclaimed was set.
	unreclaimedPasses int

	// floor is the seq floor on disk, at or above every committed seq,
	// and floorFile its file (see seqfloor.go).
	floor     uint64
	floorFile string
	// replaced is set when Open started a fresh store in place of a
	// broken or missing one.
	replaced *Replacement

	// durableSeq is the highest seq known to be on disk: synced, or
	// committed by an engine whose commits are durable. Pending returns
	// no record above it, because a record lost by a power cut gives its
	// seq to another record after the restart, and the platform drops
	// that one as a duplicate of the record already sent.
	durableSeq atomic.Uint64

	notify chan struct{}
	closed bool
}

// ErrClosed is returned by operations on a closed buffer.
var ErrClosed = errors.New("buffer closed")

// ErrLocked is returned by Open when another open store, usually a running
// gatewayd, holds the buffer's lock.
var ErrLocked = errors.New("buffer is locked by another process")

// Append stores entries in order and returns the seq of the first; the
// others follow one by one. When any entry is in the Events lane, Append
// returns only after the data is synced to disk. Telemetry and bulk are
// synced by Run at least every SyncInterval, and Pending returns them
// only then.
func (b *Buffer) Append(entries []Entry) (first uint64, err error) {
	if len(entries) == 0 {
		return 0, nil
	}
	for i, e := range entries {
		if err := e.validate(); err != nil {
			return 0, fmt.Errorf("entry %d of %d: %w", i, len(entries), err)
		}
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.closed {
		return 0, ErrClosed
	}
	if err := b.reserveSeqs(b.lastSeq + uint64(len(entries))); err != nil {
		return 0, fmt.Errorf("append %d records after seq %d: %w", len(entries), b.lastSeq, err)
	}
	first = b.lastSeq + 1
	mustSync := false
	for start := 0; start < len(entries); {
		end := chunkEnd(entries, start)
		chunk := entries[start:end]
		start = end
		stamp := b.nextStamp()
		if err := b.store.append(b.lastSeq+1, chunk, stamp); err != nil {
			return first, fmt.Errorf("append %d records after seq %d: %w", len(chunk), b.lastSeq, err)
		}
		if !stamp.IsZero() {
			b.lastStamp = stamp
		}
		b.dirty = true
		b.lastSeq += uint64(len(chunk))
		if commitIsDurable {
			b.markDurable(b.lastSeq)
		}
		for _, e := range chunk {
			b.recordBytes += storedLen(e)
			b.pending[e.Lane]++
			mustSync = mustSync || e.Lane == Events
		}
	}
	if mustSync || time.Since(b.synced) >= b.opts.SyncInterval {
		if err := b.syncLocked(); err != nil {
			return first, err
		}
	}
	return first, nil
}

// Sync makes every appended record durable, and so sendable, now instead
// of at the next periodic sync.
func (b *Buffer) Sync() error {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.closed {
		return ErrClosed
	}
	return b.syncLocked()
}

// syncLocked makes every committed write durable and so every record up
// to lastSeq sendable.
func (b *Buffer) syncLocked() error {
	if !b.dirty {
		return nil
	}
	if err := b.store.sync(); err != nil {
		return fmt.Errorf("sync buffer: %w", err)
	}
	b.dirty = false
	b.synced = time.Now()
	b.markDurable(b.lastSeq)
	return nil
}

// markDurable raises durableSeq to seq and wakes the uploader when that
// makes records sendable. The caller holds mu.
func (b *Buffer) markDurable(seq uint64) {
	if seq <= b.durableSeq.Load() {
		return
	}
	b.durableSeq.Store(seq)
	b.wake()
}

func (b *Buffer) wake() {
	select {
	case b.notify <- struct{}{}:
	default:
	}
}

// Notify returns a channel that receives when appended records become
// durable and so sendable, so an uploader can sleep until there is new
// data. One signal may stand for many appends.
func (b *Buffer) Notify() <-chan struct{} { return b.notify }

// Run syncs unsynced telemetry every SyncInterval and runs an eviction
// pass every Retention.Interval until ctx ends.
func (b *Buffer) Run(ctx context.Context) error {
	t := time.NewTicker(b.opts.SyncInterval)
	defer t.Stop()
	retention := time.NewTicker(b.opts.Retention.Interval)
	defer retention.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-retention.C:
			if _, err := b.Evict(); err != nil && !errors.Is(err, ErrClosed) {
				b.opts.Logger.Error("eviction pass failed", "err", err)
			}
		case <-t.C:
			b.mu.Lock()
			err := error(nil)
			if !b.closed {
				err = b.syncLocked()
			}
			b.mu.Unlock()
			if err != nil {
				b.opts.Logger.Error("periodic sync failed", "err", err)
			}
		}
	}
}

// Pending returns up to limit records of lane that wait for upload, in seq
// order, leaving out those for which skip returns true. It returns only
// durable records (see durableSeq): telemetry and bulk wait for the next
// sync.
func (b *Buffer) Pending(lane Lane, limit int, skip func(seq uint64) bool) ([]Record, error) {
	out, err := b.store.pendingFrom(lane, 0, b.durableSeq.Load(), limit, skip)
	if err != nil {
		return nil, fmt.Errorf("pending %s: %w", lane, err)
	}
	return out, nil
}

// Ack removes acknowledged records from their lane's upload queue. The
// records themselves stay for history.
func (b *Buffer) Ack(lane Lane, seqs []uint64) error {
	if len(seqs) == 0 {
		return nil
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.closed {
		return ErrClosed
	}
	removed, err := b.store.ack(lane, seqs)
	if err != nil {
		return fmt.Errorf("ack %d %s records: %w", len(seqs), lane, err)
	}
	b.pending[lane] -= removed
	b.dirty = true
	return nil
}

// Stats is a snapshot of the buffer's counters.
type Stats struct {
	LastSeq uint64
	// DurableSeq is the highest seq that Pending may return: every record
	// up to it is on disk (see durableSeq).
	DurableSeq uint64
	Pending    map[Lane]int
	// Replaced is set when Open started a fresh store in place of a broken
	// or missing one.
	Replaced *Replacement
}

// Stats returns the last seq and each lane's upload backlog.
func (b *Buffer) Stats() Stats {
	b.mu.Lock()
	defer b.mu.Unlock()
	s := Stats{LastSeq: b.lastSeq, DurableSeq: b.durableSeq.Load(), Pending: map[Lane]int{}}
	if b.replaced != nil {
		replaced := *b.replaced
		s.Replaced = &replaced
	}
	for l, n := range b.pending {
		s.Pending[l] = n
	}
	return s
}

// Scan calls fn for every stored record in seq order, for exports and
// tests.
func (b *Buffer) Scan(fn func(Record) error) error {
	return b.store.scan(fn)
}

// Close syncs and closes the store. Callers stop appending first; later
// calls return ErrClosed.
func (b *Buffer) Close() error {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.closed {
		return nil
	}
	b.closed = true
	syncErr := b.syncLocked()
	closeErr := b.store.close()
	if closeErr != nil {
		closeErr = fmt.Errorf("close buffer: %w", closeErr)
	}
	return errors.Join(syncErr, closeErr)
}
