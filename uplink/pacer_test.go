package uplink

import (
	"testing"
	"time"
)

// TestPacerRate runs a pacer for 10 s of simulated time, asking every
// millisecond, and checks the records allowed against the rate.
func TestPacerRate(t *testing.T) {
	for _, rate := range []int{10, 500, 2000, 50_000} {
		t0 := time.Unix(1_800_000_000, 0)
		p := newPacer(rate, 100, t0)
		sent, messages := 0, 0
		for ms := range 10_000 {
			now := t0.Add(time.Duration(ms) * time.Millisecond)
			for {
				n := p.allowance(now, 100)
				if n == 0 {
					break
				}
				p.take(n)
				sent += n
				messages++
			}
		}
		want := rate * 10
		if sent < want || sent > want+int(p.burst) {
			t.Errorf("rate %d: %d records allowed in 10 s, want %d plus at most the burst of %.0f", rate, sent, want, p.burst)
		}
		if minBatch := min(100, rate); sent/messages < minBatch {
			t.Errorf("rate %d: %d records in %d messages; want messages of at least %d records", rate, sent, messages, minBatch)
		}
	}
}

func TestPacerReadyIn(t *testing.T) {
	t0 := time.Unix(1_800_000_000, 0)
	p := newPacer(1000, 100, t0)
	p.take(p.allowance(t0, 100))
	p.take(p.allowance(t0, 100)) // empties the 100-record burst
	if got := p.readyIn(t0); got != 100*time.Millisecond {
		t.Errorf("readyIn after emptying = %v, want 100ms for 100 records at 1000/s", got)
	}
	if n := p.allowance(t0.Add(99*time.Millisecond), 100); n != 0 {
		t.Errorf("allowance after 99 ms = %d, want 0 until a full message is due", n)
	}
	if n := p.allowance(t0.Add(100*time.Millisecond), 100); n != 100 {
		t.Errorf("allowance after 100 ms = %d, want 100", n)
	}
}

func TestPacerUnlimited(t *testing.T) {
	p := newPacer(0, 100, time.Unix(0, 0))
	if n := p.allowance(time.Unix(0, 0), 70); n != 70 {
		t.Errorf("allowance = %d, want the whole 70 without a rate", n)
	}
	if d := p.readyIn(time.Unix(0, 0)); d != 0 {
		t.Errorf("readyIn = %v, want 0", d)
	}
}
