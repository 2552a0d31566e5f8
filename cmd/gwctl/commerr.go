package main

import (
	"errors"
	"io/fs"
	"net"
	"syscall"

	"github.com/plantgw/plantgw/drivers/modbus/wire"
)

// phrase is a message argument that is itself translated when the message
// is printed, such as the name of an exception code.
type phrase string

// exceptionName returns the name of a Modbus exception code, which is
// also its key in the locale catalog.
func exceptionName(code byte) phrase { return phrase(wire.ExceptionName(code)) }

// isGatewayException reports whether code is one that a TCP-to-RTU
// gateway sends when no device responded behind it.
func isGatewayException(code byte) bool { return code == 0x0A || code == 0x0B }

// commError explains a failed request to unit on line l, with what to
// check next.
func commError(err error, l line, unit uint8) error {
	// An error of the gateway's local API already names what failed.
	var u *userError
	if errors.As(err, &u) {
		return err
	}
	var ex *wire.Exception
	var netErr *net.OpError
	switch {
	case errors.As(err, &ex) && isGatewayException(ex.Code):
		return failure(err, "the TCP gateway at %s replied with exception %02X (%s): no device answered as unit %d behind it; check the unit id and the RS-485 line behind the gateway", l.where(), ex.Code, exceptionName(ex.Code), unit)
	case errors.As(err, &ex):
		return failure(err, "unit %d replied with exception %02X (%s) to function %02X", unit, ex.Code, exceptionName(ex.Code), ex.Function)
	case errors.Is(err, wire.ErrShortReply):
		return failure(err, "unit %d replied with fewer values than requested: %v", unit, err)
	case errors.Is(err, wire.ErrTimeout) && l.tcp != "":
		return failure(err, "no reply from unit %d at %s within %v; check the unit id, and that the server at that address is a Modbus server", unit, l.tcp, l.timeout)
	case errors.Is(err, wire.ErrTimeout):
		return failure(err, "no reply from unit %d on %s within %v; check the unit id, the wiring (A and B), the baud rate and the parity", unit, l.port, l.timeout)
	case errors.Is(err, wire.ErrDamaged):
		return failure(err, "the replies of unit %d arrive damaged (CRC errors); check the parity, the baud rate, the termination resistors and the wiring", unit)
	case errors.Is(err, wire.ErrMalformed):
		return failure(err, "unit %d sent a reply that is not valid Modbus: %v", unit, err)
	case errors.As(err, &netErr) || errors.Is(err, wire.ErrNotConnected):
		return failure(err, "cannot connect to the Modbus TCP server at %s: %v", l.tcp, err)
	case l.port != "":
		return portIOError(err, l.port)
	}
	return failure(err, "the request to unit %d failed: %v", unit, err)
}

// portIOError explains an error of the serial port itself.
func portIOError(err error, port string) error {
	if errors.Is(err, fs.ErrNotExist) || errors.Is(err, fs.ErrPermission) || errors.Is(err, syscall.EBUSY) {
		return openError(port, err)
	}
	return failure(err, "serial port %s failed: %v", port, err)
}
