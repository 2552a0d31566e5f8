package gateway

import (
	"fmt"
	"io"
	"sort"
	"strconv"
	"sync"
	"time"

	"golang.org/x/text/message"

	"github.com/plantgw/plantgw/alarm"
	"github.com/plantgw/plantgw/config"
	"github.com/plantgw/plantgw/record"
)

// console prints each event as one line in the operator's language. Logs
// stay in English for engineers; this is what a person at the gateway
// reads.
type console struct {
	mu    sync.Mutex
	w     io.Writer
	pr    *message.Printer
	loc   *time.Location
	units map[string]string
}

func newConsole(cfg *config.Config, w io.Writer, pr *message.Printer) (*console, error) {
	loc, err := time.LoadLocation(cfg.Site.Timezone)
	if err != nil {
		return nil, fmt.Errorf("console time zone %q: %w", cfg.Site.Timezone, err)
	}
	c := &console{w: w, pr: pr, loc: loc, units: map[string]string{}}
	for _, p := range cfg.Points {
		c.units[p.ID] = p.Unit
	}
	return c, nil
}

// levelNames are the operator's names of alarm levels, translated by the
// catalog.
var levelNames = map[record.Level]string{
	record.AL1: "level 1 alarm", record.AL2: "level 2 alarm",
	record.H: "high alarm (H)", record.HH: "high-high alarm (HH)",
	record.L: "low alarm (L)", record.LL: "low-low alarm (LL)",
}

func (c *console) print(e record.Event) {
	if c == nil {
		return
	}
	line := c.describe(e)
	if line == "" {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	fmt.Fprintf(c.w, "%s %s\n", e.Time.In(c.loc).Format("15:04:05"), line)
}

// started prints the start line, which the gateway_started event carries
// only as English text.
func (c *console) started(at time.Time, gatewayID string, devices, buses, alarms, trips int) {
	c.line(at, "START     gateway %s: %d devices on %d buses; %d latched alarms and %d trips kept from before the start",
		gatewayID, devices, buses, alarms, trips)
}

// line prints one localized line stamped with at.
func (c *console) line(at time.Time, format string, args ...any) {
	if c == nil {
		return
	}
	text := c.pr.Sprintf(format, args...)
	c.mu.Lock()
	defer c.mu.Unlock()
	fmt.Fprintf(c.w, "%s %s\n", at.In(c.loc).Format("15:04:05"), text)
}

// kept lists the latched alarms and trips restored at start, so the
// operator sees why outputs stay active after a restart.
func (c *console) kept(at time.Time, l alarm.Latches) {
	if c == nil {
		return
	}
	for _, point := range sortedPoints(l.Alarms) {
		for _, level := range l.Alarms[point] {
			c.line(at, "KEPT      %s %s still latched from before the start; reset locally to clear", point, c.level(level))
		}
	}
	for _, name := range l.Trips {
		c.line(at, "KEPT      interlock %s still tripped from before the start; reset locally to clear", name)
	}
}

func sortedPoints(m map[string][]record.Level) []string {
	out := make([]string, 0, len(m))
	for p := range m {
		out = append(out, p)
	}
	sort.Strings(out)
	return out
}

func (c *console) level(l record.Level) string { return levelName(c.pr, l) }

// levelName returns the operator's name of an alarm level in pr's
// language, or the level's code when it has none.
func levelName(pr *message.Printer, l record.Level) string {
	if name, ok := levelNames[l]; ok {
		return pr.Sprintf(name)
	}
	return string(l)
}

func (c *console) value(e record.Event) string {
	if !e.HasValue {
		return ""
	}
	return strconv.FormatFloat(e.Value, 'f', -1, 64) + " " + c.units[e.Point]
}

// describe returns the event's line, or "" for events an operator does
// not need on screen.
func (c *console) describe(e record.Event) string {
	pr := c.pr
	switch e.Kind {
	case record.AlarmRaised:
		return pr.Sprintf("ALARM     %s %s, value %s", e.Point, c.level(e.Level), c.value(e))
	case record.AlarmCleared:
		return pr.Sprintf("CLEARED   %s %s: value back to %s; stays latched until reset", e.Point, c.level(e.Level), c.value(e))
	case record.AlarmReset:
		if e.Operator == "" {
			return pr.Sprintf("RESET     %s %s", e.Point, c.level(e.Level))
		}
		return pr.Sprintf("RESET     %s %s by %s", e.Point, c.level(e.Level), c.operator(e.Operator))
	case record.AlarmAcknowledged:
		return pr.Sprintf("ACK       %s %s acknowledged by %s", e.Point, c.level(e.Level), c.operator(e.Operator))
	case record.BypassOn:
		return pr.Sprintf("BYPASS    %s bypassed by %s until %s: %s", e.Point, e.Operator, e.Until.In(c.loc).Format("15:04:05"), e.Reason)
	case record.BypassOff:
		return pr.Sprintf("BYPASS END %s votes in its interlocks again", e.Point)
	case record.ValveFailed:
		return pr.Sprintf("VALVE     %s did not reach its closed limit in time; check the actuator and the limit switch", e.Device)
	case record.ValveReset:
		return pr.Sprintf("VALVE RST %s alarm reset", e.Device)
	case record.ValveUncommanded:
		return pr.Sprintf("VALVE     %s moved without a command: %s", e.Device, e.Text)
	case record.SwitchDisagree:
		return pr.Sprintf("HH SWITCH disagrees with %s: %s", e.Point, e.Text)
	case record.SwitchAgree:
		return pr.Sprintf("HH SWITCH agrees with %s again", e.Point)
	case record.AlarmSilenced:
		return pr.Sprintf("SILENCED  horn silenced by %s; alarms stay latched", c.operator(e.Operator))
	case record.LightningWarning:
		return c.lightning(e)
	case record.FaultRaised:
		return pr.Sprintf("FAULT     %s has no valid reading", e.Point)
	case record.FaultCleared:
		return pr.Sprintf("FAULT OK  %s reads valid values again", e.Point)
	case record.CommLost:
		return c.commLost(e)
	case record.CommRestored:
		return pr.Sprintf("COMM OK   device %s replies again", e.Device)
	case record.WriteUnconfirmed:
		return pr.Sprintf("WRITE     device %s did not confirm a command: %s", e.Device, e.Text)
	case record.ModbusWrite:
		return pr.Sprintf("MODBUS WR %s wrote %s to %s: %s", e.Operator, strconv.FormatFloat(e.Value, 'f', -1, 64), e.Device, e.Text)
	case record.Trip:
		return c.trip(e)
	case record.TripReset:
		line := pr.Sprintf("TRIP RST  interlock %s reset, outputs %s", e.Interlock, e.Output)
		if e.Device != "" {
			line += pr.Sprintf("; valves %s stay closed until opened by hand at the valve", e.Device)
		}
		return line
	case record.OutputChanged:
		switch e.State {
		case "active":
			return pr.Sprintf("OUTPUT    %s active (de-energised)", e.Output)
		case "inactive":
			return pr.Sprintf("OUTPUT    %s released (energised)", e.Output)
		default:
			return pr.Sprintf("OUTPUT    %s could not be driven: %s", e.Output, e.Text)
		}
	case record.OutputTestStarted:
		return pr.Sprintf("TEST      output %s driven active (de-energised) by %s for a test until %s", e.Output, e.Operator,
			e.Until.In(c.loc).Format("15:04:05"))
	case record.OutputTestEnded:
		return pr.Sprintf("TEST END  output %s: test by %s ended; the alarm logic drives it again", e.Output, e.Operator)
	case record.GatewayStopped:
		return pr.Sprintf("STOP      gateway stopped; all outputs de-energised")
	}
	return ""
}

// commLost describes a comm_lost event with its cause, so that an
// installer can tell a silent device from a damaged line or a missing port.
func (c *console) commLost(e record.Event) string {
	pr := c.pr
	switch e.Cause {
	case record.CauseCRC:
		return pr.Sprintf("COMM LOST device %s: its replies arrive damaged (CRC errors); check wiring, termination and parity", e.Device)
	case record.CauseException:
		return pr.Sprintf("COMM LOST device %s: the TCP gateway in front of it replies with exception %02X (%s)", e.Device, e.Code, c.gatewayException(e.Code))
	case record.CauseNoConnection:
		return pr.Sprintf("COMM LOST device %s: the port or connection cannot be used (%s)", e.Device, e.Text)
	}
	return pr.Sprintf("COMM LOST device %s does not reply within its timeout; check unit id, wiring, baud rate and parity", e.Device)
}

func (c *console) gatewayException(code byte) string {
	if code == 0x0A {
		return c.pr.Sprintf("path unavailable")
	}
	return c.pr.Sprintf("target device failed to respond")
}

// trip describes a trip: its outputs, the valves it closes, and whether
// inputs in fault voted for it.
func (c *console) trip(e record.Event) string {
	pr := c.pr
	cause := c.level(e.Level)
	if e.Cause == record.CauseFaultVote {
		cause = pr.Sprintf("%s or an input in fault", cause)
	}
	line := pr.Sprintf("TRIP      interlock %s tripped outputs %s, cause: %s", e.Interlock, e.Output, cause)
	if e.Device != "" {
		line += pr.Sprintf("; closing valves %s", e.Device)
	}
	return line
}

// lightning describes a change of the lightning warning level.
func (c *console) lightning(e record.Event) string {
	pr := c.pr
	var level string
	switch e.State {
	case "none":
		level = pr.Sprintf("no warning")
	case "yellow":
		level = pr.Sprintf("yellow")
	case "orange":
		level = pr.Sprintf("orange")
	case "red":
		level = pr.Sprintf("red")
	default:
		level = pr.Sprintf("unknown (no valid reading)")
	}
	return pr.Sprintf("LIGHTNING warning level %s (from %s)", level, e.Point+e.Device)
}

// operator names who acted; the local button names no one.
func (c *console) operator(name string) string {
	if name == localButtonOperator {
		return c.pr.Sprintf("the local button")
	}
	return name
}
