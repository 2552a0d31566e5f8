//go:build !(386 || arm || mips || mipsle)

package buffer

import (
	"fmt"

	"github.com/dgraph-io/badger/v4"
)

func (s badgerStore) history(point string, from historyPos, end int64, limit int) ([]historyItem, error) {
	prefix := append([]byte{prefixIndex}, indexPrefix(point)...)
	var out []historyItem
	err := s.db.View(func(txn *badger.Txn) error {
		it := txn.NewIterator(badger.IteratorOptions{Prefix: prefix})
		defer it.Close()
		for it.Seek(indexKey(point, from.ns, from.seq)); it.Valid() && len(out) < limit; it.Next() {
			pos, err := parseIndexTail(it.Item().Key()[len(prefix):])
			if err != nil {
				return err
			}
			if pos.ns >= end {
				return nil
			}
			item, err := txn.Get(recordKey(pos.seq))
			if err != nil {
				return fmt.Errorf("record %d indexed but not readable: %w", pos.seq, err)
			}
			val, err := item.ValueCopy(nil)
			if err != nil {
				return fmt.Errorf("read record %d: %w", pos.seq, err)
			}
			out = append(out, historyItem{pos: pos, record: decodeRecord(pos.seq, val)})
		}
		return nil
	})
	return out, err
}
