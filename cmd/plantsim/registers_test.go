package main

import (
	"math"
	"slices"
	"testing"
)

func TestFloat32CDABEncoding(t *testing.T) {
	tests := []struct {
		value float64
		want  [2]uint16
	}{
		{5000, [2]uint16{0x4000, 0x459C}}, // float bits 0x459C4000
		{3000, [2]uint16{0x8000, 0x453B}}, // 0x453B8000
		{9600, [2]uint16{0x0000, 0x4616}}, // 0x46160000
		{-1.5, [2]uint16{0x0000, 0xBFC0}}, // 0xBFC00000
	}
	for _, tt := range tests {
		got := encodeFloat32CDAB(tt.value)
		if got != tt.want {
			t.Errorf("encodeFloat32CDAB(%v) = %04X, want %04X", tt.value, got, tt.want)
		}
		decoded := math.Float32frombits(uint32(got[1])<<16 | uint32(got[0]))
		if float64(decoded) != tt.value {
			t.Errorf("decoding %04X as CDAB gives %v, want %v", got, decoded, tt.value)
		}
	}
}

func TestTenthsInt16NegativeTemperature(t *testing.T) {
	tests := []struct {
		value float64
		want  uint16
	}{
		{-8.5, 0xFFAB},
		{-3.5, 0xFFDD},
		{-0.04, 0x0000},
		{25.3, 253},
		{4000, 0x7FFF},  // clamped to int16
		{-4000, 0x8000}, // clamped to int16
	}
	for _, tt := range tests {
		if got := encodeTenthsInt16(tt.value); got != tt.want {
			t.Errorf("encodeTenthsInt16(%v) = 0x%04X, want 0x%04X", tt.value, got, tt.want)
		}
	}
}

func TestTenthsUint16(t *testing.T) {
	tests := []struct {
		value float64
		want  uint16
	}{
		{0.2, 2},
		{-1, 0},
		{7000, 0xFFFF},
	}
	for _, tt := range tests {
		if got := encodeTenthsUint16(tt.value); got != tt.want {
			t.Errorf("encodeTenthsUint16(%v) = %d, want %d", tt.value, got, tt.want)
		}
	}
}

func TestPressureToMicroamps(t *testing.T) {
	tests := []struct {
		mpa  float64
		want int16
	}{
		{0, 4000},
		{0.35, 7500},
		{0.8, 12000},
		{1.6, 20000},
	}
	for _, tt := range tests {
		if got := pressureToMicroamps(tt.mpa); got != tt.want {
			t.Errorf("pressureToMicroamps(%v) = %d, want %d", tt.mpa, got, tt.want)
		}
	}
}

func TestGasRegistersLoopFaultReadsZero(t *testing.T) {
	got := gasRegisters(detectorReading{conc: 12.3, status: statusLoopFault}, 123)
	if got[0] != 0 || got[1] != statusLoopFault {
		t.Errorf("gasRegisters with loop fault = %v, want [0 %d]", got, statusLoopFault)
	}
	got = gasRegisters(detectorReading{conc: 12.3}, 123)
	if got[0] != 123 || got[1] != 0 {
		t.Errorf("gasRegisters without fault = %v, want [123 0]", got)
	}
}

func TestEncodeASCII(t *testing.T) {
	tests := []struct {
		text      string
		registers int
		want      []uint16
	}{
		{"V2.1.7", 4, []uint16{0x5632, 0x2E31, 0x2E37, 0x0000}},
		{"SN123", 3, []uint16{0x534E, 0x3132, 0x3300}},
		{"", 1, []uint16{0x0000}},
		{"ABCDE", 2, []uint16{0x4142, 0x4344}},
	}
	for _, tt := range tests {
		if got := encodeASCII(tt.text, tt.registers); !slices.Equal(got, tt.want) {
			t.Errorf("encodeASCII(%q, %d) = %04X, want %04X", tt.text, tt.registers, got, tt.want)
		}
	}
}

func TestDetectorFirmwareRegisters(t *testing.T) {
	dev, ok := newTestPlant(t, "normal").device(rtuBus, 1)
	if !ok {
		t.Fatal("RTU unit 1 missing")
	}
	regs, err := dev.readRegisters(holdingRegisterTable, 100, 4)
	if err != nil {
		t.Fatalf("holding 100..103: %v", err)
	}
	if want := []uint16{0x5632, 0x2E31, 0x2E37, 0x0000}; !slices.Equal(regs, want) {
		t.Errorf("holding 100..103 = %04X, want %04X (V2.1.7)", regs, want)
	}
	for _, bad := range []struct{ addr, count uint16 }{{0, 1}, {99, 2}, {103, 2}} {
		if _, err := dev.readRegisters(holdingRegisterTable, bad.addr, bad.count); err != exIllegalDataAddress {
			t.Errorf("holding %d+%d: error %v, want exception 02", bad.addr, bad.count, err)
		}
	}
	r := newTestPlant(t, "normal").snapshot()
	if image, _ := rtuImage(&r, 5); len(image.holding) != 0 {
		t.Errorf("AT-201 holding registers = %04X, want none: only the combustible detectors have a firmware string", image.holding)
	}
}

func TestRegisterMapNormal(t *testing.T) {
	r := newTestPlant(t, "normal").snapshot()

	rtuWant := map[byte][]uint16{1: {5, 0}, 2: {5, 0}, 3: {5, 0}, 4: {5, 0}, 5: {2, 0}}
	for unit, want := range rtuWant {
		image, ok := rtuImage(&r, unit)
		if !ok {
			t.Fatalf("RTU unit %d missing", unit)
		}
		if !slices.Equal(image.input, want) {
			t.Errorf("RTU unit %d input registers = %v, want %v", unit, image.input, want)
		}
	}
	for _, unit := range []byte{0, 6, 247} {
		if _, ok := rtuImage(&r, unit); ok {
			t.Errorf("RTU unit %d exists, want no such unit", unit)
		}
	}

	tcpWant := map[byte]registerImage{
		1: {holding: []uint16{0x4000, 0x459C}},
		2: {holding: []uint16{0x8000, 0x453B}},
		3: {input: []uint16{0xFFDD}},
		4: {input: []uint16{7500, 0, 0, 0, 0, 0, 0, 0}},
		5: {coils: []bool{true}, discreteInputs: []bool{true, false}},
		6: {coils: []bool{true}, discreteInputs: []bool{true, false}},
	}
	for unit, want := range tcpWant {
		image, ok := tcpImage(&r, unit)
		if !ok {
			t.Fatalf("TCP unit %d missing", unit)
		}
		if !slices.Equal(image.holding, want.holding) || !slices.Equal(image.input, want.input) ||
			!slices.Equal(image.coils, want.coils) || !slices.Equal(image.discreteInputs, want.discreteInputs) {
			t.Errorf("TCP unit %d image = %+v, want %+v", unit, image, want)
		}
	}
	if _, ok := tcpImage(&r, 7); ok {
		t.Error("TCP unit 7 exists, want no such unit")
	}
}
