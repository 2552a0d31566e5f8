package modbus

import (
	"fmt"
	"math"

	"github.com/plantgw/plantgw/config"
	"github.com/plantgw/plantgw/record"
)

// Decoder turns a point's raw registers or bits into a value with quality.
type Decoder struct {
	Type   string
	Order  ByteOrder
	Bit    int // -1 when the point is a whole register
	Scale  float64
	Offset float64
	// Sentinels are raw values that mean "no valid reading", as
	// config.ParseSentinel returns them: the bits assembled by Order, before
	// the type gives them a sign or a scale.
	Sentinels []uint64
	Current   *config.Current
	Clamp     *config.Clamp
	FaultMask uint16
	// Length is the number of registers of a string point.
	Length uint16
}

// NewDecoder builds the decoder for a validated config point. It panics on
// a sentinel that config validation would have rejected.
func NewDecoder(p config.Point) Decoder {
	d := Decoder{Type: p.Type, Order: ByteOrder(p.ByteOrder), Bit: -1, Scale: 1, Offset: p.Offset, Current: p.Current, Clamp: p.Clamp}
	if p.Scale != nil {
		d.Scale = *p.Scale
	}
	if p.Bit != nil {
		d.Bit = *p.Bit
	}
	if p.Fault != nil {
		d.FaultMask = p.Fault.Mask
	}
	if p.Length != nil {
		d.Length = uint16(*p.Length)
	}
	d.Sentinels = parseSentinels(p.Type, p.Sentinels)
	return d
}

// Registers is how many 16-bit registers the point's value spans.
func (d Decoder) Registers() uint16 {
	switch d.Type {
	case "int32", "uint32", "float32", "bcd32":
		return 2
	case "int64", "uint64", "float64":
		return 4
	case config.TextType:
		return d.Length
	}
	return 1
}

// Reading is a decoded value and its quality.
type Reading struct {
	Value   float64
	IsBool  bool
	Bool    bool
	IsText  bool
	Text    string
	Quality record.Quality
	Cause   record.Cause
}

// DecodeBit decodes a coil or discrete input.
func (d Decoder) DecodeBit(on bool) Reading {
	return Reading{IsBool: true, Bool: on, Quality: record.Good}
}

// DecodeRegisters decodes regs, which hold exactly Registers() words as
// read from the device. status is the device's status register when the
// point has a fault mask. It does not allocate unless it returns an error
// or decodes a string point.
func (d Decoder) DecodeRegisters(regs []uint16, status uint16) (Reading, error) {
	if len(regs) != int(d.Registers()) {
		return Reading{Quality: record.Bad, Cause: record.CauseException},
			fmt.Errorf("decode %s: got %d registers, want %d", d.Type, len(regs), d.Registers())
	}
	if d.FaultMask != 0 && status&d.FaultMask != 0 {
		return Reading{Quality: record.Bad, Cause: record.CauseDeviceFault}, nil
	}
	if d.Type == config.TextType {
		return d.decodeText(regs), nil
	}
	if d.Bit >= 0 {
		return Reading{IsBool: true, Bool: regs[0]>>d.Bit&1 == 1, Quality: record.Good}, nil
	}

	bits := d.Order.assemble(regs)
	if d.isSentinel(bits) {
		return Reading{Quality: record.Bad, Cause: record.CauseSentinel}, nil
	}
	raw, ok := d.raw(bits)
	if !ok {
		// Only BCD has bit patterns that are no value: a digit above 9.
		// Byte order cannot create one, so the device sent a code that is
		// not a reading, such as a not-ready or fault code. The cause is
		// device_fault because the device, not the line (exception) or a
		// configured value (sentinel), failed to give a reading.
		return Reading{Quality: record.Bad, Cause: record.CauseDeviceFault}, nil
	}
	if math.IsNaN(raw) || math.IsInf(raw, 0) {
		return Reading{Quality: record.Bad, Cause: record.CauseSentinel}, nil
	}
	return d.engineering(raw), nil
}

// engineering scales raw, maps a loop current and applies the clamp.
func (d Decoder) engineering(raw float64) Reading {
	if d.Scale == 1 && d.Offset == 0 && d.Current == nil {
		// Without arithmetic there is no binary rounding error to remove,
		// so a 64-bit counter keeps every digit that a float64 holds.
		return d.clamp(Reading{Value: raw, Quality: record.Good})
	}
	v := raw*d.Scale + d.Offset
	if math.IsInf(v, 0) {
		// A finite raw value overflows only when it is a float near its
		// limit or the scale is huge.
		cause := record.CauseOverRange
		if v < 0 {
			cause = record.CauseUnderRange
		}
		return Reading{Quality: record.Bad, Cause: cause}
	}
	r := Reading{Value: v, Quality: record.Good}
	if d.Current != nil {
		r = d.fromCurrent(v)
	}
	r.Value = roundSignificant(r.Value)
	return d.clamp(r)
}

// clamp bounds the value of a good or uncertain reading by the point's
// clamp. A clamped reading is uncertain because the true value lies beyond
// the bound.
func (d Decoder) clamp(r Reading) Reading {
	c := d.Clamp
	if c == nil || r.Quality == record.Bad {
		return r
	}
	switch {
	case c.Low != nil && r.Value < *c.Low:
		return Reading{Value: *c.Low, Quality: record.Uncertain, Cause: record.CauseUnderRange}
	case c.High != nil && r.Value > *c.High:
		return Reading{Value: *c.High, Quality: record.Uncertain, Cause: record.CauseOverRange}
	}
	return r
}
