//go:build 386 || arm || mips || mipsle

package buffer

import (
	"bytes"
	"encoding/binary"
	"fmt"

	bolt "go.etcd.io/bbolt"
)

func (s bboltStore) pendingFrom(lane Lane, from, upTo uint64, limit int, skip func(seq uint64) bool) ([]Record, error) {
	var out []Record
	err := s.db.View(func(tx *bolt.Tx) error {
		records := tx.Bucket(bucketRecords)
		c := tx.Bucket(bucketQueue).Cursor()
		for k, _ := c.Seek(laneKey(lane, from)); k != nil && k[0] == byte(lane) && len(out) < limit; k, _ = c.Next() {
			seq := binary.BigEndian.Uint64(k[1:])
			if seq > upTo {
				return nil
			}
			if skip != nil && skip(seq) {
				continue
			}
			val := records.Get(seqKey(seq))
			if val == nil {
				return fmt.Errorf("record %d queued but not stored", seq)
			}
			out = append(out, decodeRecord(seq, bytes.Clone(val)))
		}
		return nil
	})
	return out, err
}
