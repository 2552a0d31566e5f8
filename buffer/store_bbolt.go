//go:build 386 || arm || mips || mipsle

package buffer

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"os"
	"path/filepath"
	"time"

	bolt "go.etcd.io/bbolt"
)

// bboltFile is the database file inside the buffer's directory.
const bboltFile = "buffer.db"

// bbolt buckets and their keys:
//
//	records  seq(8, big-endian)          -> lane(1) payload   the record
//	queue    lane(1) seq(8, big-endian)  -> empty             waiting for upload
//	meta     name                        -> value             metadata
//	stamps   seq(8, big-endian)          -> unix ns(8)        append time of seq and later
//	index    index suffix (history.go)   -> empty             point index: point, time, seq
//	state    "removed-seq"               -> seq(8)            last seq when remove ran
var (
	bucketRecords = []byte("records")
	bucketQueue   = []byte("queue")
	bucketMeta    = []byte("meta")
	bucketStamps  = []byte("stamps")
	bucketIndex   = []byte("index")
	bucketState   = []byte("state")
	keyRemovedSeq = []byte("removed-seq")
)

// scanBatch bounds the records that scan reads in one read transaction.
// A long read transaction would block a commit that has to grow the
// memory map, and fn may append to the buffer.
const scanBatch = 1024

// bboltStore keeps the buffer in one bbolt file. bbolt fsyncs every
// commit (DB.NoSync is false), so every write is durable when it returns,
// telemetry included, and sync has nothing left to do.
// NOTE: bbolt maps the whole file, at most 2 GiB on 386 and arm. How large
// a file a 32-bit gatewayd can still map beside its heap has not been
// measured; config limits buffer.max_bytes to 1 GiB on 32-bit builds.
type bboltStore struct{ db *bolt.DB }

// commitIsDurable is true because bbolt fsyncs every commit.
const commitIsDurable = true

func openStore(path string, log *slog.Logger) (store, error) {
	if err := os.MkdirAll(path, 0o700); err != nil {
		return nil, err
	}
	if _, err := os.Stat(filepath.Join(path, "MANIFEST")); err == nil {
		log.Warn("buffer directory contains Badger files, which 32-bit builds do not read",
			"path", path, "store", bboltFile)
	}
	// bbolt takes an exclusive flock on the file and, with a Timeout,
	// returns ErrTimeout when another open store has it locked.
	db, err := bolt.Open(filepath.Join(path, bboltFile), 0o600, &bolt.Options{Timeout: 100 * time.Millisecond})
	if errors.Is(err, bolt.ErrTimeout) {
		return nil, fmt.Errorf("%w (%v)", ErrLocked, err)
	}
	if err != nil {
		return nil, err
	}
	err = db.Update(func(tx *bolt.Tx) error {
		for _, name := range [][]byte{bucketRecords, bucketQueue, bucketMeta, bucketStamps, bucketIndex, bucketState} {
			if _, err := tx.CreateBucketIfNotExists(name); err != nil {
				return fmt.Errorf("create bucket %s: %w", name, err)
			}
		}
		return nil
	})
	if err != nil {
		db.Close()
		return nil, err
	}
	return bboltStore{db: db}, nil
}

// lockHeldElsewhere reports whether another open store holds path's lock.
// openStore already returns ErrLocked when bbolt's flock on the file times
// out, so any other open error is not a held lock.
func lockHeldElsewhere(string) (held, known bool) { return false, true }

// recordKeyLen is the length of a record key.
const recordKeyLen = 8

func seqKey(seq uint64) []byte { return binary.BigEndian.AppendUint64(nil, seq) }

func laneKey(lane Lane, seq uint64) []byte {
	return binary.BigEndian.AppendUint64([]byte{byte(lane)}, seq)
}

func (s bboltStore) load() (loaded, error) {
	out := loaded{pending: map[Lane]int{}}
	err := s.db.View(func(tx *bolt.Tx) error {
		err := tx.Bucket(bucketRecords).ForEach(func(k, v []byte) error {
			out.lastSeq = binary.BigEndian.Uint64(k)
			out.recordBytes += int64(len(k) + len(v))
			return nil
		})
		if err != nil {
			return err
		}
		if _, v := tx.Bucket(bucketStamps).Cursor().Last(); v != nil {
			out.lastStamp = decodeStamp(v)
		}
		if v := tx.Bucket(bucketState).Get(keyRemovedSeq); v != nil {
			if len(v) != 8 {
				return fmt.Errorf("last removed seq has %d bytes, want 8", len(v))
			}
			out.lastSeq = max(out.lastSeq, binary.BigEndian.Uint64(v))
		}
		return tx.Bucket(bucketQueue).ForEach(func(k, _ []byte) error {
			out.pending[Lane(k[0])]++
			return nil
		})
	})
	return out, err
}

func (s bboltStore) append(first uint64, entries []Entry, stamp time.Time) error {
	return s.db.Update(func(tx *bolt.Tx) error {
		if !stamp.IsZero() {
			if err := tx.Bucket(bucketStamps).Put(seqKey(first), encodeStamp(stamp)); err != nil {
				return err
			}
		}
		records := tx.Bucket(bucketRecords)
		// Seqs only grow, so full pages waste no space.
		records.FillPercent = 1.0
		queue := tx.Bucket(bucketQueue)
		index := tx.Bucket(bucketIndex)
		for i, e := range entries {
			seq := first + uint64(i)
			if err := records.Put(seqKey(seq), encodeRecord(e)); err != nil {
				return err
			}
			if err := queue.Put(laneKey(e.Lane, seq), []byte{}); err != nil {
				return err
			}
			if e.Point == "" {
				continue
			}
			if err := index.Put(indexSuffix(e.Point, unixNano(e.Time), seq), []byte{}); err != nil {
				return err
			}
		}
		return nil
	})
}

func (s bboltStore) ack(lane Lane, seqs []uint64) (removed int, err error) {
	err = s.db.Update(func(tx *bolt.Tx) error {
		c := tx.Bucket(bucketQueue).Cursor()
		for _, seq := range seqs {
			k := laneKey(lane, seq)
			if found, _ := c.Seek(k); !bytes.Equal(found, k) {
				continue
			}
			if err := c.Delete(); err != nil {
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

func (s bboltStore) scan(fn func(Record) error) error {
	next := uint64(0)
	for {
		batch := make([]Record, 0, scanBatch)
		err := s.db.View(func(tx *bolt.Tx) error {
			c := tx.Bucket(bucketRecords).Cursor()
			for k, v := c.Seek(seqKey(next)); k != nil && len(batch) < scanBatch; k, v = c.Next() {
				batch = append(batch, decodeRecord(binary.BigEndian.Uint64(k), bytes.Clone(v)))
			}
			return nil
		})
		if err != nil {
			return err
		}
		for _, r := range batch {
			if err := fn(r); err != nil {
				return err
			}
		}
		if len(batch) < scanBatch {
			return nil
		}
		next = batch[len(batch)-1].Seq + 1
	}
}

func (s bboltStore) putMeta(name string, value []byte) error {
	return s.db.Update(func(tx *bolt.Tx) error { return tx.Bucket(bucketMeta).Put([]byte(name), value) })
}

func (s bboltStore) getMeta(name string) ([]byte, error) {
	var out []byte
	err := s.db.View(func(tx *bolt.Tx) error {
		out = bytes.Clone(tx.Bucket(bucketMeta).Get([]byte(name)))
		return nil
	})
	return out, err
}

func (s bboltStore) deleteMeta(name string) error {
	return s.db.Update(func(tx *bolt.Tx) error { return tx.Bucket(bucketMeta).Delete([]byte(name)) })
}

func (s bboltStore) sync() error  { return nil }
func (s bboltStore) close() error { return s.db.Close() }

// size returns the file size less the free pages. bbolt never shrinks its
// file: the pages of removed records go to the freelist and are reused by
// later appends, so the file stays at its largest size while the used part
// follows the records.
func (s bboltStore) size() (int64, error) {
	var fileSize int64
	err := s.db.View(func(tx *bolt.Tx) error {
		fileSize = tx.Size()
		return nil
	})
	if err != nil {
		return 0, err
	}
	free := int64(s.db.Stats().FreeAlloc)
	return max(fileSize-free, 0), nil
}

func (s bboltStore) agedBelow(cutoff time.Time) (uint64, error) {
	var below uint64
	seen := false
	err := s.db.View(func(tx *bolt.Tx) error {
		c := tx.Bucket(bucketStamps).Cursor()
		for k, v := c.First(); k != nil; k, v = c.Next() {
			if decodeStamp(v).After(cutoff) {
				if !seen {
					below = 0
				} else {
					below = binary.BigEndian.Uint64(k)
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

func (s bboltStore) victims(lane Lane, queued bool, from, below uint64, limit int) ([]victim, error) {
	var out []victim
	err := s.db.View(func(tx *bolt.Tx) error {
		queue := tx.Bucket(bucketQueue)
		c := tx.Bucket(bucketRecords).Cursor()
		for k, v := c.Seek(seqKey(from)); k != nil && len(out) < limit; k, v = c.Next() {
			seq := binary.BigEndian.Uint64(k)
			if seq >= below {
				return nil
			}
			h, err := parseHeader(v)
			if err != nil {
				return fmt.Errorf("read record %d: %w", seq, err)
			}
			if h.lane != lane {
				continue
			}
			if isQueued := queue.Get(laneKey(lane, seq)) != nil; isQueued == queued {
				out = append(out, newVictim(seq, h, queued, int64(len(k)+len(v))))
			}
		}
		return nil
	})
	return out, err
}

func (s bboltStore) remove(vs []victim, lastSeq uint64) error {
	return s.db.Update(func(tx *bolt.Tx) error {
		if err := tx.Bucket(bucketState).Put(keyRemovedSeq, seqKey(lastSeq)); err != nil {
			return err
		}
		records := tx.Bucket(bucketRecords)
		queue := tx.Bucket(bucketQueue)
		index := tx.Bucket(bucketIndex)
		for _, v := range vs {
			if err := records.Delete(seqKey(v.seq)); err != nil {
				return err
			}
			if v.queued {
				if err := queue.Delete(laneKey(v.lane, v.seq)); err != nil {
					return err
				}
			}
			if v.indexed {
				if err := index.Delete(indexSuffix(v.point, v.ns, v.seq)); err != nil {
					return err
				}
			}
		}
		return nil
	})
}

// trimStamps walks the stamps in seq order beside a record cursor that
// seeks only when a range starts beyond its position.
func (s bboltStore) trimStamps(upTo uint64) error {
	return s.db.Update(func(tx *bolt.Tx) error {
		records := tx.Bucket(bucketRecords).Cursor()
		record, _ := records.First()
		var stale [][]byte
		var previous []byte
		start := uint64(0)
		c := tx.Bucket(bucketStamps).Cursor()
		for k, _ := c.First(); k != nil; k, _ = c.Next() {
			seq := binary.BigEndian.Uint64(k)
			if previous != nil {
				if record != nil && binary.BigEndian.Uint64(record) < start {
					record, _ = records.Seek(seqKey(start))
				}
				if record == nil || binary.BigEndian.Uint64(record) >= seq {
					stale = append(stale, previous)
				}
				start = seq
			}
			if seq > upTo {
				break
			}
			previous = bytes.Clone(k)
		}
		for _, k := range stale {
			if err := tx.Bucket(bucketStamps).Delete(k); err != nil {
				return err
			}
		}
		return nil
	})
}
