// Package reporter decides which samples are stored and uplinked: every
// sample of a point without a report rule, and by exception for points
// with one. Alarm evaluation never goes through it, because the alarm
// engine must evaluate every sample.
package reporter

import (
	"math"
	"time"

	"github.com/plantgw/plantgw/config"
	"github.com/plantgw/plantgw/record"
)

// Filter holds the last stored sample of each point with a report rule.
// Each point is read by exactly one bus goroutine, so each point's state
// has a single writer; the map itself is never changed after New.
type Filter struct {
	points map[string]*pointState
}

type pointState struct {
	rule config.Report
	// span is the 4-20 mA span the percent deadband refers to, or 0.
	span float64

	stored  bool
	value   float64
	on      bool
	text    string
	quality record.Quality
	cause   record.Cause
	at      time.Time
}

// New returns a filter for cfg's points.
func New(cfg *config.Config) *Filter {
	f := &Filter{points: map[string]*pointState{}}
	for _, p := range cfg.Points {
		if p.Report == nil {
			continue
		}
		st := &pointState{rule: *p.Report}
		if p.Current != nil {
			st.span = math.Abs(p.Current.High - p.Current.Low)
		}
		f.points[p.ID] = st
	}
	return f
}

// Pass reports whether s is to be stored, and if so remembers it as the
// point's last stored sample.
func (f *Filter) Pass(s record.Sample) bool {
	st, ok := f.points[s.Point]
	if !ok {
		return true
	}
	if st.stored && !st.changed(s) && s.Time.Sub(st.at) < st.rule.MaxInterval.D() {
		return false
	}
	st.stored, st.value, st.on, st.text, st.quality, st.cause, st.at = true, s.Value, s.Bool, s.Text, s.Quality, s.Cause, s.Time
	return true
}

// changed reports whether s differs from the last stored sample by more
// than the rule allows.
func (st *pointState) changed(s record.Sample) bool {
	switch {
	case s.Quality != st.quality || s.Cause != st.cause:
		return true
	case s.Quality == record.Bad:
		return false
	case s.IsBool:
		return s.Bool != st.on
	case s.IsText:
		// Text has no deadband: any change is reported.
		return s.Text != st.text
	}
	limit := st.rule.Deadband
	if st.rule.DeadbandPercent > 0 {
		base := st.span
		if base == 0 {
			base = math.Abs(st.value)
		}
		limit = math.Max(limit, base*st.rule.DeadbandPercent/100)
	}
	return math.Abs(s.Value-st.value) > limit
}
