package main

import (
	"fmt"
	"strings"
	"time"
)

// Progress output of buffer export.
const (
	// exportRedraw is the shortest time between two redraws of the bar.
	exportRedraw = 100 * time.Millisecond
	// exportEventsStep is how many events pass between two progress
	// lines of an events export, which has no points to count.
	exportEventsStep = 50000
)

// exportProgress shows on stderr how far an export has come: points done
// of the total and records written. On a terminal it redraws a bar in
// place. Otherwise it prints a line at every tenth of the points, so that
// a log file stays short.
type exportProgress struct {
	e        *env
	terminal bool
	// points are the export's points in order, index their positions; an
	// events export has none.
	points    []string
	index     map[string]int
	done      int
	records   int
	current   string
	nextPlain int
	drawnAt   time.Time
	// drawn is true while the bar is on the terminal's last line.
	drawn bool
}

func newExportProgress(e *env) *exportProgress {
	return &exportProgress{e: e, terminal: isTerminal(e.stderr)}
}

// begin sets the export's points.
func (p *exportProgress) begin(points []string) {
	p.points, p.index = points, make(map[string]int, len(points))
	for i, id := range points {
		p.index[id] = i
	}
	p.nextPlain = plainStep(len(points))
	if len(points) == 0 {
		p.nextPlain = exportEventsStep
	}
}

// row counts one record of point. Rows come point by point in the order
// of begin, so every point before this one is done, rows or not.
func (p *exportProgress) row(point string) {
	p.records++
	if i, ok := p.index[point]; ok && i > p.done {
		p.markDone(i)
	}
	p.current = point
	if len(p.points) == 0 && p.records >= p.nextPlain {
		p.nextPlain += exportEventsStep
		if !p.terminal {
			p.line()
		}
	}
	p.show()
}

// pointDone marks point and every point before it done.
func (p *exportProgress) pointDone(point string) {
	if i, ok := p.index[point]; ok && i+1 > p.done {
		p.markDone(i + 1)
	}
	p.show()
}

// markDone sets the points done to done, printing a plain line at each
// tenth of the points.
func (p *exportProgress) markDone(done int) {
	p.done = done
	if p.terminal || len(p.points) == 0 {
		return
	}
	if p.done >= p.nextPlain || p.done == len(p.points) {
		p.nextPlain = p.done + plainStep(len(p.points))
		p.line()
	}
}

// finish marks every point done and removes the bar.
func (p *exportProgress) finish() {
	if len(p.points) > 0 && p.done < len(p.points) {
		p.markDone(len(p.points))
	}
	p.clear()
}

func (p *exportProgress) line() {
	if len(p.points) == 0 {
		fmt.Fprintln(p.e.stderr, p.e.pr.Sprintf("progress: %d events", p.records))
		return
	}
	fmt.Fprintln(p.e.stderr, p.e.pr.Sprintf("progress: %d of %d points, %d records", p.done, len(p.points), p.records))
}

// show redraws the bar on a terminal, at most every exportRedraw.
func (p *exportProgress) show() {
	if !p.terminal || time.Since(p.drawnAt) < exportRedraw {
		return
	}
	p.drawnAt = time.Now()
	var text string
	if len(p.points) == 0 {
		text = p.e.pr.Sprintf("%d events", p.records)
		fmt.Fprintf(p.e.stderr, "\r\033[K%s", text)
		p.drawn = true
		return
	}
	filled := barWidth * p.done / max(len(p.points), 1)
	bar := strings.Repeat("#", filled) + strings.Repeat(".", barWidth-filled)
	text = p.e.pr.Sprintf("%d/%d points  %d records  %s", p.done, len(p.points), p.records, p.current)
	fmt.Fprintf(p.e.stderr, "\r\033[K[%s] %s", bar, text)
	p.drawn = true
}

func (p *exportProgress) clear() {
	if p.drawn {
		fmt.Fprint(p.e.stderr, "\r\033[K")
		p.drawn = false
	}
}
