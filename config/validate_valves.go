package config

import (
	"fmt"
	"strings"
	"time"
)

// maxStrokeTime is the longest a shutoff valve may take to close (large
// oil and gas tanks: automatic closing within 180 s).
const maxStrokeTime = 180 * time.Second

// validateValves checks the valves and level switches, and the valve
// effects of the interlocks.
func (v *validator) validateValves() {
	points := map[string]*Point{}
	for i := range v.cfg.Points {
		points[v.cfg.Points[i].ID] = &v.cfg.Points[i]
	}
	seen := map[string]string{}
	for i, vl := range v.cfg.Valves {
		p := fmt.Sprintf("valves[%d]", i)
		if v.require(p+".name", vl.Name) {
			v.unique(p+".name", vl.Name, seen)
		}
		if vl.Output == "" && vl.Command == "" {
			v.add(p, "%s: give output (the solenoid) or command (a coil point), or both", p)
		}
		if vl.Command != "" {
			v.contactPoint(p+".command", vl.Command, points, "coil")
		}
		if v.require(p+".open_limit", vl.OpenLimit) {
			v.contactPoint(p+".open_limit", vl.OpenLimit, points, "")
		}
		if v.require(p+".closed_limit", vl.ClosedLimit) {
			v.contactPoint(p+".closed_limit", vl.ClosedLimit, points, "")
		}
		v.durationRange(p+".stroke_time", vl.StrokeTime, time.Second, maxStrokeTime)
	}
	for i, ls := range v.cfg.LevelSwitches {
		p := fmt.Sprintf("level_switches[%d]", i)
		if v.require(p+".switch", ls.Switch) {
			v.contactPoint(p+".switch", ls.Switch, points, "")
		}
		if v.require(p+".level", ls.Level) {
			if pt, ok := points[ls.Level]; !ok {
				v.add(p+".level", "%s: no point named %q", p+".level", ls.Level)
			} else if !HasAlarm(pt, "hh") {
				v.add(p+".level", "%s: point %q has no %s alarm", p+".level", ls.Level, "hh")
			}
		}
		v.durationRange(p+".delay", ls.Delay, time.Second, 5*time.Minute)
	}
	for i, il := range v.cfg.Interlocks {
		for j, e := range il.Do {
			p := fmt.Sprintf("interlocks[%d].do[%d]", i, j)
			if (e.Output == "") == (e.Valve == "") {
				v.add(p, "%s: give exactly one of output or valve", p)
				continue
			}
			if e.Valve != "" && seen[e.Valve] == "" {
				v.add(p+".valve", "%s: no valve named %q", p+".valve", e.Valve)
			}
		}
	}
}

// InputPrefix marks a contact read from a board input rather than a
// point: "input:xv-101-closed".
const InputPrefix = "input:"

// contactPoint checks that id names a contact (bool) point, of table when
// one is given, or, without a table, a board input.
func (v *validator) contactPoint(path, id string, points map[string]*Point, table string) {
	if name, ok := strings.CutPrefix(id, InputPrefix); ok && table == "" {
		if name == "" {
			v.add(path, "%s: %q names no board input", path, id)
		}
		return
	}
	pt, ok := points[id]
	if !ok {
		v.add(path, "%s: no point named %q", path, id)
		return
	}
	if pt.Type != "bool" {
		v.add(path, "%s: point %q is %s; a valve or switch contact must be bool", path, id, pt.Type)
	}
	if table != "" && pt.Register.Table != table {
		v.add(path, "%s: point %q is in table %s; a command must be a coil", path, id, pt.Register.Table)
	}
}
