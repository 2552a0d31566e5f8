//go:build 386 || arm || mips || mipsle

package buffer

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"
)

// restamp collects the batch with a cursor before it writes, because a
// bucket written during a cursor's walk may move the cursor's pages.
func (s bboltStore) restamp(lane Lane, from, to uint64, limit int, apply func(uint64, []byte) (restampedRecord, bool)) (restampBatch, error) {
	var out restampBatch
	err := s.db.Update(func(tx *bolt.Tx) error {
		out = restampBatch{}
		seqs, done := bboltQueued(tx, lane, from, to, limit)
		out.done = done
		records := tx.Bucket(bucketRecords)
		index := tx.Bucket(bucketIndex)
		for _, seq := range seqs {
			out.last = seq
			val := records.Get(seqKey(seq))
			if val == nil {
				return fmt.Errorf("record %d queued but not stored", seq)
			}
			oldLen := len(val)
			rec, ok := apply(seq, bytes.Clone(val))
			if !ok {
				continue
			}
			if err := records.Put(seqKey(seq), rec.value); err != nil {
				return fmt.Errorf("rewrite record %d: %w", seq, err)
			}
			if rec.oldIndex != nil {
				if err := index.Delete(rec.oldIndex); err != nil {
					return fmt.Errorf("move index key of record %d: %w", seq, err)
				}
				if err := index.Put(rec.newIndex, []byte{}); err != nil {
					return fmt.Errorf("move index key of record %d: %w", seq, err)
				}
			}
			out.restamped++
			out.grown += int64(len(rec.value) - oldLen)
		}
		return nil
	})
	return out, err
}

// bboltQueued returns up to limit queued seqs of lane from from to to,
// and done when no queued seq of that range follows them.
func bboltQueued(tx *bolt.Tx, lane Lane, from, to uint64, limit int) (seqs []uint64, done bool) {
	c := tx.Bucket(bucketQueue).Cursor()
	for k, _ := c.Seek(laneKey(lane, from)); k != nil && k[0] == byte(lane); k, _ = c.Next() {
		seq := binary.BigEndian.Uint64(k[1:])
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

func (s bboltStore) shiftStamps(from, to uint64, limit int, shift time.Duration) (last uint64, done bool, err error) {
	err = s.db.Update(func(tx *bolt.Tx) error {
		last, done = 0, true
		stamps := tx.Bucket(bucketStamps)
		var keys [][]byte
		var times []time.Time
		c := stamps.Cursor()
		for k, v := c.Seek(seqKey(from)); k != nil; k, v = c.Next() {
			seq := binary.BigEndian.Uint64(k)
			if seq > to {
				break
			}
			if len(keys) == limit {
				done = false
				break
			}
			keys = append(keys, bytes.Clone(k))
			times = append(times, decodeStamp(v))
			last = seq
		}
		for i, k := range keys {
			if err := stamps.Put(k, encodeStamp(times[i].Add(shift))); err != nil {
				return err
			}
		}
		return nil
	})
	return last, done, err
}
