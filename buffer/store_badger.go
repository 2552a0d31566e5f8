//go:build !(386 || arm || mips || mipsle)

package buffer

import (
	"encoding/binary"
	"errors"
	"fmt"
	"log/slog"

	"github.com/dgraph-io/badger/v4"
)

// Badger keys, all in one keyspace:
//
//	'r' seq(8, big-endian)          -> lane(1) payload   the record
//	'q' lane(1) seq(8, big-endian)  -> empty             waiting for upload
//	'm' name                        -> value             metadata
const (
	prefixRecord = 'r'
	prefixQueue  = 'q'
	prefixMeta   = 'm'
)

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

// badgerStore keeps the buffer in Badger with SyncWrites off, so a write
// is durable only after sync.
type badgerStore struct{ db *badger.DB }

func openStore(path string, log *slog.Logger) (store, error) {
	db, err := badger.Open(badgerOptions(path, log))
	if err != nil {
		// Badger v4.9.6 formats the lock error with %+v, so errors.Is
		// cannot find its cause; the lock itself is checked instead.
		if lockedByOther(path) {
			return nil, fmt.Errorf("%w (%v)", ErrLocked, err)
		}
		return nil, err
	}
	return badgerStore{db: db}, nil
}

func (s badgerStore) load() (lastSeq uint64, pending map[Lane]int, err error) {
	pending = map[Lane]int{}
	err = s.db.View(func(txn *badger.Txn) error {
		it := txn.NewIterator(badger.IteratorOptions{Reverse: true, Prefix: []byte{prefixRecord}})
		it.Seek([]byte{prefixRecord, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF})
		if it.Valid() {
			lastSeq = binary.BigEndian.Uint64(it.Item().Key()[1:])
		}
		it.Close()

		qit := txn.NewIterator(badger.IteratorOptions{Prefix: []byte{prefixQueue}})
		defer qit.Close()
		for qit.Rewind(); qit.Valid(); qit.Next() {
			pending[Lane(qit.Item().Key()[1])]++
		}
		return nil
	})
	return lastSeq, pending, err
}

func (s badgerStore) append(first uint64, entries []Entry) error {
	return s.db.Update(func(txn *badger.Txn) error {
		for i, e := range entries {
			seq := first + uint64(i)
			if err := txn.Set(recordKey(seq), encodeRecord(e.Lane, e.Payload)); err != nil {
				return err
			}
			if err := txn.Set(queueKey(e.Lane, seq), nil); err != nil {
				return err
			}
		}
		return nil
	})
}

func (s badgerStore) pending(lane Lane, limit int, skip func(seq uint64) bool) ([]Record, error) {
	var out []Record
	err := s.db.View(func(txn *badger.Txn) error {
		it := txn.NewIterator(badger.IteratorOptions{Prefix: []byte{prefixQueue, byte(lane)}})
		defer it.Close()
		for it.Rewind(); it.Valid() && len(out) < limit; it.Next() {
			seq := binary.BigEndian.Uint64(it.Item().Key()[2:])
			if skip != nil && skip(seq) {
				continue
			}
			item, err := txn.Get(recordKey(seq))
			if err != nil {
				return fmt.Errorf("record %d queued but not readable: %w", seq, err)
			}
			val, err := item.ValueCopy(nil)
			if err != nil {
				return fmt.Errorf("read record %d: %w", seq, err)
			}
			out = append(out, decodeRecord(seq, val))
		}
		return nil
	})
	return out, err
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
