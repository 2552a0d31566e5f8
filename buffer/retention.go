package buffer

import (
	"errors"
	"fmt"
	"math"
	"time"
)

// DefaultRetentionInterval is the period of eviction passes when
// Retention.Interval is not set.
const DefaultRetentionInterval = time.Minute

// stampEvery is how often an append stores its time: an append at least
// this long after the newest stamp, or before it, stores a new one. Age
// retention has a record's append time only to this step and rounds it
// up, so a record is kept up to 2 × stampEvery longer than MaxAge, never
// shorter while the clock runs forward.
const stampEvery = time.Minute

// evictChunk bounds the records one remove transaction deletes.
const evictChunk = 256

// unreclaimedPassLimit is the number of passes after which an estimate
// of space not yet released by the engine is dropped.
const unreclaimedPassLimit = 10

// Retention bounds the history kept in the buffer. Zero fields disable
// their limit.
type Retention struct {
	// MaxBytes is the disk budget of the store, as the engine measures
	// it. A pass that finds the store above it evicts down to 90 %.
	MaxBytes int64
	// MaxAge evicts uploaded records appended longer ago than this, or
	// than their Entry.KeepFor when that is longer.
	MaxAge time.Duration
	// MinFree is the free space the file system of Path must keep. Below
	// it a pass evicts as if the store were over its budget, so a full
	// disk cannot stop the store: Badger crashes with SIGBUS when a
	// memory-mapped write finds no space.
	MinFree int64
	// Interval is the period of eviction passes in Run.
	Interval time.Duration
	// OnEvict is called after every pass that removed records, outside
	// the buffer's lock. It must not block for long.
	OnEvict func(Eviction)
}

// evictionClass is one group of records in eviction order.
type evictionClass struct {
	lane   Lane
	queued bool
	// longLived selects the records with a KeepFor instead of the others.
	longLived bool
}

// spaceOrder is the order in which the byte budget and the free-space
// reserve evict, as regulation orders it: telemetry first, then bulk,
// then events, which hold the alarm history a site must keep. Within each
// lane uploaded records go before those waiting for upload, which have no
// other copy. Long-lived records, which regulation keeps longest, go after
// all others in the same order.
var spaceOrder = []evictionClass{
	{Telemetry, false, false}, {Telemetry, true, false},
	{Bulk, false, false}, {Bulk, true, false},
	{Events, false, false}, {Events, true, false},
	{Telemetry, false, true}, {Telemetry, true, true},
	{Bulk, false, true}, {Bulk, true, true},
	{Events, false, true}, {Events, true, true},
}

// ageOrder is the order in which age retention removes uploaded records:
// bulk is treated like telemetry, and events go last.
var ageOrder = []evictionClass{{lane: Telemetry}, {lane: Bulk}, {lane: Events}}

// nextStamp returns the time to store with the next append, or zero when
// the newest stamp is recent enough.
func (b *Buffer) nextStamp() time.Time {
	now := b.opts.Now()
	if !b.lastStamp.IsZero() && now.Sub(b.lastStamp) < stampEvery && !now.Before(b.lastStamp) {
		return time.Time{}
	}
	return now
}

// Evict runs one eviction pass: uploaded records older than MaxAge go
// first, then records in spaceOrder while the store is above MaxBytes or
// the disk has less than MinFree. A pass that removed records calls
// OnEvict and logs a warning.
func (b *Buffer) Evict() (Eviction, error) {
	b.mu.Lock()
	if b.closed {
		b.mu.Unlock()
		return Eviction{}, ErrClosed
	}
	ev, err := b.evictLocked()
	b.mu.Unlock()

	if ev.Total() > 0 {
		b.opts.Logger.Warn("records evicted", "summary", ev.String(), "before_upload", ev.BeforeUpload())
		if b.opts.Retention.OnEvict != nil {
			b.opts.Retention.OnEvict(ev)
		}
	}
	return ev, err
}

func (b *Buffer) evictLocked() (Eviction, error) {
	r := b.opts.Retention
	ev := Eviction{Time: b.opts.Now(), Lanes: map[Lane]*LaneEviction{}, FreeBytes: -1}
	if r.MaxAge > 0 {
		// A stamp covers appends up to stampEvery after it, so its records
		// are all older than MaxAge only stampEvery later.
		if err := b.evictByAge(&ev, ev.Time.Add(-r.MaxAge-stampEvery)); err != nil {
			return ev, err
		}
	}
	if r.MaxBytes > 0 || r.MinFree > 0 {
		if err := b.evictForSpace(&ev); err != nil {
			return ev, err
		}
	}
	if ev.Total() > 0 {
		if err := b.store.trimStamps(ev.highestSeq()); err != nil {
			return ev, fmt.Errorf("trim append times: %w", err)
		}
		b.dirty = true
		if err := b.syncLocked(); err != nil {
			return ev, err
		}
	}
	return ev, nil
}

// evictByAge removes uploaded records appended at or before cutoff, and
// long-lived ones only when they were appended KeepFor before that. Records
// that wait for upload stay, however old.
func (b *Buffer) evictByAge(ev *Eviction, cutoff time.Time) error {
	below, err := b.store.agedBelow(cutoff)
	if err != nil {
		return fmt.Errorf("find records older than %s: %w", cutoff.Format(time.RFC3339), err)
	}
	if below == 0 {
		return nil
	}
	limits := ageLimits{store: b.store, cutoff: cutoff, maxAge: b.opts.Retention.MaxAge, below: map[time.Duration]uint64{}}
	before := ev.Total()
	for _, class := range ageOrder {
		if _, err := b.evictClass(ev, class, below, math.MaxInt64, limits.spare); err != nil {
			return err
		}
	}
	if ev.Total() > before {
		ev.addReason("max_age")
	}
	return nil
}

// evictForSpace removes records in spaceOrder until the estimated bytes
// freed bring the store to 90 % of MaxBytes and the disk to MinFree plus
// a tenth of the budget.
//
// Badger releases the space of deleted records only when it compacts the
// tables that hold them, so its measured size can stay high for several
// passes. The estimate of what earlier passes freed, less what the size
// measured right after them had already dropped, is subtracted from the
// measurement until unreclaimedPassLimit passes have run, so a slow
// compaction does not evict the same bytes again. bbolt releases pages at
// once, so its estimate stays near 0.
// NOTE: this correction is an estimate and has not been measured on a
// gateway's eMMC over weeks of operation.
func (b *Buffer) evictForSpace(ev *Eviction) error {
	r := b.opts.Retention
	used, err := b.store.size()
	if err != nil {
		return fmt.Errorf("measure store size: %w", err)
	}
	ev.UsedBytes = used
	b.unreclaimedPasses++
	if b.unreclaimedPasses > unreclaimedPassLimit {
		b.unreclaimed = 0
	}
	effective := max(used-b.unreclaimed, 0)

	var need int64
	if r.MaxBytes > 0 && effective > r.MaxBytes {
		need = effective - r.MaxBytes*9/10
		ev.addReason("max_bytes")
	}
	if r.MinFree > 0 {
		free, _, err := diskSpace(b.opts.Path)
		switch {
		case errors.Is(err, errors.ErrUnsupported):
		case err != nil:
			b.opts.Logger.Error("free disk space not measured", "path", b.opts.Path, "err", err)
		default:
			ev.FreeBytes = free
			if free < r.MinFree {
				// Free space is measured as it is, without the estimate,
				// because a full disk is worse than evicting twice.
				need = max(need, r.MinFree-free+max(r.MaxBytes, used)/10)
				ev.addReason("min_free")
			}
		}
	}
	if need <= 0 || b.recordBytes <= 0 || used <= 0 {
		return nil
	}

	// Records are chosen by their stored length, scaled by the ratio of
	// disk bytes to record bytes, which covers indexes, page headers and
	// compression.
	ratio := float64(used) / float64(b.recordBytes)
	target := int64(math.Ceil(float64(need) / ratio))
	var freed int64
	for _, class := range spaceOrder {
		if freed >= target {
			break
		}
		n, err := b.evictClass(ev, class, math.MaxUint64, target-freed, class.spare)
		if err != nil {
			return err
		}
		freed += n
	}
	if freed > 0 {
		b.unreclaimed += b.unreleased(int64(float64(freed)*ratio), used)
		b.unreclaimedPasses = 0
	}
	if freed < target {
		b.opts.Logger.Error("store still over its space limits: every record has been evicted",
			"used_bytes", used, "max_bytes", r.MaxBytes, "min_free", r.MinFree)
	}
	return nil
}

// unreleased returns the part of freed, the estimated disk bytes of the
// records a pass removed, that the store's size measured now does not yet
// show as released, compared with used, its size before the pass.
func (b *Buffer) unreleased(freed, used int64) int64 {
	after, err := b.store.size()
	if err != nil {
		b.opts.Logger.Error("store size not measured after eviction", "err", err)
		return freed
	}
	return max(freed-max(used-after, 0), 0)
}

// evictClass removes the oldest records of class's lane and queued state
// below seq below, except those for which spare returns true, until their
// stored length reaches limit, and returns that length.
func (b *Buffer) evictClass(ev *Eviction, class evictionClass, below uint64, limit int64, spare func(victim) (bool, error)) (int64, error) {
	var freed int64
	from := uint64(0)
	for freed < limit {
		found, err := b.store.victims(class.lane, class.queued, from, below, evictChunk)
		if err != nil {
			return freed, fmt.Errorf("find %s records to evict: %w", class.lane, err)
		}
		if len(found) == 0 {
			return freed, nil
		}
		from = found[len(found)-1].seq + 1
		vs := make([]victim, 0, len(found))
		for _, v := range found {
			if freed >= limit {
				break
			}
			kept, err := spare(v)
			if err != nil {
				return freed, err
			}
			if !kept {
				vs = append(vs, v)
				freed += v.bytes
			}
		}
		if len(vs) == 0 {
			continue
		}
		if err := b.store.remove(vs, b.lastSeq); err != nil {
			return freed, fmt.Errorf("evict %d %s records from seq %d: %w", len(vs), class.lane, vs[0].seq, err)
		}
		for _, v := range vs {
			ev.count(v)
			b.recordBytes -= v.bytes
			if v.queued {
				b.pending[v.lane]--
			}
		}
	}
	return freed, nil
}

// spare keeps the records that belong to another class: long-lived ones
// in a pass over the others, and the others in a pass over long-lived ones.
func (c evictionClass) spare(v victim) (bool, error) {
	return (v.keepFor > 0) != c.longLived, nil
}

// ageLimits decides which records older than MaxAge a long-lived KeepFor
// still keeps, with one agedBelow lookup per KeepFor value in a pass.
type ageLimits struct {
	store  store
	cutoff time.Time
	maxAge time.Duration
	// below caches, per KeepFor, the seq below which records are older
	// than that KeepFor.
	below map[time.Duration]uint64
}

func (a ageLimits) spare(v victim) (bool, error) {
	if v.keepFor <= a.maxAge {
		return false, nil
	}
	below, ok := a.below[v.keepFor]
	if !ok {
		cutoff := a.cutoff.Add(a.maxAge - v.keepFor)
		var err error
		if below, err = a.store.agedBelow(cutoff); err != nil {
			return false, fmt.Errorf("find records older than %s: %w", cutoff.Format(time.RFC3339), err)
		}
		a.below[v.keepFor] = below
	}
	return v.seq >= below, nil
}
