package alarm

import (
	"fmt"
	"time"

	"github.com/plantgw/plantgw/config"
	"github.com/plantgw/plantgw/record"
)

// levelSwitch compares an HH level switch with its level transmitter's HH
// alarm: two independent measurements of the same tank must agree.
type levelSwitch struct {
	sw, level string
	delay     time.Duration
	on, known bool
	// since is when the disagreement began; zero while they agree.
	since time.Time
	// alarm: the disagreement has lasted longer than delay.
	alarm bool
}

func newLevelSwitch(c config.LevelSwitch) *levelSwitch {
	return &levelSwitch{sw: c.Switch, level: c.Level, delay: c.Delay.D()}
}

// switchReading records a level switch's contact.
func (e *Engine) switchReading(s record.Sample) {
	for _, ls := range e.switches {
		if s.Point == ls.sw && s.Valid() && s.IsBool {
			ls.on, ls.known = s.Bool, true
		}
	}
}

// checkSwitches raises or clears the disagreement alarm of each level
// switch at time t.
func (e *Engine) checkSwitches(t time.Time, synced bool) {
	for _, ls := range e.switches {
		ps := e.points[ls.level]
		hh := ps.setPoint(record.HH)
		if !ls.known || !ps.hasValue || ps.fault || hh == nil {
			continue
		}
		if ls.on == hh.active {
			ls.since = time.Time{}
			if ls.alarm {
				ls.alarm = false
				e.emit(record.Event{Kind: record.SwitchAgree, Time: t, ClockSynced: synced, Point: ls.level, Source: record.SourceAuto,
					Text: fmt.Sprintf("HH switch %s and %s agree again", ls.sw, ls.level)})
			}
			continue
		}
		if ls.since.IsZero() {
			ls.since = t
		}
		if ls.alarm || t.Sub(ls.since) < ls.delay {
			continue
		}
		ls.alarm = true
		e.silenced = false
		e.emit(record.Event{Kind: record.SwitchDisagree, Time: t, ClockSynced: synced, Point: ls.level, Source: record.SourceAuto,
			Text: fmt.Sprintf("HH switch %s is %s but %s is %s its HH set point", ls.sw, onOff(ls.on), ls.level, map[bool]string{true: "past", false: "below"}[hh.active])})
	}
}
