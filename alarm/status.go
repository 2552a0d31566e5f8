package alarm

import (
	"sort"
	"time"
)

// BypassInfo is one point under bypass, as an operator set it.
type BypassInfo struct {
	Point, Operator, Reason string
	Until                   time.Time
}

// Bypasses lists the points under bypass in name order.
func (e *Engine) Bypasses() []BypassInfo {
	e.mu.Lock()
	defer e.mu.Unlock()
	var out []BypassInfo
	for _, ps := range e.points {
		if b := ps.bypass; b != nil {
			out = append(out, BypassInfo{Point: ps.id, Operator: b.operator, Reason: b.reason, Until: b.until})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Point < out[j].Point })
	return out
}

// InterlockState is an interlock and whether it is tripped.
type InterlockState struct {
	Name    string
	Tripped bool
}

// Interlocks lists the interlocks in config order.
func (e *Engine) Interlocks() []InterlockState {
	e.mu.Lock()
	defer e.mu.Unlock()
	out := make([]InterlockState, len(e.interlocks))
	for i, il := range e.interlocks {
		out[i] = InterlockState{Name: il.name, Tripped: il.tripped}
	}
	return out
}
