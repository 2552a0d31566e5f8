package buffer

import (
	"encoding/binary"
	"fmt"
	"time"
)

// historyBatch bounds the records one History step reads into memory and
// the length of its read transaction.
const historyBatch = 512

// historyPos is a position in one point's index: the time in Unix
// nanoseconds, then the seq.
type historyPos struct {
	ns  int64
	seq uint64
}

// historyItem is a record found through the index, with its position.
type historyItem struct {
	pos    historyPos
	record Record
}

// indexPrefix returns the start of every index key of point: its length
// as a uvarint, then its bytes. The length keeps "GT-1" from matching the
// keys of "GT-10".
func indexPrefix(point string) []byte {
	k := binary.AppendUvarint(make([]byte, 0, binary.MaxVarintLen16+len(point)+16), uint64(len(point)))
	return append(k, point...)
}

// indexSuffix returns an index key without the engine's prefix: the point
// prefix, the time as 8 sortable bytes and the seq, both big-endian, so
// keys sort by point, then time, then seq.
func indexSuffix(point string, ns int64, seq uint64) []byte {
	k := indexPrefix(point)
	k = binary.BigEndian.AppendUint64(k, uint64(ns)^(1<<63))
	return binary.BigEndian.AppendUint64(k, seq)
}

// parseIndexTail reads the time and seq that follow the point prefix.
func parseIndexTail(tail []byte) (historyPos, error) {
	if len(tail) != 16 {
		return historyPos{}, fmt.Errorf("index key tail of %d bytes, want 16", len(tail))
	}
	return historyPos{
		ns:  nsFromSortable(binary.BigEndian.Uint64(tail)),
		seq: binary.BigEndian.Uint64(tail[8:]),
	}, nil
}

// History calls fn for every record of point whose Entry.Time is at or
// after from and before to, in time order and, for equal times, in seq
// order. It reads the point's index in batches of historyBatch records, so
// memory stays bounded however long the range is. Records appended or
// evicted while History runs may or may not be visited. It stops at fn's
// first error and returns it.
func (b *Buffer) History(point string, from, to time.Time, fn func(Record) error) error {
	pos := historyPos{ns: unixNano(from)}
	end := unixNano(to)
	for {
		batch, err := b.store.history(point, pos, end, historyBatch)
		if err != nil {
			return fmt.Errorf("history of %s from %s: %w", point, time.Unix(0, pos.ns).UTC().Format(time.RFC3339Nano), err)
		}
		for _, item := range batch {
			if err := fn(item.record); err != nil {
				return err
			}
		}
		if len(batch) < historyBatch {
			return nil
		}
		last := batch[len(batch)-1].pos
		pos = historyPos{ns: last.ns, seq: last.seq + 1}
	}
}
