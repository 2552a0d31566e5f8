package buffer

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"time"
)

// Stored record values have one of two layouts:
//
//	lane(1) payload                           no options (lane < 0x80)
//	lane|0x80(1) flags(1) [keep] [index] payload
//
// keep, present with flagKeep, is KeepFor in whole seconds as a uvarint.
// index, present with flagIndexed, is the point as a uvarint length and
// its bytes, then the time as 8 sortable bytes (see sortableNS). A record
// carries its index fields so that eviction can delete its index key.
const (
	optionsMarker = 0x80
	flagKeep      = 0x01
	flagIndexed   = 0x02
)

// MaxPointLen is the longest Entry.Point that Append accepts, in bytes. It
// keeps index keys far below the key limits of Badger (65 000 bytes) and
// bbolt (32 768 bytes).
const MaxPointLen = 1024

// MaxPayloadLen is the longest Entry.Payload that Append accepts, in bytes,
// so that one record always fits in a storage transaction.
const MaxPayloadLen = 64 << 10

// ErrInvalidEntry is returned by Append for an entry it cannot store.
var ErrInvalidEntry = errors.New("invalid buffer entry")

// Entry is one record to append.
type Entry struct {
	Lane    Lane
	Payload []byte
	// Point and Time index the record for History: the point id and the
	// sample or event time. An entry with an empty Point is not indexed.
	// Times outside the years 1678 to 2262, the range of int64 Unix
	// nanoseconds, are indexed at the nearest end of that range.
	Point string
	Time  time.Time
	// KeepFor marks a long-lived record, such as a lightning warning
	// level change that regulation keeps for 3 years (KeepLightning).
	// Age retention removes it only once it was appended more than
	// max(KeepFor, Retention.MaxAge) ago, and the byte budget and the
	// free-space reserve remove long-lived records after all others. It is
	// stored in whole seconds, rounded up. Zero is the usual retention.
	KeepFor time.Duration
}

// KeepLightning is the KeepFor of lightning warning level changes:
// regulation keeps them for at least 3 years (1095 days), while other
// history is kept 30 days.
const KeepLightning = 1095 * 24 * time.Hour

// Record is a stored record.
type Record struct {
	Seq     uint64
	Lane    Lane
	Payload []byte
	// Point, Time and KeepFor are those of the appended Entry. Time is zero
	// when Point is empty.
	Point   string
	Time    time.Time
	KeepFor time.Duration
}

// validate checks what Append cannot store.
func (e Entry) validate() error {
	if !e.Lane.known() {
		return fmt.Errorf("%w: unknown lane %d", ErrInvalidEntry, byte(e.Lane))
	}
	if len(e.Point) > MaxPointLen {
		return fmt.Errorf("%w: point id of %d bytes is longer than %d", ErrInvalidEntry, len(e.Point), MaxPointLen)
	}
	if len(e.Payload) > MaxPayloadLen {
		return fmt.Errorf("%w: payload of %d bytes is longer than %d", ErrInvalidEntry, len(e.Payload), MaxPayloadLen)
	}
	return nil
}

// keepSeconds returns KeepFor in whole seconds, rounded up, and 0 for a
// zero or negative KeepFor.
func (e Entry) keepSeconds() uint64 {
	if e.KeepFor <= 0 {
		return 0
	}
	return uint64((e.KeepFor + time.Second - 1) / time.Second)
}

// encodeRecord returns an entry's stored value.
func encodeRecord(e Entry) []byte {
	keep := e.keepSeconds()
	if keep == 0 && e.Point == "" {
		val := make([]byte, 1+len(e.Payload))
		val[0] = byte(e.Lane)
		copy(val[1:], e.Payload)
		return val
	}
	val := make([]byte, 0, 2+binary.MaxVarintLen64+binary.MaxVarintLen16+len(e.Point)+8+len(e.Payload))
	flags := byte(0)
	if keep > 0 {
		flags |= flagKeep
	}
	if e.Point != "" {
		flags |= flagIndexed
	}
	val = append(val, byte(e.Lane)|optionsMarker, flags)
	if keep > 0 {
		val = binary.AppendUvarint(val, keep)
	}
	if e.Point != "" {
		val = binary.AppendUvarint(val, uint64(len(e.Point)))
		val = append(val, e.Point...)
		val = binary.BigEndian.AppendUint64(val, sortableNS(e.Time))
	}
	return append(val, e.Payload...)
}

// storedHeader is the part of a stored value before the payload.
type storedHeader struct {
	lane    Lane
	keepFor time.Duration
	indexed bool
	point   string
	ns      int64
	// size is the header's length in the value.
	size int
}

// parseHeader reads a stored value's header without copying the payload.
func parseHeader(val []byte) (storedHeader, error) {
	if len(val) == 0 {
		return storedHeader{}, errors.New("empty record value")
	}
	if val[0]&optionsMarker == 0 {
		return storedHeader{lane: Lane(val[0]), size: 1}, nil
	}
	h := storedHeader{lane: Lane(val[0] &^ optionsMarker)}
	if len(val) < 2 {
		return h, errors.New("record value ends in its header")
	}
	flags, pos := val[1], 2
	if flags&flagKeep != 0 {
		keep, n := binary.Uvarint(val[pos:])
		if n <= 0 {
			return h, errors.New("invalid keep time in record value")
		}
		h.keepFor = time.Duration(min(keep, uint64(math.MaxInt64/int64(time.Second)))) * time.Second
		pos += n
	}
	if flags&flagIndexed != 0 {
		length, n := binary.Uvarint(val[pos:])
		if n <= 0 || length > uint64(len(val)) || uint64(len(val)-pos-n) < length+8 {
			return h, errors.New("invalid point in record value")
		}
		pos += n
		h.indexed = true
		h.point = string(val[pos : pos+int(length)])
		pos += int(length)
		h.ns = nsFromSortable(binary.BigEndian.Uint64(val[pos:]))
		pos += 8
	}
	h.size = pos
	return h, nil
}

// decodeRecord splits a stored value that the caller owns. A value whose
// header cannot be parsed, which the engines' checksums should prevent, is
// returned whole as the payload, so that the uplink's decoder rejects and
// skips it like any other unreadable payload.
func decodeRecord(seq uint64, val []byte) Record {
	h, err := parseHeader(val)
	if err != nil {
		r := Record{Seq: seq, Payload: val}
		if len(val) > 0 {
			r.Lane = Lane(val[0] &^ optionsMarker)
		}
		return r
	}
	r := Record{Seq: seq, Lane: h.lane, Payload: val[h.size:], KeepFor: h.keepFor}
	if h.indexed {
		r.Point = h.point
		r.Time = time.Unix(0, h.ns)
	}
	return r
}

// storedLen returns the key and value length an entry takes as a record.
func storedLen(e Entry) int64 {
	n := int64(recordKeyLen + 1 + len(e.Payload))
	keep := e.keepSeconds()
	if keep == 0 && e.Point == "" {
		return n
	}
	n++
	if keep > 0 {
		n += int64(uvarintLen(keep))
	}
	if e.Point != "" {
		n += int64(uvarintLen(uint64(len(e.Point))) + len(e.Point) + 8)
	}
	return n
}

func uvarintLen(x uint64) int {
	return len(binary.AppendUvarint(nil, x))
}

// Times as Unix nanoseconds are defined for the years 1678 to 2262.
var (
	minNSTime = time.Unix(0, math.MinInt64)
	maxNSTime = time.Unix(0, math.MaxInt64)
)

// unixNano returns t in Unix nanoseconds, clamped to the int64 range.
func unixNano(t time.Time) int64 {
	switch {
	case t.Before(minNSTime):
		return math.MinInt64
	case t.After(maxNSTime):
		return math.MaxInt64
	}
	return t.UnixNano()
}

// sortableNS returns t in Unix nanoseconds with the sign bit flipped, so
// that big-endian bytes sort in time order, times before 1970 included.
func sortableNS(t time.Time) uint64 {
	return uint64(unixNano(t)) ^ (1 << 63)
}

func nsFromSortable(v uint64) int64 {
	return int64(v ^ (1 << 63))
}
