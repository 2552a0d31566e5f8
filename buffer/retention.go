package buffer

import (
	"errors"
	"fmt"
	"math"
	"strings"
	"time"
)

// DefaultRetentionInterval is the period of eviction passes when
// Retention.Interval is not set.
const DefaultRetentionInterval = time.Minute

// recordOverhead is the stored length of a record beyond its payload:
// the key and the lane byte.
const recordOverhead = recordKeyLen + 1

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
	// MaxAge evicts uploaded records appended longer ago than this.
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

// Eviction reports what one pass removed.
type Eviction struct {
	Time time.Time
	// Reasons lists what caused the pass to remove records: max_age,
	// max_bytes or min_free.
	Reasons []string
	// Lanes has one entry for every lane that lost records.
	Lanes map[Lane]*LaneEviction
	// UsedBytes and FreeBytes are the store's size and the file system's
	// free space measured at the start of the pass; FreeBytes is -1 when
	// it could not be measured.
	UsedBytes int64
	FreeBytes int64
}

// LaneEviction counts one lane's removed records.
type LaneEviction struct {
	Count int
	// BeforeUpload counts the removed records that were still waiting
	// for upload, which only the byte budget or the free-space reserve
	// can force.
	BeforeUpload int
	// FirstSeq and LastSeq are the lowest and highest removed seqs. Other
	// records between them may have been kept.
	FirstSeq uint64
	LastSeq  uint64
}

// Total returns the number of records removed.
func (e Eviction) Total() int {
	n := 0
	for _, l := range e.Lanes {
		n += l.Count
	}
	return n
}

// BeforeUpload returns the number of removed records that were never
// uploaded.
func (e Eviction) BeforeUpload() int {
	n := 0
	for _, l := range e.Lanes {
		n += l.BeforeUpload
	}
	return n
}

// String describes the pass in one English line for logs and the
// records_evicted event.
func (e Eviction) String() string {
	var sb strings.Builder
	fmt.Fprintf(&sb, "evicted %d records (%d before upload) for %s:", e.Total(), e.BeforeUpload(), strings.Join(e.Reasons, ", "))
	for _, lane := range Lanes {
		l := e.Lanes[lane]
		if l == nil {
			fmt.Fprintf(&sb, " %s 0;", lane)
			continue
		}
		fmt.Fprintf(&sb, " %s %d (%d before upload) with seqs %d-%d;", lane, l.Count, l.BeforeUpload, l.FirstSeq, l.LastSeq)
	}
	fmt.Fprintf(&sb, " store %d bytes", e.UsedBytes)
	if e.FreeBytes >= 0 {
		fmt.Fprintf(&sb, ", %d bytes free on disk", e.FreeBytes)
	}
	return sb.String()
}

func (e *Eviction) addReason(reason string) {
	for _, r := range e.Reasons {
		if r == reason {
			return
		}
	}
	e.Reasons = append(e.Reasons, reason)
}

func (e *Eviction) count(v victim) {
	l := e.Lanes[v.lane]
	if l == nil {
		l = &LaneEviction{FirstSeq: v.seq}
		e.Lanes[v.lane] = l
	}
	l.Count++
	if v.queued {
		l.BeforeUpload++
	}
	l.FirstSeq = min(l.FirstSeq, v.seq)
	l.LastSeq = max(l.LastSeq, v.seq)
}

// evictionClass is one group of records in eviction order.
type evictionClass struct {
	lane   Lane
	queued bool
}

// spaceOrder is the order in which the byte budget and the free-space
// reserve evict: telemetry before events, which hold the alarm history a
// site must keep, and within each lane uploaded records before those
// waiting for upload, which have no other copy.
var spaceOrder = []evictionClass{
	{Telemetry, false}, {Telemetry, true}, {Events, false}, {Events, true},
}

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
		if err := b.store.trimStamps(); err != nil {
			return ev, fmt.Errorf("trim append times: %w", err)
		}
		b.dirty = true
		if err := b.syncLocked(); err != nil {
			return ev, err
		}
	}
	return ev, nil
}

// evictByAge removes uploaded records appended at or before cutoff. Records
// that wait for upload stay, however old.
func (b *Buffer) evictByAge(ev *Eviction, cutoff time.Time) error {
	below, err := b.store.agedBelow(cutoff)
	if err != nil {
		return fmt.Errorf("find records older than %s: %w", cutoff.Format(time.RFC3339), err)
	}
	if below == 0 {
		return nil
	}
	before := ev.Total()
	for _, class := range []evictionClass{{Telemetry, false}, {Events, false}} {
		if _, err := b.evictClass(ev, class, below, math.MaxInt64); err != nil {
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
// passes. The estimate of what earlier passes freed is subtracted from
// the measurement until the size drops or unreclaimedPassLimit passes
// have run, so a slow compaction does not evict the same bytes again.
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
		n, err := b.evictClass(ev, class, math.MaxUint64, target-freed)
		if err != nil {
			return err
		}
		freed += n
	}
	if freed > 0 {
		b.unreclaimed += int64(float64(freed) * ratio)
		b.unreclaimedPasses = 0
	}
	if freed < target {
		b.opts.Logger.Error("store still over its space limits: every record has been evicted",
			"used_bytes", used, "max_bytes", r.MaxBytes, "min_free", r.MinFree)
	}
	return nil
}

// evictClass removes the oldest records of class below seq below until
// their stored length reaches limit, and returns that length.
func (b *Buffer) evictClass(ev *Eviction, class evictionClass, below uint64, limit int64) (int64, error) {
	var freed int64
	from := uint64(0)
	for freed < limit {
		vs, err := b.store.victims(class.lane, class.queued, from, below, evictChunk)
		if err != nil {
			return freed, fmt.Errorf("find %s records to evict: %w", class.lane, err)
		}
		if len(vs) == 0 {
			return freed, nil
		}
		take := 0
		for take < len(vs) && freed < limit {
			freed += vs[take].bytes
			take++
		}
		vs = vs[:take]
		if err := b.store.remove(vs); err != nil {
			return freed, fmt.Errorf("evict %d %s records from seq %d: %w", len(vs), class.lane, vs[0].seq, err)
		}
		for _, v := range vs {
			ev.count(v)
			b.recordBytes -= v.bytes
			if v.queued {
				b.pending[v.lane]--
			}
		}
		from = vs[len(vs)-1].seq + 1
	}
	return freed, nil
}
