package uplink

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
)

// Limits of one platform ack message. A platform that acknowledges more
// at once sends several messages.
const (
	maxAckBytes  = 64 << 10
	maxAckRanges = 1024
	// maxAckSeq is 2^53 - 1: seqs are below 2^53, so platforms that read
	// JSON numbers as doubles read them exactly.
	maxAckSeq = 1<<53 - 1
)

// seqRange is a closed range of seqs, first to last inclusive.
type seqRange struct{ first, last uint64 }

// width returns the number of seqs in r.
func (r seqRange) width() uint64 { return r.last - r.first + 1 }

// ackBody is the payload of the ack topic: {"ranges":[[first,last],...]}.
// Each seq stays raw JSON, so that a string such as "5", which
// json.Number would take, is rejected.
type ackBody struct {
	Ranges *[][]json.RawMessage `json:"ranges"`
}

// parseAck decodes a platform ack. It returns the ranges sorted by first
// seq, with overlapping and adjacent ranges merged. The payload comes from
// the network, so every rule is checked: a JSON object with only the
// field ranges, each range two integers 1 <= first <= last < 2^53, at most
// maxAckRanges ranges and maxAckBytes bytes.
func parseAck(payload []byte) ([]seqRange, error) {
	if len(payload) > maxAckBytes {
		return nil, fmt.Errorf("ack of %d bytes is larger than %d bytes", len(payload), maxAckBytes)
	}
	dec := json.NewDecoder(bytes.NewReader(payload))
	dec.DisallowUnknownFields()
	var body ackBody
	if err := dec.Decode(&body); err != nil {
		return nil, fmt.Errorf("ack is not valid JSON of the form {\"ranges\":[[first,last],...]}: %w", err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, errors.New("ack has data after its JSON object")
	}
	if body.Ranges == nil {
		return nil, errors.New("ack has no ranges field")
	}
	if len(*body.Ranges) > maxAckRanges {
		return nil, fmt.Errorf("ack has %d ranges, more than %d", len(*body.Ranges), maxAckRanges)
	}
	ranges := make([]seqRange, 0, len(*body.Ranges))
	for i, pair := range *body.Ranges {
		r, err := parseAckRange(pair)
		if err != nil {
			return nil, fmt.Errorf("ack range %d: %w", i, err)
		}
		ranges = append(ranges, r)
	}
	return mergeRanges(ranges), nil
}

func parseAckRange(pair []json.RawMessage) (seqRange, error) {
	if len(pair) != 2 {
		return seqRange{}, fmt.Errorf("has %d elements, want 2 ([first,last])", len(pair))
	}
	var seqs [2]uint64
	for i, n := range pair {
		v, err := strconv.ParseUint(string(n), 10, 64)
		if err != nil || v < 1 || v > maxAckSeq {
			return seqRange{}, fmt.Errorf("%s is not a seq: use an integer from 1 to 2^53-1", n)
		}
		seqs[i] = v
	}
	if seqs[0] > seqs[1] {
		return seqRange{}, fmt.Errorf("first %d is greater than last %d", seqs[0], seqs[1])
	}
	return seqRange{first: seqs[0], last: seqs[1]}, nil
}

// mergeRanges sorts ranges and joins those that overlap or touch.
func mergeRanges(ranges []seqRange) []seqRange {
	slices.SortFunc(ranges, func(a, b seqRange) int {
		switch {
		case a.first < b.first:
			return -1
		case a.first > b.first:
			return 1
		}
		return 0
	})
	out := ranges[:0]
	for _, r := range ranges {
		if n := len(out); n > 0 && r.first <= out[n-1].last+1 {
			out[n-1].last = max(out[n-1].last, r.last)
			continue
		}
		out = append(out, r)
	}
	return out
}

// containsSeq reports whether sorted, merged ranges contain seq.
func containsSeq(ranges []seqRange, seq uint64) bool {
	_, found := slices.BinarySearchFunc(ranges, seq, func(r seqRange, s uint64) int {
		switch {
		case r.last < s:
			return -1
		case r.first > s:
			return 1
		}
		return 0
	})
	return found
}
