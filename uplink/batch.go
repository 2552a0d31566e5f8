package uplink

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"time"

	"github.com/plantgw/plantgw/buffer"
)

// Batch is one events, telemetry or bulk message ready to publish.
type Batch struct {
	Payload []byte
	Seqs    []uint64
	// Oversize is set when the message holds a single record that alone
	// exceeds the byte cap; it is sent anyway.
	Oversize bool
}

// compressFunc returns the compressed form of a message body.
type compressFunc func(body []byte) ([]byte, error)

// MaxDecompressedBytes bounds the JSON body of a compressed message, so
// that a platform can refuse to inflate more than this.
const MaxDecompressedBytes = 16 << 20

// EncodeCapped builds messages from records of one lane, each with a
// payload of at most maxBytes after compress (nil sends plain JSON). With
// compress a message's JSON body is also at most MaxDecompressedBytes.
// A record is marked historical when its seq is at most historicalUpTo.
// Records that cannot be decoded are returned as skipped and stay out of
// every message.
func (e *Encoder) EncodeCapped(recs []buffer.Record, historicalUpTo uint64, now time.Time, maxBytes int, compress compressFunc) (batches []Batch, skipped []uint64, err error) {
	var group recordGroup
	for _, r := range recs {
		raw, err := e.encodeRecord(r, r.Seq <= historicalUpTo)
		if err != nil {
			skipped = append(skipped, r.Seq)
			continue
		}
		group.raws = append(group.raws, raw)
		group.seqs = append(group.seqs, r.Seq)
	}
	if len(group.raws) == 0 {
		return nil, skipped, nil
	}
	env, err := e.envelope(now)
	if err != nil {
		return nil, skipped, err
	}
	// A compressed body is packed by its compressed size, which
	// encodeWithin finds by trying, so its JSON may be much larger.
	jsonLimit := maxBytes
	if compress != nil {
		jsonLimit = max(maxBytes, MaxDecompressedBytes)
	}
	for _, g := range group.splitByJSONSize(env, jsonLimit) {
		out, err := env.encodeWithin(g, maxBytes, jsonLimit, compress)
		if err != nil {
			return nil, skipped, err
		}
		batches = append(batches, out...)
	}
	return batches, skipped, nil
}

// recordGroup is records encoded as JSON, in seq order, for one message.
type recordGroup struct {
	raws []json.RawMessage
	seqs []uint64
}

func (g recordGroup) slice(from, to int) recordGroup {
	return recordGroup{raws: g.raws[from:to], seqs: g.seqs[from:to]}
}

// envelope is a message body split around its records array: prefix
// ends with `"records":[` and suffix is `]}`.
type envelope struct{ prefix, suffix []byte }

// envelope returns the body around the records, as json.Marshal writes a
// message, so that a body is prefix, the records separated by commas,
// and suffix.
func (e *Encoder) envelope(now time.Time) (envelope, error) {
	msg := message{V: 1, Format: Format, GatewayID: e.site.GatewayID, EnterpriseCode: e.site.EnterpriseCode,
		SentAt: e.timestamp(now), Records: []json.RawMessage{}}
	empty, err := json.Marshal(msg)
	if err != nil {
		return envelope{}, fmt.Errorf("encode message: %w", err)
	}
	// Records is the last field, so the body ends with `[]}`.
	if !bytes.HasSuffix(empty, []byte("[]}")) {
		return envelope{}, fmt.Errorf("encode message: body %q does not end with the records array", empty)
	}
	return envelope{prefix: empty[:len(empty)-2], suffix: []byte("]}")}, nil
}

// jsonSize returns the length of a body holding g.
func (env envelope) jsonSize(g recordGroup) int {
	n := len(env.prefix) + len(env.suffix) + max(0, len(g.raws)-1)
	for _, raw := range g.raws {
		n += len(raw)
	}
	return n
}

func (env envelope) body(g recordGroup) []byte {
	out := make([]byte, 0, env.jsonSize(g))
	out = append(out, env.prefix...)
	for i, raw := range g.raws {
		if i > 0 {
			out = append(out, ',')
		}
		out = append(out, raw...)
	}
	return append(out, env.suffix...)
}

// splitByJSONSize cuts g into runs whose JSON bodies fit in maxBytes. A
// record too large for any message forms a run of its own.
func (g recordGroup) splitByJSONSize(env envelope, maxBytes int) []recordGroup {
	var out []recordGroup
	start, size := 0, len(env.prefix)+len(env.suffix)
	for i, raw := range g.raws {
		add := len(raw)
		if i > start {
			add++ // the comma
		}
		if i > start && size+add > maxBytes {
			out = append(out, g.slice(start, i))
			start, size, add = i, len(env.prefix)+len(env.suffix), len(raw)
		}
		size += add
	}
	return append(out, g.slice(start, len(g.raws)))
}

// encodeWithin builds g's message and compresses it. While the payload
// exceeds maxBytes it splits g in two halves and tries each again, so a
// compressed message carries as many records as fit after compression.
// A single record whose payload exceeds maxBytes, or whose JSON exceeds
// jsonLimit, is returned as Oversize.
func (env envelope) encodeWithin(g recordGroup, maxBytes, jsonLimit int, compress compressFunc) ([]Batch, error) {
	body := env.body(g)
	payload := body
	if compress != nil {
		var err error
		if payload, err = compress(body); err != nil {
			return nil, fmt.Errorf("compress message of %d records: %w", len(g.seqs), err)
		}
	}
	if len(g.seqs) == 1 {
		return []Batch{{Payload: payload, Seqs: g.seqs, Oversize: len(payload) > maxBytes || len(body) > jsonLimit}}, nil
	}
	if len(payload) <= maxBytes {
		return []Batch{{Payload: payload, Seqs: g.seqs}}, nil
	}
	half := len(g.seqs) / 2
	first, err := env.encodeWithin(g.slice(0, half), maxBytes, jsonLimit, compress)
	if err != nil {
		return nil, err
	}
	second, err := env.encodeWithin(g.slice(half, len(g.seqs)), maxBytes, jsonLimit, compress)
	if err != nil {
		return nil, err
	}
	return append(first, second...), nil
}

// gzipLevel trades the gateway's CPU time against bytes on the link; see
// BenchmarkEncode for both.
const gzipLevel = gzip.BestSpeed

// gzipper compresses message bodies with one reused gzip.Writer, whose
// allocation costs more than compressing a typical message. It is not
// safe for concurrent use.
type gzipper struct {
	w   *gzip.Writer
	buf bytes.Buffer
}

func newGzipper() *gzipper {
	g := &gzipper{}
	// NewWriterLevel fails only for an invalid level.
	g.w, _ = gzip.NewWriterLevel(&g.buf, gzipLevel)
	return g
}

// compress returns body gzip-compressed, in a new slice.
func (g *gzipper) compress(body []byte) ([]byte, error) {
	g.buf.Reset()
	g.w.Reset(&g.buf)
	if _, err := g.w.Write(body); err != nil {
		return nil, fmt.Errorf("gzip: %w", err)
	}
	if err := g.w.Close(); err != nil {
		return nil, fmt.Errorf("gzip: %w", err)
	}
	return bytes.Clone(g.buf.Bytes()), nil
}
