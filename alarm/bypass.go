package alarm

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/plantgw/plantgw/record"
)

// MaxBypass is the longest a bypass may last.
const MaxBypass = 8 * time.Hour

// bypass keeps a point out of its interlocks' votes until it ends.
type bypass struct {
	operator, reason string
	until            time.Time
}

// Errors of the operator actions.
var (
	ErrRemote       = errors.New("rejected: a remote command cannot reset, silence, acknowledge, bypass or test outputs")
	ErrUnknownPoint = errors.New("no such alarm point")
	// ErrBypassReason and ErrBypassDuration refuse a bypass without an
	// operator and reason, or longer than MaxBypass.
	ErrBypassReason   = errors.New("a bypass needs the operator's name and a reason")
	ErrBypassDuration = errors.New("bypass duration out of range")
	// ErrNotInterlocked rejects a bypass of a point that votes in no
	// interlock: it would change nothing.
	ErrNotInterlocked = errors.New("point votes in no interlock")
	// ErrNoBypass rejects ending a bypass that does not exist.
	ErrNoBypass = errors.New("point is not bypassed")
)

// Bypass takes a point out of the votes of its interlocks for d (at most
// MaxBypass), with the operator's name and reason. Its alarms are still
// raised, shown and stored; only the interlocks ignore it. The bypass ends
// by itself at expiry (see Tick) or by EndBypass, and a gateway restart
// ends it.
func (e *Engine) Bypass(point, operator, reason string, d time.Duration, source record.Source) error {
	if source == record.SourceRemote {
		return ErrRemote
	}
	if strings.TrimSpace(operator) == "" || strings.TrimSpace(reason) == "" {
		return ErrBypassReason
	}
	if d < time.Second || d > MaxBypass {
		return fmt.Errorf("%w: %v outside 1s..%v", ErrBypassDuration, d, MaxBypass)
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	ps, ok := e.points[point]
	if !ok {
		return fmt.Errorf("%w: %q", ErrUnknownPoint, point)
	}
	if !e.interlocked(point) {
		return fmt.Errorf("%w: %q", ErrNotInterlocked, point)
	}
	now, synced := e.clock()
	ps.bypass = &bypass{operator: operator, reason: reason, until: now.Add(d)}
	e.emit(record.Event{Kind: record.BypassOn, Time: now, ClockSynced: synced, Point: point, Source: source, Operator: operator,
		Reason: reason, Until: ps.bypass.until,
		Text: fmt.Sprintf("%s bypassed by %s until %s: %s", point, operator, ps.bypass.until.Format(time.RFC3339), reason)})
	e.update(now, synced, source)
	return nil
}

// EndBypass ends a point's bypass before its expiry; its alarms vote in
// their interlocks again at once.
func (e *Engine) EndBypass(point, operator string, source record.Source) error {
	if source == record.SourceRemote {
		return ErrRemote
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	ps, ok := e.points[point]
	if !ok {
		return fmt.Errorf("%w: %q", ErrUnknownPoint, point)
	}
	if ps.bypass == nil {
		return fmt.Errorf("%w: %q", ErrNoBypass, point)
	}
	now, synced := e.clock()
	e.endBypass(ps, operator, source, now, synced, "ended by "+operator)
	e.update(now, synced, source)
	return nil
}

// interlocked reports whether point votes in an interlock.
func (e *Engine) interlocked(point string) bool {
	for _, il := range e.interlocks {
		if slices.Contains(il.points, point) {
			return true
		}
	}
	return false
}

// Tick ends the bypasses and the output test that have expired, raises
// "failed to close" for valves past their stroke time and checks the HH
// level switches. The gateway calls it every second.
func (e *Engine) Tick() {
	e.mu.Lock()
	defer e.mu.Unlock()
	now, synced := e.clock()
	for _, ps := range e.points {
		if ps.bypass != nil && !now.Before(ps.bypass.until) {
			e.endBypass(ps, "", record.SourceAuto, now, synced, "expired")
		}
	}
	e.checkStrokes(now, synced)
	e.checkSwitches(now, synced)
	e.expireOutputTest(now, synced)
	e.update(now, synced, record.SourceAuto)
}

func (e *Engine) endBypass(ps *pointState, operator string, source record.Source, now time.Time, synced bool, ending string) {
	ps.bypass = nil
	e.emit(record.Event{Kind: record.BypassOff, Time: now, ClockSynced: synced, Point: ps.id, Source: source, Operator: operator,
		Text: fmt.Sprintf("bypass of %s %s", ps.id, ending)})
	e.evaluateInterlocks(now, synced)
}
