package main

import (
	"fmt"
	"strings"
)

// barWidth is the number of characters of the progress bar itself.
const barWidth = 24

// progress shows how far a scan has come: a bar redrawn in place on a
// terminal, or a plain line at every tenth of the probes otherwise, so a
// log file stays short.
type progress struct {
	e         *env
	total     int
	done      int
	nextPlain int
	// drawn is true while the bar is on the terminal's last line.
	drawn bool
}

func newProgress(e *env, total int) *progress {
	return &progress{e: e, total: total, nextPlain: plainStep(total)}
}

// plainStep returns the number of probes between two plain progress
// lines.
func plainStep(total int) int { return max(total/10, 1) }

// begin announces the start of one setting.
func (p *progress) begin(label string, units int) {
	p.note(p.e.pr.Sprintf("scanning %s: %d unit ids", label, units))
}

// asking shows on a terminal which unit is being asked.
func (p *progress) asking(label string, unit, found int) {
	if p.e.terminal {
		p.draw(label, unit, found)
	}
}

// step counts one probe, and prints a plain progress line at every tenth
// of the probes when stdout is no terminal.
func (p *progress) step(found int) {
	p.done++
	if p.e.terminal {
		return
	}
	if p.done >= p.nextPlain || p.done == p.total {
		p.nextPlain = p.done + plainStep(p.total)
		fmt.Fprintln(p.e.stdout, p.e.pr.Sprintf("progress: %d of %d probes, %d found", p.done, p.total, found))
	}
}

// draw redraws the bar on the terminal's last line.
func (p *progress) draw(label string, unit, found int) {
	filled := barWidth * p.done / max(p.total, 1)
	bar := strings.Repeat("#", filled) + strings.Repeat(".", barWidth-filled)
	text := p.e.pr.Sprintf("%3d%% %d/%d  %s  unit %d  found %d", 100*p.done/max(p.total, 1), p.done, p.total, label, unit, found)
	fmt.Fprintf(p.e.stdout, "\r\033[K[%s] %s", bar, text)
	p.drawn = true
}

// note prints a line above the bar.
func (p *progress) note(line string) {
	p.clear()
	fmt.Fprintln(p.e.stdout, line)
}

// finish removes the bar, so the summary starts on a clean line.
func (p *progress) finish() {
	if p != nil {
		p.clear()
	}
}

func (p *progress) clear() {
	if p.drawn {
		fmt.Fprint(p.e.stdout, "\r\033[K")
		p.drawn = false
	}
}
