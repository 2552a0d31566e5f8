package wire

import (
	"encoding/binary"
	"errors"
	"fmt"
)

// Function codes the master sends.
const (
	FuncReadCoils          byte = 0x01
	FuncReadDiscreteInputs byte = 0x02
	FuncReadHolding        byte = 0x03
	FuncReadInput          byte = 0x04
	FuncWriteCoil          byte = 0x05
	FuncWriteRegister      byte = 0x06
)

// Request is one Modbus request to one unit.
type Request struct {
	Unit     byte
	Function byte
	Addr     uint16
	// Count is the number of bits or registers to read.
	Count uint16
	// Value is the value of a single write: 0xFF00 or 0x0000 for a coil.
	Value uint16
}

// Reply is the data of a normal reply: Registers for functions 03 and 04,
// Bits for 01 and 02, nothing for writes.
type Reply struct {
	Registers []uint16
	Bits      []bool
}

// Errors of a request. Exceptions are *Exception.
var (
	// ErrTimeout: no matching reply before the deadline.
	ErrTimeout = errors.New("no reply before the timeout")
	// ErrDamaged: only damaged frames (bad CRC) arrived before the deadline.
	ErrDamaged = errors.New("reply damaged (CRC error)")
	// ErrMalformed: a reply with a valid checksum but a wrong layout.
	ErrMalformed = errors.New("malformed reply")
	// ErrShortReply: a well-formed reply with fewer bits or registers than
	// requested.
	ErrShortReply = errors.New("reply shorter than requested")
)

// Exception is a Modbus exception reply.
type Exception struct {
	Function byte
	Code     byte
}

func (e *Exception) Error() string {
	return fmt.Sprintf("exception %02X (%s) to function %02X", e.Code, ExceptionName(e.Code), e.Function)
}

// ExceptionName returns the name of a Modbus exception code as the Modbus
// application protocol specification (V1.1b3, section 7) gives it, in
// lower case, or "unknown exception" for a code it does not define.
func ExceptionName(code byte) string {
	switch code {
	case 0x01:
		return "illegal function"
	case 0x02:
		return "illegal data address"
	case 0x03:
		return "illegal data value"
	case 0x04:
		return "server device failure"
	case 0x05:
		return "acknowledge"
	case 0x06:
		return "server device busy"
	case 0x08:
		return "memory parity error"
	case 0x0A:
		return "gateway path unavailable"
	case 0x0B:
		return "gateway target device failed to respond"
	}
	return "unknown exception"
}

// Validate checks that the request can be sent as the spec allows.
func (r Request) Validate() error {
	switch r.Function {
	case FuncReadCoils, FuncReadDiscreteInputs:
		if r.Count < 1 || r.Count > 2000 {
			return fmt.Errorf("bit count %d outside 1..2000", r.Count)
		}
	case FuncReadHolding, FuncReadInput:
		if r.Count < 1 || r.Count > 125 {
			return fmt.Errorf("register count %d outside 1..125", r.Count)
		}
	case FuncWriteCoil:
		if r.Value != 0xFF00 && r.Value != 0 {
			return fmt.Errorf("coil value %#04x is neither 0xFF00 nor 0", r.Value)
		}
	case FuncWriteRegister:
	default:
		return fmt.Errorf("unsupported function %02X", r.Function)
	}
	if int(r.Addr)+int(r.Count) > 0x10000 {
		return fmt.Errorf("range %d+%d passes address 65535", r.Addr, r.Count)
	}
	return nil
}

// AppendPDU appends the request PDU (function code and data) to b.
func (r Request) AppendPDU(b []byte) []byte {
	b = append(b, r.Function)
	b = binary.BigEndian.AppendUint16(b, r.Addr)
	if r.isWrite() {
		return binary.BigEndian.AppendUint16(b, r.Value)
	}
	return binary.BigEndian.AppendUint16(b, r.Count)
}

func (r Request) isWrite() bool {
	return r.Function == FuncWriteCoil || r.Function == FuncWriteRegister
}

// replyDataLen returns how many bytes follow the function code in a
// normal reply, given the bytes received after it so far, or -1 when that
// is not yet known.
func (r Request) replyDataLen(after []byte) int {
	if r.isWrite() {
		return 4
	}
	if len(after) == 0 {
		return -1
	}
	return 1 + int(after[0])
}

// ParseReply checks a reply PDU (function code and data) against r and
// decodes it.
func ParseReply(r Request, pdu []byte) (Reply, error) {
	if len(pdu) == 0 {
		return Reply{}, fmt.Errorf("%w: empty PDU", ErrMalformed)
	}
	if pdu[0] == r.Function|0x80 {
		if len(pdu) != 2 {
			return Reply{}, fmt.Errorf("%w: exception PDU of %d bytes", ErrMalformed, len(pdu))
		}
		return Reply{}, &Exception{Function: r.Function, Code: pdu[1]}
	}
	if pdu[0] != r.Function {
		return Reply{}, fmt.Errorf("%w: function %02X in reply to %02X", ErrMalformed, pdu[0], r.Function)
	}
	data := pdu[1:]
	if r.isWrite() {
		return Reply{}, checkEcho(r, data)
	}
	if len(data) == 0 || int(data[0]) != len(data)-1 {
		return Reply{}, fmt.Errorf("%w: byte count does not match the %d data bytes", ErrMalformed, max(len(data)-1, 0))
	}
	if r.Function == FuncReadHolding || r.Function == FuncReadInput {
		return parseRegisters(r, data[1:])
	}
	return parseBits(r, data[1:])
}

func checkEcho(r Request, data []byte) error {
	if len(data) != 4 {
		return fmt.Errorf("%w: write reply of %d data bytes", ErrMalformed, len(data))
	}
	addr, value := binary.BigEndian.Uint16(data), binary.BigEndian.Uint16(data[2:])
	if addr != r.Addr || value != r.Value {
		return fmt.Errorf("%w: write echo %d=%#04x, sent %d=%#04x", ErrMalformed, addr, value, r.Addr, r.Value)
	}
	return nil
}

func parseRegisters(r Request, data []byte) (Reply, error) {
	if len(data)%2 != 0 {
		return Reply{}, fmt.Errorf("%w: odd byte count %d for registers", ErrMalformed, len(data))
	}
	n := len(data) / 2
	if n > int(r.Count) {
		return Reply{}, fmt.Errorf("%w: %d registers, asked for %d", ErrMalformed, n, r.Count)
	}
	regs := make([]uint16, n)
	for i := range regs {
		regs[i] = binary.BigEndian.Uint16(data[2*i:])
	}
	if n < int(r.Count) {
		return Reply{Registers: regs}, fmt.Errorf("%w: %d registers, asked for %d", ErrShortReply, n, r.Count)
	}
	return Reply{Registers: regs}, nil
}

func parseBits(r Request, data []byte) (Reply, error) {
	want := (int(r.Count) + 7) / 8
	if len(data) > want {
		return Reply{}, fmt.Errorf("%w: %d bytes of bits, asked for %d bits", ErrMalformed, len(data), r.Count)
	}
	n := min(len(data)*8, int(r.Count))
	bits := make([]bool, n)
	for i := range bits {
		bits[i] = data[i/8]>>(i%8)&1 != 0
	}
	if len(data) < want {
		return Reply{Bits: bits}, fmt.Errorf("%w: %d bytes of bits, asked for %d bits", ErrShortReply, len(data), r.Count)
	}
	return Reply{Bits: bits}, nil
}
