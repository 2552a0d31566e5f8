package alarm

import (
	"fmt"
	"strings"

	"github.com/plantgw/plantgw/record"
)

// Silence stops the horn. It clears no alarm; the next new alarm sounds
// the horn again.
func (e *Engine) Silence(source record.Source) {
	e.mu.Lock()
	defer e.mu.Unlock()
	now, synced := e.clock()
	if e.silenced {
		return
	}
	e.silenced = true
	e.emit(record.Event{Kind: record.AlarmSilenced, Time: now, ClockSynced: synced, Source: source, Text: "horn silenced"})
	e.update(now, synced, source)
}

// Reset clears latched alarms whose reading is back inside the set point
// and trips whose vote is no longer met. An alarm still past its set point,
// or a point in fault, stays latched. It returns how many alarms and trips
// it could not reset.
func (e *Engine) Reset(source record.Source) (refused int) {
	e.mu.Lock()
	defer e.mu.Unlock()
	now, synced := e.clock()
	for _, ps := range e.points {
		for _, sp := range ps.points {
			if !sp.latched {
				continue
			}
			if sp.active || ps.fault {
				refused++
				continue
			}
			sp.latched = false
			e.notifyLatchChange()
			e.emit(record.Event{Kind: record.AlarmReset, Time: now, ClockSynced: synced, Point: ps.id, Level: sp.level,
				Source: source, Text: fmt.Sprintf("%s %s alarm reset", ps.id, sp.level)})
		}
	}
	for _, il := range e.interlocks {
		if !il.tripped {
			continue
		}
		if n, _ := e.votes(il); n >= il.m {
			refused++
			continue
		}
		il.tripped = false
		e.notifyLatchChange()
		e.emit(record.Event{Kind: record.TripReset, Time: now, ClockSynced: synced, Output: strings.Join(il.outputs, ","), Interlock: il.name,
			Level: il.level, Source: source,
			Text: fmt.Sprintf("interlock %s reset", il.name)})
	}
	e.update(now, synced, source)
	return refused
}
