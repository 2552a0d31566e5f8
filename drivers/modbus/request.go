package modbus

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/plantgw/plantgw/config"
)

// readQueueSize bounds the reads waiting for a bus. Reads come from an
// installer's gwctl or page, one at a time. A full queue means that the
// bus is stuck, or that a script sends reads faster than the bus serves
// them.
const readQueueSize = 8

// Errors of the request queues.
var (
	// ErrReadQueueFull is returned when a bus already has readQueueSize
	// reads waiting.
	ErrReadQueueFull = errors.New("read queue full")
	// ErrNotSent is returned for a read or write whose NotAfter passed
	// before the bus goroutine took it: nothing was sent.
	ErrNotSent = errors.New("not sent: the bus did not take the request in time")
	// ErrBusStopped is returned for requests still queued when the bus
	// stops.
	ErrBusStopped = errors.New("bus stopped")
)

// Modbus limits of one read request (Modbus application protocol
// V1.1b3, functions 01 to 04).
const (
	MaxReadBits      = 2000
	MaxReadRegisters = 125
)

// Read is one read of raw registers or bits from a unit, for an
// installer. The unit need not be a configured device.
type Read struct {
	Unit  uint8
	Table config.Table
	Addr  uint16
	Count uint16
	// NotAfter, when set, is the latest time the bus goroutine may start
	// the read; a read still queued then is dropped with ErrNotSent. It
	// keeps a caller that gave up from loading the bus.
	NotAfter time.Time
}

// ReadResult is a read's reply: Registers for the input and holding
// tables, Bits for coils and discrete inputs.
type ReadResult struct {
	Registers []uint16
	Bits      []bool
}

// readRequest is a Read queued for the bus goroutine.
type readRequest struct {
	Read
	done chan readOutcome
}

type readOutcome struct {
	result ReadResult
	err    error
}

// checkRead rejects a read that no device could serve: an unknown table,
// a count of 0 or above the Modbus limit, or a range past the last
// address.
func checkRead(r Read) error {
	limit := MaxReadRegisters
	switch r.Table {
	case config.Coils, config.DiscreteInputs:
		limit = MaxReadBits
	case config.InputRegisters, config.HoldingRegisters:
	default:
		return fmt.Errorf("unknown table %q: use coil, discrete, input or holding", r.Table)
	}
	if r.Count == 0 || int(r.Count) > limit {
		return fmt.Errorf("count %d: one read of the %s table takes 1 to %d", r.Count, r.Table, limit)
	}
	if int(r.Addr)+int(r.Count) > 65536 {
		return fmt.Errorf("count %d from address %d runs past the last address 65535", r.Count, r.Addr)
	}
	return nil
}

// Read queues a read for the bus goroutine, which runs it between polls,
// and waits for its reply or for ctx to end. A read that ctx gave up on
// may still run later, unless r.NotAfter has passed by then.
func (p *Poller) Read(ctx context.Context, r Read) (ReadResult, error) {
	if err := checkRead(r); err != nil {
		return ReadResult{}, fmt.Errorf("read unit %d on bus %s: %w", r.Unit, p.bus.Name, err)
	}
	req := readRequest{Read: r, done: make(chan readOutcome, 1)}
	select {
	case p.reads <- req:
	default:
		return ReadResult{}, fmt.Errorf("read unit %d on bus %s: %w", r.Unit, p.bus.Name, ErrReadQueueFull)
	}
	select {
	case out := <-req.done:
		return out.result, out.err
	case <-ctx.Done():
		return ReadResult{}, fmt.Errorf("read unit %d on bus %s: %w", r.Unit, p.bus.Name, ctx.Err())
	}
}

// serveRead runs a queued read on the bus goroutine.
func (p *Poller) serveRead(ctx context.Context, req readRequest) {
	if !req.NotAfter.IsZero() && time.Now().After(req.NotAfter) {
		req.done <- readOutcome{err: fmt.Errorf("read unit %d on bus %s: %w", req.Unit, p.bus.Name, ErrNotSent)}
		return
	}
	var out readOutcome
	if req.Table == config.Coils || req.Table == config.DiscreteInputs {
		out.result.Bits, out.err = p.conn.ReadBits(ctx, req.Unit, req.Table, req.Addr, req.Count)
	} else {
		out.result.Registers, out.err = p.conn.ReadRegisters(ctx, req.Unit, req.Table, req.Addr, req.Count)
	}
	if out.err != nil {
		out.err = fmt.Errorf("read %s %d+%d of unit %d on bus %s: %w", req.Table, req.Addr, req.Count, req.Unit, p.bus.Name, out.err)
	}
	req.done <- out
}

// serveQueued runs the writes and reads already queued, without waiting
// for more. The poll loop calls it after each device's poll, so requests
// are served between polls even when the bus never idles. Each call runs
// at most as many requests as the queues hold, so new arrivals cannot
// hold off the polls.
func (p *Poller) serveQueued(ctx context.Context) {
	for range writeQueueSize + readQueueSize {
		if ctx.Err() != nil {
			return
		}
		select {
		case w := <-p.writes:
			p.execute(ctx, w)
		case r := <-p.reads:
			p.serveRead(ctx, r)
		default:
			return
		}
	}
}

// failPendingReads fails the reads still queued when the bus stops.
func (p *Poller) failPendingReads() {
	for {
		select {
		case r := <-p.reads:
			r.done <- readOutcome{err: fmt.Errorf("read unit %d: bus %s: %w", r.Unit, p.bus.Name, ErrBusStopped)}
		default:
			return
		}
	}
}
