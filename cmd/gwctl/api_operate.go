package main

import (
	"context"
	"net/url"
	"time"

	"github.com/plantgw/plantgw/web"
)

var alarmsUsage = []string{
	"Usage: gwctl alarms acknowledge|silence|reset [--gateway ADDRESS]",
	"acknowledge marks the latched alarms as seen; silence stops the horn until the next new alarm; reset clears",
	"latched alarms and trips whose cause is gone and says which stay latched. Needs an operator or installer login.",
}

var bypassSetUsage = []string{
	"Usage: gwctl bypass set --point POINT --reason TEXT --for DURATION [--gateway ADDRESS]",
	"Takes POINT out of its interlocks' votes for DURATION (at most 8h, such as 2h or 30m). Its alarms still sound",
	"and are recorded. The bypass ends by itself and is recorded with your account name and the reason.",
}

var bypassEndUsage = []string{
	"Usage: gwctl bypass end --point POINT [--gateway ADDRESS]",
	"Ends a bypass before its expiry: the point votes in its interlocks again at once.",
}

var bypassListUsage = []string{
	"Usage: gwctl bypass list [--gateway ADDRESS]",
	"Lists the points under bypass, who set each, why and until when.",
}

func runAlarmAction(action string) func(ctx context.Context, e *env, args []string) int {
	return func(ctx context.Context, e *env, args []string) int {
		fs := newFlagSet("alarms " + action)
		gateway := addGatewayFlag(fs)
		if _, err := parseCommandLine(fs, args); err != nil {
			return e.fail(err)
		}
		c, err := newAPIClient(e, *gateway)
		if err != nil {
			return e.fail(err)
		}
		var reply struct {
			NotReset int    `json:"not_reset"`
			Latched  string `json:"latched"`
		}
		if err := c.call(ctx, "POST", "/api/alarms/"+action, nil, &reply); err != nil {
			return e.fail(err)
		}
		switch {
		case action == "acknowledge":
			e.printf("latched alarms acknowledged")
		case action == "silence":
			e.printf("horn silenced; alarms stay latched until reset")
		case reply.NotReset > 0:
			e.printf("%d alarms or trips not reset: still past the set point or in fault: %s", reply.NotReset, reply.Latched)
			return exitFailure
		default:
			e.printf("reset done: nothing stays latched")
		}
		return exitOK
	}
}

func runBypassSet(ctx context.Context, e *env, args []string) int {
	fs := newFlagSet("bypass set")
	gateway := addGatewayFlag(fs)
	point := fs.String("point", "", "")
	reason := fs.String("reason", "", "")
	d := fs.Duration("for", 0, "")
	if _, err := parseCommandLine(fs, args); err != nil {
		return e.fail(err)
	}
	if *point == "" || *reason == "" || *d == 0 {
		return e.fail(usageError("give --point, --reason and --for, such as gwctl bypass set --point GT-101 --reason 标定 --for 2h"))
	}
	c, err := newAPIClient(e, *gateway)
	if err != nil {
		return e.fail(err)
	}
	body := map[string]string{"point": *point, "reason": *reason, "duration": d.String()}
	if err := c.call(ctx, "POST", "/api/bypasses", body, nil); err != nil {
		return e.fail(err)
	}
	e.printf("%s bypassed until %s; it votes in its interlocks again then", *point, time.Now().Add(*d).Format("15:04"))
	return exitOK
}

func runBypassEnd(ctx context.Context, e *env, args []string) int {
	fs := newFlagSet("bypass end")
	gateway := addGatewayFlag(fs)
	point := fs.String("point", "", "")
	if _, err := parseCommandLine(fs, args); err != nil {
		return e.fail(err)
	}
	if *point == "" {
		return e.fail(usageError("give the point with --point POINT"))
	}
	c, err := newAPIClient(e, *gateway)
	if err != nil {
		return e.fail(err)
	}
	if err := c.call(ctx, "DELETE", "/api/bypasses/"+url.PathEscape(*point), nil, nil); err != nil {
		return e.fail(err)
	}
	e.printf("bypass of %s ended; it votes in its interlocks again", *point)
	return exitOK
}

func runBypassList(ctx context.Context, e *env, args []string) int {
	fs := newFlagSet("bypass list")
	gateway := addGatewayFlag(fs)
	if _, err := parseCommandLine(fs, args); err != nil {
		return e.fail(err)
	}
	c, err := newAPIClient(e, *gateway)
	if err != nil {
		return e.fail(err)
	}
	var list []web.BypassStatus
	if err := c.call(ctx, "GET", "/api/bypasses", nil, &list); err != nil {
		return e.fail(err)
	}
	if len(list) == 0 {
		e.printf("no point is bypassed")
	}
	for _, b := range list {
		e.printf("bypass: %s by %s until %s (%s left): %s", b.Point, b.Operator, b.Until.Local().Format("15:04"),
			describe(time.Until(b.Until)), b.Reason)
	}
	return exitOK
}
