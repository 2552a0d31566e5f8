// Package logpipe decouples log and console output from the code that
// writes it. The alarm path logs each event; if the reader of stderr or
// stdout stops reading, a direct write would block alarm evaluation. A
// Writer queues lines and drops them, counted, when its queue is full.
package logpipe

import (
	"fmt"
	"io"
	"sync"
	"sync/atomic"
	"time"
)

// Writer copies each Write into a bounded queue that one goroutine writes
// out. Write never blocks. Close flushes what is queued.
type Writer struct {
	out     io.Writer
	queue   chan []byte
	dropped atomic.Uint64
	closing sync.Once
	done    chan struct{}
}

// New starts a Writer to out that queues up to size writes.
func New(out io.Writer, size int) *Writer {
	w := &Writer{out: out, queue: make(chan []byte, size), done: make(chan struct{})}
	go w.run()
	return w
}

// Write queues a copy of p. When the queue is full the write is dropped
// and counted; the count is written out before the next line that gets
// through.
func (w *Writer) Write(p []byte) (int, error) {
	line := append([]byte(nil), p...)
	select {
	case w.queue <- line:
	default:
		w.dropped.Add(1)
	}
	return len(p), nil
}

// Dropped returns how many writes have been dropped so far.
func (w *Writer) Dropped() uint64 { return w.dropped.Load() }

func (w *Writer) run() {
	defer close(w.done)
	reported := uint64(0)
	for line := range w.queue {
		if d := w.dropped.Load(); d > reported {
			fmt.Fprintf(w.out, "logpipe: %d log lines dropped: the reader of this output was too slow\n", d-reported)
			reported = d
		}
		w.out.Write(line)
	}
}

// Close stops accepting writes and waits up to limit for the queue to be
// written out. It reports whether everything was written.
func (w *Writer) Close(limit time.Duration) bool {
	w.closing.Do(func() { close(w.queue) })
	select {
	case <-w.done:
		return true
	case <-time.After(limit):
		return false
	}
}
