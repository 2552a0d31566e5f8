package gateway

import (
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/plantgw/plantgw/config"
)

// plausibleSince is a date before which the system clock cannot be right:
// gateways without a battery-backed clock boot in 1970.
var plausibleSince = time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)

// kernelCheckEvery bounds how often the kernel's synchronisation state is
// read: wallClock stamps every sample.
const kernelCheckEvery = time.Second

// systemClock stamps this process's readings and events. There is one per
// process because the kernel's synchronisation state it caches is one per
// machine.
var systemClock = newSyncClock(time.Now, kernelClockSynced)

// wallClock returns the time to stamp a reading or event with, and
// whether the clock is synchronised (see syncClock.now).
func wallClock() (time.Time, bool) { return systemClock.now() }

// useClockSource sets what makes the system clock count as synchronised,
// from site.clock, and the logger for the clock's warnings.
func useClockSource(source string, log *slog.Logger) {
	systemClock.configure(source == config.ClockRTC, log)
}

// syncClock reads the wall clock and decides whether its time can be
// trusted.
type syncClock struct {
	wall func() time.Time
	// kernelSynced returns whether the kernel reports the clock
	// synchronised by NTP, or an error when it cannot tell.
	kernelSynced func() (bool, error)
	// trustRTC counts any plausible time as synchronised, for sites
	// with a battery-backed clock and no NTP.
	trustRTC atomic.Bool
	log      atomic.Pointer[slog.Logger]

	mu sync.Mutex
	// checkedAt is the time of the last kernel check, with its monotonic
	// reading, and synced its result.
	checkedAt time.Time
	synced    bool
	// fallbackLogged is set once the fallback to plausibility is logged.
	fallbackLogged bool
}

func newSyncClock(wall func() time.Time, kernelSynced func() (bool, error)) *syncClock {
	c := &syncClock{wall: wall, kernelSynced: kernelSynced}
	c.log.Store(slog.Default())
	return c
}

func (c *syncClock) configure(trustRTC bool, log *slog.Logger) {
	c.trustRTC.Store(trustRTC)
	if log != nil {
		c.log.Store(log)
	}
}

// now returns the wall-clock time and whether it is synchronised: it is
// plausible (after plausibleSince) and, unless trustRTC is set, the
// kernel reports it synchronised. Where the kernel cannot tell, a
// plausible time counts as synchronised.
func (c *syncClock) now() (time.Time, bool) {
	now := c.wall()
	if !now.After(plausibleSince) {
		return now, false
	}
	if c.trustRTC.Load() {
		return now, true
	}
	return now, c.kernelState(now)
}

// kernelState returns the kernel's synchronisation state, read at most
// once every kernelCheckEvery by now's monotonic reading.
func (c *syncClock) kernelState(now time.Time) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.checkedAt.IsZero() {
		if age := now.Sub(c.checkedAt); age >= 0 && age < kernelCheckEvery {
			return c.synced
		}
	}
	synced, err := c.kernelSynced()
	if err != nil {
		synced = true
		if !c.fallbackLogged {
			c.fallbackLogged = true
			c.log.Load().Warn("kernel clock synchronisation state unavailable; a plausible clock counts as synchronised", "err", err)
		}
	}
	c.checkedAt, c.synced = now, synced
	return synced
}
