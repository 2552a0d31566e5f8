//go:build !(386 || arm || mips || mipsle)

package buffer

import (
	"encoding/binary"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"sync"
	"time"

	"github.com/dgraph-io/badger/v4"
)

// Badger keys, all in one keyspace:
//
//	'r' seq(8, big-endian)          -> lane(1) payload   the record
//	'q' lane(1) seq(8, big-endian)  -> empty             waiting for upload
//	'm' name                        -> value             metadata
//	'a' seq(8, big-endian)          -> unix ns(8)        append time of seq and later
//	'p' index suffix (history.go)   -> empty             point index: point, time, seq
//	'l'                             -> seq(8)            last seq when remove ran
const (
	prefixRecord  = 'r'
	prefixQueue   = 'q'
	prefixMeta    = 'm'
	prefixStamp   = 'a'
	prefixIndex   = 'p'
	keyRemovedSeq = 'l'
)

func indexKey(point string, ns int64, seq uint64) []byte {
	return append([]byte{prefixIndex}, indexSuffix(point, ns, seq)...)
}

func stampKey(seq uint64) []byte {
	return binary.BigEndian.AppendUint64([]byte{prefixStamp}, seq)
}

// recordKeyLen is the length of a record key.
const recordKeyLen = 9

func recordKey(seq uint64) []byte {
	k := make([]byte, 9)
	k[0] = prefixRecord
	binary.BigEndian.PutUint64(k[1:], seq)
	return k
}

func queueKey(lane Lane, seq uint64) []byte {
	k := make([]byte, 10)
	k[0] = prefixQueue
	k[1] = byte(lane)
	binary.BigEndian.PutUint64(k[2:], seq)
	return k
}

func metaKey(name string) []byte { return append([]byte{prefixMeta}, name...) }

// commitIsDurable is false because badgerStore commits with SyncWrites
// off: a record is durable only after sync.
const commitIsDurable = false

// badgerStore keeps the buffer in Badger with SyncWrites off, so a write
// is durable only after sync.
type badgerStore struct {
	db *badger.DB
	// low is, per lane, a seq at or below the lowest queued one. Acks
	// only delete queue keys and appends only add higher ones, so pending
	// can seek there instead of stepping from the lane's first key over
	// every key acked since the last compaction.
	low *queueLow
}

type queueLow struct {
	mu  sync.Mutex
	seq map[Lane]uint64
}

func (q *queueLow) get(lane Lane) uint64 {
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.seq[lane]
}

func (q *queueLow) raise(lane Lane, seq uint64) {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.seq[lane] = max(q.seq[lane], seq)
}

func openStore(path string, log *slog.Logger) (store, error) {
	if lockedByOther(path) {
		return nil, ErrLocked
	}
	opts := badgerOptions(path, log)
	if err := probeTables(path, opts); err != nil {
		return nil, err
	}
	db, err := badger.Open(opts)
	if err != nil {
		// NOTE: a badger.Open v4.9.6 that fails after creating its caches
		// leaves their monitor goroutine and its allocator pool running,
		// and their memory held, until the process exits.
		// Badger v4.9.6 formats the lock error with %+v, so errors.Is
		// cannot find its cause; the lock itself is checked instead.
		if lockedByOther(path) {
			return nil, fmt.Errorf("%w (%v)", ErrLocked, err)
		}
		return nil, err
	}
	return badgerStore{db: db, low: &queueLow{seq: map[Lane]uint64{}}}, nil
}

func (s badgerStore) load() (loaded, error) {
	out := loaded{pending: map[Lane]int{}}
	err := s.db.View(func(txn *badger.Txn) error {
		// A key-only pass over the records gives the last seq and their
		// size without reading the values.
		it := txn.NewIterator(badger.IteratorOptions{Prefix: []byte{prefixRecord}})
		for it.Rewind(); it.Valid(); it.Next() {
			item := it.Item()
			out.lastSeq = binary.BigEndian.Uint64(item.Key()[1:])
			out.recordBytes += int64(len(item.Key())) + item.ValueSize()
		}
		it.Close()

		sit := txn.NewIterator(badger.IteratorOptions{Reverse: true, Prefix: []byte{prefixStamp}})
		sit.Seek(stampKey(^uint64(0)))
		if sit.Valid() {
			val, err := sit.Item().ValueCopy(nil)
			if err != nil {
				sit.Close()
				return fmt.Errorf("read append time: %w", err)
			}
			out.lastStamp = decodeStamp(val)
		}
		sit.Close()

		qit := txn.NewIterator(badger.IteratorOptions{Prefix: []byte{prefixQueue}})
		defer qit.Close()
		for qit.Rewind(); qit.Valid(); qit.Next() {
			out.pending[Lane(qit.Item().Key()[1])]++
		}

		removed, err := txn.Get([]byte{keyRemovedSeq})
		if errors.Is(err, badger.ErrKeyNotFound) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("read last removed seq: %w", err)
		}
		return removed.Value(func(val []byte) error {
			if len(val) != 8 {
				return fmt.Errorf("last removed seq has %d bytes, want 8", len(val))
			}
			out.lastSeq = max(out.lastSeq, binary.BigEndian.Uint64(val))
			return nil
		})
	})
	return out, err
}

func (s badgerStore) append(first uint64, entries []Entry, stamp time.Time) error {
	return s.db.Update(func(txn *badger.Txn) error {
		if !stamp.IsZero() {
			if err := txn.Set(stampKey(first), encodeStamp(stamp)); err != nil {
				return err
			}
		}
		for i, e := range entries {
			seq := first + uint64(i)
			if err := txn.Set(recordKey(seq), encodeRecord(e)); err != nil {
				return err
			}
			if err := txn.Set(queueKey(e.Lane, seq), nil); err != nil {
				return err
			}
			if e.Point == "" {
				continue
			}
			if err := txn.Set(indexKey(e.Point, unixNano(e.Time), seq), nil); err != nil {
				return err
			}
		}
		return nil
	})
}

func (s badgerStore) ack(lane Lane, seqs []uint64) (removed int, err error) {
	err = s.db.Update(func(txn *badger.Txn) error {
		for _, seq := range seqs {
			k := queueKey(lane, seq)
			if _, err := txn.Get(k); errors.Is(err, badger.ErrKeyNotFound) {
				continue
			} else if err != nil {
				return err
			}
			if err := txn.Delete(k); err != nil {
				return err
			}
			removed++
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	return removed, nil
}

func (s badgerStore) scan(fn func(Record) error) error {
	return s.db.View(func(txn *badger.Txn) error {
		it := txn.NewIterator(badger.IteratorOptions{Prefix: []byte{prefixRecord}, PrefetchValues: true})
		defer it.Close()
		for it.Rewind(); it.Valid(); it.Next() {
			val, err := it.Item().ValueCopy(nil)
			if err != nil {
				return fmt.Errorf("read record: %w", err)
			}
			seq := binary.BigEndian.Uint64(it.Item().Key()[1:])
			if err := fn(decodeRecord(seq, val)); err != nil {
				return err
			}
		}
		return nil
	})
}

func (s badgerStore) putMeta(name string, value []byte) error {
	return s.db.Update(func(txn *badger.Txn) error { return txn.Set(metaKey(name), value) })
}

func (s badgerStore) getMeta(name string) ([]byte, error) {
	var out []byte
	err := s.db.View(func(txn *badger.Txn) error {
		item, err := txn.Get(metaKey(name))
		if errors.Is(err, badger.ErrKeyNotFound) {
			return nil
		}
		if err != nil {
			return err
		}
		out, err = item.ValueCopy(nil)
		return err
	})
	return out, err
}

func (s badgerStore) deleteMeta(name string) error {
	return s.db.Update(func(txn *badger.Txn) error { return txn.Delete(metaKey(name)) })
}

func (s badgerStore) sync() error  { return s.db.Sync() }
func (s badgerStore) close() error { return s.db.Close() }

// size sums the disk blocks of the files in Badger's directory. Deleted
// records stay in their tables until Badger compacts them, so size drops
// some time after remove, not at once. db.Size() is not used because
// Badger refreshes it only once a minute.
func (s badgerStore) size() (int64, error) {
	return dirSize(s.db.Opts().Dir)
}

func (s badgerStore) agedBelow(cutoff time.Time) (uint64, error) {
	var below uint64
	seen := false
	err := s.db.View(func(txn *badger.Txn) error {
		it := txn.NewIterator(badger.IteratorOptions{Prefix: []byte{prefixStamp}, PrefetchValues: true})
		defer it.Close()
		for it.Rewind(); it.Valid(); it.Next() {
			val, err := it.Item().ValueCopy(nil)
			if err != nil {
				return fmt.Errorf("read append time: %w", err)
			}
			seq := binary.BigEndian.Uint64(it.Item().Key()[1:])
			if decodeStamp(val).After(cutoff) {
				if !seen {
					below = 0
				} else {
					below = seq
				}
				return nil
			}
			seen = true
			below = math.MaxUint64
		}
		return nil
	})
	return below, err
}

func (s badgerStore) victims(lane Lane, queued bool, from, below uint64, limit int) ([]victim, error) {
	var out []victim
	err := s.db.View(func(txn *badger.Txn) error {
		it := txn.NewIterator(badger.IteratorOptions{Prefix: []byte{prefixRecord}, PrefetchValues: true})
		defer it.Close()
		for it.Seek(recordKey(from)); it.Valid() && len(out) < limit; it.Next() {
			item := it.Item()
			seq := binary.BigEndian.Uint64(item.Key()[1:])
			if seq >= below {
				return nil
			}
			var h storedHeader
			err := item.Value(func(val []byte) error {
				var err error
				h, err = parseHeader(val)
				return err
			})
			if err != nil {
				return fmt.Errorf("read record %d: %w", seq, err)
			}
			if h.lane != lane {
				continue
			}
			_, err = txn.Get(queueKey(lane, seq))
			isQueued := err == nil
			if err != nil && !errors.Is(err, badger.ErrKeyNotFound) {
				return err
			}
			if isQueued == queued {
				out = append(out, newVictim(seq, h, queued, int64(len(item.Key()))+item.ValueSize()))
			}
		}
		return nil
	})
	return out, err
}

func (s badgerStore) remove(vs []victim, lastSeq uint64) error {
	return s.db.Update(func(txn *badger.Txn) error {
		if err := txn.Set([]byte{keyRemovedSeq}, binary.BigEndian.AppendUint64(nil, lastSeq)); err != nil {
			return err
		}
		for _, v := range vs {
			if err := txn.Delete(recordKey(v.seq)); err != nil {
				return err
			}
			if v.queued {
				if err := txn.Delete(queueKey(v.lane, v.seq)); err != nil {
					return err
				}
			}
			if v.indexed {
				if err := txn.Delete(indexKey(v.point, v.ns, v.seq)); err != nil {
					return err
				}
			}
		}
		return nil
	})
}

// trimStamps walks the stamps in seq order beside a record iterator that
// seeks only when a range starts beyond its position, so a pass costs one
// step per stamp up to upTo plus one seek per range that holds records.
func (s badgerStore) trimStamps(upTo uint64) error {
	var stale [][]byte
	err := s.db.View(func(txn *badger.Txn) error {
		records := txn.NewIterator(badger.IteratorOptions{Prefix: []byte{prefixRecord}})
		defer records.Close()
		records.Rewind()
		sit := txn.NewIterator(badger.IteratorOptions{Prefix: []byte{prefixStamp}})
		defer sit.Close()
		var previous []byte
		start := uint64(0)
		for sit.Rewind(); sit.Valid(); sit.Next() {
			seq := binary.BigEndian.Uint64(sit.Item().Key()[1:])
			if previous != nil {
				if !badgerRecordIn(records, start, seq) {
					stale = append(stale, previous)
				}
				start = seq
			}
			if seq > upTo {
				return nil
			}
			previous = sit.Item().KeyCopy(nil)
		}
		return nil
	})
	if err != nil || len(stale) == 0 {
		return err
	}
	for start := 0; start < len(stale); start += maxBatch {
		chunk := stale[start:min(start+maxBatch, len(stale))]
		err := s.db.Update(func(txn *badger.Txn) error {
			for _, k := range chunk {
				if err := txn.Delete(k); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// badgerRecordIn reports whether a record has a seq in [from, end). It
// keeps the iterator's position when that is already at or after from.
func badgerRecordIn(it *badger.Iterator, from, end uint64) bool {
	if it.Valid() && binary.BigEndian.Uint64(it.Item().Key()[1:]) < from {
		it.Seek(recordKey(from))
	}
	return it.Valid() && binary.BigEndian.Uint64(it.Item().Key()[1:]) < end
}
