package gateway

import (
	"context"
	"fmt"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/plantgw/plantgw/buffer"
	"github.com/plantgw/plantgw/internal/testenv"
	"github.com/plantgw/plantgw/record"
)

func TestStepSince(t *testing.T) {
	prev := clockReading{wall: bootTime, mono: 10 * time.Second}
	tests := []struct {
		name string
		cur  clockReading
		want time.Duration
	}{
		{"steady", clockReading{wall: bootTime.Add(time.Second), mono: 11 * time.Second}, 0},
		{"slewed", clockReading{wall: bootTime.Add(time.Second + 500*time.Microsecond), mono: 11 * time.Second}, 500 * time.Microsecond},
		{"forward", clockReading{wall: ntpTime, mono: 11 * time.Second}, ntpTime.Sub(bootTime) - time.Second},
		{"back", clockReading{wall: bootTime.Add(-time.Hour), mono: 12 * time.Second}, -time.Hour - 2*time.Second},
	}
	for _, tt := range tests {
		if got := tt.cur.stepSince(prev); got != tt.want {
			t.Errorf("%s: step = %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestClockStepEvent(t *testing.T) {
	e := clockStepEvent(clockStep{at: ntpTime, step: 90 * time.Minute, synced: true, first: 4, last: 15})
	if e.Kind != record.ClockStep || !e.Time.Equal(ntpTime) || !e.ClockSynced || e.Source != record.SourceAuto {
		t.Errorf("event = %+v, want clock_step at %v, synced, source auto", e, ntpTime)
	}
	if !e.HasValue || e.Value != 5400 {
		t.Errorf("value = %v (has %v), want 5400 s", e.Value, e.HasValue)
	}
	want := "clock stepped by +5400.000 s, from 2026-03-01T06:30:00.000Z to 2026-03-01T08:00:00.000Z; seqs 4-15 of this run"
	if !strings.HasPrefix(e.Text, want) {
		t.Errorf("text = %q, want it to start with %q", e.Text, want)
	}
	empty := clockStepEvent(clockStep{at: ntpTime, step: -2 * time.Second, first: 5, last: 4})
	if !strings.Contains(empty.Text, "no record of this run") || empty.Value != -2 {
		t.Errorf("event without records = %q, value %v; want no range and -2 s", empty.Text, empty.Value)
	}
}

func TestRestampRecordKeepsFields(t *testing.T) {
	shift := 3 * time.Hour
	ev := record.Event{Kind: record.AlarmRaised, Time: bootTime, Point: "GT-1.conc", Device: "d", Output: "o", Interlock: "i",
		Level: record.AL2, Value: 41.5, HasValue: true, Source: record.SourceAuto, State: "active", Text: "x",
		Cause: record.CauseException, Code: 2, Operator: "op"}
	out, ok := restampRecord(record.EncodeEvent(ev), shift, true)
	if !ok {
		t.Fatal("event not re-stamped")
	}
	d, err := record.Decode(out)
	if err != nil || d.Event == nil {
		t.Fatalf("decode re-stamped event: %v", err)
	}
	want := ev
	want.Time, want.ClockSynced = bootTime.Add(shift), true
	d.Event.Time = d.Event.Time.UTC()
	if *d.Event != want {
		t.Errorf("re-stamped event = %+v, want %+v", *d.Event, want)
	}

	samples := []record.Sample{
		{Point: "p", Time: bootTime, Value: 12.5, Quality: record.Uncertain, Cause: record.CauseOverRange},
		{Point: "p", Time: bootTime, IsBool: true, Bool: true},
		{Point: "p", Time: bootTime, IsText: true, Text: "V2.1.7"},
		{Point: "p", Time: bootTime, Quality: record.Bad, Cause: record.CauseException, Code: 4},
	}
	for _, s := range samples {
		out, ok := restampRecord(record.EncodeSample(s), shift, true)
		if !ok {
			t.Fatalf("sample %+v not re-stamped", s)
		}
		d, err := record.Decode(out)
		if err != nil || d.Sample == nil {
			t.Fatalf("decode re-stamped sample: %v", err)
		}
		want := s
		want.Time, want.ClockSynced = bootTime.Add(shift), true
		got := *d.Sample
		got.Time = got.Time.UTC()
		if !reflect.DeepEqual(got, want) {
			t.Errorf("re-stamped sample = %+v, want %+v", got, want)
		}
	}
	part := record.Bulk{Name: "cam-1", ContentType: "video/mp4", Time: bootTime, Part: 1, Parts: 2, Data: []byte{0, 0xff}}
	out, ok = restampRecord(record.EncodeBulk(part), shift, true)
	if !ok {
		t.Fatal("bulk part not re-stamped")
	}
	d, err = record.Decode(out)
	if err != nil || d.Bulk == nil {
		t.Fatalf("decode re-stamped bulk part: %v", err)
	}
	wantPart := part
	wantPart.Time, wantPart.ClockSynced = bootTime.Add(shift), true
	gotPart := *d.Bulk
	gotPart.Time = gotPart.Time.UTC()
	if !reflect.DeepEqual(gotPart, wantPart) {
		t.Errorf("re-stamped bulk part = %+v, want %+v", gotPart, wantPart)
	}
	if at, ok := recordTime(record.EncodeBulk(part)); !ok || !at.Equal(bootTime) {
		t.Errorf("recordTime of a bulk part = %v, %v; want %v", at, ok, bootTime)
	}
	if _, ok := restampRecord([]byte("not a record"), shift, true); ok {
		t.Error("an undecodable payload was re-stamped; want it left as it is")
	}
}

func TestRestampOldClock(t *testing.T) {
	oldNow := bootTime.Add(10 * time.Second)
	step := ntpTime.Sub(oldNow)
	rewrite := restampOldClock(step, oldNow, ntpTime, true)
	tests := []struct {
		name string
		at   time.Time
		want bool
	}{
		{"old clock, just before the step", oldNow.Add(-800 * time.Millisecond), true},
		{"old clock, up to the check", oldNow, true},
		{"new clock, after the step", ntpTime.Add(-300 * time.Millisecond), false},
		{"new clock, during the flush", ntpTime.Add(time.Second), false},
	}
	for _, tt := range tests {
		_, ok := rewrite(record.EncodeSample(record.Sample{Point: "p", Time: tt.at, Value: 1}))
		if ok != tt.want {
			t.Errorf("%s: re-stamped = %v, want %v", tt.name, ok, tt.want)
		}
	}
}

// stepFixture is a real buffer on disk with a clock watch whose readings
// and store flush the test controls.
type stepFixture struct {
	buf   *buffer.Buffer
	watch *clockWatch
	steps []clockStep
}

func newStepFixture(t *testing.T) *stepFixture {
	t.Helper()
	buf, err := buffer.Open(buffer.Options{Path: t.TempDir(), SyncInterval: time.Hour, Logger: quietLog()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { buf.Close() })
	f := &stepFixture{buf: buf}
	f.watch = &clockWatch{
		buf:      buf,
		flush:    func() bool { return true },
		onStep:   func(s clockStep) { f.steps = append(f.steps, s) },
		synced:   func() bool { return true },
		first:    1,
		every:    time.Hour,
		log:      quietLog(),
		restamps: make(chan buffer.RestampRequest, restampQueueSize),
	}
	return f
}

// appendSamples stores one unsynchronised sample of point p per time.
func (f *stepFixture) appendSamples(t *testing.T, times ...time.Time) {
	t.Helper()
	var entries []buffer.Entry
	for _, at := range times {
		entries = append(entries, sampleEntry(record.Sample{Point: "p", Time: at, Value: 1, Quality: record.Good}))
	}
	if _, err := f.buf.Append(entries); err != nil {
		t.Fatal(err)
	}
}

// check runs one step check from prev to a reading of wall at mono.
func (f *stepFixture) check(prev clockSample, wall time.Time, mono time.Duration) clockSample {
	f.watch.read = func() clockReading { return clockReading{wall: wall, mono: mono} }
	return f.watch.check(context.Background(), prev)
}

// runQueued runs the background re-stamps queued so far, newest first,
// because re-stamps of whole ranges add up in any order.
func (f *stepFixture) runQueued() {
	var queued []buffer.RestampRequest
	for len(f.watch.restamps) > 0 {
		queued = append(queued, <-f.watch.restamps)
	}
	for i := len(queued) - 1; i >= 0; i-- {
		f.watch.restamp(context.Background(), queued[i])
	}
}

// stored returns each record's sample time, synchronised flag and index
// time by seq.
func (f *stepFixture) stored(t *testing.T) map[uint64]record.Sample {
	t.Helper()
	out := map[uint64]record.Sample{}
	err := f.buf.Scan(func(r buffer.Record) error {
		d, err := record.Decode(r.Payload)
		if err != nil {
			return err
		}
		if !r.Time.Equal(d.Sample.Time) {
			t.Errorf("seq %d: index time %v, sample time %v; want them equal", r.Seq, r.Time.UTC(), d.Sample.Time.UTC())
		}
		out[r.Seq] = *d.Sample
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func (f *stepFixture) historySeqs(t *testing.T, from, to time.Time) string {
	t.Helper()
	var seqs []uint64
	if err := f.buf.History("p", from, to, func(r buffer.Record) error { seqs = append(seqs, r.Seq); return nil }); err != nil {
		t.Fatal(err)
	}
	return fmt.Sprint(seqs)
}

func checkSample(t *testing.T, got map[uint64]record.Sample, seq uint64, at time.Time, synced bool) {
	t.Helper()
	s := got[seq]
	if !s.Time.Equal(at) {
		t.Errorf("seq %d: time %v, want %v", seq, s.Time.UTC(), at.UTC())
	}
	if s.ClockSynced != synced {
		t.Errorf("seq %d: clock synced %v, want %v", seq, s.ClockSynced, synced)
	}
}

// TestClockStepRestampsQueuedRecords boots in 1970 after a run whose
// records are in the buffer, uploads some records, and lets NTP step the
// clock while one record stamped before the step and one stamped after it
// still wait in the store queue.
func TestClockStepRestampsQueuedRecords(t *testing.T) {
	f := newStepFixture(t)
	lastRun := ntpTime.Add(-24 * time.Hour)
	f.appendSamples(t, lastRun, lastRun.Add(time.Second), lastRun.Add(2*time.Second))
	f.watch.first = 4

	var boot []time.Time
	for i := range 10 {
		boot = append(boot, bootTime.Add(time.Duration(i)*time.Second))
	}
	f.appendSamples(t, boot...) // seqs 4-13
	if err := f.buf.Sync(); err != nil {
		t.Fatal(err)
	}
	if err := f.buf.Ack(buffer.Telemetry, []uint64{4, 5, 6}); err != nil {
		t.Fatal(err)
	}
	prev := clockSample{seq: 13, at: clockReading{wall: bootTime.Add(10 * time.Second), mono: 10 * time.Second}}
	newNow := ntpTime
	step := newNow.Sub(bootTime.Add(11 * time.Second))
	f.appendSamples(t, bootTime.Add(10500*time.Millisecond), newNow.Add(-200*time.Millisecond)) // seqs 14-15

	cur := f.check(prev, newNow, 11*time.Second)
	if cur.seq != 15 {
		t.Errorf("sample after the step has seq %d, want 15", cur.seq)
	}
	if len(f.steps) != 1 {
		t.Fatalf("%d steps reported, want 1", len(f.steps))
	}
	if got, want := f.steps[0], (clockStep{at: newNow, step: step, synced: true, first: 4, last: 15}); got != want {
		t.Errorf("step = %+v, want %+v", got, want)
	}
	f.runQueued()

	got := f.stored(t)
	for seq := uint64(1); seq <= 3; seq++ {
		checkSample(t, got, seq, lastRun.Add(time.Duration(seq-1)*time.Second), false)
	}
	for seq := uint64(4); seq <= 6; seq++ {
		checkSample(t, got, seq, boot[seq-4], false)
	}
	for seq := uint64(7); seq <= 13; seq++ {
		checkSample(t, got, seq, boot[seq-4].Add(step), true)
	}
	checkSample(t, got, 14, bootTime.Add(10500*time.Millisecond).Add(step), true)
	checkSample(t, got, 15, newNow.Add(-200*time.Millisecond), false)
	if h := f.historySeqs(t, ntpTime.Add(-time.Minute), ntpTime.Add(time.Minute)); h != "[7 8 9 10 11 12 13 14 15]" {
		t.Errorf("history around the new time = %s, want seqs 7-15", h)
	}
	if h := f.historySeqs(t, bootTime, bootTime.Add(time.Minute)); h != "[4 5 6]" {
		t.Errorf("history in 1970 = %s, want only the uploaded seqs 4-6", h)
	}
}

func TestClockStepBelowThresholdIgnored(t *testing.T) {
	f := newStepFixture(t)
	f.appendSamples(t, bootTime)
	prev := clockSample{seq: 1, at: clockReading{wall: bootTime, mono: 0}}
	f.check(prev, bootTime.Add(1900*time.Millisecond), time.Second)
	if len(f.steps) != 0 || len(f.watch.restamps) != 0 {
		t.Errorf("a 900 ms step reported %d steps and queued %d re-stamps; want none", len(f.steps), len(f.watch.restamps))
	}
}

// TestClockStepDuringRestamp steps the clock twice before the first
// re-stamp runs: the re-stamps add up.
func TestClockStepDuringRestamp(t *testing.T) {
	f := newStepFixture(t)
	f.appendSamples(t, bootTime, bootTime.Add(time.Second)) // seqs 1-2
	prev := clockSample{seq: 2, at: clockReading{wall: bootTime.Add(2 * time.Second), mono: 2 * time.Second}}
	first := time.Hour
	prev = f.check(prev, bootTime.Add(3*time.Second+first), 3*time.Second)
	if len(f.watch.restamps) != 1 {
		t.Fatalf("%d re-stamps queued after the first step, want 1", len(f.watch.restamps))
	}

	stepped := bootTime.Add(3*time.Second + first)
	f.appendSamples(t, stepped.Add(100*time.Millisecond)) // seq 3
	prev = clockSample{seq: 3, at: clockReading{wall: stepped.Add(500 * time.Millisecond), mono: 3500 * time.Millisecond}}
	second := -20 * time.Minute
	f.check(prev, stepped.Add(1500*time.Millisecond+second), 4500*time.Millisecond)
	if len(f.steps) != 2 {
		t.Fatalf("%d steps reported, want 2", len(f.steps))
	}
	f.runQueued()

	got := f.stored(t)
	checkSample(t, got, 1, bootTime.Add(first+second), true)
	checkSample(t, got, 2, bootTime.Add(time.Second+first+second), true)
	checkSample(t, got, 3, stepped.Add(100*time.Millisecond+second), true)
}

// scriptedClock is a clock whose wall time the test steps while the
// monotonic time runs on.
type scriptedClock struct {
	mu     sync.Mutex
	origin time.Time
	offset time.Duration
}

func (c *scriptedClock) read() clockReading {
	c.mu.Lock()
	defer c.mu.Unlock()
	mono := time.Since(c.origin)
	return clockReading{wall: bootTime.Add(mono + c.offset), mono: mono}
}

func (c *scriptedClock) step(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.offset += d
}

// TestClockWatchRun runs the watch's goroutines, steps the clock twice and
// stops the watch, which goleak checks.
func TestClockWatchRun(t *testing.T) {
	f := newStepFixture(t)
	clock := &scriptedClock{origin: time.Now()}
	var mu sync.Mutex
	var steps []clockStep
	f.watch.read = clock.read
	f.watch.every = 5 * time.Millisecond
	f.watch.onStep = func(s clockStep) { mu.Lock(); steps = append(steps, s); mu.Unlock() }
	stepsSeen := func() int { mu.Lock(); defer mu.Unlock(); return len(steps) }

	var stamps []time.Time
	for i := range 1200 {
		stamps = append(stamps, bootTime.Add(time.Duration(i)*time.Microsecond))
	}
	f.appendSamples(t, stamps...)
	ctx, cancel := context.WithCancel(context.Background())
	var done sync.WaitGroup
	done.Go(func() { f.watch.run(ctx) })
	defer func() { cancel(); done.Wait() }()

	time.Sleep(20 * time.Millisecond)
	clock.step(time.Hour)
	testenv.WaitFor(t, 5*time.Second, "first step", func() bool { return stepsSeen() == 1 })
	clock.step(time.Hour)
	testenv.WaitFor(t, 5*time.Second, "second step", func() bool { return stepsSeen() == 2 })
	testenv.WaitFor(t, 10*time.Second, "re-stamps of both steps", func() bool {
		got := f.stored(t)
		for i, at := range stamps {
			if !got[uint64(i+1)].Time.Equal(at.Add(2 * time.Hour)) {
				return false
			}
		}
		return true
	})
	got := f.stored(t)
	for i, at := range stamps {
		checkSample(t, got, uint64(i+1), at.Add(2*time.Hour), true)
	}
}
