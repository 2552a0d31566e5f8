package modbus

import "github.com/plantgw/plantgw/record"

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

// fromCurrent maps a loop current to engineering units over 4–20 mA, with
// NE43 quality. A failed loop gives no value, so it can never read as a
// normal 0.
func (d Decoder) fromCurrent(v float64) Reading {
	mA := d.milliamps(v)
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

// milliamps converts the scaled register value to mA by Current.Input: ua
// is in µA, counts maps RawLow..RawHigh linearly to 4..20 mA, and ma is
// already in mA. Counts beyond either end extrapolate, so NE43 can judge
// them.
func (d Decoder) milliamps(v float64) float64 {
	c := d.Current
	switch c.Input {
	case "ua":
		return v / microampsPerMA
	case "counts":
		// Multiplying first keeps whole counts exact, so only the division
		// and the addition round.
		return loopSpanLow + (v-c.RawLow)*(loopSpanHigh-loopSpanLow)/(c.RawHigh-c.RawLow)
	}
	return v
}
