package alarm

import (
	"sort"

	"github.com/plantgw/plantgw/record"
)

// outputState is the state the engine wants for one output.
type outputState struct {
	active  bool
	pattern Pattern
}

// annunciation is the overall alarm state the horn and lamps show.
type annunciation struct {
	latched, unacked, levelTwo, levelOne, trip, fault bool
}

func (e *Engine) annunciation() annunciation {
	var a annunciation
	for _, ps := range e.points {
		a.fault = a.fault || ps.fault
		for _, sp := range ps.points {
			if !sp.latched {
				continue
			}
			a.latched = true
			a.unacked = a.unacked || !sp.acked
			if sp.levelTwo() {
				a.levelTwo = true
			} else {
				a.levelOne = true
			}
		}
	}
	for _, il := range e.interlocks {
		a.trip = a.trip || il.tripped
	}
	// A valve that failed or moved by itself, or an HH switch that
	// disagrees with its transmitter, is announced like a level 2 alarm.
	for _, v := range e.valves {
		if v.failed || v.moved {
			a.latched, a.levelTwo = true, true
		}
	}
	for _, ls := range e.switches {
		if ls.alarm {
			a.latched, a.levelTwo = true, true
		}
	}
	return a
}

// hornState sounds the horn for alarms, trips and faults unless silenced,
// continuous for level 2 and trips, pulsed for level 1, slow for faults.
func (a annunciation) hornState(silenced bool) outputState {
	switch {
	case silenced:
		return outputState{}
	case a.levelTwo || a.trip:
		return outputState{active: true, pattern: Steady}
	case a.levelOne:
		return outputState{active: true, pattern: Pulsed}
	case a.fault:
		return outputState{active: true, pattern: SlowPulse}
	}
	return outputState{}
}

// beaconState lights the beacon for latched alarms and trips, flashing
// while an alarm is not acknowledged.
func (a annunciation) beaconState() outputState {
	if !a.latched && !a.trip {
		return outputState{}
	}
	if a.unacked {
		return outputState{active: true, pattern: Pulsed}
	}
	return outputState{active: true, pattern: Steady}
}

// Alarm is one latched alarm as an operator panel lists it.
type Alarm struct {
	Point string
	Level record.Level
	// Priority orders alarms: 0 first. Level 2 comes before level 1, and
	// within a level toxic gas before combustible gas before process
	// values.
	Priority int
	// Active reports whether the reading is still past the set point.
	Active       bool
	Acknowledged bool
	// SetPoint is the alarm's set point; Value is the point's last valid
	// reading when HasValue is set.
	SetPoint float64
	Value    float64
	HasValue bool
}

// priority ranks a point's set point; see Alarm.Priority.
func priority(ps *pointState, sp *setPoint) int {
	rank := 3
	if sp.levelTwo() {
		rank = 0
	}
	switch ps.gas {
	case "toxic":
		return rank
	case "combustible":
		return rank + 1
	}
	return rank + 2
}

// Alarms lists the latched alarms, highest priority first.
func (e *Engine) Alarms() []Alarm {
	e.mu.Lock()
	defer e.mu.Unlock()
	var out []Alarm
	for _, ps := range e.points {
		for _, sp := range ps.points {
			if sp.latched {
				out = append(out, Alarm{Point: ps.id, Level: sp.level, Priority: priority(ps, sp), Active: sp.active, Acknowledged: sp.acked,
					SetPoint: sp.value, Value: ps.value, HasValue: ps.hasValue})
			}
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Priority != out[j].Priority {
			return out[i].Priority < out[j].Priority
		}
		return out[i].Point < out[j].Point
	})
	return out
}

// Faults lists the points in fault, in name order.
func (e *Engine) Faults() []string {
	e.mu.Lock()
	defer e.mu.Unlock()
	var out []string
	for _, ps := range e.points {
		if ps.fault {
			out = append(out, ps.id)
		}
	}
	sort.Strings(out)
	return out
}
