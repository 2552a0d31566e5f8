package modbus

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/plantgw/plantgw/config"
	"github.com/plantgw/plantgw/drivers/modbus/wire"
)

// Conn is one open Modbus line, RTU or TCP. Only the goroutine that owns
// the bus may call it.
type Conn interface {
	// ReadRegisters reads count 16-bit registers of the input or holding
	// table.
	ReadRegisters(ctx context.Context, unit uint8, table config.Table, addr, count uint16) ([]uint16, error)
	// ReadBits reads count coils or discrete inputs.
	ReadBits(ctx context.Context, unit uint8, table config.Table, addr, count uint16) ([]bool, error)
	// WriteCoil writes one coil (function 05).
	WriteCoil(ctx context.Context, unit uint8, addr uint16, on bool) error
	// WriteRegister writes one holding register (function 06).
	WriteRegister(ctx context.Context, unit uint8, addr, value uint16) error
	Close() error
}

// wireConn is a Conn over the gateway's own transports in package wire.
type wireConn struct {
	bus      config.Bus
	tr       transport
	timeouts map[uint8]time.Duration
}

// transport is wire.RTU or wire.TCP.
type transport interface {
	Do(ctx context.Context, req wire.Request, timeout time.Duration) (wire.Reply, error)
	Stats() *wire.Stats
	Close() error
}

var _ Conn = (*wireConn)(nil)

// Dial prepares a connection for bus, with the response timeout of each of
// its devices. The port or socket opens on first use and reopens after
// errors, so a device that is absent at start-up is picked up when it
// appears. log receives the one warning when a UART refuses RS-485 mode.
func Dial(bus config.Bus, devices []config.Device, log *slog.Logger) (Conn, error) {
	c := &wireConn{bus: bus, timeouts: map[uint8]time.Duration{}}
	for _, d := range devices {
		if d.Bus == bus.Name && d.Timeout > 0 {
			c.timeouts[uint8(d.Unit)] = d.Timeout.D()
		}
	}
	switch {
	case bus.RTU != nil:
		c.tr = wire.NewRTU(rtuOptions(bus, log))
	case bus.TCP != nil:
		c.tr = wire.NewTCP(bus.TCP.Address)
	default:
		return nil, fmt.Errorf("bus %s: neither rtu nor tcp is set", bus.Name)
	}
	return c, nil
}

func (c *wireConn) do(ctx context.Context, req wire.Request) (wire.Reply, error) {
	timeout, ok := c.timeouts[req.Unit]
	if !ok {
		timeout = c.bus.Timeout.D()
	}
	reply, err := c.tr.Do(ctx, req, timeout)
	if err != nil {
		return reply, classify(err)
	}
	return reply, nil
}

func (c *wireConn) ReadRegisters(ctx context.Context, unit uint8, table config.Table, addr, count uint16) ([]uint16, error) {
	fn := wire.FuncReadHolding
	if table == config.InputRegisters {
		fn = wire.FuncReadInput
	}
	r, err := c.do(ctx, wire.Request{Unit: unit, Function: fn, Addr: addr, Count: count})
	return r.Registers, err
}

func (c *wireConn) ReadBits(ctx context.Context, unit uint8, table config.Table, addr, count uint16) ([]bool, error) {
	fn := wire.FuncReadDiscreteInputs
	if table == config.Coils {
		fn = wire.FuncReadCoils
	}
	r, err := c.do(ctx, wire.Request{Unit: unit, Function: fn, Addr: addr, Count: count})
	return r.Bits, err
}

func (c *wireConn) WriteCoil(ctx context.Context, unit uint8, addr uint16, on bool) error {
	req := wire.Request{Unit: unit, Function: wire.FuncWriteCoil, Addr: addr}
	if on {
		req.Value = 0xFF00
	}
	_, err := c.do(ctx, req)
	return err
}

func (c *wireConn) WriteRegister(ctx context.Context, unit uint8, addr, value uint16) error {
	_, err := c.do(ctx, wire.Request{Unit: unit, Function: wire.FuncWriteRegister, Addr: addr, Value: value})
	return err
}

// Stats returns the line's traffic and fault counters.
func (c *wireConn) Stats() wire.Counts { return c.tr.Stats().Snapshot() }

// UnitStats returns the counters of one unit id on the line.
func (c *wireConn) UnitStats(unit uint8) wire.UnitCounts { return c.tr.Stats().Unit(unit) }

func (c *wireConn) Close() error {
	if err := c.tr.Close(); err != nil {
		return fmt.Errorf("close %s: %w", c.bus.Name, err)
	}
	return nil
}

// CommCause groups request failures by what the poller does about them.
type CommCause int

// Failure groups.
const (
	// CommIO: the port or socket failed; the device state is unknown.
	CommIO CommCause = iota
	// CommTimeout: no reply in time.
	CommTimeout
	// CommCRC: a reply arrived damaged.
	CommCRC
	// CommException: the device replied with a Modbus exception, so it is
	// alive.
	CommException
)

// CommError is a failed request with its cause.
type CommError struct {
	Cause CommCause
	// Code is the Modbus exception code when Cause is CommException.
	Code byte
	// Partial marks a reply with fewer registers or bits than requested.
	Partial bool
	Err     error
}

// missingRange reports whether the device rejected part of the requested
// range: exception 02 (illegal data address), exception 03 (illegal data
// value, which devices that cap their read size send for a long read) or a
// short reply. Reading the fields one by one then finds what the device
// serves.
func (e *CommError) missingRange() bool {
	return e.Cause == CommException && (e.Code == 0x02 || e.Code == 0x03 || e.Partial)
}

// code returns the exception code of e, or 0 when e is nil or no
// exception.
func (e *CommError) code() byte {
	if e == nil || e.Cause != CommException {
		return 0
	}
	return e.Code
}

func (e *CommError) Error() string { return e.Err.Error() }
func (e *CommError) Unwrap() error { return e.Err }

// exceptionBusy is Modbus exception 06, server device busy.
const exceptionBusy = 0x06

// classify turns a transport error into a CommError.
func classify(err error) *CommError {
	var ex *wire.Exception
	switch {
	case errors.As(err, &ex):
		// 0A/0B come from a TCP-to-RTU gateway whose target did not
		// reply, so the device itself is silent.
		if ex.Code == 0x0A || ex.Code == 0x0B {
			return &CommError{Cause: CommTimeout, Code: ex.Code, Err: err}
		}
		return &CommError{Cause: CommException, Code: ex.Code, Err: err}
	case errors.Is(err, wire.ErrShortReply):
		return &CommError{Cause: CommException, Partial: true, Err: err}
	case errors.Is(err, wire.ErrTimeout):
		return &CommError{Cause: CommTimeout, Err: err}
	case errors.Is(err, wire.ErrDamaged), errors.Is(err, wire.ErrMalformed):
		return &CommError{Cause: CommCRC, Err: err}
	}
	return &CommError{Cause: CommIO, Err: err}
}

// sleep waits for d or until ctx ends.
func sleep(ctx context.Context, d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
	case <-ctx.Done():
	}
}
