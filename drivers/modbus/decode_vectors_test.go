package modbus

import (
	"encoding/binary"
	"math"
	"testing"

	"github.com/plantgw/plantgw/config"
	"github.com/plantgw/plantgw/record"
)

// vector is one decoding case whose expected result was worked out by hand
// from the register values, as each case's comment shows.
type vector struct {
	name    string
	point   config.Point
	regs    []uint16
	value   float64
	quality record.Quality
	cause   record.Cause
}

func typedPoint(typ string, order ByteOrder, scale float64) config.Point {
	return config.Point{Type: typ, ByteOrder: string(order), Scale: &scale}
}

func withOffset(p config.Point, offset float64) config.Point {
	p.Offset = offset
	return p
}

func withSentinels(p config.Point, sentinels ...string) config.Point {
	p.Sentinels = sentinels
	return p
}

func withClamp(p config.Point, low, high *float64) config.Point {
	p.Clamp = &config.Clamp{Low: low, High: high}
	return p
}

func withCurrent(p config.Point, c config.Current) config.Point {
	p.Current = &c
	return p
}

func float(v float64) *float64 { return &v }

func good(name string, p config.Point, regs []uint16, value float64) vector {
	return vector{name: name, point: p, regs: regs, value: value, quality: record.Good}
}

func uncertain(name string, p config.Point, regs []uint16, value float64, cause record.Cause) vector {
	return vector{name: name, point: p, regs: regs, value: value, quality: record.Uncertain, cause: cause}
}

func bad(name string, p config.Point, regs []uint16, cause record.Cause) vector {
	return vector{name: name, point: p, regs: regs, quality: record.Bad, cause: cause}
}

func checkVectors(t *testing.T, vectors []vector) {
	t.Helper()
	for _, v := range vectors {
		t.Run(v.name, func(t *testing.T) {
			got, err := NewDecoder(v.point).DecodeRegisters(v.regs, 0)
			if err != nil {
				t.Fatalf("registers %04X: error %v", v.regs, err)
			}
			if got.Quality != v.quality {
				t.Errorf("registers %04X: quality %v, want %v", v.regs, got.Quality, v.quality)
			}
			if got.Cause != v.cause {
				t.Errorf("registers %04X: cause %q, want %q", v.regs, got.Cause, v.cause)
			}
			if got.Value != v.value {
				t.Errorf("registers %04X: value %v, want %v", v.regs, got.Value, v.value)
			}
		})
	}
}

func TestDecodeIntegerVectors(t *testing.T) {
	checkVectors(t, []vector{
		// 0xFFFE as int16 = -2; ×0.5 = -1
		good("int16 ABCD", typedPoint("int16", ABCD, 0.5), []uint16{0xFFFE}, -1),
		// BADC swaps the bytes: 0xFEFF → 0xFFFE = -2; ×0.5 = -1
		good("int16 BADC", typedPoint("int16", BADC, 0.5), []uint16{0xFEFF}, -1),
		// one register has no word order: CDAB reads as ABCD, 0xFFFE = -2; ×0.5 = -1
		good("int16 CDAB", typedPoint("int16", CDAB, 0.5), []uint16{0xFFFE}, -1),
		// one register: DCBA reads as BADC, 0xFEFF → 0xFFFE = -2; ×0.5 = -1
		good("int16 DCBA", typedPoint("int16", DCBA, 0.5), []uint16{0xFEFF}, -1),
		// 0x8000 as int16 = -32768
		good("int16 minimum", typedPoint("int16", ABCD, 1), []uint16{0x8000}, -32768),
		// 0x7FFF = 32767; ×0.1 = 3276.7
		good("int16 maximum scaled", typedPoint("int16", ABCD, 0.1), []uint16{0x7FFF}, 3276.7),
		// 0xFFFE as uint16 = 65534; ×0.5 = 32767
		good("uint16 same bits unsigned", typedPoint("uint16", ABCD, 0.5), []uint16{0xFFFE}, 32767),
		// 0x3412 → 0x1234 = 4660; ×0.1 = 466
		good("uint16 BADC", typedPoint("uint16", BADC, 0.1), []uint16{0x3412}, 466),
		// 0x0064 = 100; ×0.5 = 50; -10 = 40
		good("uint16 offset after scale", withOffset(typedPoint("uint16", ABCD, 0.5), -10), []uint16{0x0064}, 40),

		// 0xFFFF_FFFE as int32 = -2; ×0.5 = -1
		good("int32 ABCD", typedPoint("int32", ABCD, 0.5), []uint16{0xFFFF, 0xFFFE}, -1),
		// low register first: 0xFFFE 0xFFFF → 0xFFFF_FFFE = -2; ×0.5 = -1
		good("int32 CDAB", typedPoint("int32", CDAB, 0.5), []uint16{0xFFFE, 0xFFFF}, -1),
		// bytes swapped in each register: 0xFFFF 0xFEFF → 0xFFFF_FFFE = -2; ×0.5 = -1
		good("int32 BADC", typedPoint("int32", BADC, 0.5), []uint16{0xFFFF, 0xFEFF}, -1),
		// little-endian: 0xFEFF 0xFFFF → 0xFFFF_FFFE = -2; ×0.5 = -1
		good("int32 DCBA", typedPoint("int32", DCBA, 0.5), []uint16{0xFEFF, 0xFFFF}, -1),
		// 0x0001_0000 = 65536; ×0.01 = 655.36
		good("int32 scaled", typedPoint("int32", ABCD, 0.01), []uint16{0x0001, 0x0000}, 655.36),
		// 0xFFFF_FFFE as uint32 = 4294967294; ×0.5 = 2147483647
		good("uint32 same bits unsigned", typedPoint("uint32", ABCD, 0.5), []uint16{0xFFFF, 0xFFFE}, 2147483647),
		// 0x1234_5678 = 305419896; ×0.001 = 305419.896
		good("uint32 ABCD", typedPoint("uint32", ABCD, 0.001), []uint16{0x1234, 0x5678}, 305419.896),
		// 0x5678 0x1234 → 0x1234_5678 = 305419896
		good("uint32 CDAB", typedPoint("uint32", CDAB, 1), []uint16{0x5678, 0x1234}, 305419896),
		// 0x3412 0x7856 → 0x1234_5678 = 305419896
		good("uint32 BADC", typedPoint("uint32", BADC, 1), []uint16{0x3412, 0x7856}, 305419896),
		// 0x7856 0x3412 → 0x1234_5678 = 305419896
		good("uint32 DCBA", typedPoint("uint32", DCBA, 1), []uint16{0x7856, 0x3412}, 305419896),
	})
}

func TestDecodeFloatVectors(t *testing.T) {
	checkVectors(t, []vector{
		// float32 1.5 = 0x3FC0_0000; ×2 = 3
		good("float32 ABCD", typedPoint("float32", ABCD, 2), []uint16{0x3FC0, 0x0000}, 3),
		good("float32 CDAB", typedPoint("float32", CDAB, 2), []uint16{0x0000, 0x3FC0}, 3),
		good("float32 BADC", typedPoint("float32", BADC, 2), []uint16{0xC03F, 0x0000}, 3),
		good("float32 DCBA", typedPoint("float32", DCBA, 2), []uint16{0x0000, 0xC03F}, 3),
		// float32 -2.5 = 0xC020_0000; +10 = 7.5
		good("float32 negative with offset", withOffset(typedPoint("float32", ABCD, 1), 10), []uint16{0xC020, 0x0000}, 7.5),
		// float32 0x3DCC_CCCD is 0.100000001490116…, shortest form 0.1; ×10 = 1
		good("float32 shortest form scaled", typedPoint("float32", ABCD, 10), []uint16{0x3DCC, 0xCCCD}, 1),
		// 0x7FC0_0000 is NaN
		bad("float32 NaN", typedPoint("float32", ABCD, 1), []uint16{0x7FC0, 0x0000}, record.CauseSentinel),
		// 0xFF80_0000 is -Inf
		bad("float32 negative infinity", typedPoint("float32", ABCD, 1), []uint16{0xFF80, 0x0000}, record.CauseSentinel),

		// float64 1.5 = 0x3FF8_0000_0000_0000; ×2 = 3
		good("float64 ABCD", typedPoint("float64", ABCD, 2), []uint16{0x3FF8, 0x0000, 0x0000, 0x0000}, 3),
		good("float64 CDAB", typedPoint("float64", CDAB, 2), []uint16{0x0000, 0x0000, 0x0000, 0x3FF8}, 3),
		good("float64 BADC", typedPoint("float64", BADC, 2), []uint16{0xF83F, 0x0000, 0x0000, 0x0000}, 3),
		good("float64 DCBA", typedPoint("float64", DCBA, 2), []uint16{0x0000, 0x0000, 0x0000, 0xF83F}, 3),
		// float64 -0.1 = 0xBFB9_9999_9999_999A; ×3 = -0.30000000000000004, rounded to 12 digits -0.3
		good("float64 scaled is rounded", typedPoint("float64", ABCD, 3), []uint16{0xBFB9, 0x9999, 0x9999, 0x999A}, -0.3),
		// float64 -9999.5 = 0xC0C3_87C0_0000_0000, unscaled
		good("float64 unscaled", typedPoint("float64", ABCD, 1), []uint16{0xC0C3, 0x87C0, 0x0000, 0x0000}, -9999.5),
		// float64 1e308 = 0x7FE1_CCF3_85EB_C8A0; ×10 overflows to +Inf
		bad("float64 overflow after scale", typedPoint("float64", ABCD, 10), []uint16{0x7FE1, 0xCCF3, 0x85EB, 0xC8A0}, record.CauseOverRange),
		// 0x7FF8_0000_0000_0001 is a NaN with a payload
		bad("float64 NaN", typedPoint("float64", DCBA, 1), []uint16{0x0100, 0x0000, 0x0000, 0xF87F}, record.CauseSentinel),
	})
}

func TestDecode64BitOrders(t *testing.T) {
	// 0x0102_0304_0506_0708 = 72623859790382856. A float64 this large is a
	// multiple of 16, so it holds the tie's even neighbour 72623859790382848;
	// the constant below converts the same way.
	const big = 72623859790382856
	checkVectors(t, []vector{
		good("uint64 ABCD", typedPoint("uint64", ABCD, 1), []uint16{0x0102, 0x0304, 0x0506, 0x0708}, big),
		good("uint64 CDAB", typedPoint("uint64", CDAB, 1), []uint16{0x0708, 0x0506, 0x0304, 0x0102}, big),
		good("uint64 BADC", typedPoint("uint64", BADC, 1), []uint16{0x0201, 0x0403, 0x0605, 0x0807}, big),
		good("uint64 DCBA", typedPoint("uint64", DCBA, 1), []uint16{0x0807, 0x0605, 0x0403, 0x0201}, big),

		// 0x0000_0001_0000_0000 = 4294967296. CDAB reverses all four
		// registers: swapping the two 32-bit halves would send 0 0 0 1, and
		// swapping the registers inside each half 1 0 0 0.
		good("uint64 CDAB is four registers reversed", typedPoint("uint64", CDAB, 1), []uint16{0x0000, 0x0000, 0x0001, 0x0000}, 4294967296),

		// 0xFFFF_FFFF_FFFF_FFFE as int64 = -2; ×0.5 = -1
		good("int64 ABCD", typedPoint("int64", ABCD, 0.5), []uint16{0xFFFF, 0xFFFF, 0xFFFF, 0xFFFE}, -1),
		good("int64 CDAB", typedPoint("int64", CDAB, 0.5), []uint16{0xFFFE, 0xFFFF, 0xFFFF, 0xFFFF}, -1),
		good("int64 BADC", typedPoint("int64", BADC, 0.5), []uint16{0xFFFF, 0xFFFF, 0xFFFF, 0xFEFF}, -1),
		good("int64 DCBA", typedPoint("int64", DCBA, 0.5), []uint16{0xFEFF, 0xFFFF, 0xFFFF, 0xFFFF}, -1),
		// the same bits as uint64 = 18446744073709551614, held as 2^64
		good("uint64 same bits unsigned", typedPoint("uint64", ABCD, 1), []uint16{0xFFFF, 0xFFFF, 0xFFFF, 0xFFFE}, 18446744073709551616),
		// 0x8000_0000_0000_0000 as int64 = -2^63
		good("int64 minimum", typedPoint("int64", ABCD, 1), []uint16{0x8000, 0x0000, 0x0000, 0x0000}, -9223372036854775808),
		// 0x0000_7048_860D_DF79 = 123456789012345: an unscaled counter keeps
		// all 15 digits
		good("uint64 counter keeps its digits", typedPoint("uint64", ABCD, 1), []uint16{0x0000, 0x7048, 0x860D, 0xDF79}, 123456789012345),
		// the same counter ×0.001 = 123456789012.345, rounded to 12 digits
		good("uint64 scaled counter rounds", typedPoint("uint64", ABCD, 0.001), []uint16{0x0000, 0x7048, 0x860D, 0xDF79}, 123456789012),
	})
}

func TestDecodeBCDVectors(t *testing.T) {
	checkVectors(t, []vector{
		// BCD 0x1234 = 1234; ×0.1 = 123.4
		good("bcd16 ABCD", typedPoint("bcd16", ABCD, 0.1), []uint16{0x1234}, 123.4),
		// 0x3412 → 0x1234 = 1234
		good("bcd16 BADC", typedPoint("bcd16", BADC, 1), []uint16{0x3412}, 1234),
		good("bcd16 CDAB", typedPoint("bcd16", CDAB, 1), []uint16{0x1234}, 1234),
		good("bcd16 DCBA", typedPoint("bcd16", DCBA, 1), []uint16{0x3412}, 1234),
		good("bcd16 maximum", typedPoint("bcd16", ABCD, 1), []uint16{0x9999}, 9999),
		good("bcd16 zero", typedPoint("bcd16", ABCD, 1), []uint16{0x0000}, 0),
		// digit 0xA is no decimal digit
		bad("bcd16 invalid digit", typedPoint("bcd16", ABCD, 1), []uint16{0x12A4}, record.CauseDeviceFault),
		bad("bcd16 all ones", typedPoint("bcd16", ABCD, 1), []uint16{0xFFFF}, record.CauseDeviceFault),

		// BCD 0x1234_5678 = 12345678; ×0.01 = 123456.78
		good("bcd32 ABCD", typedPoint("bcd32", ABCD, 0.01), []uint16{0x1234, 0x5678}, 123456.78),
		good("bcd32 CDAB", typedPoint("bcd32", CDAB, 1), []uint16{0x5678, 0x1234}, 12345678),
		good("bcd32 BADC", typedPoint("bcd32", BADC, 1), []uint16{0x3412, 0x7856}, 12345678),
		good("bcd32 DCBA", typedPoint("bcd32", DCBA, 1), []uint16{0x7856, 0x3412}, 12345678),
		good("bcd32 maximum", typedPoint("bcd32", ABCD, 1), []uint16{0x9999, 0x9999}, 99999999),
		// the low register's digit 0xF is no decimal digit
		bad("bcd32 invalid digit", typedPoint("bcd32", ABCD, 1), []uint16{0x0000, 0x00F0}, record.CauseDeviceFault),
	})
}

func TestDecodeSentinelVectors(t *testing.T) {
	checkVectors(t, []vector{
		bad("int16 hex", withSentinels(typedPoint("int16", ABCD, 0.1), "0x7FFF"), []uint16{0x7FFF}, record.CauseSentinel),
		// 0x7FFE = 32766 is no sentinel; ×0.1 = 3276.6
		good("int16 next to sentinel", withSentinels(typedPoint("int16", ABCD, 0.1), "0x7FFF"), []uint16{0x7FFE}, 3276.6),
		// -32768 as int16 is 0x8000
		bad("int16 decimal", withSentinels(typedPoint("int16", ABCD, 1), "-32768"), []uint16{0x8000}, record.CauseSentinel),
		// BADC: 0x0080 → 0x8000 = -32768; the byte order applies before the match
		bad("int16 after byte order", withSentinels(typedPoint("int16", BADC, 1), "-32768"), []uint16{0x0080}, record.CauseSentinel),
		// the raw value 100 is the sentinel, although ×0.1 it reads 10
		bad("compared before scale", withSentinels(typedPoint("int16", ABCD, 0.1), "100"), []uint16{0x0064}, record.CauseSentinel),
		// raw 1000 is no sentinel, although ×0.1 it reads 100
		good("not compared after scale", withSentinels(typedPoint("int16", ABCD, 0.1), "100"), []uint16{0x03E8}, 100),
		bad("uint16 decimal", withSentinels(typedPoint("uint16", ABCD, 1), "65535"), []uint16{0xFFFF}, record.CauseSentinel),
		// -1 as int32 is 0xFFFF_FFFF
		bad("int32 CDAB", withSentinels(typedPoint("int32", CDAB, 1), "-1"), []uint16{0xFFFF, 0xFFFF}, record.CauseSentinel),
		// float32 -9999 = 0xC61C_3C00
		bad("float32 ABCD", withSentinels(typedPoint("float32", ABCD, 1), "-9999"), []uint16{0xC61C, 0x3C00}, record.CauseSentinel),
		bad("float32 CDAB", withSentinels(typedPoint("float32", CDAB, 1), "-9999"), []uint16{0x3C00, 0xC61C}, record.CauseSentinel),
		// float32 -9998 = 0xC61C_3800 is no sentinel
		good("float32 next to sentinel", withSentinels(typedPoint("float32", ABCD, 1), "-9999"), []uint16{0xC61C, 0x3800}, -9998),
		// a NaN whose payload differs from the listed quiet NaN is still bad
		bad("float32 any NaN", withSentinels(typedPoint("float32", ABCD, 1), "NaN"), []uint16{0x7FC0, 0x0001}, record.CauseSentinel),
		// 0x8000_0000_0000_0000 is int64's minimum
		bad("int64 DCBA", withSentinels(typedPoint("int64", DCBA, 1), "0x8000000000000000"), []uint16{0x0000, 0x0000, 0x0000, 0x0080}, record.CauseSentinel),
		// 0xFFFF is no BCD, but as a listed sentinel it is reported as one
		bad("bcd16 pattern before digit check", withSentinels(typedPoint("bcd16", ABCD, 1), "0xFFFF"), []uint16{0xFFFF}, record.CauseSentinel),
		// the reading 9999 is the register 0x9999
		bad("bcd16 decimal", withSentinels(typedPoint("bcd16", ABCD, 1), "9999"), []uint16{0x9999}, record.CauseSentinel),
		// the reading 99999999 is the registers 0x9999 0x9999
		bad("bcd32 decimal", withSentinels(typedPoint("bcd32", CDAB, 1), "99999999"), []uint16{0x9999, 0x9999}, record.CauseSentinel),
	})
}

func TestDecodeClampVectors(t *testing.T) {
	both := withClamp(typedPoint("int16", ABCD, 0.1), float(0), float(100))
	checkVectors(t, []vector{
		// 0xFFF6 = -10; ×0.1 = -1, below 0
		uncertain("below low", both, []uint16{0xFFF6}, 0, record.CauseUnderRange),
		// 1005 ×0.1 = 100.5, above 100
		uncertain("above high", both, []uint16{0x03ED}, 100, record.CauseOverRange),
		// 1000 ×0.1 = 100, on the bound
		good("at high", both, []uint16{0x03E8}, 100),
		good("at low", both, []uint16{0x0000}, 0),
		// 0xFFF6 = -10 with no low bound
		good("high only passes low values", withClamp(typedPoint("int16", ABCD, 1), nil, float(50)), []uint16{0xFFF6}, -10),
		// 60 > 50
		uncertain("high only", withClamp(typedPoint("int16", ABCD, 1), nil, float(50)), []uint16{0x003C}, 50, record.CauseOverRange),
		// unscaled float32 -2.5 = 0xC020_0000, below -1
		uncertain("unscaled value", withClamp(typedPoint("float32", ABCD, 1), float(-1), nil), []uint16{0xC020, 0x0000}, -1, record.CauseUnderRange),
		// the sentinel wins: no value to clamp
		bad("sentinel not clamped", withClamp(withSentinels(typedPoint("int16", ABCD, 1), "0x7FFF"), nil, float(50)), []uint16{0x7FFF}, record.CauseSentinel),
		// 3700 µA = 3.7 mA → (3.7-4)/16 × 100 = -1.875, NE43 uncertain, then clamped to 0
		uncertain("after loop current", withClamp(withCurrent(typedPoint("int16", ABCD, 1), config.Current{Input: "ua", Low: 0, High: 100}), float(0), nil),
			[]uint16{0x0E74}, 0, record.CauseUnderRange),
	})
}

func TestDecodeCountsVectors(t *testing.T) {
	// 0..16000 counts = 4..20 mA, so 1000 counts per mA, mapped to 0..100.
	counts := withCurrent(typedPoint("int16", ABCD, 1), config.Current{Input: "counts", RawLow: 0, RawHigh: 16000, Low: 0, High: 100})
	checkVectors(t, []vector{
		// 0 counts = 4 mA = 0
		good("raw low", counts, []uint16{0x0000}, 0),
		// 8000 counts = 12 mA = 50
		good("middle", counts, []uint16{0x1F40}, 50),
		// 16000 counts = 20 mA = 100
		good("raw high", counts, []uint16{0x3E80}, 100),
		// 0xFED4 = -300 counts = 3.7 mA → (3.7-4)/16 × 100 = -1.875
		uncertain("below range", counts, []uint16{0xFED4}, -1.875, record.CauseUnderRange),
		// 0xFE0C = -500 counts = 3.5 mA, at or below 3.6
		bad("loop failed low", counts, []uint16{0xFE0C}, record.CauseLoopFault),
		// 16600 counts = 20.6 mA → 16.6/16 × 100 = 103.75
		uncertain("above range", counts, []uint16{0x40D8}, 103.75, record.CauseOverRange),
		// 17000 counts = 21 mA, at or above 21
		bad("loop failed high", counts, []uint16{0x4268}, record.CauseLoopFault),
		// an S7 analog module: 0..27648 = 4..20 mA; 20736 counts = 16 mA → 75 % of 0..100
		good("S7 module", withCurrent(typedPoint("int16", ABCD, 1), config.Current{Input: "counts", RawLow: 0, RawHigh: 27648, Low: 0, High: 100}),
			[]uint16{0x5100}, 75),
		// falling counts: 32000..0 = 4..20 mA; 8000 counts = 4 + 24000/32000 × 16 = 16 mA → 75
		good("falling counts", withCurrent(typedPoint("uint16", ABCD, 1), config.Current{Input: "counts", RawLow: 32000, RawHigh: 0, Low: 0, High: 100}),
			[]uint16{0x1F40}, 75),
	})
}

// wireRegisters splits a byte string as it travels on the wire into
// registers, high byte first as Modbus sends each register.
func wireRegisters(wire []byte) []uint16 {
	regs := make([]uint16, len(wire)/2)
	for i := range regs {
		regs[i] = binary.BigEndian.Uint16(wire[2*i:])
	}
	return regs
}

// swapPairs swaps the two bytes of each register in a wire byte string.
func swapPairs(wire []byte) []byte {
	out := make([]byte, len(wire))
	for i := 0; i+1 < len(wire); i += 2 {
		out[i], out[i+1] = wire[i+1], wire[i]
	}
	return out
}

// TestByteOrdersMatchWireBytes checks every order against encoding/binary:
// ABCD sends the value big-endian, DCBA little-endian, BADC big-endian with
// the bytes of each register swapped and CDAB little-endian with them
// swapped.
func TestByteOrdersMatchWireBytes(t *testing.T) {
	values := []uint64{0x0102030405060708, 0xFEDCBA9876543210, 0x8000000000000001, 0x00000000FFFF0000}
	for _, value := range values {
		big := binary.BigEndian.AppendUint64(nil, value)
		little := binary.LittleEndian.AppendUint64(nil, value)
		wire := map[ByteOrder][]byte{ABCD: big, DCBA: little, BADC: swapPairs(big), CDAB: swapPairs(little)}
		for order, bytes := range wire {
			d := Decoder{Type: "uint64", Order: order, Bit: -1, Scale: 1}
			if got := d.Order.assemble(wireRegisters(bytes)); got != value {
				t.Errorf("%s of wire % X = %#016x, want %#016x", order, bytes, got, value)
			}
			got, err := d.DecodeRegisters(wireRegisters(bytes), 0)
			if err != nil || got.Value != float64(value) {
				t.Errorf("%s of wire % X decoded as %v, %v; want %v", order, bytes, got.Value, err, float64(value))
			}
		}

		value32 := uint32(value)
		big32 := binary.BigEndian.AppendUint32(nil, value32)
		little32 := binary.LittleEndian.AppendUint32(nil, value32)
		wire32 := map[ByteOrder][]byte{ABCD: big32, DCBA: little32, BADC: swapPairs(big32), CDAB: swapPairs(little32)}
		for order, bytes := range wire32 {
			if got := order.assemble(wireRegisters(bytes)); got != uint64(value32) {
				t.Errorf("%s of wire % X = %#08x, want %#08x", order, bytes, got, value32)
			}
		}
	}
}

func TestDecodeFloat64MatchesMathBits(t *testing.T) {
	for _, want := range []float64{0, -0.5, math.Pi, 1e-300, -math.MaxFloat64, math.SmallestNonzeroFloat64} {
		b := math.Float64bits(want)
		regs := []uint16{uint16(b >> 48), uint16(b >> 32), uint16(b >> 16), uint16(b)}
		d := Decoder{Type: "float64", Order: ABCD, Bit: -1, Scale: 1}
		got, err := d.DecodeRegisters(regs, 0)
		if err != nil || got.Value != want || got.Quality != record.Good {
			t.Errorf("float64 %v from %04X decoded as %+v, %v", want, regs, got, err)
		}
	}
}
