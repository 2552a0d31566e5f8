package alarm

import (
	"fmt"

	"github.com/plantgw/plantgw/config"
	"github.com/plantgw/plantgw/record"
)

// setPoint is one alarm level of a point.
type setPoint struct {
	level    record.Level
	value    float64
	high     bool // alarm when the reading rises to value; else when it falls to it
	deadband float64
	// active: the reading is past the set point now.
	active bool
	// latched: the alarm has been raised and not yet reset.
	latched bool
}

// past reports whether v is past the set point, applying the deadband on
// the way back so a reading hovering at the set point does not chatter.
func (s *setPoint) past(v float64) bool {
	if s.high {
		if s.active {
			return v > s.value-s.deadband
		}
		return v >= s.value
	}
	if s.active {
		return v < s.value+s.deadband
	}
	return v <= s.value
}

// pointState is the alarm state of one point.
type pointState struct {
	id       string
	unit     string
	points   []*setPoint
	fault    bool
	seen     bool
	value    float64
	hasValue bool
}

func newPointState(p config.Point) *pointState {
	ps := &pointState{id: p.ID, unit: p.Unit}
	if g := p.Gas; g != nil {
		ps.points = append(ps.points,
			&setPoint{level: record.AL1, value: g.AL1, high: true, deadband: g.Deadband},
			&setPoint{level: record.AL2, value: g.AL2, high: true, deadband: g.Deadband})
	}
	if l := p.Limits; l != nil {
		add := func(level record.Level, v *float64, high bool) {
			if v != nil {
				ps.points = append(ps.points, &setPoint{level: level, value: *v, high: high, deadband: l.Deadband})
			}
		}
		add(record.H, l.H, true)
		add(record.HH, l.HH, true)
		add(record.L, l.L, false)
		add(record.LL, l.LL, false)
	}
	return ps
}

func (ps *pointState) setPoint(level record.Level) *setPoint {
	for _, s := range ps.points {
		if s.level == level {
			return s
		}
	}
	return nil
}

func (ps *pointState) describe(s *setPoint, v float64) string {
	return fmt.Sprintf("%s %s alarm at %.4g %s (set point %.4g)", ps.id, s.level, v, ps.unit, s.value)
}
