package uplink

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/plantgw/plantgw/buffer"
	"github.com/plantgw/plantgw/record"
)

// bulkJSON is a bulk record: one part of a large object such as a video
// clip. encoding/json writes Data as standard base64.
type bulkJSON struct {
	Seq         uint64 `json:"seq"`
	Kind        string `json:"kind"`
	Name        string `json:"name"`
	ContentType string `json:"content_type"`
	Part        int    `json:"part"`
	Parts       int    `json:"parts"`
	// Size is the length of Data in bytes, before base64.
	Size        int    `json:"size"`
	Data        []byte `json:"data"`
	TS          string `json:"ts"`
	ClockSynced bool   `json:"clock_synced"`
	Historical  bool   `json:"historical"`
}

func (e *Encoder) encodeBulk(seq uint64, b *record.Bulk, historical bool) (json.RawMessage, error) {
	data := b.Data
	if data == nil {
		// A part without data is sent as "" rather than null.
		data = []byte{}
	}
	return json.Marshal(bulkJSON{Seq: seq, Kind: "bulk", Name: b.Name, ContentType: b.ContentType, Part: b.Part, Parts: b.Parts,
		Size: len(b.Data), Data: data, TS: e.timestamp(b.Time), ClockSynced: b.ClockSynced, Historical: historical})
}

// checkLane returns an error when a decoded record does not belong to
// lane: bulk parts travel only in the bulk lane, whose topic carries
// nothing else.
func checkLane(seq uint64, lane buffer.Lane, d record.Decoded) error {
	if (lane == buffer.Bulk) != (d.Bulk != nil) {
		return fmt.Errorf("record %d: a bulk part must be stored in the bulk lane and only there, found bulk %t in lane %s",
			seq, d.Bulk != nil, lane)
	}
	return nil
}

// EncodeEach builds one message per record, as EncodeCapped builds them
// for a single record, so that each bulk part travels alone.
func (e *Encoder) EncodeEach(recs []buffer.Record, historicalUpTo uint64, now time.Time, maxBytes int, compress compressFunc) (batches []Batch, skipped []uint64, err error) {
	for i := range recs {
		b, s, err := e.EncodeCapped(recs[i:i+1], historicalUpTo, now, maxBytes, compress)
		if err != nil {
			return nil, skipped, err
		}
		batches = append(batches, b...)
		skipped = append(skipped, s...)
	}
	return batches, skipped, nil
}

// readLimit returns how many records of lane the pump may read for one
// round, at most n. A bulk record is up to buffer.MaxPayloadLen bytes and
// goes in a message of its own, so the pump reads no more bulk records
// than it may publish messages now, which bounds the bulk data it holds
// to the window.
// NOTE: the backlog pacer counts a bulk part as one record, so
// Delivery.BacklogRate limits bulk parts per second, not bytes.
func (u *Uplink) readLimit(p *pumpState, lane buffer.Lane, paced bool, n int) int {
	if lane != buffer.Bulk {
		return n
	}
	return min(n, u.messageRoom(p, paced))
}
