package buffer

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// RestampRequest is a request to Restamp to correct the times of queued
// records after the system clock stepped.
type RestampRequest struct {
	// From and To bound the seqs to re-stamp, both inclusive.
	From, To uint64
	// Shift is the clock's step, new clock minus old clock. Restamp adds
	// it to the index time (Entry.Time) of every record it re-stamps.
	Shift time.Duration
	// Rewrite returns a record's payload with its time moved by Shift and
	// its other time fields updated, or ok false to leave the record as it
	// is, such as one stamped after the step. It runs under the buffer's
	// lock, so it must be quick and must not call the buffer.
	Rewrite func(payload []byte) (restamped []byte, ok bool)
	// AppendTimes also adds Shift to the append times stored for seqs
	// From to To, so that age retention measures the age of those records
	// on the new clock. Set it only when every append in the range
	// happened before the step.
	AppendTimes bool
}

// errNoRewrite is returned by Restamp for a request without Rewrite.
var errNoRewrite = errors.New("restamp request has no Rewrite function")

// Restamp corrects the times of the records with seqs From to To that
// still wait for upload: Rewrite rewrites each payload and the record's
// index key moves by Shift in the same transaction. Records already
// uploaded (acknowledged) keep their times, because the platform holds
// them already. Restamp works lane by lane in transactions of at most
// maxBatch queued records and releases the buffer's lock between them, so
// appends and uploads go on meanwhile. It returns the number of records
// re-stamped, and stops between transactions when ctx ends.
//
// A re-stamped record is rewritten in place and keeps its seq. An uploader
// that read it before the rewrite still sends the old times, so the
// records with the old times are not only those already acknowledged.
func (b *Buffer) Restamp(ctx context.Context, r RestampRequest) (int, error) {
	if r.Rewrite == nil {
		return 0, errNoRewrite
	}
	if r.From > r.To {
		return 0, nil
	}
	total := 0
	for _, lane := range Lanes {
		n, err := b.restampLane(ctx, lane, r)
		total += n
		if err != nil {
			return total, fmt.Errorf("restamp %s seqs %d-%d: %w", lane, r.From, r.To, err)
		}
	}
	if !r.AppendTimes {
		return total, nil
	}
	if err := b.shiftAppendTimes(ctx, r); err != nil {
		return total, fmt.Errorf("shift append times of seqs %d-%d: %w", r.From, r.To, err)
	}
	return total, nil
}

func (b *Buffer) restampLane(ctx context.Context, lane Lane, r RestampRequest) (int, error) {
	total := 0
	for from := r.From; ; {
		if err := ctx.Err(); err != nil {
			return total, fmt.Errorf("stopped at seq %d: %w", from, err)
		}
		batch, err := b.restampBatch(lane, from, r)
		total += batch.restamped
		if err != nil || batch.done {
			return total, err
		}
		from = batch.last + 1
	}
}

// restampBatch re-stamps one transaction's worth of lane's queued records
// from seq from on.
func (b *Buffer) restampBatch(lane Lane, from uint64, r RestampRequest) (restampBatch, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.closed {
		return restampBatch{}, ErrClosed
	}
	batch, err := b.store.restamp(lane, from, r.To, maxBatch, r.apply)
	if err != nil {
		return restampBatch{}, err
	}
	b.recordBytes += batch.grown
	if batch.restamped > 0 {
		b.dirty = true
	}
	return batch, nil
}

func (b *Buffer) shiftAppendTimes(ctx context.Context, r RestampRequest) error {
	for from := r.From; ; {
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("stopped at seq %d: %w", from, err)
		}
		b.mu.Lock()
		if b.closed {
			b.mu.Unlock()
			return ErrClosed
		}
		last, done, err := b.store.shiftStamps(from, r.To, maxBatch, r.Shift)
		if err == nil {
			b.dirty = true
		}
		b.mu.Unlock()
		if err != nil || done {
			return err
		}
		from = last + 1
	}
}

// restampBatch is the result of one restamp transaction.
type restampBatch struct {
	// last is the highest seq examined, and done is set when no queued
	// record of the range is left after it.
	last uint64
	done bool
	// restamped counts the records rewritten, and grown is the change
	// of their stored length in bytes.
	restamped int
	grown     int64
}

// restampedRecord is a record's new stored value, with the index key
// suffixes to delete and to set. Both suffixes are nil for a record
// without an index key.
type restampedRecord struct {
	value              []byte
	oldIndex, newIndex []byte
}

// apply returns the stored value val of record seq re-stamped, or ok false
// when Rewrite leaves it as it is or its header cannot be parsed.
func (r RestampRequest) apply(seq uint64, val []byte) (restampedRecord, bool) {
	h, err := parseHeader(val)
	if err != nil {
		return restampedRecord{}, false
	}
	payload, ok := r.Rewrite(val[h.size:])
	if !ok {
		return restampedRecord{}, false
	}
	e := Entry{Lane: h.lane, Payload: payload, KeepFor: h.keepFor}
	out := restampedRecord{}
	if h.indexed {
		e.Point, e.Time = h.point, time.Unix(0, h.ns).Add(r.Shift)
		out.oldIndex = indexSuffix(h.point, h.ns, seq)
		out.newIndex = indexSuffix(h.point, unixNano(e.Time), seq)
	}
	out.value = encodeRecord(e)
	return out, true
}
