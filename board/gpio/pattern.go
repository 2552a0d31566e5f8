package gpio

import (
	"time"

	"github.com/plantgw/plantgw/alarm"
)

// Pulse timings. Pulsed is 1 Hz at 50 % duty. SlowPulse is a short pulse
// every 4 s (0.25 Hz), so a fault sounds different from an alarm.
const (
	pulsedPeriod    = time.Second
	pulsedOn        = 500 * time.Millisecond
	slowPulsePeriod = 4 * time.Second
	slowPulseOn     = 500 * time.Millisecond
)

func timing(p alarm.Pattern) (period, on time.Duration) {
	switch p {
	case alarm.Pulsed:
		return pulsedPeriod, pulsedOn
	case alarm.SlowPulse:
		return slowPulsePeriod, slowPulseOn
	}
	return 0, 0
}

// pulseOn returns whether an active output with pattern p is in its on
// phase elapsed after the pattern started. Steady is always on.
func pulseOn(p alarm.Pattern, elapsed time.Duration) bool {
	period, on := timing(p)
	if period == 0 {
		return true
	}
	if elapsed < 0 {
		elapsed = 0
	}
	return elapsed%period < on
}

// untilToggle returns the time from elapsed to the pattern's next edge.
func untilToggle(p alarm.Pattern, elapsed time.Duration) time.Duration {
	period, on := timing(p)
	if period == 0 {
		return time.Hour
	}
	if elapsed < 0 {
		elapsed = 0
	}
	phase := elapsed % period
	if phase < on {
		return on - phase
	}
	return period - phase
}
