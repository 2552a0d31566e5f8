package buffer

import "fmt"

// PendingFrom returns up to limit records of lane that wait for upload and
// have a seq of at least from, in seq order, leaving out those for which
// skip returns true. An uploader that keeps its own read position uses it
// to read new records without stepping over the older queued ones it has
// already sent. Like Pending, it returns only durable records.
func (b *Buffer) PendingFrom(lane Lane, from uint64, limit int, skip func(seq uint64) bool) ([]Record, error) {
	out, err := b.store.pendingFrom(lane, from, b.durableSeq.Load(), limit, skip)
	if err != nil {
		return nil, fmt.Errorf("pending %s from seq %d: %w", lane, from, err)
	}
	return out, nil
}
