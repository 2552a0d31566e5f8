package main

import (
	"strconv"
	"time"
)

// foundLine returns the line printed when a probe finds a unit.
func (s *scanner) foundLine(r probeResult, label string) string {
	text := s.outcomeText(r)
	if r.outcome == outcomeException {
		text = s.env.pr.Sprintf("%s: the unit is present", text)
	}
	return s.env.pr.Sprintf("found unit %d at %s: %s", r.unit, label, text)
}

// outcomeText describes a probe's outcome in the user's language.
func (s *scanner) outcomeText(r probeResult) string {
	pr := s.env.pr
	switch r.outcome {
	case outcomeReply:
		return pr.Sprintf("normal reply")
	case outcomeException:
		return pr.Sprintf("exception %02X (%s)", r.code, pr.Sprintf(string(exceptionName(r.code))))
	case outcomeDamaged:
		return pr.Sprintf("damaged reply (CRC error): a device may answer at another baud rate or parity")
	}
	return pr.Sprintf("no reply")
}

// report prints the summary table of a finished or stopped scan.
func (s *scanner) report(elapsed time.Duration, interrupted bool) {
	e := s.env
	total := len(s.settings()) * len(s.opts.units)
	if interrupted {
		e.printf("scan stopped by Ctrl-C after %d of %d probes", s.probes, total)
	}
	if len(s.results) == 0 {
		e.printf("no unit answered in %d probes (%v); check the wiring (A and B), the termination, the baud rate, the parity and the register", s.probes, elapsed.Round(time.Millisecond))
		return
	}
	e.printf("%d unit(s) answered in %d probes (%v):", s.present(), s.probes, elapsed.Round(time.Millisecond))
	var t textTable
	rtu := s.opts.line.tcp == ""
	if rtu {
		t.add(e.pr.Sprintf("unit"), e.pr.Sprintf("setting"), e.pr.Sprintf("result"), e.pr.Sprintf("time"))
	} else {
		t.add(e.pr.Sprintf("unit"), e.pr.Sprintf("result"), e.pr.Sprintf("time"))
	}
	for _, r := range s.results {
		unit := strconv.Itoa(int(r.unit))
		took := roundElapsed(r.elapsed).String()
		if rtu {
			t.add(unit, r.setting.format(s.opts.line.stopBits), s.outcomeText(r), took)
		} else {
			t.add(unit, s.outcomeText(r), took)
		}
	}
	t.write(e.stdout)
}

// roundElapsed rounds a response time to two or three digits: loopback
// TCP replies take tens of microseconds, RTU replies milliseconds.
func roundElapsed(d time.Duration) time.Duration {
	if d < time.Millisecond {
		return d.Round(10 * time.Microsecond)
	}
	return d.Round(100 * time.Microsecond)
}
