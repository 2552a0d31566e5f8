package main

import (
	"strconv"
	"strings"
	"sync"
	"time"
)

// The line builders pass every number as a string: golang.org/x/text/message
// would otherwise group digits ("1,234"), and scripts read these lines.

func itoa(n int64) string {
	return strconv.FormatInt(n, 10)
}

// displayID shows an empty topic level as "" so that the line stays readable.
func displayID(id string) string {
	if id == "" {
		return `""`
	}
	return id
}

func statusWord(l *localizer, status string) string {
	switch status {
	case "online":
		return l.text("online")
	case "offline":
		return l.text("offline")
	}
	return l.text("status unknown")
}

// summaryLine formats the live summary line of one gateway.
func summaryLine(l *localizer, g gatewayReport) string {
	line := l.text("[platform] %s %s records %s (telemetry %s, events %s) alarms %s gaps %s duplicates %s invalid %s latest seq %s",
		displayID(g.GatewayID), statusWord(l, g.Status), itoa(g.Records), itoa(g.Samples), itoa(g.Events),
		itoa(g.Alarms), itoa(g.Gaps), itoa(g.Duplicates), itoa(g.Invalid), itoa(g.MaxSeq))

	var extras []string
	if g.Trips > 0 {
		extras = append(extras, l.text("trips %s", itoa(g.Trips)))
	}
	if g.CommLosses > 0 {
		extras = append(extras, l.text("comm losses %s", itoa(g.CommLosses)))
	}
	if g.Historical > 0 {
		extras = append(extras, l.text("historical %s", itoa(g.Historical)))
	}
	if g.BulkParts > 0 {
		extras = append(extras, l.text("bulk %s parts (%s of %s objects complete)", itoa(g.BulkParts), itoa(g.BulkComplete), itoa(g.BulkObjects)))
	}
	if g.Backlog != nil && g.Backlog.Events+g.Backlog.Telemetry+g.Backlog.Bulk > 0 {
		extras = append(extras, l.text("backlog %s", itoa(g.Backlog.Events+g.Backlog.Telemetry+g.Backlog.Bulk)))
	}
	if len(extras) > 0 {
		line += " " + strings.Join(extras, " ")
	}
	return line
}

// finalLines formats the lines printed once on exit. Each starts with a fixed
// marker that scripts search for.
func finalLines(l *localizer, gateways []gatewayReport) []string {
	if len(gateways) == 0 {
		return []string{l.text("platform summary: no gateway sent any message")}
	}
	lines := make([]string, 0, len(gateways))
	for _, g := range gateways {
		line := l.text("platform summary: gateway %s received %s records, %s alarms, %s trips, %s gaps, %s duplicates, %s invalid",
			displayID(g.GatewayID), itoa(g.Records), itoa(g.Alarms), itoa(g.Trips), itoa(g.Gaps), itoa(g.Duplicates), itoa(g.Invalid))
		if g.BulkParts > 0 {
			line += l.text(", bulk %s parts (%s of %s objects complete)", itoa(g.BulkParts), itoa(g.BulkComplete), itoa(g.BulkObjects))
		}
		lines = append(lines, line)
	}
	return lines
}

// eventLine formats the line printed when one of notableEvents arrives for
// the first time.
func eventLine(l *localizer, gatewayID string, rec record) string {
	parts := []string{l.text("[platform]"), displayID(gatewayID), eventLabel(l, rec.event)}
	if rec.pointID != "" {
		parts = append(parts, rec.pointID)
	}
	if rec.device != "" {
		parts = append(parts, l.text("device %s", rec.device))
	}
	if rec.output != "" {
		parts = append(parts, l.text("output %s", rec.output))
	}
	if rec.level != "" {
		parts = append(parts, l.text("level %s", rec.level))
	}
	if rec.value != "" && rec.value != "null" {
		parts = append(parts, l.text("value %s", rec.value))
	}
	parts = append(parts, l.text("at %s", rec.ts), l.text("seq %s", itoa(rec.seq)))
	if rec.historical {
		parts = append(parts, l.text("(historical)"))
	}
	return strings.Join(parts, " ")
}

// textLine formats the line printed when a text point's value arrives for
// the first time or changes, such as a device's firmware version.
func textLine(l *localizer, gatewayID string, rec record) string {
	parts := []string{l.text("[platform]"), displayID(gatewayID), l.text("TEXT"), rec.pointID, rec.value,
		l.text("at %s", rec.ts), l.text("seq %s", itoa(rec.seq))}
	if rec.historical {
		parts = append(parts, l.text("(historical)"))
	}
	return strings.Join(parts, " ")
}

func eventLabel(l *localizer, event string) string {
	switch event {
	case "alarm_raised":
		return l.text("ALARM")
	case "trip":
		return l.text("TRIP")
	case "comm_lost":
		return l.text("COMM LOST")
	case "comm_restored":
		return l.text("COMM RESTORED")
	case "fault_raised":
		return l.text("FAULT")
	case "alarm_silenced":
		return l.text("SILENCED")
	case "alarm_acknowledged":
		return l.text("ACKNOWLEDGED")
	case "alarm_reset":
		return l.text("RESET")
	case "trip_reset":
		return l.text("TRIP RESET")
	case "valve_failed":
		return l.text("VALVE FAILED")
	case "valve_uncommanded":
		return l.text("VALVE MOVED")
	case "bypass_on":
		return l.text("BYPASS")
	case "bypass_off":
		return l.text("BYPASS END")
	case "level_switch_disagree":
		return l.text("HH SWITCH DISAGREES")
	}
	return event
}

func statusLine(l *localizer, gatewayID, state, ts string) string {
	return l.text("[platform] %s status %s (at %s)", displayID(gatewayID), statusWord(l, state), ts)
}

func invalidLine(l *localizer, topicName string, verr *validationError, suppressedBefore int64) string {
	line := l.text("[platform] invalid message on %s: %s", topicName, verr.localize(l))
	if suppressedBefore > 0 {
		line += " " + l.text("(%s more invalid messages were not shown since the previous line)", itoa(suppressedBefore))
	}
	return line
}

// summaryLoop prints the live summary every interval until stop is closed.
// Its owner closes stop and then waits on done.
type summaryLoop struct {
	stop chan struct{}
	done sync.WaitGroup
}

func startSummaryLoop(interval time.Duration, l *localizer, recv *receiver, print func(string)) *summaryLoop {
	loop := &summaryLoop{stop: make(chan struct{})}
	loop.done.Add(1)
	go func() {
		defer loop.done.Done()
		ticker := time.NewTicker(interval)
		defer ticker.Stop()
		for {
			select {
			case <-loop.stop:
				return
			case <-ticker.C:
				printSummary(l, recv.snapshot(), print)
			}
		}
	}()
	return loop
}

func (s *summaryLoop) close() {
	close(s.stop)
	s.done.Wait()
}

func printSummary(l *localizer, gateways []gatewayReport, print func(string)) {
	if len(gateways) == 0 {
		print(l.text("[platform] no message from any gateway yet"))
		return
	}
	for _, g := range gateways {
		print(summaryLine(l, g))
	}
}
