//go:build !(386 || arm || mips || mipsle)

package buffer

import (
	"encoding/binary"
	"fmt"

	"github.com/dgraph-io/badger/v4"
)

// pendingFrom seeks to from, or to the lane's low mark when that is
// higher. It raises the low mark only when the seek started at it, because
// a seek from a higher seq does not see the lowest queued record.
func (s badgerStore) pendingFrom(lane Lane, from, upTo uint64, limit int, skip func(seq uint64) bool) ([]Record, error) {
	var out []Record
	err := s.db.View(func(txn *badger.Txn) error {
		it := txn.NewIterator(badger.IteratorOptions{Prefix: []byte{prefixQueue, byte(lane)}})
		defer it.Close()
		low := s.low.get(lane)
		start := max(from, low)
		first := start == low
		for it.Seek(queueKey(lane, start)); it.Valid() && len(out) < limit; it.Next() {
			seq := binary.BigEndian.Uint64(it.Item().Key()[2:])
			if first {
				s.low.raise(lane, seq)
				first = false
			}
			if seq > upTo {
				return nil
			}
			if skip != nil && skip(seq) {
				continue
			}
			val, err := queuedValue(txn, seq)
			if err != nil {
				return err
			}
			out = append(out, decodeRecord(seq, val))
		}
		return nil
	})
	return out, err
}

// queuedValue returns a copy of the stored value of the queued record seq.
func queuedValue(txn *badger.Txn, seq uint64) ([]byte, error) {
	item, err := txn.Get(recordKey(seq))
	if err != nil {
		return nil, fmt.Errorf("record %d queued but not readable: %w", seq, err)
	}
	val, err := item.ValueCopy(nil)
	if err != nil {
		return nil, fmt.Errorf("read record %d: %w", seq, err)
	}
	return val, nil
}
