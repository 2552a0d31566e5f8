package modbus

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/plantgw/plantgw/config"
	"github.com/plantgw/plantgw/record"
)

// startTCPPoller polls device A (unit 1) of the test slave every poll,
// and stops with the test.
func startTCPPoller(t *testing.T, poll time.Duration) *Poller {
	t.Helper()
	addr := startTestSlave(t)
	cfg := testBusConfig(1, poll, 10*time.Second)
	cfg.Buses[0].TCP = &config.TCP{Address: addr}
	cfg.Buses[0].Timeout = config.Duration(time.Second)
	conn, err := Dial(cfg.Buses[0], cfg.Devices, slog.Default())
	if err != nil {
		t.Fatal(err)
	}
	p, err := NewPoller(cfg, cfg.Buses[0], conn, &collectSink{}, realClock)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); _ = p.Run(ctx) }()
	t.Cleanup(func() { cancel(); <-done })
	return p
}

func TestReadThroughPollerOverTCP(t *testing.T) {
	// A poll period of an hour: the read must not wait for the next poll.
	p := startTCPPoller(t, time.Hour)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()

	res, err := p.Read(ctx, Read{Unit: 7, Table: config.InputRegisters, Addr: 2, Count: 3})
	if err != nil {
		t.Fatalf("read input 2+3: %v", err)
	}
	if got := fmt.Sprint(res.Registers); got != "[102 103 104]" || res.Bits != nil {
		t.Errorf("registers = %s, bits = %v; want [102 103 104] and no bits", got, res.Bits)
	}

	res, err = p.Read(ctx, Read{Unit: 7, Table: config.DiscreteInputs, Addr: 0, Count: 2})
	if err != nil {
		t.Fatalf("read discrete 0+2: %v", err)
	}
	if got := fmt.Sprint(res.Bits); got != "[true false]" {
		t.Errorf("bits = %s, want [true false]", got)
	}

	_, err = p.Read(ctx, Read{Unit: 7, Table: config.InputRegisters, Addr: 8, Count: 5})
	var ce *CommError
	if !errors.As(err, &ce) || ce.Cause != CommException || ce.Code != 0x02 {
		t.Errorf("read past the slave's registers: %v, want exception 02", err)
	}
}

// slowConn takes 20 ms for every read and records how many requests
// overlap, which must never be more than one.
type slowConn struct {
	noWrites
	inFlight    atomic.Int32
	maxInFlight atomic.Int32
	reads       atomic.Int32
}

func (c *slowConn) ReadRegisters(ctx context.Context, _ uint8, _ config.Table, _, count uint16) ([]uint16, error) {
	n := c.inFlight.Add(1)
	defer c.inFlight.Add(-1)
	for {
		old := c.maxInFlight.Load()
		if n <= old || c.maxInFlight.CompareAndSwap(old, n) {
			break
		}
	}
	c.reads.Add(1)
	sleep(ctx, 20*time.Millisecond)
	return make([]uint16, count), nil
}

func (c *slowConn) ReadBits(context.Context, uint8, config.Table, uint16, uint16) ([]bool, error) {
	return nil, errors.New("not used")
}

func (c *slowConn) Close() error { return nil }

// A bus whose polls take longer than their period never waits between
// polls; reads must still be served between them, one request at a time.
func TestReadServedOnABusThatNeverIdles(t *testing.T) {
	conn := &slowConn{}
	// Two devices polled every millisecond at 20 ms a poll: one of them
	// is always overdue, so the poll loop never waits.
	cfg := testBusConfig(2, time.Millisecond, 10*time.Second)
	p, err := NewPoller(cfg, cfg.Buses[0], conn, &collectSink{}, realClock)
	if err != nil {
		t.Fatal(err)
	}
	runCtx, stop := context.WithCancel(context.Background())
	stopped := make(chan struct{})
	go func() { defer close(stopped); _ = p.Run(runCtx) }()
	defer func() { stop(); <-stopped }()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()

	var wg sync.WaitGroup
	errs := make(chan error, 4)
	for range 4 {
		wg.Go(func() {
			_, err := p.Read(ctx, Read{Unit: 9, Table: config.HoldingRegisters, Addr: 0, Count: 2})
			errs <- err
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Errorf("read on a busy bus: %v", err)
		}
	}
	if n := conn.maxInFlight.Load(); n != 1 {
		t.Errorf("%d requests overlapped on the bus, want 1", n)
	}
	if n := conn.reads.Load(); n < 6 {
		t.Errorf("%d requests in all; want the 4 reads between polls of the device", n)
	}
}

func TestReadQueueIsBounded(t *testing.T) {
	p := &Poller{reads: make(chan readRequest, readQueueSize)}
	for range readQueueSize {
		p.reads <- readRequest{}
	}
	_, err := p.Read(context.Background(), Read{Unit: 1, Table: config.Coils, Count: 1})
	if !errors.Is(err, ErrReadQueueFull) {
		t.Errorf("read on a full queue: %v, want ErrReadQueueFull", err)
	}
}

func TestReadRejectsImpossibleRanges(t *testing.T) {
	p := &Poller{reads: make(chan readRequest, readQueueSize)}
	cases := []struct {
		name string
		read Read
	}{
		{"no count", Read{Table: config.InputRegisters}},
		{"126 registers", Read{Table: config.HoldingRegisters, Count: 126}},
		{"2001 bits", Read{Table: config.Coils, Count: 2001}},
		{"past the last address", Read{Table: config.InputRegisters, Addr: 65535, Count: 2}},
		{"unknown table", Read{Table: "register", Count: 1}},
	}
	for _, c := range cases {
		if _, err := p.Read(context.Background(), c.read); err == nil {
			t.Errorf("%s: accepted", c.name)
		}
	}
	if len(p.reads) != 0 {
		t.Errorf("%d rejected reads were queued", len(p.reads))
	}
}

func TestReadAfterNotAfterIsNotSent(t *testing.T) {
	conn := &slowConn{}
	p := &Poller{bus: config.Bus{Name: "b"}, conn: conn}
	done := make(chan readOutcome, 1)
	p.serveRead(context.Background(), readRequest{Read: Read{Unit: 1, Table: config.InputRegisters, Count: 1,
		NotAfter: time.Now().Add(-time.Millisecond)}, done: done})
	out := <-done
	if !errors.Is(out.err, ErrNotSent) {
		t.Errorf("late read: %v, want ErrNotSent", out.err)
	}
	if n := conn.reads.Load(); n != 0 {
		t.Errorf("late read sent %d requests, want none", n)
	}
}

func TestQueuedReadFailsWhenBusStops(t *testing.T) {
	p := &Poller{bus: config.Bus{Name: "b"}, reads: make(chan readRequest, readQueueSize)}
	result := make(chan error, 1)
	go func() {
		_, err := p.Read(context.Background(), Read{Unit: 1, Table: config.InputRegisters, Count: 1})
		result <- err
	}()
	deadline := time.Now().Add(time.Second)
	for len(p.reads) == 0 && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	p.failPendingReads()
	select {
	case err := <-result:
		if !errors.Is(err, ErrBusStopped) {
			t.Errorf("read queued at stop: %v, want ErrBusStopped", err)
		}
	case <-time.After(time.Second):
		t.Fatal("read queued at stop did not return")
	}
}

// An installer may write to a unit that no configured device has.
func TestWriteToUnconfiguredUnit(t *testing.T) {
	p := startTCPPoller(t, time.Hour)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	if err := p.Submit(ctx, Write{Unit: 7, Table: config.HoldingRegisters, Addr: 4, Value: 0xBEEF, Source: record.SourceLocalUI}); err != nil {
		t.Fatalf("write to unit 7: %v", err)
	}
	// Holding register 20 is past the slave's registers.
	err := p.Submit(ctx, Write{Unit: 7, Table: config.HoldingRegisters, Addr: 20, Value: 1, Source: record.SourceLocalUI})
	if err == nil {
		t.Fatal("write past the slave's registers confirmed")
	}
	sink := p.sink.(*collectSink)
	var unconfirmed []record.Event
	sink.mu.Lock()
	for _, e := range sink.events {
		if e.Kind == record.WriteUnconfirmed {
			unconfirmed = append(unconfirmed, e)
		}
	}
	sink.mu.Unlock()
	if len(unconfirmed) != 1 || unconfirmed[0].Device != "b:7" {
		t.Errorf("write_unconfirmed events %+v; want one with device b:7", unconfirmed)
	}
	res, err := p.Read(ctx, Read{Unit: 7, Table: config.HoldingRegisters, Addr: 4, Count: 1})
	if err != nil || fmt.Sprint(res.Registers) != "[48879]" {
		t.Errorf("holding 4 reads %v, %v; want [48879]", res.Registers, err)
	}
}

func TestWriteErrorsSayWhatFailed(t *testing.T) {
	conn := &coilConn{coils: map[uint16]bool{}, stuck: map[uint16]bool{0: true}}
	p, _ := startPoller(t, conn, time.Hour)
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	err := p.Submit(ctx, Write{Device: "A", Table: config.Coils, Addr: 0, Value: 1})
	if !errors.Is(err, ErrNotKept) {
		t.Errorf("write to a stuck coil: %v, want ErrNotKept", err)
	}
	err = p.Submit(ctx, Write{Device: "A", Table: config.Coils, Addr: 1, Value: 1, NotAfter: time.Now().Add(-time.Millisecond)})
	if !errors.Is(err, ErrNotSent) {
		t.Errorf("late write: %v, want ErrNotSent", err)
	}
	if conn.coils[1] {
		t.Error("late write was sent")
	}
}
