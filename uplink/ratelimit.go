package uplink

import (
	"sync"
	"time"
)

// logInterval is the least time between two log lines of one kind that
// can repeat for every message, such as invalid platform acks.
const logInterval = time.Minute

// rateLimiter allows one event per logInterval. It is safe for
// concurrent use.
type rateLimiter struct {
	mu   sync.Mutex
	last time.Time
}

// allow reports whether an event at now may be logged.
func (r *rateLimiter) allow(now time.Time) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	if !r.last.IsZero() && now.Sub(r.last) < logInterval {
		return false
	}
	r.last = now
	return true
}
