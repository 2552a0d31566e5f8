package modbus

import "math/bits"

// ByteOrder names the order in which a value's bytes arrive on the wire,
// with A the most significant byte: ABCD is big-endian, CDAB has its
// 16-bit words swapped, BADC its bytes swapped inside each word, DCBA is
// little-endian.
//
// Each name makes two choices: which register comes first, and which byte
// of each register comes first. A 64-bit value, bytes A to H, uses the same
// two choices for its four registers. For 0x0102030405060708:
//
//	order  first register   first byte  registers in wire order
//	ABCD   most significant high        0102 0304 0506 0708 (big-endian)
//	CDAB   least significant high       0708 0506 0304 0102
//	BADC   most significant low         0201 0403 0605 0807
//	DCBA   least significant low        0807 0605 0403 0201 (little-endian)
//
// This agrees with the 32-bit meaning, where CDAB of 0x01020304 is 0304
// 0102. So ABCD is big-endian and DCBA little-endian at every width, and
// CDAB is the order of devices that send the least significant register
// first.
type ByteOrder string

// Byte orders.
const (
	ABCD ByteOrder = "ABCD"
	CDAB ByteOrder = "CDAB"
	BADC ByteOrder = "BADC"
	DCBA ByteOrder = "DCBA"
)

// Byte orders of a string point, inside each register: AB puts the first
// character in the high byte, BA in the low byte.
const (
	AB ByteOrder = "AB"
	BA ByteOrder = "BA"
)

// lowRegisterFirst reports whether the least significant register comes
// first.
func (o ByteOrder) lowRegisterFirst() bool { return o == CDAB || o == DCBA }

// lowByteFirst reports whether each register arrives low byte first.
func (o ByteOrder) lowByteFirst() bool { return o == BADC || o == DCBA }

// assemble joins 1 to 4 registers into one unsigned value by the byte
// order. It uses shifts only, so the host's endianness never matters. An
// unknown order reads as ABCD.
func (o ByteOrder) assemble(regs []uint16) uint64 {
	var v uint64
	n := len(regs)
	for i := range n {
		r := regs[i]
		if o.lowRegisterFirst() {
			r = regs[n-1-i]
		}
		if o.lowByteFirst() {
			r = bits.ReverseBytes16(r)
		}
		v = v<<16 | uint64(r)
	}
	return v
}
