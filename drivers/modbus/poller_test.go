package modbus

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/plantgw/plantgw/config"
	"github.com/plantgw/plantgw/record"
)

// fakeConn replies to every read with the unit id in each register, except
// units listed as silent, which time out after the bus timeout.
type fakeConn struct {
	noWrites
	timeout time.Duration
	mu      sync.Mutex
	silent  map[uint8]bool
	reads   map[uint8]int
}

func (f *fakeConn) ReadRegisters(ctx context.Context, unit uint8, _ config.Table, _, count uint16) ([]uint16, error) {
	f.mu.Lock()
	silent := f.silent[unit]
	f.reads[unit]++
	f.mu.Unlock()
	if silent {
		sleep(ctx, f.timeout)
		return nil, &CommError{Cause: CommTimeout, Err: errors.New("request timed out")}
	}
	regs := make([]uint16, count)
	for i := range regs {
		regs[i] = uint16(unit)
	}
	return regs, nil
}

func (f *fakeConn) ReadBits(context.Context, uint8, config.Table, uint16, uint16) ([]bool, error) {
	return nil, errors.New("not used")
}

func (f *fakeConn) Close() error { return nil }

type collectSink struct {
	mu      sync.Mutex
	samples []record.Sample
	events  []record.Event
}

func (s *collectSink) Sample(x record.Sample) {
	s.mu.Lock()
	s.samples = append(s.samples, x)
	s.mu.Unlock()
}
func (s *collectSink) Event(x record.Event) {
	s.mu.Lock()
	s.events = append(s.events, x)
	s.mu.Unlock()
}

func testBusConfig(devices int, poll, commLoss time.Duration) *config.Config {
	cfg := &config.Config{Buses: []config.Bus{{Name: "b", Timeout: config.Duration(40 * time.Millisecond)}}}
	for i := 1; i <= devices; i++ {
		name := string(rune('A' + i - 1))
		cfg.Devices = append(cfg.Devices, config.Device{Name: name, Bus: "b", Unit: i, Poll: config.Duration(poll),
			CommLossAfter: config.Duration(commLoss), MaxRegisters: 125, MaxGap: 10})
		cfg.Points = append(cfg.Points, config.Point{ID: name + ".v", Device: name, Type: "int16", ByteOrder: "ABCD",
			Register: config.Register{Table: "input", Address: "30001"}})
	}
	return cfg
}

func realClock() (time.Time, bool) { return time.Now(), true }

func TestSilentDeviceDoesNotStarveOthers(t *testing.T) {
	const poll = 100 * time.Millisecond
	cfg := testBusConfig(8, poll, 300*time.Millisecond)
	conn := &fakeConn{timeout: 40 * time.Millisecond, silent: map[uint8]bool{3: true}, reads: map[uint8]int{}}
	_, sink := runPoller(t, cfg, conn, 2*time.Second)

	conn.mu.Lock()
	defer conn.mu.Unlock()
	want := int(2 * time.Second / poll)
	for unit := uint8(1); unit <= 8; unit++ {
		if unit == 3 {
			continue
		}
		if got := conn.reads[unit]; got < want*9/10 {
			t.Errorf("unit %d polled %d times in 2 s, want at least %d (90%% of %d)", unit, got, want*9/10, want)
		}
	}

	sink.mu.Lock()
	defer sink.mu.Unlock()
	lost := 0
	for _, e := range sink.events {
		if e.Kind == record.CommLost && e.Device == "C" {
			lost++
		}
	}
	if lost != 1 {
		t.Errorf("comm_lost events for C = %d, want 1", lost)
	}
	bad, good := 0, 0
	for _, s := range sink.samples {
		switch {
		case s.Point == "C.v" && s.Quality == record.Bad && s.Cause == record.CauseCommLost:
			bad++
		case s.Point == "A.v" && s.Quality == record.Good && s.Value == 1:
			good++
		}
	}
	if bad == 0 {
		t.Error("no bad comm_lost samples for the silent device")
	}
	if good < want*9/10 {
		t.Errorf("good samples of A = %d, want at least %d", good, want*9/10)
	}
}

func TestDeviceRestoredEvent(t *testing.T) {
	cfg := testBusConfig(1, 50*time.Millisecond, 100*time.Millisecond)
	conn := &fakeConn{timeout: 10 * time.Millisecond, silent: map[uint8]bool{1: true}, reads: map[uint8]int{}}
	sink := &collectSink{}
	p, err := NewPoller(cfg, cfg.Buses[0], conn, sink, realClock)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); _ = p.Run(ctx) }()

	waitFor(t, 3*time.Second, func() bool { return hasEvent(sink, record.CommLost) })
	conn.mu.Lock()
	conn.silent[1] = false
	conn.mu.Unlock()
	waitFor(t, 3*time.Second, func() bool { return hasEvent(sink, record.CommRestored) })
	cancel()
	<-done
}

func hasEvent(s *collectSink, kind record.EventKind) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, e := range s.events {
		if e.Kind == kind {
			return true
		}
	}
	return false
}

func waitFor(t *testing.T, limit time.Duration, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(limit)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("condition not met within %v", limit)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// gapConn serves input registers 0..9 as 100+address, except address 5,
// and replies exception 02 to any read that covers 5. It replies with at
// most maxCount registers.
type gapConn struct {
	noWrites
	mu       sync.Mutex
	maxCount uint16
	reads    []string
}

func (g *gapConn) ReadRegisters(_ context.Context, _ uint8, _ config.Table, addr, count uint16) ([]uint16, error) {
	g.mu.Lock()
	g.reads = append(g.reads, fmt.Sprintf("%d+%d", addr, count))
	g.mu.Unlock()
	if addr <= 5 && addr+count > 5 {
		return nil, &CommError{Cause: CommException, Code: 0x02, Err: errors.New("illegal data address")}
	}
	regs := make([]uint16, min(count, g.maxCount))
	for i := range regs {
		regs[i] = 100 + addr + uint16(i)
	}
	return regs, nil
}

func (g *gapConn) ReadBits(context.Context, uint8, config.Table, uint16, uint16) ([]bool, error) {
	return nil, errors.New("not used")
}

func (g *gapConn) Close() error { return nil }

func gapConfig(wires ...int) *config.Config {
	cfg := testBusConfig(1, 50*time.Millisecond, time.Second)
	cfg.Points = nil
	for _, w := range wires {
		wire := w
		cfg.Points = append(cfg.Points, config.Point{ID: fmt.Sprintf("p%d", w), Device: "A", Type: "int16", ByteOrder: "ABCD",
			Register: config.Register{Table: "input", WireAddr: &wire}})
	}
	return cfg
}

// runPoller polls cfg's first bus over conn for d and returns the poller
// and what it produced.
func runPoller(t *testing.T, cfg *config.Config, conn Conn, d time.Duration) (*Poller, *collectSink) {
	t.Helper()
	sink := &collectSink{}
	p, err := NewPoller(cfg, cfg.Buses[0], conn, sink, realClock)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), d)
	defer cancel()
	if err := p.Run(ctx); err != nil {
		t.Fatal(err)
	}
	return p, sink
}

func TestException02SplitsTheRead(t *testing.T) {
	conn := &gapConn{maxCount: 125}
	p, sink := runPoller(t, gapConfig(3, 4, 5, 6), conn, 130*time.Millisecond)

	good, bad := map[string]float64{}, map[string]bool{}
	for _, s := range sink.samples {
		if s.Quality == record.Good {
			good[s.Point] = s.Value
		} else if s.Cause == record.CauseException {
			bad[s.Point] = true
		}
	}
	for _, id := range []string{"p3", "p4", "p6"} {
		if want := float64(100 + id[1] - '0'); good[id] != want {
			t.Errorf("%s = %v, want %v read around the missing address", id, good[id], want)
		}
	}
	for _, s := range sink.samples {
		if s.Point == "p5" && s.Code != 0x02 {
			t.Errorf("p5 sample carries exception code %d, want 02", s.Code)
			break
		}
	}
	if !bad["p5"] || good["p5"] != 0 {
		t.Errorf("p5 (missing address) good=%v bad=%v; want only exception samples", good["p5"], bad["p5"])
	}
	if n := len(p.devices[0].blocks); n != 4 {
		t.Errorf("device keeps %d blocks after the split, want 4 single reads", n)
	}
	conn.mu.Lock()
	defer conn.mu.Unlock()
	if conn.reads[0] != "3+4" {
		t.Errorf("first read %s, want the merged 3+4", conn.reads[0])
	}
	for _, r := range conn.reads[5:] {
		if r == "3+4" {
			t.Errorf("merged read repeated after the split: %v", conn.reads)
		}
	}
}

func TestShortReplySplitsTheRead(t *testing.T) {
	conn := &gapConn{maxCount: 2}
	_, sink := runPoller(t, gapConfig(6, 7, 8, 9), conn, 130*time.Millisecond)
	got := map[string]float64{}
	for _, s := range sink.samples {
		if s.Quality == record.Good {
			got[s.Point] = s.Value
		}
	}
	for _, id := range []string{"p6", "p7", "p8", "p9"} {
		if want := float64(100 + id[1] - '0'); got[id] != want {
			t.Errorf("%s = %v, want %v after splitting a read the device answered short", id, got[id], want)
		}
	}
}

// busyConn replies exception 06 to every read while busy is set, else
// the register value 7.
type busyConn struct {
	noWrites
	mu   sync.Mutex
	busy bool
}

func (b *busyConn) ReadRegisters(context.Context, uint8, config.Table, uint16, uint16) ([]uint16, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.busy {
		return nil, &CommError{Cause: CommException, Code: exceptionBusy, Err: errors.New("server device busy")}
	}
	return []uint16{7}, nil
}

func (b *busyConn) ReadBits(context.Context, uint8, config.Table, uint16, uint16) ([]bool, error) {
	return nil, errors.New("not used")
}

func (b *busyConn) Close() error { return nil }

func TestBusyIsRetriedThenStale(t *testing.T) {
	cfg := testBusConfig(1, 50*time.Millisecond, 400*time.Millisecond)
	conn := &busyConn{busy: true}
	sink := &collectSink{}
	p, err := NewPoller(cfg, cfg.Buses[0], conn, sink, realClock)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); _ = p.Run(ctx) }()

	time.Sleep(250 * time.Millisecond)
	sink.mu.Lock()
	early := len(sink.samples)
	sink.mu.Unlock()
	if early != 0 {
		t.Errorf("%d samples during the first busy replies; want none (retry, never store)", early)
	}
	waitFor(t, 2*time.Second, func() bool {
		sink.mu.Lock()
		defer sink.mu.Unlock()
		return len(sink.samples) > 0 && sink.samples[0].Cause == record.CauseStale
	})
	conn.mu.Lock()
	conn.busy = false
	conn.mu.Unlock()
	waitFor(t, 2*time.Second, func() bool {
		sink.mu.Lock()
		defer sink.mu.Unlock()
		last := sink.samples[len(sink.samples)-1]
		return last.Quality == record.Good && last.Value == 7
	})
	cancel()
	<-done
	if hasEvent(sink, record.CommLost) {
		t.Error("a busy device was reported lost; it replies")
	}
}

// addrConn counts reads per start address and can go silent.
type addrConn struct {
	noWrites
	mu     sync.Mutex
	reads  map[uint16]int
	silent bool
}

func (a *addrConn) ReadRegisters(ctx context.Context, _ uint8, _ config.Table, addr, count uint16) ([]uint16, error) {
	a.mu.Lock()
	a.reads[addr]++
	silent := a.silent
	a.mu.Unlock()
	if silent {
		return nil, &CommError{Cause: CommTimeout, Err: errors.New("request timed out")}
	}
	return make([]uint16, count), nil
}

func (a *addrConn) ReadBits(context.Context, uint8, config.Table, uint16, uint16) ([]bool, error) {
	return nil, errors.New("not used")
}

func (a *addrConn) Close() error { return nil }

func TestPollGroupsKeepTheirPeriods(t *testing.T) {
	cfg := gapConfig(0, 50)
	cfg.Points[1].Poll = config.Duration(200 * time.Millisecond)
	conn := &addrConn{reads: map[uint16]int{}}
	p, _ := runPoller(t, cfg, conn, time.Second)
	if len(p.devices) != 2 {
		t.Fatalf("poll groups = %d, want 2 (50 ms and 200 ms)", len(p.devices))
	}
	conn.mu.Lock()
	fast, slow := conn.reads[0], conn.reads[50]
	conn.mu.Unlock()
	// 1 s at 50 ms is 20 reads; at 200 ms, 5.
	if fast < 17 || slow < 4 || slow > 6 {
		t.Errorf("reads in 1 s: fast %d (want about 20), slow %d (want about 5)", fast, slow)
	}
}

func TestPollGroupsShareCommLoss(t *testing.T) {
	cfg := gapConfig(0, 50)
	cfg.Devices[0].CommLossAfter = config.Duration(200 * time.Millisecond)
	cfg.Points[1].Poll = config.Duration(100 * time.Millisecond)
	conn := &addrConn{reads: map[uint16]int{}, silent: true}
	_, sink := runPoller(t, cfg, conn, 800*time.Millisecond)
	lost := 0
	for _, e := range sink.events {
		if e.Kind == record.CommLost {
			lost++
		}
	}
	if lost != 1 {
		t.Errorf("comm_lost events = %d, want 1 for the device, not one per poll group", lost)
	}
}
