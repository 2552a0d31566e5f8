package alarm

import (
	"fmt"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/plantgw/plantgw/config"
	"github.com/plantgw/plantgw/record"
)

// EventSink receives every state change. It must not block: the gateway
// queues events for storage.
type EventSink func(record.Event)

// Engine holds the alarm state of all points, the interlocks and the
// desired output states. It is safe for use by several bus goroutines.
type Engine struct {
	mu         sync.Mutex
	points     map[string]*pointState
	unseen     int
	interlocks []*interlock
	outputs    Outputs
	emit       EventSink
	// current holds the state last driven on each output; failed outputs
	// are absent so they are driven again.
	current  map[string]outputState
	silenced bool
	// armed turns true once every point has produced a sample; until
	// then every output stays in its tripped state.
	armed bool
	clock func() (time.Time, bool)
	// valves and switches are the supervised shutoff valves and HH level
	// switches; commander writes valve close commands.
	valves    map[string]*valveState
	switches  []*levelSwitch
	commander ValveCommander
	// latchChanged is called when the state Latches returns changes.
	latchChanged func()
	// lightning follows the lightning-warning input; nil without one.
	lightning *lightning
	// test is the running output test, nil when none runs; testsStopped
	// rejects new tests once the gateway is stopping.
	test         *outputTest
	testsStopped bool
}

type interlock struct {
	name    string
	level   record.Level
	points  []string
	m       int
	outputs []string
	tripped bool
	// faultTrips counts a cause point in fault as a vote to trip.
	faultTrips bool
	// valves are closed when the interlock trips.
	valves []string
}

// New builds an engine for cfg and drives every output to its safe
// (active) state: the plant stays tripped until the first complete scan.
// clock stamps operator actions and start-up.
func New(cfg *config.Config, outputs Outputs, emit EventSink, clock func() (time.Time, bool)) (*Engine, error) {
	e := &Engine{points: map[string]*pointState{}, outputs: outputs, emit: emit, current: map[string]outputState{}, clock: clock}
	for _, p := range cfg.Points {
		if p.Type == config.TextType {
			// Text never alarms, never faults and does not hold back
			// the release of the outputs after start.
			continue
		}
		e.points[p.ID] = newPointState(p)
	}
	e.unseen = len(e.points)
	e.lightning = newLightning(cfg.Lightning)
	e.valves = map[string]*valveState{}
	for _, v := range cfg.Valves {
		e.valves[v.Name] = newValveState(v)
	}
	for _, ls := range cfg.LevelSwitches {
		e.switches = append(e.switches, newLevelSwitch(ls))
	}
	names := outputs.Names()
	for _, il := range cfg.Interlocks {
		m, _, ok := config.ParseVote(il.When.Vote, len(il.When.Points))
		if !ok {
			return nil, fmt.Errorf("interlock %s: invalid vote %q", il.Name, il.When.Vote)
		}
		x := &interlock{name: il.Name, level: record.Level(il.When.Alarm), points: il.When.Points, m: m,
			faultTrips: il.FaultTrips == nil || *il.FaultTrips}
		for _, eff := range il.Do {
			out := eff.Output
			if eff.Valve != "" {
				v := e.valves[eff.Valve]
				if v == nil {
					return nil, fmt.Errorf("interlock %s: no valve %q", il.Name, eff.Valve)
				}
				x.valves = append(x.valves, eff.Valve)
				if out = v.output; out == "" {
					continue
				}
			}
			if !slices.Contains(names, out) {
				return nil, fmt.Errorf("interlock %s: board has no output %q", il.Name, out)
			}
			x.outputs = append(x.outputs, out)
		}
		e.interlocks = append(e.interlocks, x)
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	now, synced := clock()
	e.drive(e.desired(), record.SourceAuto, now, synced)
	return e, nil
}

// Process evaluates one sample. It runs on the bus goroutine that read it.
func (e *Engine) Process(s record.Sample) {
	e.mu.Lock()
	defer e.mu.Unlock()
	// Limit and level switches may be board inputs ("input:NAME") rather
	// than points.
	e.valveLimit(s)
	e.switchReading(s)
	e.lightningReading(s)
	if ps, ok := e.points[s.Point]; ok {
		if !ps.seen {
			ps.seen = true
			e.unseen--
		}
		e.evaluatePoint(ps, s)
	}
	e.checkSwitches(s.Time, s.ClockSynced)
	e.evaluateInterlocks(s.Time, s.ClockSynced)
	e.update(s.Time, s.ClockSynced, record.SourceAuto)
}

func (e *Engine) evaluatePoint(ps *pointState, s record.Sample) {
	v, ok := ps.reading(s)
	if !ok {
		if !s.Valid() && !ps.fault {
			ps.fault = true
			// A new fault sounds the horn again after a silence.
			e.silenced = false
			e.emit(record.Event{Kind: record.FaultRaised, Time: s.Time, ClockSynced: s.ClockSynced, Point: ps.id,
				Source: record.SourceAuto, Text: fmt.Sprintf("%s has no valid reading: %s", ps.id, s.Cause)})
		}
		return
	}
	if ps.fault {
		ps.fault = false
		e.emit(record.Event{Kind: record.FaultCleared, Time: s.Time, ClockSynced: s.ClockSynced, Point: ps.id,
			Source: record.SourceAuto, Value: s.Value, HasValue: true, Text: ps.id + " reads valid values again"})
	}
	ps.value, ps.hasValue = s.Value, true
	for _, sp := range ps.points {
		if !sp.settle(sp.past(v), s.Time) {
			continue
		}
		if !sp.active {
			e.raise(ps, sp, s)
			continue
		}
		sp.active = false
		e.emit(record.Event{Kind: record.AlarmCleared, Time: s.Time, ClockSynced: s.ClockSynced, Point: ps.id, Level: sp.level,
			Value: s.Value, HasValue: true, Source: record.SourceAuto,
			Text: fmt.Sprintf("%s back inside %s set point %.4g; latched until reset", ps.id, sp.level, sp.value)})
	}
}

// raise activates a set point and latches its alarm, unacknowledged.
func (e *Engine) raise(ps *pointState, sp *setPoint, s record.Sample) {
	sp.active = true
	if !sp.latched || sp.acked {
		sp.latched, sp.acked = true, false
		// A new alarm sounds the horn again after a silence.
		e.silenced = false
		e.notifyLatchChange()
	}
	text := ps.describe(sp, s.Value)
	if s.Cause == record.CauseOverRange {
		text = fmt.Sprintf("%s %s alarm: reading over range (set point %.4g)", ps.id, sp.level, sp.value)
	}
	e.emit(record.Event{Kind: record.AlarmRaised, Time: s.Time, ClockSynced: s.ClockSynced, Point: ps.id, Level: sp.level,
		Value: s.Value, HasValue: true, Source: record.SourceAuto, Text: text})
}

// evaluateInterlocks trips every interlock whose vote is met. A trip
// latches: only Reset ends it.
func (e *Engine) evaluateInterlocks(t time.Time, synced bool) {
	for _, il := range e.interlocks {
		if il.tripped {
			continue
		}
		n, voters := e.votes(il)
		if n < il.m {
			continue
		}
		il.tripped = true
		e.notifyLatchChange()
		for _, v := range il.valves {
			e.closeValve(v, t)
		}
		cause := record.CauseNone
		if strings.Contains(strings.Join(voters, ","), faultVote) {
			cause = record.CauseFaultVote
		}
		e.emit(record.Event{Kind: record.Trip, Time: t, ClockSynced: synced, Output: strings.Join(il.outputs, ","), Interlock: il.name,
			Level: il.level, Source: record.SourceAuto, Device: strings.Join(il.valves, ","), Cause: cause,
			Text: fmt.Sprintf("interlock %s tripped (%d of %d at %s: %s)", il.name, n, len(il.points), il.level, strings.Join(voters, ", "))})
	}
}

// faultVote marks a voter in fault in a trip's text.
const faultVote = " (fault)"

// votes counts the interlock's points that are past its set point now, or
// in fault when faults trip it. A bypassed point does not vote.
func (e *Engine) votes(il *interlock) (int, []string) {
	var voters []string
	for _, id := range il.points {
		ps := e.points[id]
		if ps.bypass != nil {
			continue
		}
		if sp := ps.setPoint(il.level); sp != nil && sp.active {
			voters = append(voters, id)
		} else if il.faultTrips && ps.fault {
			voters = append(voters, id+faultVote)
		}
	}
	return len(voters), voters
}

// desired computes every output's state from the alarm logic and the
// running output test.
func (e *Engine) desired() map[string]outputState {
	out := e.logicStates()
	e.applyOutputTest(out)
	return out
}

// logicStates computes every output's state from the alarm, fault and trip
// states.
func (e *Engine) logicStates() map[string]outputState {
	names := e.outputs.Names()
	out := make(map[string]outputState, len(names))
	if !e.armed {
		for _, n := range names {
			out[n] = outputState{active: true}
		}
		return out
	}
	for _, n := range names {
		out[n] = outputState{}
	}
	for _, il := range e.interlocks {
		if il.tripped {
			for _, o := range il.outputs {
				out[o] = outputState{active: true}
			}
		}
	}
	a := e.annunciation()
	if _, ok := out[Horn]; ok {
		out[Horn] = a.hornState(e.silenced)
	}
	if _, ok := out[Beacon]; ok {
		out[Beacon] = a.beaconState()
	}
	if _, ok := out[FaultLamp]; ok {
		out[FaultLamp] = outputState{active: a.fault}
	}
	return out
}

func (e *Engine) update(t time.Time, synced bool, source record.Source) {
	if !e.armed && e.unseen == 0 {
		e.armed = true
	}
	e.drive(e.desired(), source, t, synced)
}

// drive sets each output whose desired state differs from its current one,
// in name order so logs and events are stable. The pattern is set before
// the output turns active.
func (e *Engine) drive(want map[string]outputState, source record.Source, t time.Time, synced bool) {
	names := make([]string, 0, len(want))
	for n := range want {
		names = append(names, n)
	}
	sort.Strings(names)
	patterned, _ := e.outputs.(Patterned)
	for _, n := range names {
		w := want[n]
		if cur, ok := e.current[n]; ok && cur == w {
			continue
		}
		err := error(nil)
		if patterned != nil && w.active {
			err = patterned.SetPattern(n, w.pattern)
		}
		if err == nil {
			err = e.outputs.Set(n, w.active)
		}
		if err != nil {
			delete(e.current, n)
			e.emit(record.Event{Kind: record.OutputChanged, Time: t, ClockSynced: synced, Output: n, Source: source, State: "failed",
				Text: fmt.Sprintf("output %s could not be set %s: %v", n, onOff(w.active), err)})
			continue
		}
		prev, had := e.current[n]
		e.current[n] = w
		if had && prev.active == w.active {
			// Only the pattern changed: no output_changed event.
			continue
		}
		e.emit(record.Event{Kind: record.OutputChanged, Time: t, ClockSynced: synced, Output: n, Source: source, State: onOff(w.active),
			Text: fmt.Sprintf("output %s %s", n, onOff(w.active))})
	}
}

func onOff(active bool) string {
	if active {
		return "active"
	}
	return "inactive"
}
