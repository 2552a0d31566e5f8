package gateway

import (
	"context"
	"sort"
	"strings"

	"github.com/plantgw/plantgw/alarm"
	"github.com/plantgw/plantgw/board"
	"github.com/plantgw/plantgw/config"
	"github.com/plantgw/plantgw/record"
)

// localButtonOperator is the operator name of an acknowledge by the local
// button, which does not tell who pressed it.
const localButtonOperator = "local button"

// readInputs turns the board's input events into operator actions until
// ctx ends.
func (g *Gateway) readInputs(ctx context.Context, b board.InputBoard) {
	for {
		select {
		case <-ctx.Done():
			return
		case e := <-b.Inputs():
			g.input(e)
		}
	}
}

// input acts on one input event. A press of reset, silence or acknowledge
// calls the alarm engine, which emits the event of the action; a release
// does nothing. Levels read at start are logged only, so a button held or
// stuck at start acts on nothing.
func (g *Gateway) input(e board.InputEvent) {
	log := g.log.With("component", "inputs")
	if e.Dropped > 0 {
		log.Warn("input events were dropped before this one", "input", e.Name, "dropped", e.Dropped)
	}
	button := e.Name == board.InputReset || e.Name == board.InputSilence || e.Name == board.InputAcknowledge
	if !button {
		// Plant inputs (limit switches, HH switches) reach the alarm
		// engine as contacts named input:NAME, which valves and level
		// switches may use in place of points.
		log.Info("input changed", "input", e.Name, "active", e.Active, "initial", e.Initial)
		now, synced := wallClock()
		g.engine.Process(record.Sample{Point: config.InputPrefix + e.Name, Time: now, ClockSynced: synced,
			IsBool: true, Bool: e.Active, Quality: record.Good})
		return
	}
	if e.Initial {
		if e.Active {
			log.Warn("button active at start; ignored until released and pressed again", "input", e.Name)
		}
		return
	}
	if !e.Active {
		return
	}
	log.Info("button pressed", "input", e.Name)
	switch e.Name {
	case board.InputReset:
		if _, _, err := g.reset(localButtonOperator, record.SourceLocalButton); err != nil {
			log.Error("reset failed", "err", err)
		}
	case board.InputSilence:
		if err := g.engine.Silence(localButtonOperator, record.SourceLocalButton); err != nil {
			log.Error("silence failed", "err", err)
		}
	case board.InputAcknowledge:
		if err := g.engine.Acknowledge(localButtonOperator, record.SourceLocalButton); err != nil {
			log.Error("acknowledge failed", "err", err)
		}
	}
}

// reset resets what the engine allows for operator, then prints on the
// console what stays latched, or that nothing was latched. It returns how
// many alarms and trips stay latched and their names.
func (g *Gateway) reset(operator string, source record.Source) (refused int, still string, err error) {
	before := g.engine.Latches()
	refused, err = g.engine.Reset(operator, source)
	if err != nil {
		return 0, "", err
	}
	now, _ := wallClock()
	if alarms, trips := before.Count(); alarms+trips == 0 && refused == 0 {
		g.console.line(now, "RESET     nothing was latched")
		return 0, "", nil
	}
	if refused == 0 {
		return 0, "", nil
	}
	still = latchedNames(g.engine.Latches())
	g.log.Info("reset rejected for alarms or trips still past the set point or in fault", "not_reset", refused, "latched", still, "operator", operator)
	g.console.line(now, "RESET     %d alarms or trips not reset: still past the set point or in fault: %s", refused, still)
	return refused, still, nil
}

// latchedNames lists latched alarms as POINT LEVEL and trips by interlock.
func latchedNames(l alarm.Latches) string {
	var names []string
	for point, levels := range l.Alarms {
		for _, lv := range levels {
			names = append(names, point+" "+string(lv))
		}
	}
	sort.Strings(names)
	return strings.Join(append(names, l.Trips...), ", ")
}
