package gateway

import (
	"time"

	"github.com/plantgw/plantgw/record"
)

// restampRecord returns a stored sample, event or bulk part with its time
// moved by shift and its ClockSynced set to synced. It returns ok false
// for a payload that does not decode, which stays as it is.
func restampRecord(payload []byte, shift time.Duration, synced bool) (out []byte, ok bool) {
	d, err := record.Decode(payload)
	switch {
	case err != nil:
		return nil, false
	case d.Sample != nil:
		s := d.Sample
		s.Time, s.ClockSynced = s.Time.Add(shift), synced
		return record.EncodeSample(*s), true
	case d.Bulk != nil:
		b := d.Bulk
		b.Time, b.ClockSynced = b.Time.Add(shift), synced
		return record.EncodeBulk(*b), true
	default:
		e := d.Event
		e.Time, e.ClockSynced = e.Time.Add(shift), synced
		return record.EncodeEvent(*e), true
	}
}

// recordTime returns the time of a stored sample, event or bulk part.
func recordTime(payload []byte) (time.Time, bool) {
	d, err := record.Decode(payload)
	switch {
	case err != nil:
		return time.Time{}, false
	case d.Sample != nil:
		return d.Sample.Time, true
	case d.Bulk != nil:
		return d.Bulk.Time, true
	default:
		return d.Event.Time, true
	}
}

// restampAll returns a buffer.RestampRequest Rewrite for records that were
// all stamped before a step of shift.
func restampAll(shift time.Duration, synced bool) func([]byte) ([]byte, bool) {
	return func(payload []byte) ([]byte, bool) {
		return restampRecord(payload, shift, synced)
	}
}

// restampOldClock returns a Rewrite for records stamped shortly before or
// after a step of shift, which the old clock read as oldNow and the new
// clock as newNow. It re-stamps a record only when its time is nearer to
// oldNow than to newNow, so records already stamped by the new clock keep
// their time.
// NOTE: both clocks stamp records within about a second of the step here,
// so a step of less than about 2 s can leave an old record unchanged or
// move a new one.
func restampOldClock(shift time.Duration, oldNow, newNow time.Time, synced bool) func([]byte) ([]byte, bool) {
	return func(payload []byte) ([]byte, bool) {
		at, ok := recordTime(payload)
		if !ok || at.Sub(oldNow).Abs() >= at.Sub(newNow).Abs() {
			return nil, false
		}
		return restampRecord(payload, shift, synced)
	}
}
