package alarm

import (
	"fmt"
	"math"
	"strings"

	"github.com/plantgw/plantgw/config"
	"github.com/plantgw/plantgw/record"
)

// Lightning warning levels as stored in events (record.Event.State).
const (
	LightningUnknown = "unknown"
)

// lightning follows the lightning-warning input: a level point or one
// contact per level. Each change of level is an event. Nothing trips or
// sounds, because the warning is advice for outdoor work and loading,
// not a process condition.
type lightning struct {
	point string
	// contacts are the yellow, orange and red contacts; active their
	// last readings.
	contacts [3]string
	active   [3]bool
	level    string
	// source is the point or contact that set level.
	source string
}

func newLightning(l config.Lightning) *lightning {
	if !l.Configured() {
		return nil
	}
	return &lightning{point: l.Point, contacts: [3]string{l.Contacts.Yellow, l.Contacts.Orange, l.Contacts.Red}}
}

// lightningReading takes a sample that may be the lightning input.
func (e *Engine) lightningReading(s record.Sample) {
	lw := e.lightning
	if lw == nil {
		return
	}
	level, ok := "", false
	if s.Point == lw.point {
		level, ok = lightningLevel(s), true
	}
	for i, c := range lw.contacts {
		if c == "" || c != s.Point {
			continue
		}
		lw.active[i] = s.Valid() && s.IsBool && s.Bool
		level, ok = config.LightningLevels[0], true
		for j := len(lw.active) - 1; j >= 0; j-- {
			if lw.active[j] {
				level = config.LightningLevels[j+1]
				break
			}
		}
	}

	if !ok || level == lw.level {
		return
	}
	first := lw.level == ""
	lw.level, lw.source = level, s.Point
	if first && level == config.LightningLevels[0] {
		// No warning at start is the normal state, not a change.
		return
	}

	ev := record.Event{Kind: record.LightningWarning, Time: s.Time, ClockSynced: s.ClockSynced, Point: s.Point,
		Source: record.SourceAuto, State: level, Text: fmt.Sprintf("lightning warning %s (from %s)", level, s.Point)}
	if strings.HasPrefix(s.Point, config.InputPrefix) {
		// A board input has no platform codes, so it travels as the
		// event's device rather than its point.
		ev.Point, ev.Device = "", s.Point
	}
	if !s.IsBool && s.Valid() {
		ev.Value, ev.HasValue = s.Value, true
	}
	e.emit(ev)
}

// lightningLevel maps a level point's reading to a level name.
func lightningLevel(s record.Sample) string {
	if !s.Valid() || s.IsBool || s.IsText {
		return LightningUnknown
	}
	v := math.Round(s.Value)
	if v != s.Value || v < 0 || int(v) >= len(config.LightningLevels) {
		return LightningUnknown
	}
	return config.LightningLevels[int(v)]
}

// LightningLevel returns the current lightning warning level and the
// point or contact that set it. Both are empty when no input is
// configured or nothing was read yet.
func (e *Engine) LightningLevel() (level, source string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.lightning == nil {
		return "", ""
	}
	return e.lightning.level, e.lightning.source
}
