package main

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/plantgw/plantgw/web"
)

// printNotReset explains a reset that left alarms or trips latched: each
// one with its level in words and the point's value against the set point,
// then what to do before the next reset. It reads them from the gateway's
// status; when that fails it names them from the reset reply.
func printNotReset(ctx context.Context, e *env, c *apiClient, notReset int, latched string) {
	e.printf("%d alarms or trips not reset, because their reading is still past the set point or in fault:", notReset)
	st, err := c.status(ctx)
	if err != nil {
		for _, item := range latchedItems(e, latched) {
			fmt.Fprintln(e.stdout, "  "+item)
		}
	} else {
		for _, line := range stillLatched(e, st) {
			fmt.Fprintln(e.stdout, "  "+line)
		}
	}
	e.printf("reset again once the readings are back inside their set points and the faults are cleared: gwctl alarms reset")
}

// stillLatched describes the latched alarms and tripped interlocks of st.
func stillLatched(e *env, st web.Status) []string {
	var lines []string
	for _, a := range st.Alarms {
		unit := pointUnit(st, a.Point)
		if slices.Contains(st.Faults, a.Point) {
			lines = append(lines, e.pr.Sprintf("%s %s: in fault, no valid reading; set point %s", a.Point,
				e.say(levelName(a.Level)), formatSetPoint(a.SetPoint, unit)))
			continue
		}
		lines = append(lines, e.pr.Sprintf("%s %s: value %s, set point %s", a.Point, e.say(levelName(a.Level)),
			formatValue(e, a.Value, unit), formatSetPoint(a.SetPoint, unit)))
	}
	for _, il := range st.Interlocks {
		if il.Tripped {
			lines = append(lines, e.pr.Sprintf("interlock %s stays tripped", il.Name))
		}
	}
	return lines
}

// latchedItems turns the reset reply's list, such as "GT-101.conc al2,
// gas-esd", into words: a latched alarm is "POINT LEVEL", a tripped
// interlock its name alone.
func latchedItems(e *env, latched string) []string {
	var items []string
	for _, item := range strings.Split(latched, ", ") {
		fields := strings.Fields(item)
		switch {
		case len(fields) == 2 && isLevel(fields[1]):
			items = append(items, fields[0]+" "+e.say(levelName(fields[1])))
		case len(fields) == 1:
			items = append(items, e.pr.Sprintf("interlock %s stays tripped", fields[0]))
		case item != "":
			items = append(items, item)
		}
	}
	return items
}
