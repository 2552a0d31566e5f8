package web

import (
	"sync"
	"time"
)

// Login limits: after freeFailures failed logins within failureWindow,
// each further attempt on the same client address or account name waits
// a lockout that doubles from firstLockout up to maxLockout.
const (
	freeFailures  = 5
	failureWindow = 15 * time.Minute
	firstLockout  = 30 * time.Second
	maxLockout    = 15 * time.Minute
	// maxLimitKeys bounds the addresses and names tracked; past it the
	// entry not failed for the longest is forgotten.
	maxLimitKeys = 1024
)

type failures struct {
	count int
	last  time.Time
}

// loginLimiter counts failed logins per key (client address, account
// name).
type loginLimiter struct {
	mu   sync.Mutex
	keys map[string]*failures
}

func newLoginLimiter() *loginLimiter { return &loginLimiter{keys: map[string]*failures{}} }

// wait returns how long key must still wait before it may try again.
func (l *loginLimiter) wait(key string, now time.Time) time.Duration {
	l.mu.Lock()
	defer l.mu.Unlock()
	f, ok := l.keys[key]
	if !ok || f.count < freeFailures {
		return 0
	}
	if now.Sub(f.last) >= failureWindow {
		delete(l.keys, key)
		return 0
	}
	lock := firstLockout << min(f.count-freeFailures, 5)
	lock = min(lock, maxLockout)
	if left := f.last.Add(lock).Sub(now); left > 0 {
		return left
	}
	return 0
}

func (l *loginLimiter) fail(key string, now time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	f, ok := l.keys[key]
	if !ok {
		if len(l.keys) >= maxLimitKeys {
			l.forgetOldestLocked()
		}
		f = &failures{}
		l.keys[key] = f
	}
	if now.Sub(f.last) >= failureWindow {
		f.count = 0
	}
	f.count++
	f.last = now
}

func (l *loginLimiter) succeed(key string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	delete(l.keys, key)
}

func (l *loginLimiter) forgetOldestLocked() {
	var oldest string
	var at time.Time
	for k, f := range l.keys {
		if at.IsZero() || f.last.Before(at) {
			oldest, at = k, f.last
		}
	}
	delete(l.keys, oldest)
}
