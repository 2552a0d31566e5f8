package alarm

import (
	"sort"

	"github.com/plantgw/plantgw/record"
)

// Latches is the state that must survive a restart: which alarms are
// latched and which interlocks are tripped. A restart is not a reset.
type Latches struct {
	// Alarms maps a point id to its latched levels.
	Alarms map[string][]record.Level `json:"alarms,omitempty"`
	// Trips lists tripped interlocks by name.
	Trips []string `json:"trips,omitempty"`
}

// Count returns the number of latched alarms and tripped interlocks.
func (l Latches) Count() (alarms, trips int) {
	for _, levels := range l.Alarms {
		alarms += len(levels)
	}
	return alarms, len(l.Trips)
}

// Latches returns the current latched alarms and trips.
func (e *Engine) Latches() Latches {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.latchesLocked()
}

func (e *Engine) latchesLocked() Latches {
	l := Latches{Alarms: map[string][]record.Level{}}
	for id, ps := range e.points {
		for _, sp := range ps.points {
			if sp.latched {
				l.Alarms[id] = append(l.Alarms[id], sp.level)
			}
		}
	}
	for _, il := range e.interlocks {
		if il.tripped {
			l.Trips = append(l.Trips, il.name)
		}
	}
	sort.Strings(l.Trips)
	return l
}

// Restore latches the given alarms and trips again, as they were before a
// restart. Points and interlocks no longer in the config are ignored. Call
// it before the first sample.
func (e *Engine) Restore(l Latches) {
	e.mu.Lock()
	defer e.mu.Unlock()
	for id, levels := range l.Alarms {
		ps, ok := e.points[id]
		if !ok {
			continue
		}
		for _, level := range levels {
			if sp := ps.setPoint(level); sp != nil {
				sp.latched = true
			}
		}
	}
	for _, name := range l.Trips {
		for _, il := range e.interlocks {
			if il.name == name {
				il.tripped = true
			}
		}
	}
}

// OnLatchChange sets a function called, under the engine's lock, each time
// an alarm latches or resets or an interlock trips or resets. It must not
// block: the caller hands the work to another goroutine.
func (e *Engine) OnLatchChange(f func()) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.latchChanged = f
}

func (e *Engine) notifyLatchChange() {
	if e.latchChanged != nil {
		e.latchChanged()
	}
}
