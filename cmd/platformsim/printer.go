package main

import (
	"io"
	"sync"
	"sync/atomic"
)

// outputQueueLines bounds the lines waiting for the terminal. Lines are
// produced on broker goroutines that must not wait for a slow terminal, so a
// full queue drops the line and counts it.
const outputQueueLines = 1024

// linePrinter writes lines to w from one goroutine, in the order they were
// queued. Its owner calls close once no more lines will be queued.
type linePrinter struct {
	w       io.Writer
	lines   chan string
	done    chan struct{}
	dropped atomic.Int64

	mu     sync.Mutex // guards closed and sends on lines
	closed bool
}

func newLinePrinter(w io.Writer) *linePrinter {
	p := &linePrinter{
		w:     w,
		lines: make(chan string, outputQueueLines),
		done:  make(chan struct{}),
	}
	go p.run()
	return p
}

// print queues line without waiting. It drops the line when the queue is
// full or the printer is closed.
func (p *linePrinter) print(line string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		p.dropped.Add(1)
		return
	}
	select {
	case p.lines <- line:
	default:
		p.dropped.Add(1)
	}
}

func (p *linePrinter) run() {
	defer close(p.done)
	for line := range p.lines {
		// A terminal that went away is no reason to stop counting.
		_, _ = io.WriteString(p.w, line+"\n")
	}
}

// close writes the queued lines and stops the goroutine. Later calls to
// print only count drops.
func (p *linePrinter) close() {
	p.mu.Lock()
	if !p.closed {
		p.closed = true
		close(p.lines)
	}
	p.mu.Unlock()
	<-p.done
}
