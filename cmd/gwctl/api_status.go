package main

import (
	"context"
	"strconv"
	"strings"
	"time"

	"github.com/plantgw/plantgw/web"
)

var statusUsage = []string{
	"Usage: gwctl status [--gateway ADDRESS]",
	"Shows, through the running gateway's local API, every point with its value and quality, the latched alarms,",
	"points in fault, bypasses, tripped interlocks, device comm health, the upload backlog and the platform link.",
}

func runStatus(ctx context.Context, e *env, args []string) int {
	fs := newFlagSet("status")
	gateway := addGatewayFlag(fs)
	if _, err := parseCommandLine(fs, args); err != nil {
		return e.fail(err)
	}
	c, err := newAPIClient(e, *gateway)
	if err != nil {
		return e.fail(err)
	}
	var st web.Status
	if err := c.call(ctx, "GET", "/api/status", nil, &st); err != nil {
		return e.fail(err)
	}
	printStatus(e, st)
	return exitOK
}

func printStatus(e *env, st web.Status) {
	e.printf("gateway %s at %s", st.Gateway, st.Time.Local().Format("2006-01-02 15:04:05"))
	var table textTable
	table.add(e.pr.Sprintf("POINT"), e.pr.Sprintf("VALUE"), e.pr.Sprintf("UNIT"), e.pr.Sprintf("QUALITY"), e.pr.Sprintf("READ AT"))
	for _, p := range st.Points {
		at := "-"
		if !p.Time.IsZero() {
			at = p.Time.Local().Format("15:04:05")
		}
		quality := qualityName(e, p.Quality)
		if p.Fault {
			quality += " " + e.pr.Sprintf("(fault)")
		}
		table.add(p.ID, pointValue(e, p), p.Unit, quality, at)
	}
	table.write(e.stdout)

	if len(st.Alarms) == 0 {
		e.printf("alarms: none latched")
	}
	for _, a := range st.Alarms {
		state := e.pr.Sprintf("past the set point")
		if !a.Active {
			state = e.pr.Sprintf("back inside, latched until reset")
		}
		ack := e.pr.Sprintf("not acknowledged")
		if a.Acknowledged {
			ack = e.pr.Sprintf("acknowledged")
		}
		e.printf("alarm: %s %s, %s, %s", a.Point, strings.ToUpper(a.Level), state, ack)
	}
	if len(st.Faults) > 0 {
		e.printf("points in fault: %s", strings.Join(st.Faults, ", "))
	}
	for _, b := range st.Bypasses {
		e.printf("bypass: %s by %s until %s (%s left): %s", b.Point, b.Operator, b.Until.Local().Format("15:04"),
			describe(time.Until(b.Until)), b.Reason)
	}
	for _, il := range st.Interlocks {
		if il.Tripped {
			e.printf("interlock %s TRIPPED", il.Name)
		}
	}

	e.printf("devices: %d, in comm loss: %d", st.Devices.Total, st.Devices.Lost)
	e.printf("buffer: last seq %d, waiting for upload: %d events, %d telemetry", st.Buffer.LastSeq,
		st.Buffer.Pending["events"], st.Buffer.Pending["telemetry"])
	if st.Uplink.Connected {
		e.printf("platform: connected since %s, %d records sent", st.Uplink.Since.Local().Format("2006-01-02 15:04:05"), st.Uplink.SentRecords)
	} else {
		e.printf("platform: not connected (%s)", st.Uplink.LastError)
	}
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
