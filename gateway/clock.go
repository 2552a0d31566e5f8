package gateway

import "time"

// plausibleSince is a date before which the system clock cannot be right:
// gateways without a battery-backed clock boot in 1970.
var plausibleSince = time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)

// wallClock stamps readings and events.
// NOTE: "synced" only means plausible; checking NTP state is not done yet.
func wallClock() (time.Time, bool) {
	now := time.Now()
	return now, now.After(plausibleSince)
}
