package buffer

import (
	"fmt"
	"strings"
	"time"
)

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
	// LongLived counts the removed records with a KeepFor, such as
	// lightning warning events, whose own age limit had passed or which
	// the byte budget or the free-space reserve forced out after all
	// other records.
	LongLived int
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
		fmt.Fprintf(&sb, " %s %d (%d before upload", lane, l.Count, l.BeforeUpload)
		if l.LongLived > 0 {
			fmt.Fprintf(&sb, ", %d long-lived", l.LongLived)
		}
		fmt.Fprintf(&sb, ") with seqs %d-%d;", l.FirstSeq, l.LastSeq)
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

// highestSeq returns the highest seq removed, 0 when none was.
func (e Eviction) highestSeq() uint64 {
	var seq uint64
	for _, l := range e.Lanes {
		seq = max(seq, l.LastSeq)
	}
	return seq
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
	if v.keepFor > 0 {
		l.LongLived++
	}
	l.FirstSeq = min(l.FirstSeq, v.seq)
	l.LastSeq = max(l.LastSeq, v.seq)
}
