package alarm

import (
	"fmt"
	"strings"

	"github.com/plantgw/plantgw/record"
)

// Silence stops the horn for operator. It clears no alarm; the next new
// alarm or fault sounds the horn again. A remote command cannot silence.
func (e *Engine) Silence(operator string, source record.Source) error {
	if source == record.SourceRemote {
		return ErrRemote
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	now, synced := e.clock()
	if e.silenced {
		return nil
	}
	e.silenced = true
	e.emit(record.Event{Kind: record.AlarmSilenced, Time: now, ClockSynced: synced, Source: source, Operator: operator, Text: "horn silenced"})
	e.update(now, synced, source)
	return nil
}

// Acknowledge marks every latched alarm as seen by operator: the beacon
// stops flashing. It clears nothing.
func (e *Engine) Acknowledge(operator string, source record.Source) error {
	if source == record.SourceRemote {
		return ErrRemote
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	now, synced := e.clock()
	for _, ps := range e.points {
		for _, sp := range ps.points {
			if !sp.latched || sp.acked {
				continue
			}
			sp.acked = true
			e.emit(record.Event{Kind: record.AlarmAcknowledged, Time: now, ClockSynced: synced, Point: ps.id, Level: sp.level,
				Source: source, Operator: operator, Text: fmt.Sprintf("%s %s alarm acknowledged", ps.id, sp.level)})
		}
	}
	e.update(now, synced, source)
	return nil
}

// Reset clears latched alarms whose reading is back inside the set point
// and trips whose vote is no longer met. An alarm still past its set point,
// or a point in fault, stays latched. It returns how many alarms and trips
// it could not reset. operator names who reset, for the events. A remote
// command cannot reset.
func (e *Engine) Reset(operator string, source record.Source) (refused int, err error) {
	if source == record.SourceRemote {
		return 0, ErrRemote
	}
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
			sp.latched, sp.acked = false, false
			e.notifyLatchChange()
			e.emit(record.Event{Kind: record.AlarmReset, Time: now, ClockSynced: synced, Point: ps.id, Level: sp.level,
				Source: source, Operator: operator, Text: fmt.Sprintf("%s %s alarm reset", ps.id, sp.level)})
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
			Level: il.level, Source: source, Operator: operator, Device: strings.Join(il.valves, ","),
			Text: fmt.Sprintf("interlock %s reset", il.name)})
	}
	refused += e.resetValves(operator, source, now, synced)
	e.update(now, synced, source)
	return refused, nil
}
