package gateway

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/plantgw/plantgw/buffer"
	"github.com/plantgw/plantgw/record"
)

const (
	// stepThreshold is how far the wall clock may move beyond the
	// monotonic clock between two checks before it counts as stepped. NTP
	// daemons slew small offsets at no more than 500 µs a second, far
	// below it.
	stepThreshold = time.Second
	// stepCheckEvery is the period of the step check.
	stepCheckEvery = time.Second
	// stepFlushLimit bounds the wait, after a step, for records stamped
	// before it to leave the store queue for the buffer.
	stepFlushLimit = 2 * time.Second
	// restampQueueSize bounds the steps whose re-stamp waits for the one
	// running.
	restampQueueSize = 16
)

// clockReading is one reading of the wall clock and of the monotonic
// clock, as time since a fixed point.
type clockReading struct {
	wall time.Time
	mono time.Duration
}

// stepSince returns how far the wall clock moved beyond the monotonic
// clock since prev: positive when it stepped forward.
// NOTE: Go's monotonic clock on Linux does not advance during a system
// suspend, so a resume would count as a forward step. Gateways do not
// suspend, and no test covers it.
func (r clockReading) stepSince(prev clockReading) time.Duration {
	return r.wall.Sub(prev.wall) - (r.mono - prev.mono)
}

// systemReadings reads the system clock. origin carries Go's monotonic
// reading, so the monotonic time since it ignores steps of the wall clock.
type systemReadings struct{ origin time.Time }

func (s systemReadings) read() clockReading {
	now := time.Now()
	return clockReading{wall: now.Round(0), mono: now.Sub(s.origin)}
}

// restampStore is the part of the buffer that the clock watch uses.
type restampStore interface {
	Restamp(ctx context.Context, r buffer.RestampRequest) (int, error)
	Stats() buffer.Stats
}

var _ restampStore = (*buffer.Buffer)(nil)

// clockStep is one detected step of the wall clock.
type clockStep struct {
	// at is the new clock's time when the step was found, and step the
	// step, new clock minus old clock.
	at   time.Time
	step time.Duration
	// synced is the new clock's synchronisation state.
	synced bool
	// first and last are the seqs of this run's records stamped before
	// the step. The last second's records among them may carry the new
	// clock's time already.
	first, last uint64
}

// clockStepEvent returns the clock_step event that reports s.
func clockStepEvent(s clockStep) record.Event {
	old := s.at.Add(-s.step)
	text := fmt.Sprintf("clock stepped by %+.3f s, from %s to %s; ", s.step.Seconds(), formatUTC(old), formatUTC(s.at))
	if s.first > s.last {
		text += "no record of this run was stamped before the step"
	} else {
		text += fmt.Sprintf("seqs %d-%d of this run were stamped before the step, and those not yet uploaded are re-stamped", s.first, s.last)
	}
	return record.Event{Kind: record.ClockStep, Time: s.at, ClockSynced: s.synced, Source: record.SourceAuto,
		Value: s.step.Seconds(), HasValue: true, Text: text}
}

func formatUTC(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z07:00") }

// clockWatch finds steps of the wall clock by comparing its elapsed time
// with the monotonic clock's every stepCheckEvery, reports each step and
// re-stamps the records of this run that were stamped before it and still
// wait for upload.
type clockWatch struct {
	buf restampStore
	// flush waits until the records queued for the buffer are in it, and
	// returns false when it gave up.
	flush  func() bool
	onStep func(clockStep)
	read   func() clockReading
	synced func() bool
	// first is the first seq of this run.
	first uint64
	every time.Duration
	log   *slog.Logger
	// restamps holds the re-stamps of records that all precede a step.
	// They add up, so they run one after another in any order.
	restamps chan buffer.RestampRequest
}

// clockSample is a clock reading with the last seq stored before it.
type clockSample struct {
	seq uint64
	at  clockReading
}

// sample reads the last seq before the clock, so that every record up to
// that seq was stamped before the reading.
func (w *clockWatch) sample() clockSample {
	seq := w.buf.Stats().LastSeq
	return clockSample{seq: seq, at: w.read()}
}

// run checks the clock until ctx ends, and runs the queued re-stamps in a
// goroutine of its own that it stops and waits for.
func (w *clockWatch) run(ctx context.Context) {
	var restamper sync.WaitGroup
	restamper.Go(func() { w.runRestamps(ctx) })
	defer restamper.Wait()

	ticker := time.NewTicker(w.every)
	defer ticker.Stop()
	syncLog := syncStateLog{log: w.log}
	prev := w.sample()
	syncLog.observe(w.synced(), prev.at.wall)
	for {
		select {
		case <-ctx.Done():
			return
		case <-ticker.C:
		}
		prev = w.check(ctx, prev)
		syncLog.observe(w.synced(), prev.at.wall)
	}
}

// check takes a new sample and handles a step since prev.
func (w *clockWatch) check(ctx context.Context, prev clockSample) clockSample {
	cur := w.sample()
	if step := cur.at.stepSince(prev.at); step.Abs() > stepThreshold {
		w.stepped(ctx, prev, cur, step)
	}
	return cur
}

// stepped handles a step between the samples prev and cur. Every record
// up to prev.seq was stamped before the step, so all of them are re-stamped,
// in the background. The records stored since then, up to the last one
// queued when the step was found, are re-stamped at once, each only when
// its time shows the old clock.
func (w *clockWatch) stepped(ctx context.Context, prev, cur clockSample, step time.Duration) {
	if !w.flush() {
		w.log.Warn("store queue not written within the limit after a clock step; records stamped before the step "+
			"and stored later keep the old clock's time", "limit", stepFlushLimit)
	}
	last := w.buf.Stats().LastSeq
	synced := w.synced()
	w.onStep(clockStep{at: cur.at.wall, step: step, synced: synced, first: w.first, last: last})

	if from := max(prev.seq+1, w.first); from <= last {
		oldNow := cur.at.wall.Add(-step)
		r := buffer.RestampRequest{From: from, To: last, Shift: step, Rewrite: restampOldClock(step, oldNow, cur.at.wall, synced)}
		w.restamp(ctx, r)
	}
	if prev.seq < w.first {
		return
	}
	r := buffer.RestampRequest{From: w.first, To: prev.seq, Shift: step, Rewrite: restampAll(step, synced), AppendTimes: true}
	select {
	case w.restamps <- r:
	case <-ctx.Done():
	}
}

func (w *clockWatch) runRestamps(ctx context.Context) {
	for {
		select {
		case <-ctx.Done():
			return
		case r := <-w.restamps:
			w.restamp(ctx, r)
		}
	}
}

func (w *clockWatch) restamp(ctx context.Context, r buffer.RestampRequest) {
	n, err := w.buf.Restamp(ctx, r)
	switch {
	case errors.Is(err, context.Canceled) || errors.Is(err, buffer.ErrClosed):
		w.log.Warn("re-stamp after a clock step stopped at shutdown; the rest keeps the old clock's time",
			"first_seq", r.From, "last_seq", r.To, "restamped", n, "err", err)
	case err != nil:
		w.log.Error("re-stamp after a clock step failed", "first_seq", r.From, "last_seq", r.To, "restamped", n, "err", err)
	default:
		w.log.Info("records re-stamped after a clock step", "first_seq", r.From, "last_seq", r.To, "step", r.Shift, "restamped", n)
	}
}

// syncStateLog logs the clock's synchronisation state at start and when
// it changes, at most once a minute, so that a flapping state does not
// fill the log.
type syncStateLog struct {
	log      *slog.Logger
	known    bool
	synced   bool
	loggedAt time.Time
}

func (l *syncStateLog) observe(synced bool, now time.Time) {
	if l.known && (synced == l.synced || now.Sub(l.loggedAt).Abs() < time.Minute) {
		return
	}
	l.known, l.synced, l.loggedAt = true, synced, now
	if synced {
		l.log.Info("system clock synchronised")
		return
	}
	l.log.Warn("system clock not synchronised; records are flagged clock_synced false until NTP synchronises it, " +
		"or set site.clock: rtc where a battery-backed clock is trusted without NTP")
}

// startClockWatch starts the clock watch for the records stored after
// seq backlogUpTo, and returns the function that stops it and waits for
// it. A store replaced at open counts from its first seq, because Open
// stored the store_replaced event with this run's clock.
func (g *Gateway) startClockWatch(backlogUpTo uint64) (stop func()) {
	first := backlogUpTo + 1
	if r := g.buf.Stats().Replaced; r != nil {
		first = min(first, r.FirstSeq)
	}
	w := &clockWatch{
		buf:      g.buf,
		flush:    func() bool { return g.store.flush(stepFlushLimit) },
		onStep:   g.clockStepped,
		read:     systemReadings{origin: time.Now()}.read,
		synced:   func() bool { _, synced := wallClock(); return synced },
		first:    first,
		every:    stepCheckEvery,
		log:      g.log.With("component", "clock"),
		restamps: make(chan buffer.RestampRequest, restampQueueSize),
	}
	ctx, cancel := context.WithCancel(context.Background())
	var done sync.WaitGroup
	done.Go(func() { w.run(ctx) })
	return func() { cancel(); done.Wait() }
}

// clockStepped shows a clock step on the console and stores its event.
func (g *Gateway) clockStepped(s clockStep) {
	if g.console != nil {
		old := s.at.Add(-s.step).In(g.console.loc)
		g.console.line(s.at, "CLOCK     system clock stepped by %+.3f s from %s; records of this run not yet uploaded are re-stamped",
			s.step.Seconds(), old.Format(time.DateTime))
	}
	g.event(clockStepEvent(s))
}
