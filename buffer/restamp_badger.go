//go:build !(386 || arm || mips || mipsle)

package buffer

import (
	"encoding/binary"
	"fmt"
	"time"

	"github.com/dgraph-io/badger/v4"
)

// restamp reads the batch first and writes it after the iterator is
// closed, because an iterator of an update transaction does not follow
// the writes made while it runs.
func (s badgerStore) restamp(lane Lane, from, to uint64, limit int, apply func(uint64, []byte) (restampedRecord, bool)) (restampBatch, error) {
	var out restampBatch
	err := s.db.Update(func(txn *badger.Txn) error {
		out = restampBatch{}
		seqs, done := badgerQueued(txn, lane, from, to, limit)
		out.done = done
		for _, seq := range seqs {
			out.last = seq
			val, err := queuedValue(txn, seq)
			if err != nil {
				return err
			}
			rec, ok := apply(seq, val)
			if !ok {
				continue
			}
			if err := badgerRestampRecord(txn, seq, rec); err != nil {
				return fmt.Errorf("rewrite record %d: %w", seq, err)
			}
			out.restamped++
			out.grown += int64(len(rec.value) - len(val))
		}
		return nil
	})
	return out, err
}

// badgerQueued returns up to limit queued seqs of lane from from to to,
// and done when no queued seq of that range follows them.
func badgerQueued(txn *badger.Txn, lane Lane, from, to uint64, limit int) (seqs []uint64, done bool) {
	it := txn.NewIterator(badger.IteratorOptions{Prefix: []byte{prefixQueue, byte(lane)}})
	defer it.Close()
	for it.Seek(queueKey(lane, from)); it.Valid(); it.Next() {
		seq := binary.BigEndian.Uint64(it.Item().Key()[2:])
		if seq > to {
			return seqs, true
		}
		if len(seqs) == limit {
			return seqs, false
		}
		seqs = append(seqs, seq)
	}
	return seqs, true
}

func badgerRestampRecord(txn *badger.Txn, seq uint64, rec restampedRecord) error {
	if err := txn.Set(recordKey(seq), rec.value); err != nil {
		return err
	}
	if rec.oldIndex == nil {
		return nil
	}
	if err := txn.Delete(append([]byte{prefixIndex}, rec.oldIndex...)); err != nil {
		return err
	}
	return txn.Set(append([]byte{prefixIndex}, rec.newIndex...), nil)
}

func (s badgerStore) shiftStamps(from, to uint64, limit int, shift time.Duration) (last uint64, done bool, err error) {
	err = s.db.Update(func(txn *badger.Txn) error {
		last, done = 0, true
		type stamp struct {
			key []byte
			at  time.Time
		}
		var stamps []stamp
		it := txn.NewIterator(badger.IteratorOptions{Prefix: []byte{prefixStamp}, PrefetchValues: true})
		for it.Seek(stampKey(from)); it.Valid(); it.Next() {
			seq := binary.BigEndian.Uint64(it.Item().Key()[1:])
			if seq > to {
				break
			}
			if len(stamps) == limit {
				done = false
				break
			}
			val, err := it.Item().ValueCopy(nil)
			if err != nil {
				it.Close()
				return fmt.Errorf("read append time of seq %d: %w", seq, err)
			}
			stamps = append(stamps, stamp{key: it.Item().KeyCopy(nil), at: decodeStamp(val)})
			last = seq
		}
		it.Close()
		for _, st := range stamps {
			if err := txn.Set(st.key, encodeStamp(st.at.Add(shift))); err != nil {
				return err
			}
		}
		return nil
	})
	return last, done, err
}
