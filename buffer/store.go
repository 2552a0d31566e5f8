package buffer

// store is the storage engine under a Buffer. Buffer serialises every
// write method and sync under its mutex; the read methods (pending, scan,
// getMeta) may run concurrently with them and with each other.
//
// Badger v4.9.6 loses data on 32-bit builds: ristretto's z.Allocator
// (v2.2.0 to v2.4.2) computes uint64((bufIdx+1)<<32) in a 32-bit int, so
// every table built past the allocator's first buffer is corrupt.
// Therefore 64-bit builds use badgerStore (store_badger.go) and 32-bit
// builds use bboltStore (store_bbolt.go); build tags choose one openStore.
type store interface {
	// load returns the highest record seq (0 when there are none) and
	// the length of each lane's upload queue.
	load() (lastSeq uint64, pending map[Lane]int, err error)
	// append stores entries as records first, first+1, ... and queues
	// each in its lane, all in one transaction.
	append(first uint64, entries []Entry) error
	// pending returns up to limit queued records of lane in seq order,
	// leaving out those for which skip returns true.
	pending(lane Lane, limit int, skip func(seq uint64) bool) ([]Record, error)
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
}

// encodeRecord returns a record's stored value: lane(1) payload.
func encodeRecord(lane Lane, payload []byte) []byte {
	val := make([]byte, 1+len(payload))
	val[0] = byte(lane)
	copy(val[1:], payload)
	return val
}

// decodeRecord splits a stored value that the caller owns.
func decodeRecord(seq uint64, val []byte) Record {
	return Record{Seq: seq, Lane: Lane(val[0]), Payload: val[1:]}
}
