package main

import (
	"fmt"
	"strconv"

	"github.com/plantgw/plantgw/web"
)

// eventView prints events one a line as the gateway's console does
// (gateway/console.go), with the same English formats, so the catalog
// translates both alike. Times are in the site's time zone.
//
// NOTE: describe repeats the cases of the console's describe, because
// gwctl does not link the gateway package. A new console line needs its
// case here too, else gwctl prints the event as the fallback line.
type eventView struct {
	e     *env
	clock siteClock
	units map[string]string
}

func newEventView(e *env, st web.Status) *eventView {
	v := &eventView{e: e, clock: newSiteClock(st), units: map[string]string{}}
	for _, p := range st.Points {
		v.units[p.ID] = p.Unit
	}
	return v
}

// print writes the event's line with its time.
func (v *eventView) print(ev web.Event) {
	fmt.Fprintf(v.e.stdout, "%s %s\n", v.clock.clock(ev.Time), v.describe(ev))
}

// describe returns the event's line without its time. An event that the
// console does not show gets its kind and its English text.
func (v *eventView) describe(ev web.Event) string {
	pr := v.e.pr
	switch ev.Kind {
	case "alarm_raised":
		return pr.Sprintf("ALARM     %s %s, value %s", ev.Point, v.level(ev.Level), v.value(ev))
	case "alarm_cleared":
		return pr.Sprintf("CLEARED   %s %s: value back to %s; stays latched until reset", ev.Point, v.level(ev.Level), v.value(ev))
	case "alarm_reset":
		if ev.Operator == "" {
			return pr.Sprintf("RESET     %s %s", ev.Point, v.level(ev.Level))
		}
		return pr.Sprintf("RESET     %s %s by %s", ev.Point, v.level(ev.Level), v.operator(ev.Operator))
	case "alarm_acknowledged":
		return pr.Sprintf("ACK       %s %s acknowledged by %s", ev.Point, v.level(ev.Level), v.operator(ev.Operator))
	case "alarm_silenced":
		return pr.Sprintf("SILENCED  horn silenced by %s; alarms stay latched", v.operator(ev.Operator))
	case "bypass_on":
		return pr.Sprintf("BYPASS    %s bypassed by %s until %s: %s", ev.Point, ev.Operator, v.clock.clock(ev.Until), ev.Reason)
	case "bypass_off":
		return pr.Sprintf("BYPASS END %s votes in its interlocks again", ev.Point)
	case "fault_raised":
		return pr.Sprintf("FAULT     %s has no valid reading", ev.Point)
	case "fault_cleared":
		return pr.Sprintf("FAULT OK  %s reads valid values again", ev.Point)
	case "comm_lost":
		return v.commLost(ev)
	case "comm_restored":
		return pr.Sprintf("COMM OK   device %s replies again", ev.Device)
	case "trip", "trip_reset":
		return v.trip(ev)
	case "output_changed":
		return v.outputChanged(ev)
	case "output_test_started":
		return pr.Sprintf("TEST      output %s driven active (de-energised) by %s for a test until %s", ev.Output, ev.Operator,
			v.clock.clock(ev.Until))
	case "output_test_ended":
		return pr.Sprintf("TEST END  output %s: test by %s ended; the alarm logic drives it again", ev.Output, ev.Operator)
	case "gateway_stopped":
		return pr.Sprintf("STOP      gateway stopped; all outputs de-energised")
	}
	if line, ok := v.device(ev); ok {
		return line
	}
	return pr.Sprintf("EVENT     %s: %s", v.e.say(kindName(ev.Kind)), ev.Text)
}

// device describes the events of valves, level switches, writes and the
// lightning warning.
func (v *eventView) device(ev web.Event) (string, bool) {
	pr := v.e.pr
	switch ev.Kind {
	case "valve_failed":
		return pr.Sprintf("VALVE     %s did not reach its closed limit in time; check the actuator and the limit switch", ev.Device), true
	case "valve_reset":
		return pr.Sprintf("VALVE RST %s alarm reset", ev.Device), true
	case "valve_uncommanded":
		return pr.Sprintf("VALVE     %s moved without a command: %s", ev.Device, ev.Text), true
	case "level_switch_disagree":
		return pr.Sprintf("HH SWITCH disagrees with %s: %s", ev.Point, ev.Text), true
	case "level_switch_agree":
		return pr.Sprintf("HH SWITCH agrees with %s again", ev.Point), true
	case "write_unconfirmed":
		return pr.Sprintf("WRITE     device %s did not confirm a command: %s", ev.Device, ev.Text), true
	case "lightning_warning":
		return pr.Sprintf("LIGHTNING warning level %s (from %s)", v.e.say(lightningLevel(ev.State)), ev.Point+ev.Device), true
	}
	return "", false
}

func (v *eventView) commLost(ev web.Event) string {
	pr := v.e.pr
	switch ev.Cause {
	case "crc":
		return pr.Sprintf("COMM LOST device %s: its replies arrive damaged (CRC errors); check wiring, termination and parity", ev.Device)
	case "exception":
		return pr.Sprintf("COMM LOST device %s: the TCP gateway in front of it replies with exception %02X (%s)", ev.Device, ev.Code,
			v.e.say(gatewayException(ev.Code)))
	case "no_connection":
		return pr.Sprintf("COMM LOST device %s: the port or connection cannot be used (%s)", ev.Device, ev.Text)
	}
	return pr.Sprintf("COMM LOST device %s does not reply within its timeout; check unit id, wiring, baud rate and parity", ev.Device)
}

// trip describes a trip with its cause and valves, or a trip reset.
func (v *eventView) trip(ev web.Event) string {
	pr := v.e.pr
	if ev.Kind == "trip_reset" {
		line := pr.Sprintf("TRIP RST  interlock %s reset, outputs %s", ev.Interlock, ev.Output)
		if ev.Device != "" {
			line += pr.Sprintf("; valves %s stay closed until opened by hand at the valve", ev.Device)
		}
		return line
	}
	cause := v.level(ev.Level)
	if ev.Cause == "fault_vote" {
		cause = pr.Sprintf("%s or an input in fault", cause)
	}
	line := pr.Sprintf("TRIP      interlock %s tripped outputs %s, cause: %s", ev.Interlock, ev.Output, cause)
	if ev.Device != "" {
		line += pr.Sprintf("; closing valves %s", ev.Device)
	}
	return line
}

func (v *eventView) outputChanged(ev web.Event) string {
	pr := v.e.pr
	switch ev.State {
	case "active":
		return pr.Sprintf("OUTPUT    %s active (de-energised)", ev.Output)
	case "inactive":
		return pr.Sprintf("OUTPUT    %s released (energised)", ev.Output)
	}
	return pr.Sprintf("OUTPUT    %s could not be driven: %s", ev.Output, ev.Text)
}

func (v *eventView) level(code string) string { return v.e.say(levelName(code)) }

// value formats the event's reading with its point's unit, or "" without
// one, as the console does.
func (v *eventView) value(ev web.Event) string {
	if ev.Value == nil {
		return ""
	}
	return strconv.FormatFloat(*ev.Value, 'f', -1, 64) + " " + v.units[ev.Point]
}

// operator names who acted; the local button names no one.
func (v *eventView) operator(name string) string {
	if name == "local button" {
		return v.e.pr.Sprintf("the local button")
	}
	return name
}

// gatewayException names the exception of a TCP-to-RTU gateway whose
// device did not reply, as the console does.
func gatewayException(code int) phrase {
	if code == 0x0A {
		return "path unavailable"
	}
	return "target device failed to respond"
}

// lightningLevel names a lightning warning level as the console does.
func lightningLevel(state string) phrase {
	switch state {
	case "none":
		return "no warning"
	case "yellow":
		return "yellow"
	case "orange":
		return "orange"
	case "red":
		return "red"
	}
	return "unknown (no valid reading)"
}

// kindName names the kinds of event that the console shows no line for.
func kindName(kind string) phrase {
	switch kind {
	case "gateway_started":
		return "gateway started"
	case "records_evicted":
		return "stored records removed"
	case "store_replaced":
		return "store rebuilt"
	case "account_created":
		return "account created"
	case "account_removed":
		return "account removed"
	case "clock_step":
		return "clock stepped"
	}
	return phrase(kind)
}
