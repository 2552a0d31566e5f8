package main

import "math"

// Status bits of the gas detectors, input register 1 of RTU units 1..5.
const (
	statusSensorFault uint16 = 1 << 0
	statusLoopFault   uint16 = 1 << 1 // detector current below 3.6 mA
	statusCalibrating uint16 = 1 << 2
	statusOverRange   uint16 = 1 << 3
)

// The combustible gas detectors (RTU units 1..4) report their firmware
// version as ASCII in holding registers 100..103, two characters per
// register with the first in the high byte, padded with NUL bytes.
const (
	detectorFirmware          = "V2.1.7"
	detectorFirmwareAddress   = 100
	detectorFirmwareRegisters = 4
)

// aiChannels is the channel count of the AI-401 input module.
const aiChannels = 8

// roundClamp rounds v half away from zero and limits it to [lo, hi].
func roundClamp(v, lo, hi float64) float64 {
	return math.Max(lo, math.Min(hi, math.Round(v)))
}

// encodeTenthsInt16 encodes v in units of 0.1 as a two's-complement int16,
// so −8.5 becomes −85, sent as 0xFFAB.
func encodeTenthsInt16(v float64) uint16 {
	return uint16(int16(roundClamp(v*10, math.MinInt16, math.MaxInt16)))
}

// encodeTenthsUint16 encodes v in units of 0.1 as an unsigned 16-bit value.
func encodeTenthsUint16(v float64) uint16 {
	return uint16(roundClamp(v*10, 0, math.MaxUint16))
}

// encodeFloat32CDAB encodes v as an IEEE-754 float32 in two registers with
// swapped words: the first register holds the low 16 bits of the float's
// bits, the second the high 16 bits. Each register is big-endian on the wire.
func encodeFloat32CDAB(v float64) [2]uint16 {
	bits := math.Float32bits(float32(v))
	return [2]uint16{uint16(bits), uint16(bits >> 16)}
}

// pressureToMicroamps converts a PT-401 pressure (MPa, span 0–1.6 MPa) to
// its 4–20 mA loop current in µA.
func pressureToMicroamps(mpa float64) int16 {
	return int16(roundClamp(4000+mpa/pressureSpanMPa*16000, math.MinInt16, math.MaxInt16))
}

// encodeASCII packs text into registers, two characters per register with
// the first in the high byte, and pads the rest with NUL bytes. Text
// longer than the registers hold is cut off.
func encodeASCII(text string, registers int) []uint16 {
	bytes := make([]byte, 2*registers)
	copy(bytes, text)
	out := make([]uint16, registers)
	for i := range out {
		out[i] = uint16(bytes[2*i])<<8 | uint16(bytes[2*i+1])
	}
	return out
}

// gasRegisters returns input registers 0..1 of a gas detector. A detector
// with a loop fault reads 0 in its concentration register.
func gasRegisters(d detectorReading, encoded uint16) []uint16 {
	if d.status&statusLoopFault != 0 {
		encoded = 0
	}
	return []uint16{encoded, d.status}
}

// rtuImage returns the data tables of a unit on the RTU bus, and false when
// no such unit is on the bus.
func rtuImage(r *readings, unit byte) (registerImage, bool) {
	switch {
	case unit >= 1 && unit <= 4:
		gas := r.gas[unit-1]
		return registerImage{
			input:        gasRegisters(gas, encodeTenthsInt16(gas.conc)),
			holding:      encodeASCII(detectorFirmware, detectorFirmwareRegisters),
			holdingStart: detectorFirmwareAddress,
		}, true
	case unit == 5:
		return registerImage{input: gasRegisters(r.h2s, encodeTenthsUint16(r.h2s.conc))}, true
	default:
		return registerImage{}, false
	}
}

// tcpImage returns the data tables of a unit behind the Modbus TCP listener,
// and false when no such unit exists.
func tcpImage(r *readings, unit byte) (registerImage, bool) {
	switch unit {
	case 1, 2:
		words := encodeFloat32CDAB(r.level[unit-1])
		return registerImage{holding: words[:]}, true
	case 3:
		return registerImage{input: []uint16{encodeTenthsInt16(r.temp)}}, true
	case 4:
		channels := make([]uint16, aiChannels)
		channels[0] = uint16(r.ai0Microamps)
		return registerImage{input: channels}, true
	case 5, 6:
		v := r.valves[unit-5]
		return registerImage{
			coils:          []bool{v.command},
			discreteInputs: []bool{v.open, v.closed},
		}, true
	default:
		return registerImage{}, false
	}
}

// valveIndex returns the index into readings.valves of a valve unit.
func valveIndex(bus busID, unit byte) (int, bool) {
	if bus == tcpBus && (unit == 5 || unit == 6) {
		return int(unit) - 5, true
	}
	return 0, false
}
