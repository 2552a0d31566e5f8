package gpio

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/plantgw/plantgw/alarm"
	"github.com/plantgw/plantgw/board"
)

// Consumer is the name the board's lines carry in the kernel's line info
// (gpioinfo shows it).
const Consumer = "plantgw"

// Board drives the outputs and reads the inputs of a GPIO profile.
type Board struct {
	profile *board.Profile
	log     *slog.Logger
	backend backend
	now     func() time.Time

	mu       sync.Mutex
	outputs  map[string]*output
	requests []*outputRequest
	halted   bool

	inputs []*input
	// edges carries line events from the backend's goroutines to Run.
	edges chan inputEdge
	queue *board.InputQueue
	// wake wakes Run after an output or pattern changed.
	wake chan struct{}

	gaps       atomic.Uint64
	edgesLost  atomic.Uint64
	lostLogged atomic.Bool
}

var (
	_ board.InputBoard = (*Board)(nil)
	_ alarm.Patterned  = (*Board)(nil)
)

type output struct {
	cfg     board.OutputLine
	req     *outputRequest
	index   int
	active  bool
	pattern alarm.Pattern
	// since is when the output turned active or its pattern changed; a
	// pulse pattern starts its on phase there.
	since time.Time
}

// outputRequest is the request of one chip's output lines.
type outputRequest struct {
	chip    string
	lines   outputLines
	outputs []*output
	// levels are the line levels last written, by request index.
	levels []int
}

type input struct {
	cfg    board.InputLine
	chip   string
	offset int
	line   inputLine
	// lastSeqno is the last event's line sequence number; 0 before the
	// first event.
	lastSeqno uint32
	active    bool
}

type inputEdge struct {
	input int
	edge
}

// edgeQueueSize bounds the line events waiting for Run. The kernel counts
// events with sequence numbers, so an event dropped here shows as a gap
// and the line is read again.
const edgeQueueSize = 64

// Open resolves every line of the profile, requests all outputs
// de-energised and all inputs with edge events, and reads the inputs'
// initial levels. An unknown chip or line name fails with the name of the
// logical output or input.
func Open(p *board.Profile, log *slog.Logger) (*Board, error) {
	return open(p, log, cdev{}, time.Now)
}

func open(p *board.Profile, log *slog.Logger, be backend, now func() time.Time) (*Board, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	b := &Board{profile: p, log: log, backend: be, now: now, outputs: map[string]*output{},
		edges: make(chan inputEdge, edgeQueueSize), queue: board.NewInputQueue(log), wake: make(chan struct{}, 1)}
	outs, ins, err := b.resolveAll()
	if err != nil {
		return nil, err
	}
	if err := b.requestOutputs(outs); err != nil {
		return nil, errors.Join(err, b.release())
	}
	if err := b.requestInputs(ins); err != nil {
		return nil, errors.Join(err, b.Halt())
	}
	log.Info("GPIO board opened", "profile", p.Name, "outputs", len(p.Outputs), "inputs", len(p.Inputs))
	return b, nil
}

type lineKey struct {
	chip   string
	offset int
}

// resolveAll resolves the profile's lines and rejects a line used twice.
func (b *Board) resolveAll() (outs, ins []lineKey, err error) {
	var problems []string
	used := map[lineKey]string{}
	resolve := func(kind, name, where string, ref board.LineRef) lineKey {
		chip, offset, err := b.backend.resolve(ref)
		if err != nil {
			problems = append(problems, fmt.Sprintf("%s: %s %s: %v", where, kind, name, err))
			return lineKey{}
		}
		k := lineKey{chip, offset}
		if first, dup := used[k]; dup {
			problems = append(problems, fmt.Sprintf("%s: %s %s uses %s line %d, which %s already uses", where, kind, name, chip, offset, first))
		}
		used[k] = kind + " " + name
		return k
	}
	for _, o := range b.profile.Outputs {
		outs = append(outs, resolve("output", o.Name, o.Where, o.LineRef))
	}
	for _, in := range b.profile.Inputs {
		ins = append(ins, resolve("input", in.Name, in.Where, in.LineRef))
	}
	if len(problems) > 0 {
		return nil, nil, &board.ProfileError{Profile: b.profile.Name, Problems: problems}
	}
	return outs, ins, nil
}

// requestOutputs requests every output de-energised, one request per
// chip, so the initial levels are set by the request itself.
func (b *Board) requestOutputs(outs []lineKey) error {
	byChip := map[string]*outputRequest{}
	offsets := map[string][]int{}
	now := b.now()
	for i, cfg := range b.profile.Outputs {
		k := outs[i]
		req := byChip[k.chip]
		if req == nil {
			req = &outputRequest{chip: k.chip}
			byChip[k.chip] = req
			b.requests = append(b.requests, req)
		}
		// De-energised is the safe state; for a safety output that is
		// active (tripped, sounding).
		o := &output{cfg: cfg, req: req, index: len(req.outputs), active: !cfg.ActiveEnergised, since: now}
		req.outputs = append(req.outputs, o)
		req.levels = append(req.levels, level(cfg, false))
		offsets[k.chip] = append(offsets[k.chip], k.offset)
		b.outputs[cfg.Name] = o
	}
	for _, req := range b.requests {
		lines, err := b.backend.requestOutputs(req.chip, offsets[req.chip], req.levels, Consumer)
		if err != nil {
			return fmt.Errorf("request outputs %s on %s: %w", strings.Join(outputNames(req), ", "), req.chip, err)
		}
		req.lines = lines
	}
	return nil
}

func outputNames(req *outputRequest) []string {
	var names []string
	for _, o := range req.outputs {
		names = append(names, o.cfg.Name)
	}
	return names
}

// requestInputs requests each input with edge events and queues its
// initial level as an Initial event.
func (b *Board) requestInputs(ins []lineKey) error {
	for i, cfg := range b.profile.Inputs {
		in := &input{cfg: cfg, chip: ins[i].chip, offset: ins[i].offset}
		b.inputs = append(b.inputs, in)
		index := i
		line, err := b.backend.requestInput(in.chip, in.offset, cfg, Consumer, func(e edge) { b.onEdge(index, e) })
		if err != nil {
			return fmt.Errorf("%s: request input %s on %s line %d: %w", cfg.Where, cfg.Name, in.chip, in.offset, err)
		}
		in.line = line
		v, err := line.Value()
		if err != nil {
			return fmt.Errorf("read input %s: %w", cfg.Name, err)
		}
		in.active = (v == 1) != cfg.ActiveLow
		b.queue.Send(board.InputEvent{Name: cfg.Name, Active: in.active, Time: b.now(), Initial: true})
	}
	return nil
}

// onEdge runs on the backend's event goroutine. It only queues the event:
// it must not block, and it must never close a line request.
func (b *Board) onEdge(index int, e edge) {
	select {
	case b.edges <- inputEdge{input: index, edge: e}:
	default:
		b.edgesLost.Add(1)
		if !b.lostLogged.Swap(true) {
			b.log.Warn("GPIO event queue full; events are dropped and the lines read again", "input", b.profile.Inputs[index].Name)
		}
	}
}

// level returns the line level of an output in a logical state.
func level(o board.OutputLine, energised bool) int {
	if energised != o.ActiveLow {
		return 1
	}
	return 0
}

// Names lists the outputs in sorted order.
func (b *Board) Names() []string {
	names := make([]string, 0, len(b.outputs))
	for n := range b.outputs {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// InputNames lists the inputs in sorted order.
func (b *Board) InputNames() []string {
	names := make([]string, 0, len(b.inputs))
	for _, in := range b.inputs {
		names = append(names, in.cfg.Name)
	}
	sort.Strings(names)
	return names
}

// Inputs returns the queue of input events.
func (b *Board) Inputs() <-chan board.InputEvent { return b.queue.C() }

// Gaps returns how many sequence number gaps the input events showed.
func (b *Board) Gaps() uint64 { return b.gaps.Load() }

// Set drives an output: active means tripped or sounding. It writes the
// line at once; a pulse pattern then toggles it from Run.
func (b *Board) Set(name string, active bool) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	o, ok := b.outputs[name]
	if !ok {
		return fmt.Errorf("set output %q: no such output on board %s", name, b.profile.Name)
	}
	if b.halted {
		return fmt.Errorf("set output %q: board %s is halted", name, b.profile.Name)
	}
	if o.active == active {
		return nil
	}
	o.active, o.since = active, b.now()
	b.log.Info("output changed", "output", name, "active", active, "energised", o.cfg.EnergisedWhen(active))
	defer b.poke()
	return b.write(o.req, o.since)
}

// SetPattern sets how an output is driven while active. A change restarts
// the pattern with its on phase.
func (b *Board) SetPattern(name string, p alarm.Pattern) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	o, ok := b.outputs[name]
	if !ok {
		return fmt.Errorf("set pattern of %q: no such output on board %s", name, b.profile.Name)
	}
	if o.pattern == p {
		return nil
	}
	o.pattern, o.since = p, b.now()
	if b.halted {
		return nil
	}
	defer b.poke()
	return b.write(o.req, o.since)
}

func (b *Board) poke() {
	select {
	case b.wake <- struct{}{}:
	default:
	}
}

// write computes the levels of one request at now and writes them when
// they changed. The caller holds b.mu.
func (b *Board) write(req *outputRequest, now time.Time) error {
	levels := make([]int, len(req.outputs))
	for i, o := range req.outputs {
		levels[i] = level(o.cfg, o.cfg.EnergisedWhen(o.active && pulseOn(o.pattern, now.Sub(o.since))))
	}
	if equal(levels, req.levels) {
		return nil
	}
	if err := req.lines.SetValues(levels); err != nil {
		return fmt.Errorf("write outputs %s on %s: %w", strings.Join(outputNames(req), ", "), req.chip, err)
	}
	req.levels = levels
	return nil
}

func equal(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// Run toggles pulsed outputs and turns line events into input events
// until ctx ends. It is the only goroutine that does either.
func (b *Board) Run(ctx context.Context) error {
	timer := time.NewTimer(time.Hour)
	defer timer.Stop()
	for {
		b.mu.Lock()
		next, pulsing := b.nextEdge(b.now())
		b.mu.Unlock()
		if !pulsing {
			next = time.Hour
		}
		timer.Reset(next)
		select {
		case <-ctx.Done():
			return nil
		case <-b.wake:
		case <-timer.C:
			b.refresh()
		case e := <-b.edges:
			b.handleEdge(e)
		}
	}
}

// refresh rewrites every request whose pulse phase changed.
func (b *Board) refresh() {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.halted {
		return
	}
	now := b.now()
	for _, req := range b.requests {
		if err := b.write(req, now); err != nil {
			b.log.Error("pulse pattern not written", "err", err)
		}
	}
}

// nextEdge returns the time until the next pulse edge of any active
// pulsed output. The caller holds b.mu.
func (b *Board) nextEdge(now time.Time) (time.Duration, bool) {
	var next time.Duration
	found := false
	for _, o := range b.outputs {
		if !o.active || o.pattern == alarm.Steady {
			continue
		}
		d := untilToggle(o.pattern, now.Sub(o.since))
		if !found || d < next {
			next, found = d, true
		}
	}
	return next, found
}

// handleEdge checks an event's sequence numbers and queues the input's
// new state. After a gap it reads the line, because the events lost may
// have changed it.
func (b *Board) handleEdge(e inputEdge) {
	in := b.inputs[e.input]
	active := e.rising != in.cfg.ActiveLow
	if e.lineSeqno != in.lastSeqno+1 {
		n := b.gaps.Add(1)
		b.log.Warn("GPIO event sequence gap; reading the line again", "input", in.cfg.Name,
			"expected_seqno", in.lastSeqno+1, "line_seqno", e.lineSeqno, "seqno", e.seqno, "gaps", n)
		if v, err := in.line.Value(); err != nil {
			b.log.Error("input not read after a sequence gap", "input", in.cfg.Name, "err", err)
		} else {
			active = (v == 1) != in.cfg.ActiveLow
		}
	}
	in.lastSeqno = e.lineSeqno
	if active == in.active {
		return
	}
	in.active = active
	b.queue.Send(board.InputEvent{Name: in.cfg.Name, Active: active, Time: e.time})
}

// Halt de-energises every output, then releases all lines. After Halt the
// board drives nothing; a second Halt does nothing.
func (b *Board) Halt() error {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.halted {
		return nil
	}
	b.halted = true
	var errs []error
	for _, req := range b.requests {
		if req.lines == nil {
			continue
		}
		levels := make([]int, len(req.outputs))
		for i, o := range req.outputs {
			levels[i] = level(o.cfg, false)
		}
		if err := req.lines.SetValues(levels); err != nil {
			errs = append(errs, fmt.Errorf("halt: de-energise outputs %s on %s: %w", strings.Join(outputNames(req), ", "), req.chip, err))
		} else {
			req.levels = levels
		}
	}
	// Closing the input requests waits for their event goroutines, whose
	// handler never takes b.mu, so holding it here cannot deadlock.
	errs = append(errs, b.release())
	b.log.Info("GPIO board halted: all outputs de-energised")
	return errors.Join(errs...)
}

// release closes every line request. Closing an input request stops its
// event goroutine, so it is never called from an event handler.
func (b *Board) release() error {
	var errs []error
	for _, in := range b.inputs {
		if in.line != nil {
			errs = append(errs, in.line.Close())
			in.line = nil
		}
	}
	for _, req := range b.requests {
		if req.lines != nil {
			errs = append(errs, req.lines.Close())
			req.lines = nil
		}
	}
	return errors.Join(errs...)
}
