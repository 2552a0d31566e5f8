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
// the tripped (de-energised) state. Failed means the last attempt to drive
// the output failed, so its state is unknown and Active is false. Held
// means the alarm logic wants the output active, and Testing that an
// output test drives it.
type OutputState struct {
	Name                          string
	Active, Failed, Held, Testing bool
}

// OutputStates lists the board's outputs in name order.
func (e *Engine) OutputStates() []OutputState {
	e.mu.Lock()
	defer e.mu.Unlock()
	logic := e.logicStates()
	out := make([]OutputState, 0, len(logic))
	for name, want := range logic {
		st, driven := e.current[name]
		out = append(out, OutputState{Name: name, Active: st.active, Failed: !driven, Held: want.active,
			Testing: e.test != nil && e.test.output == name})
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
