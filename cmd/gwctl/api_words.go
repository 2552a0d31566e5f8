package main

import (
	"strconv"
	"strings"

	"github.com/plantgw/plantgw/web"
)

// levelName returns the operator's name of an alarm level as the
// gateway's console prints it, with the same catalog keys, or the level's
// code for a level that the console has no name for.
func levelName(level string) phrase {
	switch level {
	case "al1":
		return "level 1 alarm"
	case "al2":
		return "level 2 alarm"
	case "h":
		return "high alarm (H)"
	case "hh":
		return "high-high alarm (HH)"
	case "l":
		return "low alarm (L)"
	case "ll":
		return "low-low alarm (LL)"
	}
	return phrase(level)
}

// say translates p into the user's language.
func (e *env) say(p phrase) string {
	return e.pr.Sprintf(string(p))
}

// isLevel reports whether code is an alarm level the console names.
func isLevel(code string) bool {
	return levelName(code) != phrase(code)
}

// outputState names a board output's state as the console does: active
// is the tripped, de-energised state.
func outputState(active bool) phrase {
	if active {
		return "active (de-energised)"
	}
	return "released (energised)"
}

// limitSwitches describes a valve's two limit switches.
func limitSwitches(v web.ValveStatus) phrase {
	switch {
	case v.Closed && v.Open:
		return "open and closed limits both made; check the limit switches"
	case v.Closed:
		return "at its closed limit"
	case v.Open:
		return "at its open limit"
	}
	return "at neither limit: moving, or the limit switches are not read yet"
}

// formatValue formats a reading with its unit, or the words for no valid
// reading.
func formatValue(e *env, v *float64, unit string) string {
	if v == nil {
		return e.pr.Sprintf("no valid reading")
	}
	return strings.TrimSpace(strconv.FormatFloat(*v, 'f', -1, 64) + " " + unit)
}

// formatSetPoint formats a set point with its unit.
func formatSetPoint(v float64, unit string) string {
	return strings.TrimSpace(strconv.FormatFloat(v, 'f', -1, 64) + " " + unit)
}
