package main

import (
	"slices"
	"testing"
)

// memoryDevice is a device whose tables are plain slices, all writable.
type memoryDevice struct {
	image registerImage
}

func (m *memoryDevice) readBits(table bitTable, addr, count uint16) ([]bool, error) {
	if table == coilTable {
		return sliceRange(m.image.coils, addr, count)
	}
	return sliceRange(m.image.discreteInputs, addr, count)
}

func (m *memoryDevice) readRegisters(table registerTable, addr, count uint16) ([]uint16, error) {
	if table == holdingRegisterTable {
		return sliceRange(m.image.holding, addr, count)
	}
	return sliceRange(m.image.input, addr, count)
}

func (m *memoryDevice) writeCoils(addr uint16, values []bool) error {
	target, err := sliceRange(m.image.coils, addr, uint16(len(values)))
	if err != nil {
		return err
	}
	copy(target, values)
	return nil
}

func (m *memoryDevice) writeRegisters(addr uint16, values []uint16) error {
	target, err := sliceRange(m.image.holding, addr, uint16(len(values)))
	if err != nil {
		return err
	}
	copy(target, values)
	return nil
}

func newMemoryDevice() *memoryDevice {
	return &memoryDevice{image: registerImage{
		coils:          []bool{true, false, true, true, false, false, false, false, true},
		discreteInputs: []bool{false, true},
		holding:        []uint16{0x1234, 0xABCD},
		input:          []uint16{0xFFAB},
	}}
}

func TestHandlePDUReplies(t *testing.T) {
	tests := []struct {
		name    string
		request string // function code and data
		reply   string
	}{
		{"read coils across two bytes", "01 00 00 00 09", "01 02 0D 01"},
		{"read discrete inputs", "02 00 00 00 02", "02 01 02"},
		{"read holding registers", "03 00 00 00 02", "03 04 12 34 AB CD"},
		{"read input register", "04 00 00 00 01", "04 02 FF AB"},
		{"write single coil on", "05 00 01 FF 00", "05 00 01 FF 00"},
		{"write single register", "06 00 01 00 07", "06 00 01 00 07"},
		{"write multiple coils", "0F 00 00 00 03 01 05", "0F 00 00 00 03"},
		{"write multiple registers", "10 00 00 00 02 04 00 0A 00 0B", "10 00 00 00 02"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			request := mustHex(t, tt.request)
			got := handlePDU(newMemoryDevice(), request[0], request[1:])
			if want := mustHex(t, tt.reply); !slices.Equal(got, want) {
				t.Errorf("reply = % X, want % X", got, want)
			}
		})
	}
}

func TestHandlePDUWritesReachDevice(t *testing.T) {
	dev := newMemoryDevice()
	handlePDU(dev, fcWriteSingleCoil, mustHex(t, "00 01 FF 00"))
	handlePDU(dev, fcWriteMultipleCoils, mustHex(t, "00 02 00 02 01 00"))
	handlePDU(dev, fcWriteMultipleRegisters, mustHex(t, "00 00 00 02 04 00 0A 00 0B"))

	wantCoils := []bool{true, true, false, false}
	if got := dev.image.coils[:4]; !slices.Equal(got, wantCoils) {
		t.Errorf("coils 0..3 = %v, want %v", got, wantCoils)
	}
	if got := dev.image.holding; !slices.Equal(got, []uint16{10, 11}) {
		t.Errorf("holding registers = %v, want [10 11]", got)
	}
}

func TestHandlePDUExceptions(t *testing.T) {
	tests := []struct {
		name    string
		request string
		reply   string
	}{
		{"unsupported function 08", "08 00 00 12 34", "88 01"},
		{"unsupported function 2B", "2B 0E 01 00", "AB 01"},
		{"register quantity 0", "03 00 00 00 00", "83 03"},
		{"register quantity 126", "03 00 00 00 7E", "83 03"},
		{"bit quantity 2001", "01 00 00 07 D1", "81 03"},
		{"read past table", "04 00 00 00 02", "84 02"},
		{"read unknown address", "02 00 05 00 01", "82 02"},
		{"range past 0xFFFF", "03 FF FF 00 02", "83 02"},
		{"short read request", "03 00 00", "83 03"},
		{"coil value not FF00 or 0000", "05 00 00 12 34", "85 03"},
		{"write unknown coil", "05 00 20 FF 00", "85 02"},
		{"coil byte count mismatch", "0F 00 00 00 03 02 05 00", "8F 03"},
		{"coil data shorter than byte count", "0F 00 00 00 09 02 05", "8F 03"},
		{"register byte count mismatch", "10 00 00 00 02 02 00 0A", "90 03"},
		{"register quantity 124", "10 00 00 00 7C F8", "90 03"},
		{"write unknown register", "06 00 09 00 01", "86 02"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			request := mustHex(t, tt.request)
			got := handlePDU(newMemoryDevice(), request[0], request[1:])
			if want := mustHex(t, tt.reply); !slices.Equal(got, want) {
				t.Errorf("reply = % X, want % X", got, want)
			}
		})
	}
}

func TestPackBitsRoundTrip(t *testing.T) {
	bits := []bool{true, false, false, true, false, true, true, false, true, true}
	packed := packBits(bits)
	if want := []byte{0x69, 0x03}; !slices.Equal(packed, want) {
		t.Errorf("packBits = % X, want % X", packed, want)
	}
	if got := unpackBits(packed, len(bits)); !slices.Equal(got, bits) {
		t.Errorf("unpackBits = %v, want %v", got, bits)
	}
}
