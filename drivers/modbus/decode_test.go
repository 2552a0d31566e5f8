package modbus

import (
	"math"
	"testing"

	"github.com/plantgw/plantgw/config"
	"github.com/plantgw/plantgw/record"
)

func TestDecodeRegisters(t *testing.T) {
	f := math.Float32bits(9123.5)
	hi, lo := uint16(f>>16), uint16(f)
	swap := func(r uint16) uint16 { return r<<8 | r>>8 }
	tests := []struct {
		name string
		d    Decoder
		regs []uint16
		want float64
	}{
		{"int16 negative scaled", Decoder{Type: "int16", Order: ABCD, Bit: -1, Scale: 0.1}, []uint16{0xFFAB}, -8.5},
		{"uint16 large", Decoder{Type: "uint16", Order: ABCD, Bit: -1, Scale: 1}, []uint16{0xFFAB}, 65451},
		{"int16 byte swapped", Decoder{Type: "int16", Order: BADC, Bit: -1, Scale: 1}, []uint16{0x3412}, 0x1234},
		{"float32 ABCD", Decoder{Type: "float32", Order: ABCD, Bit: -1, Scale: 1}, []uint16{hi, lo}, 9123.5},
		{"float32 CDAB", Decoder{Type: "float32", Order: CDAB, Bit: -1, Scale: 1}, []uint16{lo, hi}, 9123.5},
		{"float32 BADC", Decoder{Type: "float32", Order: BADC, Bit: -1, Scale: 1}, []uint16{swap(hi), swap(lo)}, 9123.5},
		{"float32 DCBA", Decoder{Type: "float32", Order: DCBA, Bit: -1, Scale: 1}, []uint16{swap(lo), swap(hi)}, 9123.5},
		{"int32 negative", Decoder{Type: "int32", Order: ABCD, Bit: -1, Scale: 1}, []uint16{0xFFFF, 0xFFFE}, -2},
		{"uint32 CDAB", Decoder{Type: "uint32", Order: CDAB, Bit: -1, Scale: 1}, []uint16{0x0002, 0x0001}, 65538},
		{"offset after scale", Decoder{Type: "int16", Order: ABCD, Bit: -1, Scale: 0.5, Offset: -10}, []uint16{100}, 40},
	}
	for _, tt := range tests {
		got, err := tt.d.DecodeRegisters(tt.regs, 0)
		if err != nil {
			t.Errorf("%s: error %v", tt.name, err)
			continue
		}
		if got.Value != tt.want || got.Quality != record.Good {
			t.Errorf("%s: got %v (%v), want %v good", tt.name, got.Value, got.Quality, tt.want)
		}
	}
}

func TestDecodeScaledValueIsRounded(t *testing.T) {
	d := Decoder{Type: "int16", Order: ABCD, Bit: -1, Scale: 0.1}
	got, _ := d.DecodeRegisters([]uint16{214}, 0)
	if got.Value != 21.4 {
		t.Errorf("214 × 0.1 = %v, want exactly 21.4", got.Value)
	}
}

func TestDecodeFloat32KeepsItsDigits(t *testing.T) {
	f := math.Float32bits(8558.617)
	d := Decoder{Type: "float32", Order: CDAB, Bit: -1, Scale: 1}
	got, _ := d.DecodeRegisters([]uint16{uint16(f), uint16(f >> 16)}, 0)
	if got.Value != 8558.617 {
		t.Errorf("float32 8558.617 decoded as %v", got.Value)
	}
}

func TestDecodeFloatNaNIsBad(t *testing.T) {
	d := Decoder{Type: "float32", Order: ABCD, Bit: -1, Scale: 1}
	got, err := d.DecodeRegisters([]uint16{0x7FC0, 0x0000}, 0)
	if err != nil || got.Quality != record.Bad || got.Cause != record.CauseSentinel {
		t.Errorf("NaN decoded as %+v, %v; want bad/sentinel", got, err)
	}
}

func TestDecodeFaultMask(t *testing.T) {
	d := Decoder{Type: "int16", Order: ABCD, Bit: -1, Scale: 0.1, FaultMask: 0x0003}
	got, _ := d.DecodeRegisters([]uint16{0}, 0x0002)
	if got.Quality != record.Bad || got.Cause != record.CauseDeviceFault {
		t.Errorf("status 0x0002 gave %+v; want bad/device_fault", got)
	}
	got, _ = d.DecodeRegisters([]uint16{250}, 0x0004)
	if got.Quality != record.Good || got.Value != 25 {
		t.Errorf("status 0x0004 (outside mask) gave %+v; want good 25", got)
	}
}

func TestDecodeRegisterBit(t *testing.T) {
	d := Decoder{Type: "bool", Order: ABCD, Bit: 3, Scale: 1}
	got, _ := d.DecodeRegisters([]uint16{0x0008}, 0)
	if !got.IsBool || !got.Bool {
		t.Errorf("bit 3 of 0x0008 = %+v; want true", got)
	}
}

func TestDecodeCurrentNE43(t *testing.T) {
	d := Decoder{Type: "int16", Order: ABCD, Bit: -1, Scale: 1, Current: &config.Current{Input: "ua", Low: 0, High: 1.6}}
	tests := []struct {
		microamps int16
		quality   record.Quality
		cause     record.Cause
		value     float64
	}{
		{4000, record.Good, record.CauseNone, 0},
		{12000, record.Good, record.CauseNone, 0.8},
		{20000, record.Good, record.CauseNone, 1.6},
		{3700, record.Uncertain, record.CauseUnderRange, -0.03},
		{20700, record.Uncertain, record.CauseOverRange, 1.67},
		{3600, record.Bad, record.CauseLoopFault, 0},
		{2500, record.Bad, record.CauseLoopFault, 0},
		{21000, record.Bad, record.CauseLoopFault, 0},
		{-100, record.Bad, record.CauseLoopFault, 0},
	}
	for _, tt := range tests {
		got, _ := d.DecodeRegisters([]uint16{uint16(tt.microamps)}, 0)
		if got.Quality != tt.quality || got.Cause != tt.cause {
			t.Errorf("%d µA: quality %v/%q, want %v/%q", tt.microamps, got.Quality, got.Cause, tt.quality, tt.cause)
		}
		if tt.quality != record.Bad && got.Value != tt.value {
			t.Errorf("%d µA: value %v, want %v", tt.microamps, got.Value, tt.value)
		}
	}
}

func TestDecodeWrongLength(t *testing.T) {
	d := Decoder{Type: "float32", Order: ABCD, Bit: -1, Scale: 1}
	if _, err := d.DecodeRegisters([]uint16{1}, 0); err == nil {
		t.Error("one register decoded as float32; want an error")
	}
}

func TestDecodeDoesNotAllocate(t *testing.T) {
	counts := withCurrent(typedPoint("int16", ABCD, 1), config.Current{Input: "counts", RawLow: 0, RawHigh: 16000, Low: 0, High: 100})
	tests := []struct {
		name  string
		point config.Point
		regs  []uint16
	}{
		{"int16 scaled", typedPoint("int16", BADC, 0.1), []uint16{0x3412}},
		{"uint32", typedPoint("uint32", CDAB, 1), []uint16{0x5678, 0x1234}},
		{"float32 scaled", typedPoint("float32", DCBA, 0.5), []uint16{0x0000, 0xC03F}},
		{"int64", typedPoint("int64", CDAB, 0.001), []uint16{0xFFFE, 0xFFFF, 0xFFFF, 0xFFFF}},
		{"float64", typedPoint("float64", ABCD, 3), []uint16{0xBFB9, 0x9999, 0x9999, 0x999A}},
		{"bcd32", typedPoint("bcd32", ABCD, 0.01), []uint16{0x1234, 0x5678}},
		{"bcd16 invalid digit", typedPoint("bcd16", ABCD, 1), []uint16{0x12A4}},
		{"sentinel", withSentinels(typedPoint("int16", ABCD, 1), "0x7FFF", "-1"), []uint16{0xFFFF}},
		{"clamped", withClamp(typedPoint("int16", ABCD, 0.1), float(0), float(100)), []uint16{0x03ED}},
		{"counts", counts, []uint16{0x1F40}},
		{"loop fault", counts, []uint16{0xFE0C}},
	}
	for _, tt := range tests {
		d := NewDecoder(tt.point)
		allocs := testing.AllocsPerRun(100, func() {
			if _, err := d.DecodeRegisters(tt.regs, 0); err != nil {
				t.Fatal(err)
			}
		})
		if allocs != 0 {
			t.Errorf("%s: %v allocations per decode, want 0", tt.name, allocs)
		}
	}
}

// fuzzTypes are the register types of the fuzz target. A bool point takes
// the Bit path instead.
var fuzzTypes = map[string]bool{
	"int16": true, "uint16": true, "int32": true, "uint32": true, "float32": true,
	"int64": true, "uint64": true, "float64": true, "bcd16": true, "bcd32": true,
}

// fuzzCurrents are the loop mappings the fuzz target picks from, with nil
// for a plain scaled point.
var fuzzCurrents = []*config.Current{
	nil,
	{Input: "ua", Low: 0, High: 10},
	{Input: "ma", Low: -5, High: 5},
	{Input: "counts", RawLow: 0, RawHigh: 27648, Low: 0, High: 100},
}

func FuzzDecodeRegisters(f *testing.F) {
	f.Add("float32", "CDAB", uint16(0x0000), uint16(0x4610), uint16(0), uint16(0), uint16(0), uint8(0), false)
	f.Add("int16", "ABCD", uint16(0xFFAB), uint16(0), uint16(0), uint16(0), uint16(3), uint8(1), false)
	f.Add("int16", "ABCD", uint16(0x7FFF), uint16(0), uint16(0), uint16(0), uint16(0), uint8(0), false)
	f.Add("float64", "DCBA", uint16(0x0000), uint16(0x0000), uint16(0x0000), uint16(0xF83F), uint16(0), uint8(2), true)
	f.Add("uint64", "CDAB", uint16(0x0708), uint16(0x0506), uint16(0x0304), uint16(0x0102), uint16(0), uint8(0), true)
	f.Add("bcd32", "BADC", uint16(0x3412), uint16(0x7856), uint16(0), uint16(0), uint16(0), uint8(3), false)
	f.Add("bcd16", "ABCD", uint16(0x12A4), uint16(0), uint16(0), uint16(0), uint16(0), uint8(0), true)
	f.Fuzz(func(t *testing.T, typ, order string, r0, r1, r2, r3, status uint16, current uint8, clamped bool) {
		if !fuzzTypes[typ] {
			return
		}
		scale := 0.1
		p := config.Point{Type: typ, ByteOrder: order, Scale: &scale, Sentinels: []string{"0x7FFF"},
			Fault:   &config.Fault{Mask: 1},
			Current: fuzzCurrents[int(current)%len(fuzzCurrents)]}
		if p.Current != nil && p.Current.Input == "counts" {
			p.Scale = nil
		}
		low, high := -50.0, 50.0
		if clamped {
			p.Clamp = &config.Clamp{Low: &low, High: &high}
		}
		d := NewDecoder(p)
		regs := []uint16{r0, r1, r2, r3}[:d.Registers()]
		got, err := d.DecodeRegisters(regs, status)
		if err != nil {
			t.Fatal(err)
		}
		if got.Quality != record.Bad && (math.IsNaN(got.Value) || math.IsInf(got.Value, 0)) {
			t.Fatalf("non-finite value %v with quality %v", got.Value, got.Quality)
		}
		if got.Quality == record.Bad && got.Value != 0 {
			t.Fatalf("bad reading carries value %v", got.Value)
		}
		if got.Quality == record.Good && got.Cause != record.CauseNone {
			t.Fatalf("good reading with cause %q", got.Cause)
		}
		if clamped && got.Quality != record.Bad && (got.Value < low || got.Value > high) {
			t.Fatalf("value %v outside the clamp %v..%v", got.Value, low, high)
		}
		if status&1 == 0 && d.Order.assemble(regs) == 0x7FFF && got.Cause != record.CauseSentinel {
			t.Fatalf("raw 0x7FFF decoded as %+v; want the sentinel", got)
		}
	})
}

func BenchmarkDecodeRegisters(b *testing.B) {
	d := NewDecoder(withClamp(typedPoint("float32", CDAB, 0.1), float(0), float(1000)))
	regs := []uint16{0x0000, 0x4610}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := d.DecodeRegisters(regs, 0); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkDecodeBaseline is the bare arithmetic of the same reading with
// no quality, sentinel, rounding or clamp logic: the floor that
// BenchmarkDecodeRegisters is compared with in docs/benchmarks.md.
func BenchmarkDecodeBaseline(b *testing.B) {
	regs := []uint16{0x0000, 0x4610}
	var sink float64
	for b.Loop() {
		bits := uint32(regs[1])<<16 | uint32(regs[0])
		v := float64(math.Float32frombits(bits)) * 0.1
		sink += min(max(v, 0), 1000)
	}
	if sink < 0 {
		b.Fatal("unreachable: keeps the loop from being optimised away")
	}
}
