package wire

import (
	"bytes"
	"errors"
	"slices"
	"testing"
)

func TestRequestPDU(t *testing.T) {
	cases := []struct {
		req  Request
		want []byte
	}{
		{Request{Unit: 1, Function: FuncReadHolding, Addr: 0x006B, Count: 3}, []byte{0x03, 0x00, 0x6B, 0x00, 0x03}},
		{Request{Unit: 1, Function: FuncReadCoils, Addr: 19, Count: 19}, []byte{0x01, 0x00, 0x13, 0x00, 0x13}},
		{Request{Unit: 1, Function: FuncWriteCoil, Addr: 0xAC, Value: 0xFF00}, []byte{0x05, 0x00, 0xAC, 0xFF, 0x00}},
		{Request{Unit: 1, Function: FuncWriteRegister, Addr: 1, Value: 3}, []byte{0x06, 0x00, 0x01, 0x00, 0x03}},
	}
	for _, c := range cases {
		if got := c.req.AppendPDU(nil); !bytes.Equal(got, c.want) {
			t.Errorf("%+v: PDU % x, want % x", c.req, got, c.want)
		}
	}
}

func TestValidateRejectsOutOfSpecRequests(t *testing.T) {
	bad := []Request{
		{Function: FuncReadHolding, Count: 0},
		{Function: FuncReadHolding, Count: 126},
		{Function: FuncReadCoils, Count: 2001},
		{Function: FuncReadInput, Addr: 65535, Count: 2},
		{Function: FuncWriteCoil, Value: 1},
		{Function: 0x2B},
	}
	for _, r := range bad {
		if r.Validate() == nil {
			t.Errorf("%+v passed validation", r)
		}
	}
}

func TestParseReply(t *testing.T) {
	regs := Request{Unit: 1, Function: FuncReadHolding, Count: 3}
	bits := Request{Unit: 1, Function: FuncReadCoils, Count: 10}
	coil := Request{Unit: 1, Function: FuncWriteCoil, Addr: 7, Value: 0xFF00}

	r, err := ParseReply(regs, []byte{0x03, 6, 0x02, 0x2B, 0x00, 0x00, 0x00, 0x64})
	if err != nil || !slices.Equal(r.Registers, []uint16{0x022B, 0, 0x64}) {
		t.Errorf("registers: %v, %v", r.Registers, err)
	}
	r, err = ParseReply(bits, []byte{0x01, 2, 0b1100_1101, 0b01})
	want := []bool{true, false, true, true, false, false, true, true, true, false}
	if err != nil || !slices.Equal(r.Bits, want) {
		t.Errorf("bits: %v, %v", r.Bits, err)
	}
	if _, err := ParseReply(coil, []byte{0x05, 0, 7, 0xFF, 0}); err != nil {
		t.Errorf("coil echo: %v", err)
	}

	var ex *Exception
	if _, err := ParseReply(regs, []byte{0x83, 0x02}); !errors.As(err, &ex) || ex.Code != 2 {
		t.Errorf("exception: %v", err)
	}
	r, err = ParseReply(regs, []byte{0x03, 2, 0, 9})
	if !errors.Is(err, ErrShortReply) || !slices.Equal(r.Registers, []uint16{9}) {
		t.Errorf("short reply: %v, %v", r.Registers, err)
	}
	if _, err := ParseReply(bits, []byte{0x01, 1, 0xFF}); !errors.Is(err, ErrShortReply) {
		t.Errorf("short bits: %v", err)
	}
	malformed := [][]byte{
		{}, {0x04, 2, 0, 1}, {0x03, 4, 0, 1}, {0x03, 3, 0, 1, 2}, {0x03, 8, 0, 1, 0, 2, 0, 3, 0, 4},
		{0x83}, {0x83, 2, 0},
	}
	for _, pdu := range malformed {
		if _, err := ParseReply(regs, pdu); !errors.Is(err, ErrMalformed) {
			t.Errorf("% x: %v, want ErrMalformed", pdu, err)
		}
	}
	if _, err := ParseReply(coil, []byte{0x05, 0, 7, 0, 0}); !errors.Is(err, ErrMalformed) {
		t.Errorf("wrong coil echo: %v", err)
	}
}

func TestCRCOfKnownFrame(t *testing.T) {
	// Read 10 holding registers from unit 1, as in the Modbus serial line
	// guide: the CRC bytes on the wire are C5 CD.
	got := appendCRC([]byte{0x01, 0x03, 0x00, 0x00, 0x00, 0x0A})
	if !bytes.Equal(got[6:], []byte{0xC5, 0xCD}) {
		t.Errorf("CRC bytes % x, want c5 cd", got[6:])
	}
}
