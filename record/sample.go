package record

import "time"

// Sample is one decoded reading of a point.
type Sample struct {
	Point string
	// Time is the wall-clock time at which the gateway read the value.
	Time time.Time
	// ClockSynced is false when Time was taken before the system clock was
	// known to be synchronised.
	ClockSynced bool
	// Value is the reading in engineering units. It is meaningless when
	// Quality is Bad or when IsBool or IsText is set.
	Value float64
	// IsBool marks contact points (coils, discrete inputs, register bits),
	// whose reading is Bool.
	IsBool bool
	Bool   bool
	// IsText marks text points (type string), whose reading is Text:
	// printable ASCII without trailing padding. Text points never alarm.
	IsText bool
	Text   string
	// Raw holds the registers the value was decoded from, for diagnostics.
	Raw     []uint16
	Quality Quality
	Cause   Cause
	// Code is the Modbus exception code when Cause is CauseException and
	// the device sent one; 0 otherwise.
	Code byte
}

// Valid reports whether the sample carries a reading (good or uncertain).
func (s Sample) Valid() bool { return s.Quality != Bad }
