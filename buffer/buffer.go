package buffer

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"
)

// Lane orders records for upload: events before telemetry.
type Lane byte

// Lanes, highest upload priority first.
const (
	Events    Lane = 'e'
	Telemetry Lane = 't'
)

// Lanes lists the lanes in upload priority order.
var Lanes = []Lane{Events, Telemetry}

func (l Lane) String() string {
	switch l {
	case Events:
		return "events"
	case Telemetry:
		return "telemetry"
	}
	return fmt.Sprintf("lane(%d)", byte(l))
}

// maxBatch bounds one storage transaction. Badger rejects transactions
// that grow too large, so Append splits larger calls.
const maxBatch = 512

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
// returns only after the data is synced to disk. Telemetry is synced by
// Run at least every SyncInterval.
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
	for start := 0; start < len(entries); start += maxBatch {
		chunk := entries[start:min(start+maxBatch, len(entries))]
		stamp := b.nextStamp()
		if err := b.store.append(b.lastSeq+1, chunk, stamp); err != nil {
			return first, fmt.Errorf("append %d records after seq %d: %w", len(chunk), b.lastSeq, err)
		}
		if !stamp.IsZero() {
			b.lastStamp = stamp
		}
		b.lastSeq += uint64(len(chunk))
		for _, e := range chunk {
			b.recordBytes += storedLen(e)
			b.pending[e.Lane]++
			mustSync = mustSync || e.Lane == Events
		}
	}
	b.dirty = true
	if mustSync || time.Since(b.synced) >= b.opts.SyncInterval {
		if err := b.syncLocked(); err != nil {
			return first, err
		}
	}
	b.wake()
	return first, nil
}

func (b *Buffer) syncLocked() error {
	if !b.dirty {
		return nil
	}
	if err := b.store.sync(); err != nil {
		return fmt.Errorf("sync buffer: %w", err)
	}
	b.dirty = false
	b.synced = time.Now()
	return nil
}

func (b *Buffer) wake() {
	select {
	case b.notify <- struct{}{}:
	default:
	}
}

// Notify returns a channel that receives after appends, so an uploader
// can sleep until there is new data. One signal may stand for many
// appends.
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
// order, leaving out those for which skip returns true.
func (b *Buffer) Pending(lane Lane, limit int, skip func(seq uint64) bool) ([]Record, error) {
	out, err := b.store.pending(lane, limit, skip)
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
	Pending map[Lane]int
	// Replaced is set when Open started a fresh store in place of a broken
	// or missing one.
	Replaced *Replacement
}

// Stats returns the last seq and each lane's upload backlog.
func (b *Buffer) Stats() Stats {
	b.mu.Lock()
	defer b.mu.Unlock()
	s := Stats{LastSeq: b.lastSeq, Pending: map[Lane]int{}}
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
