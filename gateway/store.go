package gateway

import (
	"context"
	"fmt"
	"log/slog"
	"sync/atomic"
	"time"

	"github.com/plantgw/plantgw/buffer"
	"github.com/plantgw/plantgw/config"
	"github.com/plantgw/plantgw/record"
)

// storeQueueSize bounds the records waiting to be written; at 500 samples
// a second it covers about 16 s of a stalled disk.
const storeQueueSize = 8192

// storer moves records from the alarm path to the buffer. Enqueue never
// blocks: when the queue is full the record is dropped and counted, so a
// slow or failed disk cannot stall alarm evaluation.
type storer struct {
	buf     *buffer.Buffer
	queue   chan buffer.Entry
	log     *slog.Logger
	dropped atomic.Uint64
	// lastDropLog limits drop warnings to one every 10 s.
	lastDropLog atomic.Int64
	// unwritten counts records queued or in a batch being written, so a
	// flush can wait for the batch that has already left the queue.
	unwritten atomic.Int64
}

func newStorer(buf *buffer.Buffer, log *slog.Logger) *storer {
	return &storer{buf: buf, queue: make(chan buffer.Entry, storeQueueSize), log: log}
}

func (s *storer) enqueue(e buffer.Entry) {
	s.unwritten.Add(1)
	select {
	case s.queue <- e:
	default:
		s.unwritten.Add(-1)
		n := s.dropped.Add(1)
		now := time.Now().UnixNano()
		last := s.lastDropLog.Load()
		if now-last > int64(10*time.Second) && s.lastDropLog.CompareAndSwap(last, now) {
			s.log.Error("store queue full; records dropped", "lane", e.Lane.String(), "dropped_total", n)
		}
	}
}

// run writes queued records in batches until the queue is closed and
// empty. A failed write is retried with the same batch, so nothing taken
// off the queue is lost while the disk recovers; ctx ends the retries.
func (s *storer) run(ctx context.Context) {
	batch := make([]buffer.Entry, 0, 512)
	for first := range s.queue {
		batch = append(batch[:0], first)
	fill:
		for len(batch) < cap(batch) {
			select {
			case e, ok := <-s.queue:
				if !ok {
					break fill
				}
				batch = append(batch, e)
			default:
				break fill
			}
		}
		s.write(ctx, batch)
	}
}

func (s *storer) write(ctx context.Context, batch []buffer.Entry) {
	defer s.unwritten.Add(-int64(len(batch)))
	backoff := 100 * time.Millisecond
	for {
		_, err := s.buf.Append(batch)
		if err == nil {
			return
		}
		s.log.Error("buffer append failed; retrying", "records", len(batch), "err", err)
		select {
		case <-ctx.Done():
			s.log.Error("buffer append abandoned at shutdown", "records", len(batch))
			return
		case <-time.After(backoff):
		}
		backoff = min(2*backoff, 5*time.Second)
	}
}

// flush waits until every record enqueued so far is written, or limit
// passes.
func (s *storer) flush(limit time.Duration) bool {
	deadline := time.Now().Add(limit)
	for s.unwritten.Load() > 0 {
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(5 * time.Millisecond)
	}
	return true
}

// bufferRetention returns the buffer's retention limits from cfg, with
// onEvict called after every pass that removed records.
func bufferRetention(cfg *config.Config, interval time.Duration, onEvict func(buffer.Eviction)) buffer.Retention {
	return buffer.Retention{
		MaxBytes: int64(cfg.Buffer.MaxBytes),
		MaxAge:   cfg.Buffer.MaxAge.D(),
		MinFree:  int64(cfg.Buffer.MinFree),
		Interval: interval,
		OnEvict:  onEvict,
	}
}

// evicted stores a records_evicted event for an eviction pass, so the
// platform learns which records it will never receive.
func (g *Gateway) evicted(ev buffer.Eviction) {
	now, synced := wallClock()
	g.event(record.Event{Kind: record.RecordsEvicted, Time: now, ClockSynced: synced, Source: record.SourceAuto, Text: ev.String()})
}

// sampleEntry returns a sample's buffer entry, indexed by its point and
// time for history queries.
func sampleEntry(x record.Sample) buffer.Entry {
	return indexed(buffer.Entry{Lane: buffer.Telemetry, Payload: record.EncodeSample(x)}, x.Point, x.Time)
}

// eventEntry returns an event's buffer entry, indexed under eventsIndex
// by the event's time for the page's event log. A lightning warning is
// kept 3 years, as regulation requires.
func eventEntry(e record.Event) buffer.Entry {
	entry := indexed(buffer.Entry{Lane: buffer.Events, Payload: record.EncodeEvent(e)}, eventsIndex, e.Time)
	if e.Kind == record.LightningWarning {
		entry.KeepFor = buffer.KeepLightning
	}
	return entry
}

// indexed sets the entry's index fields. A point id longer than
// buffer.MaxPointLen, which config does not forbid, is stored without an
// index entry, because Append would reject the whole batch.
func indexed(entry buffer.Entry, point string, at time.Time) buffer.Entry {
	if point != "" && len(point) <= buffer.MaxPointLen {
		entry.Point, entry.Time = point, at
	}
	return entry
}

// storeReplaced reports a store that buffer.Open could not use and
// replaced, which the buffer has already logged: it shows it on the
// console and returns the store_replaced event that Open stores first in
// the fresh store.
func (g *Gateway) storeReplaced(r buffer.Replacement) buffer.Entry {
	now, synced := wallClock()
	moved := r.MovedTo
	if moved == "" {
		moved = "no moved-aside store found"
	}
	e := record.Event{Kind: record.StoreReplaced, Time: now, ClockSynced: synced, Source: record.SourceAuto,
		Text: fmt.Sprintf("buffer store %s replaced by a fresh store starting at seq %d; old store: %s; error: %s",
			r.Path, r.FirstSeq, moved, r.Err)}
	if r.MovedTo != "" {
		g.console.line(now, "STORE     buffer %s could not be opened and was moved to %s; a fresh store continues at seq %d", r.Path, r.MovedTo, r.FirstSeq)
	} else {
		g.console.line(now, "STORE     buffer %s was empty; a fresh store continues at seq %d, above every seq used before", r.Path, r.FirstSeq)
	}
	return eventEntry(e)
}
