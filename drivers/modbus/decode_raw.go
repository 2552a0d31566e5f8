package modbus

import (
	"fmt"
	"math"

	"github.com/plantgw/plantgw/config"
)

// raw interprets the assembled bits by type. The type decides the sign,
// before any scaling. ok is false for BCD bits with a digit above 9.
//
// NOTE: int64 and uint64 values beyond ±2^53 lose their lowest digits in
// the float64 that carries every value. Sentinels still compare exactly.
func (d Decoder) raw(bits uint64) (value float64, ok bool) {
	switch d.Type {
	case "int16":
		return float64(int16(bits)), true
	case "int32":
		return float64(int32(bits)), true
	case "int64":
		return float64(int64(bits)), true
	case "uint16", "uint32", "uint64":
		return float64(bits), true
	case "float32":
		return shortestFloat32(math.Float32frombits(uint32(bits))), true
	case "float64":
		return math.Float64frombits(bits), true
	case "bcd16":
		return fromBCD(bits, 4)
	case "bcd32":
		return fromBCD(bits, 8)
	}
	panic(fmt.Sprintf("modbus: decoder for unsupported type %q", d.Type))
}

// fromBCD reads the low digits of bits as packed BCD, 4 bits per decimal
// digit with the most significant digit highest.
func fromBCD(bits uint64, digits int) (float64, bool) {
	var n uint64
	for i := digits - 1; i >= 0; i-- {
		digit := (bits >> (4 * i)) & 0xF
		if digit > 9 {
			return 0, false
		}
		n = n*10 + digit
	}
	return float64(n), true
}

// parseSentinels converts a validated point's sentinels for its decoder.
func parseSentinels(pointType string, texts []string) []uint64 {
	if len(texts) == 0 {
		return nil
	}
	out := make([]uint64, 0, len(texts))
	for _, text := range texts {
		bits, ok := config.ParseSentinel(pointType, text)
		if !ok {
			panic(fmt.Sprintf("modbus: sentinel %q is not a %s value; the config was not validated", text, pointType))
		}
		out = append(out, bits)
	}
	return out
}

// isSentinel reports whether the assembled bits are one of the point's
// sentinels. Every NaN and infinity of a float type is treated as a
// sentinel later, whether or not it is listed.
func (d Decoder) isSentinel(bits uint64) bool {
	for _, s := range d.Sentinels {
		if bits == s {
			return true
		}
	}
	return false
}
