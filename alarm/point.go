package alarm

import (
	"fmt"
	"math"
	"time"

	"github.com/plantgw/plantgw/config"
	"github.com/plantgw/plantgw/record"
)

// setPoint is one alarm level of a point.
type setPoint struct {
	level    record.Level
	value    float64
	high     bool // alarm when the reading rises to value; else when it falls to it
	deadband float64
	onDelay  time.Duration
	offDelay time.Duration
	// active: the reading is past the set point now, after the delays.
	active bool
	// pendingSince is when the reading first crossed back or forth
	// without the delay having passed yet; zero when nothing is pending.
	pendingSince time.Time
	// latched: the alarm has been raised and not yet reset.
	latched bool
	// acked: an operator has acknowledged the latched alarm.
	acked bool
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

// settle applies the on and off delays: it returns whether the set point
// changes state at time t, given whether the reading is past it now.
func (s *setPoint) settle(past bool, t time.Time) bool {
	if past == s.active {
		s.pendingSince = time.Time{}
		return false
	}
	delay := s.onDelay
	if !past {
		delay = s.offDelay
	}
	if s.pendingSince.IsZero() {
		s.pendingSince = t
	}
	if t.Sub(s.pendingSince) < delay {
		return false
	}
	s.pendingSince = time.Time{}
	return true
}

// levelTwo reports whether the set point is the higher of its kind: al2,
// hh or ll.
func (s *setPoint) levelTwo() bool {
	return s.level == record.AL2 || s.level == record.HH || s.level == record.LL
}

// pointState is the alarm state of one point.
type pointState struct {
	id     string
	unit   string
	gas    string // combustible, toxic or "" for a process value
	points []*setPoint
	fault  bool
	seen   bool
	value  float64
	// hasValue reports whether value holds a reading.
	hasValue bool
	// bypass, when set, keeps the point out of interlock votes.
	bypass *bypass
}

func newPointState(p config.Point) *pointState {
	ps := &pointState{id: p.ID, unit: p.Unit}
	if g := p.Gas; g != nil {
		ps.gas = g.Kind
		for _, lv := range []struct {
			level record.Level
			value float64
		}{{record.AL1, g.AL1}, {record.AL2, g.AL2}} {
			ps.points = append(ps.points, &setPoint{level: lv.level, value: lv.value, high: true, deadband: g.Deadband,
				onDelay: g.OnDelay.D(), offDelay: g.OffDelay.D()})
		}
	}
	if l := p.Limits; l != nil {
		add := func(level record.Level, v *float64, high bool) {
			if v != nil {
				ps.points = append(ps.points, &setPoint{level: level, value: *v, high: high, deadband: l.Deadband,
					onDelay: l.OnDelay.D(), offDelay: l.OffDelay.D()})
			}
		}
		add(record.H, l.H, true)
		add(record.HH, l.HH, true)
		add(record.L, l.L, false)
		add(record.LL, l.LL, false)
	}
	return ps
}

// reading returns the value to compare with the set points, and whether
// the sample counts as a reading at all. An over-range combustible gas
// reading counts as past every high set point: it fails toward alarm.
func (ps *pointState) reading(s record.Sample) (float64, bool) {
	if ps.gas == "combustible" && s.Cause == record.CauseOverRange {
		return math.Inf(1), true
	}
	if !s.Valid() || s.IsBool || s.IsText {
		return 0, false
	}
	return s.Value, true
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
