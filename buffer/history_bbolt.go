//go:build 386 || arm || mips || mipsle

package buffer

import (
	"bytes"
	"fmt"

	bolt "go.etcd.io/bbolt"
)

func (s bboltStore) history(point string, from historyPos, end int64, limit int) ([]historyItem, error) {
	prefix := indexPrefix(point)
	var out []historyItem
	err := s.db.View(func(tx *bolt.Tx) error {
		records := tx.Bucket(bucketRecords)
		c := tx.Bucket(bucketIndex).Cursor()
		for k, _ := c.Seek(indexSuffix(point, from.ns, from.seq)); k != nil && bytes.HasPrefix(k, prefix) && len(out) < limit; k, _ = c.Next() {
			pos, err := parseIndexTail(k[len(prefix):])
			if err != nil {
				return err
			}
			if pos.ns >= end {
				return nil
			}
			val := records.Get(seqKey(pos.seq))
			if val == nil {
				return fmt.Errorf("record %d indexed but not stored", pos.seq)
			}
			out = append(out, historyItem{pos: pos, record: decodeRecord(pos.seq, bytes.Clone(val))})
		}
		return nil
	})
	return out, err
}
