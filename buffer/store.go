package buffer

import (
	"encoding/binary"
	"time"
)

// store is the storage engine under a Buffer. Buffer serialises every
// write method and sync under its mutex; the read methods (pending, scan,
// history, getMeta) may run concurrently with them and with each other.
//
// Badger v4.9.6 loses data on 32-bit builds: ristretto's z.Allocator
// (v2.2.0 to v2.4.2) computes uint64((bufIdx+1)<<32) in a 32-bit int, so
// every table built past the allocator's first buffer is corrupt.
// Therefore 64-bit builds use badgerStore (store_badger.go) and 32-bit
// builds use bboltStore (store_bbolt.go); build tags choose one openStore.
type store interface {
	// load returns the highest seq stored, in a record or by remove, each
	// lane's queue length and the key and value bytes of all records.
	load() (loaded, error)
	// append stores entries as records first, first+1, ... and queues
	// each in its lane, all in one transaction. An entry with a Point also
	// gets its index key in that transaction. A non-zero stamp also stores
	// the append time under first (see agedBelow).
	append(first uint64, entries []Entry, stamp time.Time) error
	// history returns up to limit records of point from the index, at or
	// after position from and with a time before end, in index order.
	history(point string, from historyPos, end int64, limit int) ([]historyItem, error)
	// ack removes seqs from lane's queue and returns how many were
	// queued. Seqs that are not queued are ignored.
	ack(lane Lane, seqs []uint64) (removed int, err error)
	// scan calls fn for every record in seq order and stops at its
	// first error.
	scan(fn func(Record) error) error
	putMeta(name string, value []byte) error
	// getMeta returns nil when name is not stored.
	getMeta(name string) ([]byte, error)
	deleteMeta(name string) error
	// sync makes every committed write durable.
	sync() error
	close() error

	// size returns the bytes the store occupies on disk, as far as the
	// engine can tell right now.
	size() (int64, error)
	// agedBelow returns the first seq of the oldest stamp after cutoff,
	// so that every record below it belongs to a stamp at or before
	// cutoff. It returns math.MaxUint64 when every stamp is at or before
	// cutoff, and 0 when none is: records older than the first stamp,
	// stored before stamps existed, are as old as that stamp.
	agedBelow(cutoff time.Time) (uint64, error)
	// victims returns up to limit records of lane with from <= seq <
	// below, in seq order, whose queued state equals queued.
	victims(lane Lane, queued bool, from, below uint64, limit int) ([]victim, error)
	// remove deletes the records, their index keys and, for queued ones,
	// their queue entries in one transaction. It stores lastSeq in that
	// transaction too, so that load still returns it when the newest
	// records are among those removed.
	remove(vs []victim, lastSeq uint64) error
	// trimStamps deletes every stamp, except the newest, whose range of
	// seqs up to the next stamp holds no stored record. Records stored
	// before the first stamp count as in its range. Only ranges that start
	// at or below upTo, the highest seq removed since the last call, can
	// have become empty, so later ones are not checked.
	trimStamps(upTo uint64) error
	// pendingFrom returns up to limit queued records of lane with a seq
	// from from to upTo, in seq order, leaving out those for which skip
	// returns true. A from of 0 reads from the lane's first queued record.
	pendingFrom(lane Lane, from, upTo uint64, limit int, skip func(seq uint64) bool) ([]Record, error)
	// restamp calls apply for each of up to limit queued records of lane
	// with from <= seq <= to, in seq order, and stores the values it
	// returns with their index keys moved, all in one transaction.
	restamp(lane Lane, from, to uint64, limit int, apply func(seq uint64, val []byte) (restampedRecord, bool)) (restampBatch, error)
	// shiftStamps adds shift to up to limit append times stored under
	// seqs from to to, in one transaction. It returns the last seq whose
	// time it moved, and done when no append time of the range is left
	// after it.
	shiftStamps(from, to uint64, limit int, shift time.Duration) (last uint64, done bool, err error)
}

// loaded is the state a store reports when the buffer opens.
type loaded struct {
	lastSeq uint64
	pending map[Lane]int
	// recordBytes is the sum of key and value lengths of all records.
	recordBytes int64
	// lastStamp is the newest append time stored, zero when none is.
	lastStamp time.Time
}

// victim is a record chosen for eviction.
type victim struct {
	seq    uint64
	lane   Lane
	queued bool
	// bytes is the record's key and value length.
	bytes int64
	// keepFor is the record's Entry.KeepFor.
	keepFor time.Duration
	// indexed records have an index key for point at time ns.
	indexed bool
	point   string
	ns      int64
}

// newVictim returns the victim for a stored record from its value header.
func newVictim(seq uint64, h storedHeader, queued bool, bytes int64) victim {
	return victim{seq: seq, lane: h.lane, queued: queued, bytes: bytes,
		keepFor: h.keepFor, indexed: h.indexed, point: h.point, ns: h.ns}
}

// encodeStamp returns a stored append time: Unix nanoseconds, big-endian.
func encodeStamp(t time.Time) []byte {
	return binary.BigEndian.AppendUint64(nil, uint64(t.UnixNano()))
}

func decodeStamp(val []byte) time.Time {
	return time.Unix(0, int64(binary.BigEndian.Uint64(val)))
}
