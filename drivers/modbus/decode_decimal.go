package modbus

import (
	"math"
	"strconv"
)

// decimalBufferSize fits the longest texts below: 12 significant digits of
// a float64, such as "-1.79769313486e+308" (19 bytes), and the shortest
// form of a float32, such as "-1.1754944e-38" (14 bytes). strconv.ParseFloat
// copies its input only into errors, so the string(text) conversion does
// not escape, and the Go compiler (checked with Go 1.26) then builds a
// string of at most 32 bytes on the stack.
const decimalBufferSize = 32

// roundSignificant rounds to 12 significant digits, far finer than any
// field instrument resolves, so that 214 × 0.1 is sent as 21.4 and not as
// 21.400000000000002. It goes through the decimal text because that
// rounds exactly, where multiplying by a power of ten adds a rounding step
// of its own. TestDecodeDoesNotAllocate checks that it does not allocate.
//
// NOTE: a scaled value with more than 12 significant digits, such as a
// large 64-bit counter times 0.001, loses its trailing digits here.
func roundSignificant(v float64) float64 {
	var buf [decimalBufferSize]byte
	text := strconv.AppendFloat(buf[:0], v, 'g', 12, 64)
	r, err := strconv.ParseFloat(string(text), 64)
	if err != nil {
		return v
	}
	return r
}

// shortestFloat32 widens f to float64 by its shortest decimal form, so a
// device's 8558.617 stays 8558.617 and does not become the float32's exact
// binary value 8558.6171875. Like roundSignificant, it does not allocate.
func shortestFloat32(f float32) float64 {
	if math.IsNaN(float64(f)) || math.IsInf(float64(f), 0) {
		return float64(f)
	}
	var buf [decimalBufferSize]byte
	text := strconv.AppendFloat(buf[:0], float64(f), 'g', -1, 32)
	v, err := strconv.ParseFloat(string(text), 64)
	if err != nil {
		return float64(f)
	}
	return v
}
