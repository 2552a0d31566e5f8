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

// InterlockState is an interlock, whether it is tripped, its cause points
// and its outputs and valves.
type InterlockState struct {
	Name            string
	Tripped         bool
	Points, Outputs []string
	Valves          []string
}

// Interlocks lists the interlocks in config order.
func (e *Engine) Interlocks() []InterlockState {
	e.mu.Lock()
	defer e.mu.Unlock()
	out := make([]InterlockState, len(e.interlocks))
	for i, il := range e.interlocks {
		out[i] = InterlockState{Name: il.name, Tripped: il.tripped, Points: il.points, Outputs: il.outputs, Valves: il.valves}
	}
	return out
}

// OutputState is a board output as the engine last drove it. Active is
// the tripped (de-energised) state.
type OutputState struct {
	Name   string
	Active bool
}

// OutputStates lists the outputs the engine drives, in name order. An
// output that could not be driven is left out.
func (e *Engine) OutputStates() []OutputState {
	e.mu.Lock()
	defer e.mu.Unlock()
	out := make([]OutputState, 0, len(e.current))
	for name, st := range e.current {
		out = append(out, OutputState{Name: name, Active: st.active})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// ValveState is a supervised shutoff valve: whether a trip holds it
// closed, its limit switches, and its latched alarms.
type ValveState struct {
	Name                string
	Held, Open, Closed  bool
	Failed, Uncommanded bool
}

// Valves lists the supervised valves in name order.
func (e *Engine) Valves() []ValveState {
	e.mu.Lock()
	defer e.mu.Unlock()
	out := make([]ValveState, 0, len(e.valves))
	for _, v := range e.valves {
		out = append(out, ValveState{Name: v.name, Held: v.closing, Open: v.open, Closed: v.closed, Failed: v.failed, Uncommanded: v.moved})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}
