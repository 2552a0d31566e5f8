package gpio

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/plantgw/plantgw/alarm"
	"github.com/plantgw/plantgw/board"
)

// fakeChips is a backend with named lines on two chips and recorded
// output levels.
type fakeChips struct {
	mu       sync.Mutex
	names    map[string]lineKey
	levels   map[lineKey]int
	inputs   map[lineKey]*fakeInput
	requests int
}

type fakeInput struct {
	chips   *fakeChips
	key     lineKey
	handler func(edge)
	seqno   uint32
	closed  bool
}

func newFakeChips() *fakeChips {
	f := &fakeChips{names: map[string]lineKey{}, levels: map[lineKey]int{}, inputs: map[lineKey]*fakeInput{}}
	for i, n := range []string{"DO1", "DO2", "DO3", "DO4"} {
		f.names[n] = lineKey{"gpiochip0", i}
	}
	for i, n := range []string{"DI1", "DI2"} {
		f.names[n] = lineKey{"gpiochip1", i}
	}
	return f
}

func (f *fakeChips) resolve(ref board.LineRef) (string, int, error) {
	if ref.Line == "" {
		if ref.Chip != "gpiochip0" && ref.Chip != "gpiochip1" {
			return "", 0, fmt.Errorf("GPIO chip %s not found", ref.Chip)
		}
		return ref.Chip, ref.Offset, nil
	}
	k, ok := f.names[ref.Line]
	if !ok || (ref.Chip != "" && ref.Chip != k.chip) {
		return "", 0, fmt.Errorf("line %q not found on any GPIO chip", ref.Line)
	}
	return k.chip, k.offset, nil
}

type fakeOutputs struct {
	f       *fakeChips
	chip    string
	offsets []int
	writes  int
}

func (o *fakeOutputs) SetValues(levels []int) error {
	o.f.mu.Lock()
	defer o.f.mu.Unlock()
	o.writes++
	for i, off := range o.offsets {
		o.f.levels[lineKey{o.chip, off}] = levels[i]
	}
	return nil
}

func (o *fakeOutputs) Close() error { return nil }

func (f *fakeChips) requestOutputs(chip string, offsets, levels []int, consumer string) (outputLines, error) {
	f.mu.Lock()
	f.requests++
	f.mu.Unlock()
	o := &fakeOutputs{f: f, chip: chip, offsets: offsets}
	return o, o.SetValues(levels)
}

func (f *fakeChips) requestInput(chip string, offset int, in board.InputLine, consumer string, handler func(edge)) (inputLine, error) {
	k := lineKey{chip, offset}
	fi := &fakeInput{chips: f, key: k, handler: handler}
	f.mu.Lock()
	f.inputs[k] = fi
	f.mu.Unlock()
	return fi, nil
}

func (i *fakeInput) Value() (int, error) {
	i.chips.mu.Lock()
	defer i.chips.mu.Unlock()
	return i.chips.levels[i.key], nil
}

func (i *fakeInput) Close() error { i.closed = true; return nil }

// drive sets an input line's level and sends its edge; skip leaves out
// that many sequence numbers, as a kernel buffer overflow does.
func (i *fakeInput) drive(level int, skip uint32) {
	i.chips.mu.Lock()
	i.chips.levels[i.key] = level
	i.seqno += 1 + skip
	seq := i.seqno
	i.chips.mu.Unlock()
	i.handler(edge{rising: level == 1, seqno: seq, lineSeqno: seq, time: time.Now()})
}

func (f *fakeChips) level(chip string, offset int) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.levels[lineKey{chip, offset}]
}

func ref(line string) board.LineRef { return board.LineRef{Line: line, Offset: -1} }

func testProfile() *board.Profile {
	return &board.Profile{Name: "test", Outputs: []board.OutputLine{
		{Name: "horn", LineRef: ref("DO1"), Safety: true},
		{Name: "esd-1", LineRef: ref("DO2"), Safety: true, ActiveLow: true},
		{Name: "run-lamp", LineRef: ref("DO3"), ActiveEnergised: true},
	}, Inputs: []board.InputLine{
		{Name: "reset", LineRef: ref("DI1"), ActiveLow: true},
		{Name: "xv-101-closed", LineRef: board.LineRef{Chip: "gpiochip1", Offset: 1}},
	}}
}

// fakeClock is a clock that tests move by hand.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Add(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

func discardLog() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

func openFake(t *testing.T, p *board.Profile) (*Board, *fakeChips, *fakeClock) {
	t.Helper()
	chips := newFakeChips()
	// The reset button is released: its active-low line reads high.
	chips.levels[lineKey{"gpiochip1", 0}] = 1
	clock := &fakeClock{now: time.Unix(1000, 0)}
	b, err := open(p, discardLog(), chips, clock.Now)
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	t.Cleanup(func() { b.Halt() })
	return b, chips, clock
}

func TestOutputsStartDeEnergised(t *testing.T) {
	_, chips, _ := openFake(t, testProfile())
	// horn: active high, de-energised = 0; esd-1: active low, de-energised
	// = 1; run-lamp: active high, de-energised = 0.
	for offset, want := range []int{0, 1, 0} {
		if got := chips.level("gpiochip0", offset); got != want {
			t.Errorf("DO%d level = %d, want %d", offset+1, got, want)
		}
	}
	if chips.requests != 1 {
		t.Errorf("%d output requests, want 1 for the one chip", chips.requests)
	}
}

func TestSetDrivesPolarity(t *testing.T) {
	b, chips, _ := openFake(t, testProfile())
	if err := b.Set("esd-1", false); err != nil {
		t.Fatal(err)
	}
	if got := chips.level("gpiochip0", 1); got != 0 {
		t.Errorf("esd-1 released: level %d, want 0 (energised, active low)", got)
	}
	if err := b.Set("run-lamp", true); err != nil {
		t.Fatal(err)
	}
	if got := chips.level("gpiochip0", 2); got != 1 {
		t.Errorf("run-lamp active: level %d, want 1 (energised)", got)
	}
	if err := b.Halt(); err != nil {
		t.Fatal(err)
	}
	for offset, want := range []int{0, 1, 0} {
		if got := chips.level("gpiochip0", offset); got != want {
			t.Errorf("after Halt: DO%d level = %d, want %d (de-energised)", offset+1, got, want)
		}
	}
	if err := b.Set("esd-1", false); err == nil {
		t.Error("Set after Halt succeeded")
	}
	if err := b.Set("siren", true); err == nil || !strings.Contains(err.Error(), "no such output") {
		t.Errorf("Set of an unknown output: %v", err)
	}
}

func TestPatternsToggleHorn(t *testing.T) {
	b, chips, clock := openFake(t, testProfile())
	horn := func() int { return chips.level("gpiochip0", 0) }
	if err := b.Set("horn", false); err != nil {
		t.Fatal(err)
	}
	if horn() != 1 {
		t.Fatal("horn silent: want energised (1)")
	}
	if err := b.SetPattern("horn", alarm.Pulsed); err != nil {
		t.Fatal(err)
	}
	if err := b.Set("horn", true); err != nil {
		t.Fatal(err)
	}
	// Pulsed: sounding (de-energised) for 500 ms, silent for 500 ms.
	steps := []struct {
		after time.Duration
		want  int
	}{{0, 0}, {499 * time.Millisecond, 0}, {time.Millisecond, 1}, {500 * time.Millisecond, 0}}
	for _, s := range steps {
		clock.Add(s.after)
		b.refresh()
		if got := horn(); got != s.want {
			t.Errorf("pulsed, %v into the step: level %d, want %d", s.after, got, s.want)
		}
	}
	if d, ok := b.nextEdge(clock.Now()); !ok || d != 500*time.Millisecond {
		t.Errorf("next edge in %v (%v), want 500ms", d, ok)
	}

	if err := b.SetPattern("horn", alarm.SlowPulse); err != nil {
		t.Fatal(err)
	}
	for _, s := range []struct {
		after time.Duration
		want  int
	}{{0, 0}, {500 * time.Millisecond, 1}, {3 * time.Second, 1}, {500 * time.Millisecond, 0}} {
		clock.Add(s.after)
		b.refresh()
		if got := horn(); got != s.want {
			t.Errorf("slow pulse, %v into the step: level %d, want %d", s.after, got, s.want)
		}
	}
	if err := b.SetPattern("horn", alarm.Steady); err != nil {
		t.Fatal(err)
	}
	clock.Add(700 * time.Millisecond)
	b.refresh()
	if horn() != 0 {
		t.Error("steady horn not sounding (de-energised)")
	}
	if _, ok := b.nextEdge(clock.Now()); ok {
		t.Error("a steady horn still has a pulse edge")
	}
}

func nextInput(t *testing.T, b *Board) board.InputEvent {
	t.Helper()
	select {
	case e := <-b.Inputs():
		return e
	case <-time.After(3 * time.Second):
		t.Fatal("no input event within 3s")
	}
	return board.InputEvent{}
}

func TestInputEventsAndSequenceGap(t *testing.T) {
	b, chips, _ := openFake(t, testProfile())
	for _, want := range []board.InputEvent{{Name: "reset", Active: false}, {Name: "xv-101-closed", Active: false}} {
		if e := nextInput(t, b); e.Name != want.Name || e.Active != want.Active || !e.Initial {
			t.Errorf("initial event %+v, want %s active %v initial", e, want.Name, want.Active)
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- b.Run(ctx) }()
	defer func() { cancel(); <-done }()

	reset := chips.inputs[lineKey{"gpiochip1", 0}]
	reset.drive(0, 0)
	if e := nextInput(t, b); e.Name != "reset" || !e.Active || e.Initial {
		t.Errorf("press: %+v, want reset active", e)
	}
	reset.drive(1, 0)
	if e := nextInput(t, b); e.Name != "reset" || e.Active {
		t.Errorf("release: %+v, want reset inactive", e)
	}
	// Two events lost, and the line ends released: a gap, but no change.
	reset.drive(1, 2)
	// Events lost again. The kernel's last event is a rising edge
	// (released), but the line reads low (pressed) by now, and the re-read
	// wins.
	chips.mu.Lock()
	chips.levels[lineKey{"gpiochip1", 0}] = 0
	reset.seqno += 2
	seq := reset.seqno
	chips.mu.Unlock()
	reset.handler(edge{rising: true, seqno: seq, lineSeqno: seq, time: time.Now()})
	if e := nextInput(t, b); e.Name != "reset" || !e.Active {
		t.Errorf("after a gap: %+v, want reset active from the re-read line", e)
	}
	if g := b.Gaps(); g != 2 {
		t.Errorf("gaps = %d, want 2", g)
	}
}

func TestOpenUnknownLineFails(t *testing.T) {
	p := testProfile()
	p.Outputs[2].LineRef = ref("NO_SUCH_LINE")
	p.Inputs[1].LineRef = board.LineRef{Chip: "gpiochip9", Offset: 0}
	_, err := open(p, discardLog(), newFakeChips(), time.Now)
	if err == nil {
		t.Fatal("open with an unknown line succeeded")
	}
	for _, want := range []string{`output run-lamp: line "NO_SUCH_LINE" not found`, "input xv-101-closed: GPIO chip gpiochip9 not found"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %q: %v", want, err)
		}
	}
}

func TestOpenRejectsLineUsedTwice(t *testing.T) {
	p := testProfile()
	p.Inputs[1].LineRef = ref("DO1")
	_, err := open(p, discardLog(), newFakeChips(), time.Now)
	if err == nil || !strings.Contains(err.Error(), "which output horn already uses") {
		t.Errorf("open with a line used twice: %v", err)
	}
}
