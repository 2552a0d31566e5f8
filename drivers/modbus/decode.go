package modbus

import (
	"fmt"
	"math"
	"strconv"

	"github.com/plantgw/plantgw/config"
	"github.com/plantgw/plantgw/record"
)

// ByteOrder names the order in which a value's bytes arrive on the wire,
// with A the most significant byte: ABCD is big-endian, CDAB has its
// 16-bit words swapped, BADC its bytes swapped inside each word, DCBA is
// little-endian.
type ByteOrder string

// Byte orders.
const (
	ABCD ByteOrder = "ABCD"
	CDAB ByteOrder = "CDAB"
	BADC ByteOrder = "BADC"
	DCBA ByteOrder = "DCBA"
)

// NAMUR NE43 loop current limits, in mA. 3.8–20.5 is the measuring range.
// At or below 3.6, or at or above 21.0, the device or loop has failed.
const (
	ne43FailLow    = 3.6
	ne43RangeLow   = 3.8
	ne43RangeHigh  = 20.5
	ne43FailHigh   = 21.0
	loopSpanLow    = 4.0
	loopSpanHigh   = 20.0
	microampsPerMA = 1000.0
)

// Decoder turns a point's raw registers or bits into a value with quality.
type Decoder struct {
	Type      string
	Order     ByteOrder
	Bit       int // -1 when the point is a whole register
	Scale     float64
	Offset    float64
	Current   *config.Current
	FaultMask uint16
}

// NewDecoder builds the decoder for a validated config point.
func NewDecoder(p config.Point) Decoder {
	d := Decoder{Type: p.Type, Order: ByteOrder(p.ByteOrder), Bit: -1, Scale: 1, Offset: p.Offset, Current: p.Current}
	if p.Scale != nil {
		d.Scale = *p.Scale
	}
	if p.Bit != nil {
		d.Bit = *p.Bit
	}
	if p.Fault != nil {
		d.FaultMask = p.Fault.Mask
	}
	return d
}

// Registers is how many 16-bit registers the point's value spans.
func (d Decoder) Registers() uint16 {
	switch d.Type {
	case "int32", "uint32", "float32":
		return 2
	}
	return 1
}

// Reading is a decoded value and its quality.
type Reading struct {
	Value   float64
	IsBool  bool
	Bool    bool
	Quality record.Quality
	Cause   record.Cause
}

// DecodeBit decodes a coil or discrete input.
func (d Decoder) DecodeBit(on bool) Reading {
	return Reading{IsBool: true, Bool: on, Quality: record.Good}
}

// DecodeRegisters decodes regs, which hold exactly Registers() words as
// read from the device. status is the device's status register when the
// point has a fault mask.
func (d Decoder) DecodeRegisters(regs []uint16, status uint16) (Reading, error) {
	if len(regs) != int(d.Registers()) {
		return Reading{Quality: record.Bad, Cause: record.CauseException},
			fmt.Errorf("decode %s: got %d registers, want %d", d.Type, len(regs), d.Registers())
	}
	if d.FaultMask != 0 && status&d.FaultMask != 0 {
		return Reading{Quality: record.Bad, Cause: record.CauseDeviceFault}, nil
	}
	if d.Bit >= 0 {
		return Reading{IsBool: true, Bool: regs[0]>>d.Bit&1 == 1, Quality: record.Good}, nil
	}
	raw := d.raw(regs)
	if math.IsNaN(raw) || math.IsInf(raw, 0) {
		return Reading{Quality: record.Bad, Cause: record.CauseSentinel}, nil
	}
	v := raw*d.Scale + d.Offset
	if d.Current != nil {
		r := d.fromCurrent(v)
		r.Value = roundSignificant(r.Value)
		return r, nil
	}
	return Reading{Value: roundSignificant(v), Quality: record.Good}, nil
}

// roundSignificant rounds to 12 significant digits, far finer than any
// field instrument resolves, so that 214 × 0.1 is sent as 21.4 and not as
// 21.400000000000002.
func roundSignificant(v float64) float64 {
	r, err := strconv.ParseFloat(strconv.FormatFloat(v, 'g', 12, 64), 64)
	if err != nil {
		return v
	}
	return r
}

// raw interprets the registers by type and byte order. The sign comes from
// the type, before any scaling.
func (d Decoder) raw(regs []uint16) float64 {
	switch d.Type {
	case "int16":
		return float64(int16(d.word(regs[0])))
	case "uint16":
		return float64(d.word(regs[0]))
	case "int32":
		return float64(int32(d.dword(regs)))
	case "uint32":
		return float64(d.dword(regs))
	case "float32":
		return shortestFloat32(math.Float32frombits(d.dword(regs)))
	}
	panic(fmt.Sprintf("modbus: decoder for unsupported type %q", d.Type))
}

// shortestFloat32 widens f to float64 by its shortest decimal form, so a
// device's 8558.617 stays 8558.617 and does not become the float32's exact
// binary value 8558.6171875.
func shortestFloat32(f float32) float64 {
	if math.IsNaN(float64(f)) || math.IsInf(float64(f), 0) {
		return float64(f)
	}
	v, err := strconv.ParseFloat(strconv.FormatFloat(float64(f), 'g', -1, 32), 64)
	if err != nil {
		return float64(f)
	}
	return v
}

// word applies the byte order to one register: BADC and DCBA swap bytes.
func (d Decoder) word(r uint16) uint16 {
	if d.Order == BADC || d.Order == DCBA {
		return r<<8 | r>>8
	}
	return r
}

// dword assembles two registers into 32 bits by the byte order.
func (d Decoder) dword(regs []uint16) uint32 {
	hi, lo := d.word(regs[0]), d.word(regs[1])
	if d.Order == CDAB || d.Order == DCBA {
		hi, lo = lo, hi
	}
	return uint32(hi)<<16 | uint32(lo)
}

// fromCurrent maps a loop current to engineering units over 4–20 mA, with
// NE43 quality. A failed loop gives no value, so it can never read as a
// normal 0.
func (d Decoder) fromCurrent(v float64) Reading {
	mA := v
	if d.Current.Input == "ua" {
		mA = v / microampsPerMA
	}
	eng := d.Current.Low + (mA-loopSpanLow)/(loopSpanHigh-loopSpanLow)*(d.Current.High-d.Current.Low)
	switch {
	case mA <= ne43FailLow:
		return Reading{Quality: record.Bad, Cause: record.CauseLoopFault}
	case mA >= ne43FailHigh:
		return Reading{Quality: record.Bad, Cause: record.CauseLoopFault}
	case mA < ne43RangeLow:
		return Reading{Value: eng, Quality: record.Uncertain, Cause: record.CauseUnderRange}
	case mA > ne43RangeHigh:
		return Reading{Value: eng, Quality: record.Uncertain, Cause: record.CauseOverRange}
	}
	return Reading{Value: eng, Quality: record.Good}
}
