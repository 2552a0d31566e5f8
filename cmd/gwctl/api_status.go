package main

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/plantgw/plantgw/web"
)

var statusUsage = []string{
	"Usage: gwctl status [--gateway ADDRESS]",
	"Shows, through the running gateway's local API, every point with its value and quality, the latched alarms with",
	"their values and set points, points in fault, bypasses, tripped interlocks with their causes, the board outputs,",
	"the valves, device comm health, the upload backlog and the platform link. Times are in the site's time zone.",
	gatewayFlagUsage,
}

func runStatus(ctx context.Context, e *env, args []string) int {
	c, err := newAPICommandLine("status").client(e, args, nil)
	if err != nil {
		return e.fail(err)
	}
	st, err := c.status(ctx)
	if err != nil {
		return e.fail(err)
	}
	printStatus(e, st)
	return exitOK
}

// status reads the gateway's status.
func (c *apiClient) status(ctx context.Context) (web.Status, error) {
	var st web.Status
	err := c.call(ctx, "GET", "/api/status", nil, &st)
	return st, err
}

func printStatus(e *env, st web.Status) {
	clock := newSiteClock(st)
	e.printf("gateway %s at %s (%s)", st.Gateway, clock.dateTime(st.Time), clock.zoneLabel(e))
	printPoints(e, st, clock)
	printAlarms(e, st)
	if len(st.Faults) > 0 {
		e.printf("points in fault: %s", strings.Join(st.Faults, ", "))
	}
	for _, b := range st.Bypasses {
		printBypass(e, b, clock)
	}
	printInterlocks(e, st)
	for _, o := range st.Outputs {
		e.printf("output %s: %s", o.Name, outputLine(e, o))
	}
	for _, v := range st.Valves {
		e.printf("valve %s: %s", v.Name, valveState(e, v))
	}

	e.printf("devices: %d, in comm loss: %d", st.Devices.Total, st.Devices.Lost)
	e.printf("buffer: last seq %d, waiting for upload: %d events, %d telemetry, %d bulk", st.Buffer.LastSeq,
		st.Buffer.Pending["events"], st.Buffer.Pending["telemetry"], st.Buffer.Pending["bulk"])
	if st.ClockSynced {
		e.printf("clock: synchronised")
	} else {
		e.printf("clock: NOT synchronised; records are flagged clock_synced false until NTP (or, with site.clock: rtc, a plausible clock) sets it")
	}
	if st.Uplink.Connected {
		e.printf("platform: connected since %s, %d records sent", clock.dateTime(st.Uplink.Since), st.Uplink.SentRecords)
	} else {
		e.printf("platform: not connected (%s)", st.Uplink.LastError)
	}
}

func printPoints(e *env, st web.Status, clock siteClock) {
	var table textTable
	table.add(e.pr.Sprintf("POINT"), e.pr.Sprintf("VALUE"), e.pr.Sprintf("UNIT"), e.pr.Sprintf("QUALITY"), e.pr.Sprintf("READ AT"))
	for _, p := range st.Points {
		at := "-"
		if !p.Time.IsZero() {
			at = clock.clock(p.Time)
		}
		quality := qualityName(e, p.Quality)
		if p.Fault {
			quality += " " + e.pr.Sprintf("(fault)")
		}
		table.add(p.ID, pointValue(e, p), p.Unit, quality, at)
	}
	table.write(e.stdout)
}

// printAlarms prints each latched alarm with its level in words, the
// point's value against the set point, and whether it is acknowledged.
func printAlarms(e *env, st web.Status) {
	if len(st.Alarms) == 0 {
		e.printf("alarms: none latched")
	}
	for _, a := range st.Alarms {
		unit := pointUnit(st, a.Point)
		state := e.pr.Sprintf("past the set point")
		if !a.Active {
			state = e.pr.Sprintf("back inside, latched until reset")
		}
		ack := e.pr.Sprintf("not acknowledged")
		if a.Acknowledged {
			ack = e.pr.Sprintf("acknowledged")
		}
		e.printf("alarm: %s %s, value %s, set point %s, %s, %s", a.Point, e.say(levelName(a.Level)),
			formatValue(e, a.Value, unit), formatSetPoint(a.SetPoint, unit), state, ack)
	}
}

// printInterlocks prints each tripped interlock with its cause, outputs
// and valves.
func printInterlocks(e *env, st web.Status) {
	tripped := 0
	for _, il := range st.Interlocks {
		if !il.Tripped {
			continue
		}
		tripped++
		line := e.pr.Sprintf("interlock %s TRIPPED", il.Name)
		if causes := tripCauses(e, st, il); len(causes) > 0 {
			line += e.pr.Sprintf(", cause: %s", strings.Join(causes, ", "))
		} else if len(il.Points) > 0 {
			line += e.pr.Sprintf(", voting points: %s", strings.Join(il.Points, ", "))
		}
		if len(il.Outputs) > 0 {
			line += e.pr.Sprintf("; outputs: %s", strings.Join(il.Outputs, ", "))
		}
		if len(il.Valves) > 0 {
			line += e.pr.Sprintf("; valves: %s", strings.Join(il.Valves, ", "))
		}
		fmt.Fprintln(e.stdout, line)
	}
	if tripped == 0 && len(st.Interlocks) > 0 {
		e.printf("interlocks: %d, none tripped", len(st.Interlocks))
	}
}

// tripCauses lists the voting points of il that have a latched alarm or
// are in fault, each with its levels and the fault, such as "GT-102.conc
// level 1 alarm/in fault". A trip kept from before the gateway started may
// have none.
func tripCauses(e *env, st web.Status, il web.InterlockStatus) []string {
	var causes []string
	for _, id := range il.Points {
		var reasons []string
		for _, a := range st.Alarms {
			if a.Point == id {
				reasons = append(reasons, e.say(levelName(a.Level)))
			}
		}
		if slices.Contains(st.Faults, id) {
			reasons = append(reasons, e.pr.Sprintf("in fault"))
		}
		if len(reasons) > 0 {
			causes = append(causes, id+" "+strings.Join(reasons, "/"))
		}
	}
	return causes
}

// outputLine describes a board output: its state, and whether it could
// not be driven or an output test drives it.
func outputLine(e *env, o web.OutputStatus) string {
	line := e.say(outputState(o.Active))
	if o.Failed {
		line += e.pr.Sprintf("; could not be driven, see the gateway's log")
	}
	if o.Testing {
		line += e.pr.Sprintf("; driven by an output test")
	}
	return line
}

// valveState describes a valve: whether a trip holds it closed, its limit
// switches and its latched alarms.
func valveState(e *env, v web.ValveStatus) string {
	hold := e.pr.Sprintf("not held by a trip")
	if v.Held {
		hold = e.pr.Sprintf("held closed by a trip")
	}
	parts := []string{hold, e.say(limitSwitches(v))}
	if v.Failed {
		parts = append(parts, e.pr.Sprintf("alarm: did not reach its closed limit in time"))
	}
	if v.Uncommanded {
		parts = append(parts, e.pr.Sprintf("alarm: moved without a command"))
	}
	return strings.Join(parts, "; ")
}

// pointUnit returns the unit of the point id in st, or "".
func pointUnit(st web.Status, id string) string {
	for _, p := range st.Points {
		if p.ID == id {
			return p.Unit
		}
	}
	return ""
}

func pointValue(e *env, p web.PointStatus) string {
	switch {
	case p.Value != nil:
		return strconv.FormatFloat(*p.Value, 'f', -1, 64)
	case p.Bool != nil && *p.Bool:
		return e.pr.Sprintf("on")
	case p.Bool != nil:
		return e.pr.Sprintf("off")
	case p.Text != "":
		return strconv.Quote(p.Text)
	}
	return "-"
}

func qualityName(e *env, q string) string {
	switch q {
	case "good":
		return e.pr.Sprintf("good")
	case "uncertain":
		return e.pr.Sprintf("uncertain")
	case "bad":
		return e.pr.Sprintf("bad")
	}
	return e.pr.Sprintf("not read yet")
}
