package modbus

import (
	"testing"

	"github.com/plantgw/plantgw/config"
	"github.com/plantgw/plantgw/record"
)

func textDecoder(order ByteOrder, registers int) Decoder {
	return NewDecoder(config.Point{Type: config.TextType, ByteOrder: string(order), Length: &registers})
}

func TestDecodeText(t *testing.T) {
	tests := []struct {
		name  string
		order ByteOrder
		regs  []uint16
		want  string
	}{
		// "V2.1.7" is 56 32 2E 31 2E 37, padded with NULs to 4 registers.
		{"AB with NUL padding", AB, []uint16{0x5632, 0x2E31, 0x2E37, 0x0000}, "V2.1.7"},
		{"BA with NUL padding", BA, []uint16{0x3256, 0x312E, 0x372E, 0x0000}, "V2.1.7"},
		// "SN123" has an odd length: its last character shares a register
		// with the first padding byte.
		{"odd length AB", AB, []uint16{0x534E, 0x3132, 0x3300}, "SN123"},
		{"odd length BA", BA, []uint16{0x4E53, 0x3231, 0x0033}, "SN123"},
		{"odd length space padded", AB, []uint16{0x534E, 0x3132, 0x3320}, "SN123"},
		{"spaces and NULs mixed", AB, []uint16{0x4142, 0x2000, 0x2020}, "AB"},
		{"inner space kept", AB, []uint16{0x4120, 0x4200}, "A B"},
		{"leading space kept", AB, []uint16{0x2041}, " A"},
		{"no padding", AB, []uint16{0x4142}, "AB"},
		{"printable limits", AB, []uint16{0x207E}, " ~"},
		{"only NULs", AB, []uint16{0x0000, 0x0000}, ""},
		{"only spaces", BA, []uint16{0x2020}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := textDecoder(tt.order, len(tt.regs)).DecodeRegisters(tt.regs, 0)
			if err != nil {
				t.Fatalf("registers %04X: error %v", tt.regs, err)
			}
			if got.Quality != record.Good || got.Cause != record.CauseNone {
				t.Errorf("registers %04X: quality %v/%q, want good", tt.regs, got.Quality, got.Cause)
			}
			if !got.IsText {
				t.Errorf("registers %04X: IsText not set", tt.regs)
			}
			if got.Text != tt.want {
				t.Errorf("registers %04X: text %q, want %q", tt.regs, got.Text, tt.want)
			}
			if got.Value != 0 || got.IsBool {
				t.Errorf("registers %04X: text reading carries a number or bool: %+v", tt.regs, got)
			}
		})
	}
}

func TestDecodeTextNonPrintableIsBad(t *testing.T) {
	tests := []struct {
		name  string
		order ByteOrder
		regs  []uint16
	}{
		{"erased flash", AB, []uint16{0xFFFF, 0xFFFF}},
		{"control character", AB, []uint16{0x410A}},
		{"DEL", AB, []uint16{0x417F}},
		{"high bit set", AB, []uint16{0x41C3, 0xA900}},
		{"NUL before text", AB, []uint16{0x4100, 0x4200}},
		{"NUL before text BA", BA, []uint16{0x0041, 0x0042}},
		{"number read as text", AB, []uint16{0x0005, 0x0000}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := textDecoder(tt.order, len(tt.regs)).DecodeRegisters(tt.regs, 0)
			if err != nil {
				t.Fatalf("registers %04X: error %v", tt.regs, err)
			}
			if got.Quality != record.Bad || got.Cause != record.CauseInvalidText {
				t.Errorf("registers %04X: quality %v/%q, want bad/invalid_text", tt.regs, got.Quality, got.Cause)
			}
			if got.Text != "" {
				t.Errorf("registers %04X: bad reading carries text %q", tt.regs, got.Text)
			}
		})
	}
}

func TestDecodeTextRegisters(t *testing.T) {
	if got := textDecoder(AB, 4).Registers(); got != 4 {
		t.Errorf("Registers() = %d, want the point's length 4", got)
	}
	if _, err := textDecoder(AB, 4).DecodeRegisters([]uint16{0x4142, 0x4344}, 0); err == nil {
		t.Error("2 registers decoded for a 4-register string; want an error")
	}
}

func TestDecodeTextFaultMask(t *testing.T) {
	d := textDecoder(AB, 1)
	d.FaultMask = 0x0001
	got, _ := d.DecodeRegisters([]uint16{0x4142}, 0x0001)
	if got.Quality != record.Bad || got.Cause != record.CauseDeviceFault {
		t.Errorf("status 0x0001 gave %+v; want bad/device_fault", got)
	}
}
