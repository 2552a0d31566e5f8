package modbus

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/plantgw/plantgw/config"
	"github.com/plantgw/plantgw/record"
)

// noWrites gives read-only test connections the write methods.
type noWrites struct{}

func (noWrites) WriteCoil(context.Context, uint8, uint16, bool) error {
	return errors.New("writes not supported by this fake")
}

func (noWrites) WriteRegister(context.Context, uint8, uint16, uint16) error {
	return errors.New("writes not supported by this fake")
}

// coilConn keeps coils in memory; stuck coils ignore writes, as a valve
// whose output card has failed.
type coilConn struct {
	mu    sync.Mutex
	coils map[uint16]bool
	stuck map[uint16]bool
}

func (c *coilConn) ReadRegisters(context.Context, uint8, config.Table, uint16, uint16) ([]uint16, error) {
	return []uint16{1}, nil
}

func (c *coilConn) ReadBits(_ context.Context, _ uint8, _ config.Table, addr, count uint16) ([]bool, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := make([]bool, count)
	for i := range out {
		out[i] = c.coils[addr+uint16(i)]
	}
	return out, nil
}

func (c *coilConn) WriteCoil(_ context.Context, _ uint8, addr uint16, on bool) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.stuck[addr] {
		c.coils[addr] = on
	}
	return nil
}

func (c *coilConn) WriteRegister(context.Context, uint8, uint16, uint16) error { return nil }
func (c *coilConn) Close() error                                               { return nil }

func startPoller(t *testing.T, conn Conn, poll time.Duration) (*Poller, *collectSink) {
	t.Helper()
	cfg := testBusConfig(1, poll, 10*time.Second)
	sink := &collectSink{}
	p, err := NewPoller(cfg, cfg.Buses[0], conn, sink, realClock)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); _ = p.Run(ctx) }()
	t.Cleanup(func() { cancel(); <-done })
	return p, sink
}

func TestWriteConfirmedByReadBack(t *testing.T) {
	conn := &coilConn{coils: map[uint16]bool{}, stuck: map[uint16]bool{}}
	// A long poll period: the write must not wait for the next poll.
	p, sink := startPoller(t, conn, time.Hour)
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	start := time.Now()
	if err := p.Submit(ctx, Write{Device: "A", Table: config.Coils, Addr: 0, Value: 1, Source: record.SourceAuto}); err != nil {
		t.Fatalf("write: %v", err)
	}
	if d := time.Since(start); d > 500*time.Millisecond {
		t.Errorf("write took %v; it must not wait for the next poll", d)
	}
	if hasEvent(sink, record.WriteUnconfirmed) {
		t.Error("write_unconfirmed event for a confirmed write")
	}
}

func TestWriteNotConfirmedRaisesEvent(t *testing.T) {
	conn := &coilConn{coils: map[uint16]bool{}, stuck: map[uint16]bool{0: true}}
	p, sink := startPoller(t, conn, time.Hour)
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	err := p.Submit(ctx, Write{Device: "A", Table: config.Coils, Addr: 0, Value: 1, Source: record.SourceAuto})
	if err == nil {
		t.Fatal("write to a stuck coil reported confirmed")
	}
	if !hasEvent(sink, record.WriteUnconfirmed) {
		t.Error("no write_unconfirmed event")
	}
}

func TestWriteRejectsReadOnlyTable(t *testing.T) {
	p, _ := startPoller(t, &coilConn{coils: map[uint16]bool{}, stuck: map[uint16]bool{}}, time.Hour)
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	err := p.Submit(ctx, Write{Device: "A", Table: config.InputRegisters, Addr: 0, Value: 1})
	if err == nil {
		t.Fatal("write to an input register accepted")
	}
	if err := p.Submit(ctx, Write{Device: "nope", Table: config.Coils}); err == nil {
		t.Fatal("write to an unknown device accepted")
	}
}

func TestWriteQueueIsBounded(t *testing.T) {
	p := &Poller{writes: make(chan Write, writeQueueSize)}
	for range writeQueueSize {
		p.writes <- Write{}
	}
	err := p.Submit(context.Background(), Write{Device: "A"})
	if !errors.Is(err, ErrWriteQueueFull) {
		t.Errorf("submit to a full queue: %v, want ErrWriteQueueFull", err)
	}
}

func TestWriteOverTCP(t *testing.T) {
	addr := startTestSlave(t)
	conn, err := Dial(config.Bus{Name: "tcp-test", TCP: &config.TCP{Address: addr}, Timeout: config.Duration(time.Second)}, nil, slog.Default())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	ctx := context.Background()
	if err := conn.WriteCoil(ctx, 1, 3, true); err != nil {
		t.Fatalf("write coil: %v", err)
	}
	bits, err := conn.ReadBits(ctx, 1, config.Coils, 3, 1)
	if err != nil || len(bits) == 0 || !bits[0] {
		t.Errorf("coil 3 reads back %v, %v; want true", bits, err)
	}
	if err := conn.WriteRegister(ctx, 1, 2, 0xBEEF); err != nil {
		t.Fatalf("write register: %v", err)
	}
	regs, err := conn.ReadRegisters(ctx, 1, config.HoldingRegisters, 2, 1)
	if err != nil || fmt.Sprint(regs) != "[48879]" {
		t.Errorf("holding 2 reads back %v, %v; want [48879]", regs, err)
	}
}
