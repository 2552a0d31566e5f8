package modbus

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"time"

	mb "github.com/simonvetter/modbus"

	"github.com/plantgw/plantgw/config"
)

// Conn is one open Modbus line, RTU or TCP. Only the goroutine that owns
// the bus may call it: the unit id is connection state.
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

// libConn is a Conn over github.com/simonvetter/modbus v1.6.4.
type libConn struct {
	bus    config.Bus
	client *mb.ModbusClient
	open   bool
}

var _ Conn = (*libConn)(nil)

// Dial prepares a connection for bus. The port or socket opens on first use
// and reopens after errors, so a device that is absent at start-up is
// picked up when it appears.
func Dial(bus config.Bus) (Conn, error) {
	cc := &mb.ClientConfiguration{
		Timeout: bus.Timeout.D(),
		// The library logs to stdout by default; drivers return errors
		// instead of logging them.
		Logger: log.New(io.Discard, "", 0),
	}
	switch {
	case bus.RTU != nil:
		cc.URL = "rtu://" + bus.RTU.Port
		cc.Speed = uint(bus.RTU.Baud)
		cc.DataBits = uint(bus.RTU.DataBits)
		cc.StopBits = uint(bus.RTU.StopBits)
		cc.Parity = map[string]uint{"none": mb.PARITY_NONE, "even": mb.PARITY_EVEN, "odd": mb.PARITY_ODD}[bus.RTU.Parity]
	case bus.TCP != nil:
		cc.URL = "tcp://" + bus.TCP.Address
	default:
		return nil, fmt.Errorf("bus %s: neither rtu nor tcp is set", bus.Name)
	}
	client, err := mb.NewClient(cc)
	if err != nil {
		return nil, fmt.Errorf("bus %s: %w", bus.Name, err)
	}
	return &libConn{bus: bus, client: client}, nil
}

func (c *libConn) ensureOpen() error {
	if c.open {
		return nil
	}
	if err := c.client.Open(); err != nil {
		return &CommError{Cause: CommIO, Err: fmt.Errorf("open %s: %w", c.bus.Name, err)}
	}
	c.open = true
	return nil
}

func (c *libConn) ReadRegisters(ctx context.Context, unit uint8, table config.Table, addr, count uint16) ([]uint16, error) {
	if err := c.ensureOpen(); err != nil {
		return nil, err
	}
	regType := mb.HOLDING_REGISTER
	if table == config.InputRegisters {
		regType = mb.INPUT_REGISTER
	}
	if err := c.client.SetUnitId(unit); err != nil {
		return nil, fmt.Errorf("set unit %d: %w", unit, err)
	}
	regs, err := c.client.ReadRegisters(addr, count, regType)
	if err != nil {
		return nil, c.fail(ctx, err)
	}
	return regs, nil
}

func (c *libConn) ReadBits(ctx context.Context, unit uint8, table config.Table, addr, count uint16) ([]bool, error) {
	if err := c.ensureOpen(); err != nil {
		return nil, err
	}
	if err := c.client.SetUnitId(unit); err != nil {
		return nil, fmt.Errorf("set unit %d: %w", unit, err)
	}
	var bits []bool
	var err error
	if table == config.Coils {
		bits, err = c.client.ReadCoils(addr, count)
	} else {
		bits, err = c.client.ReadDiscreteInputs(addr, count)
	}
	if err != nil {
		return nil, c.fail(ctx, err)
	}
	return bits, nil
}

// fail classifies a request error and recovers the line. After a timeout
// on RTU it waits out one more timeout and reopens the port: simonvetter
// v1.6.4 would otherwise take a late reply as the reply to the next
// request. A TCP connection is reopened after any error but an exception.
func (c *libConn) fail(ctx context.Context, err error) error {
	ce := classify(err)
	if ce.Cause == CommException {
		return ce
	}
	if c.bus.RTU != nil && ce.Cause == CommTimeout {
		sleep(ctx, c.bus.Timeout.D())
	}
	c.client.Close()
	c.open = false
	return ce
}

func (c *libConn) WriteCoil(ctx context.Context, unit uint8, addr uint16, on bool) error {
	if err := c.ensureOpen(); err != nil {
		return err
	}
	if err := c.client.SetUnitId(unit); err != nil {
		return fmt.Errorf("set unit %d: %w", unit, err)
	}
	if err := c.client.WriteCoil(addr, on); err != nil {
		return c.fail(ctx, err)
	}
	return nil
}

func (c *libConn) WriteRegister(ctx context.Context, unit uint8, addr, value uint16) error {
	if err := c.ensureOpen(); err != nil {
		return err
	}
	if err := c.client.SetUnitId(unit); err != nil {
		return fmt.Errorf("set unit %d: %w", unit, err)
	}
	if err := c.client.WriteRegister(addr, value); err != nil {
		return c.fail(ctx, err)
	}
	return nil
}

func (c *libConn) Close() error {
	if !c.open {
		return nil
	}
	c.open = false
	if err := c.client.Close(); err != nil {
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

func (e *CommError) Error() string { return e.Err.Error() }
func (e *CommError) Unwrap() error { return e.Err }

// exceptionBusy is Modbus exception 06, server device busy.
const exceptionBusy = 0x06

var exceptionCodes = map[error]byte{
	mb.ErrIllegalFunction: 0x01, mb.ErrIllegalDataAddress: 0x02, mb.ErrIllegalDataValue: 0x03,
	mb.ErrServerDeviceFailure: 0x04, mb.ErrAcknowledge: 0x05, mb.ErrServerDeviceBusy: 0x06,
	mb.ErrMemoryParityError: 0x08, mb.ErrGWPathUnavailable: 0x0A, mb.ErrGWTargetFailedToRespond: 0x0B,
}

func classify(err error) *CommError {
	for known, code := range exceptionCodes {
		if errors.Is(err, known) {
			// 0A/0B come from a TCP-to-RTU gateway whose target did not
			// reply, so the device itself is silent.
			if code == 0x0A || code == 0x0B {
				return &CommError{Cause: CommTimeout, Code: code, Err: err}
			}
			return &CommError{Cause: CommException, Code: code, Err: err}
		}
	}
	switch {
	case errors.Is(err, mb.ErrRequestTimedOut):
		return &CommError{Cause: CommTimeout, Err: err}
	case errors.Is(err, mb.ErrBadCRC), errors.Is(err, mb.ErrShortFrame), errors.Is(err, mb.ErrProtocolError),
		errors.Is(err, mb.ErrBadUnitId), errors.Is(err, mb.ErrBadTransactionId):
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
