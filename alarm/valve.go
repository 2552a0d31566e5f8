package alarm

import (
	"fmt"
	"time"

	"github.com/plantgw/plantgw/config"
	"github.com/plantgw/plantgw/record"
)

// ValveCommander writes a valve's close command to its actuator. It must
// not block: the engine calls it while evaluating a trip.
type ValveCommander interface {
	CloseValve(valve, commandPoint string)
}

// valveState supervises one shutoff valve against its limit switches.
type valveState struct {
	name, output, command  string
	openLimit, closedLimit string
	stroke                 time.Duration
	// closing: a tripped interlock holds the valve closed. The gateway
	// never opens a valve; after the trip is reset it stays closed until
	// an operator opens it at the valve.
	closing      bool
	closingSince time.Time
	// open and closed are the last limit switch readings; known turns
	// true once both have been read.
	open, closed           bool
	openKnown, closedKnown bool
	// failed: the closed limit was not reached within the stroke time.
	// moved: the valve moved without a command. Both latch until reset.
	failed, moved bool
}

func newValveState(v config.Valve) *valveState {
	return &valveState{name: v.Name, output: v.Output, command: v.Command, openLimit: v.OpenLimit,
		closedLimit: v.ClosedLimit, stroke: v.StrokeTime.D()}
}

// SetValveCommander sets who writes close commands to valves with a
// command coil. Without one, only solenoid outputs close valves.
func (e *Engine) SetValveCommander(c ValveCommander) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.commander = c
}

// closeValve commands a valve closed for a trip at t.
func (e *Engine) closeValve(name string, t time.Time) {
	v := e.valves[name]
	if v == nil || v.closing {
		return
	}
	v.closing, v.closingSince = true, t
	if v.command != "" && e.commander != nil {
		e.commander.CloseValve(v.name, v.command)
	}
}

// valveLimit records a limit switch reading and raises uncommanded
// movement: closing without a trip, or opening while a trip holds it
// closed.
func (e *Engine) valveLimit(s record.Sample) {
	for _, v := range e.valves {
		var state, known *bool
		switch s.Point {
		case v.openLimit:
			state, known = &v.open, &v.openKnown
		case v.closedLimit:
			state, known = &v.closed, &v.closedKnown
		default:
			continue
		}
		if !s.Valid() || !s.IsBool {
			continue
		}
		rose := *known && !*state && s.Bool
		*state, *known = s.Bool, true
		switch {
		case rose && s.Point == v.closedLimit && !v.closing:
			e.valveMoved(v, s, "closed without a command from the gateway")
		case rose && s.Point == v.openLimit && v.closing:
			e.valveMoved(v, s, "opened while a trip holds it closed")
		}
	}
}

func (e *Engine) valveMoved(v *valveState, s record.Sample, what string) {
	v.moved = true
	e.silenced = false
	e.emit(record.Event{Kind: record.ValveUncommanded, Time: s.Time, ClockSynced: s.ClockSynced, Device: v.name,
		Source: record.SourceAuto, Text: fmt.Sprintf("valve %s %s", v.name, what)})
}

// checkStrokes raises "failed to close" for each valve held closed that
// has not reached its closed limit within its stroke time.
func (e *Engine) checkStrokes(now time.Time, synced bool) {
	for _, v := range e.valves {
		if !v.closing || v.failed || v.closed || now.Sub(v.closingSince) < v.stroke {
			continue
		}
		v.failed = true
		e.silenced = false
		e.emit(record.Event{Kind: record.ValveFailed, Time: now, ClockSynced: synced, Device: v.name, Source: record.SourceAuto,
			Text: fmt.Sprintf("valve %s failed to close: closed limit not reached within %v", v.name, v.stroke)})
	}
}

// resetValves clears the latched valve alarms whose cause is gone, and
// releases valves no tripped interlock holds closed any more. It returns
// how many valve alarms stay latched.
func (e *Engine) resetValves(operator string, source record.Source, now time.Time, synced bool) (refused int) {
	held := map[string]bool{}
	for _, il := range e.interlocks {
		if il.tripped {
			for _, name := range il.valves {
				held[name] = true
			}
		}
	}
	for _, v := range e.valves {
		if !held[v.name] {
			v.closing = false
		}
		if v.failed && v.closing && !v.closed {
			refused++
			continue
		}
		if v.failed || v.moved {
			v.failed, v.moved = false, false
			e.emit(record.Event{Kind: record.ValveReset, Time: now, ClockSynced: synced, Device: v.name, Source: source,
				Operator: operator, Text: fmt.Sprintf("valve %s alarm reset", v.name)})
		}
	}
	return refused
}
