package main

import (
	"context"
	"errors"
	"time"

	"github.com/plantgw/plantgw/drivers/modbus"
	"github.com/plantgw/plantgw/drivers/modbus/wire"
)

// probeOutcome is the result of one probe of a unit.
type probeOutcome int

const (
	// outcomeAbsent: no reply in time, or a TCP-to-RTU gateway's
	// exception 0A or 0B, which means that no device responded behind it.
	outcomeAbsent probeOutcome = iota
	// outcomeReply: a normal reply.
	outcomeReply
	// outcomeException: a Modbus exception reply, so the unit is there
	// but lacks the register or the function.
	outcomeException
	// outcomeDamaged: frames with the unit's id but a bad CRC or layout,
	// as a device at another baud rate or parity, or line noise, gives.
	outcomeDamaged
)

// probeResult is the outcome of one probe of one unit at one setting.
type probeResult struct {
	unit    uint8
	setting serialSetting
	outcome probeOutcome
	// code is the exception code of outcomeException.
	code    byte
	elapsed time.Duration
}

// probe reads one value at loc from unit. It returns an error only when the
// line itself failed, which ends the scan.
func probe(ctx context.Context, conn modbus.Conn, unit uint8, loc location) (probeResult, error) {
	start := time.Now()
	var err error
	if isBitTable(loc.table) {
		_, err = conn.ReadBits(ctx, unit, loc.table, loc.wire, 1)
	} else {
		_, err = conn.ReadRegisters(ctx, unit, loc.table, loc.wire, 1)
	}
	res := probeResult{unit: unit, elapsed: time.Since(start)}
	var ex *wire.Exception
	switch {
	case err == nil, errors.Is(err, wire.ErrShortReply):
		res.outcome = outcomeReply
	case errors.As(err, &ex) && isGatewayException(ex.Code):
		res.outcome = outcomeAbsent
	case errors.As(err, &ex):
		res.outcome, res.code = outcomeException, ex.Code
	case errors.Is(err, wire.ErrTimeout):
		res.outcome = outcomeAbsent
	case errors.Is(err, wire.ErrDamaged), errors.Is(err, wire.ErrMalformed):
		res.outcome = outcomeDamaged
	default:
		return res, err
	}
	return res, nil
}
