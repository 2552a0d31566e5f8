package modbus

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/plantgw/plantgw/config"
	"github.com/plantgw/plantgw/record"
)

// writeQueueSize bounds the writes waiting for a bus. Valve commands are
// rare; a full queue means the bus is stuck and the caller must know.
const writeQueueSize = 16

// Errors of a write.
var (
	// ErrWriteQueueFull is returned when a bus already has
	// writeQueueSize writes waiting.
	ErrWriteQueueFull = errors.New("write queue full")
	// ErrReadBack is returned when the write was sent but reading it
	// back failed, so it is not confirmed.
	ErrReadBack = errors.New("read back failed")
	// ErrNotKept is returned when the device acknowledged the write but
	// reads back another value.
	ErrNotKept = errors.New("device did not keep the value")
)

// Write is one command to a device: a coil (0 or 1) or a holding register.
type Write struct {
	Device string
	// Unit addresses a unit that no configured device has; it is used
	// only when Device is empty.
	Unit  uint8
	Table config.Table
	Addr  uint16
	Value uint16
	// Source is who asked for the write, for the event if it fails.
	Source record.Source
	// NotAfter, when set, is the latest time the bus goroutine may start
	// the write; a write still queued then is dropped with ErrNotSent.
	// Valve commands leave it zero, so they run however late.
	NotAfter time.Time
	done     chan error
}

// Submit queues a write for the bus goroutine and waits for its result: nil
// once the device has read back the written value. It never blocks the
// caller for longer than ctx allows.
func (p *Poller) Submit(ctx context.Context, w Write) error {
	w.done = make(chan error, 1)
	select {
	case p.writes <- w:
	default:
		return fmt.Errorf("write to %s: %w", w.Device, ErrWriteQueueFull)
	}
	select {
	case err := <-w.done:
		return err
	case <-ctx.Done():
		return fmt.Errorf("write to %s: %w", w.Device, ctx.Err())
	}
}

// execute runs a write on the bus goroutine: write, read back, compare. A
// write the device does not confirm raises a write_unconfirmed event.
func (p *Poller) execute(ctx context.Context, w Write) {
	if !w.NotAfter.IsZero() && time.Now().After(w.NotAfter) {
		w.done <- fmt.Errorf("write to %s: %w", p.target(w), ErrNotSent)
		return
	}
	err := p.writeAndVerify(ctx, w)
	if err != nil {
		now, synced := p.clock()
		p.sink.Event(record.Event{Kind: record.WriteUnconfirmed, Time: now, ClockSynced: synced, Device: p.target(w), Source: w.Source,
			Text: fmt.Sprintf("write of %d to %s %d on %s not confirmed: %v", w.Value, w.Table, w.Addr, p.target(w), err)})
	}
	w.done <- err
}

// target names the device a write goes to, or BUS:UNIT for a unit that
// no configured device has, as events name it.
func (p *Poller) target(w Write) string {
	if w.Device != "" {
		return w.Device
	}
	return fmt.Sprintf("%s:%d", p.bus.Name, w.Unit)
}

func (p *Poller) writeAndVerify(ctx context.Context, w Write) error {
	unit := w.Unit
	if w.Device != "" {
		d := p.device(w.Device)
		if d == nil {
			return fmt.Errorf("no device %q on bus %s", w.Device, p.bus.Name)
		}
		unit = uint8(d.cfg.Unit)
	}
	switch w.Table {
	case config.Coils:
		if err := p.conn.WriteCoil(ctx, unit, w.Addr, w.Value != 0); err != nil {
			return fmt.Errorf("write coil: %w", err)
		}
		bits, err := p.conn.ReadBits(ctx, unit, config.Coils, w.Addr, 1)
		if err != nil {
			return fmt.Errorf("coil: %w: %w", ErrReadBack, err)
		}
		if len(bits) == 0 || bits[0] != (w.Value != 0) {
			return fmt.Errorf("%w: coil reads back %v", ErrNotKept, bits)
		}
	case config.HoldingRegisters:
		if err := p.conn.WriteRegister(ctx, unit, w.Addr, w.Value); err != nil {
			return fmt.Errorf("write register: %w", err)
		}
		regs, err := p.conn.ReadRegisters(ctx, unit, config.HoldingRegisters, w.Addr, 1)
		if err != nil {
			return fmt.Errorf("register: %w: %w", ErrReadBack, err)
		}
		if len(regs) == 0 || regs[0] != w.Value {
			return fmt.Errorf("%w: register reads back %v", ErrNotKept, regs)
		}
	default:
		return fmt.Errorf("table %q is read-only; write to coil or holding", w.Table)
	}
	return nil
}

func (p *Poller) device(name string) *device {
	for _, d := range p.devices {
		if d.cfg.Name == name {
			return d
		}
	}
	return nil
}

// wait sleeps until d or ctx ends, running any writes and reads that
// arrive in the meantime: a valve command must not wait for the next poll.
func (p *Poller) wait(ctx context.Context, d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	for {
		select {
		case <-t.C:
			return
		case <-ctx.Done():
			return
		case w := <-p.writes:
			p.execute(ctx, w)
		case r := <-p.reads:
			p.serveRead(ctx, r)
		}
	}
}

// failPendingWrites fails the writes still queued when the bus stops.
func (p *Poller) failPendingWrites() {
	for {
		select {
		case w := <-p.writes:
			w.done <- fmt.Errorf("write to %s: bus %s: %w", p.target(w), p.bus.Name, ErrBusStopped)
		default:
			return
		}
	}
}
