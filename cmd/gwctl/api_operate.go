package main

import (
	"context"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/plantgw/plantgw/alarm"
	"github.com/plantgw/plantgw/web"
)

var alarmsUsage = []string{
	"Usage: gwctl alarms acknowledge|silence|reset [--gateway ADDRESS]",
	"acknowledge marks the latched alarms as seen; silence stops the horn until the next new alarm; reset clears",
	"latched alarms and trips whose cause is gone and says which stay latched. Needs an operator or installer login.",
	gatewayFlagUsage,
}

var bypassSetUsage = []string{
	"Usage: gwctl bypass set --point POINT --reason TEXT --for DURATION [--gateway ADDRESS]",
	"Takes the point out of its interlocks' votes for the given time. Its alarms still sound and are recorded.",
	"The bypass ends by itself and is recorded with your account name and the reason. Needs an operator or installer login.",
	"Example: gwctl bypass set --point GT-101.conc --reason \"sensor replacement\" --for 2h",
	pointFlagUsage,
	"  --reason TEXT      why the point is bypassed, such as sensor replacement; recorded with the bypass",
	"  --for DURATION     how long, with its unit: 1s to 8h, such as 2h, 30m or 1h30m",
	gatewayFlagUsage,
}

var bypassEndUsage = []string{
	"Usage: gwctl bypass end --point POINT [--gateway ADDRESS]",
	"Ends a bypass before its expiry: the point votes in its interlocks again at once.",
	"Example: gwctl bypass end --point GT-101.conc",
	pointFlagUsage,
	gatewayFlagUsage,
}

var bypassListUsage = []string{
	"Usage: gwctl bypass list [--gateway ADDRESS]",
	"Lists the points under bypass, who set each, why and until when, in the site's time zone.",
	gatewayFlagUsage,
}

// pointFlagUsage is the help line of --point.
const pointFlagUsage = "  --point POINT      the alarm point's id as gwctl status lists it, such as GT-101.conc"

func runAlarmAction(action string) func(ctx context.Context, e *env, args []string) int {
	return func(ctx context.Context, e *env, args []string) int {
		c, err := newAPICommandLine("alarms "+action).client(e, args, nil)
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
			printNotReset(ctx, e, c, reply.NotReset, reply.Latched)
			return exitFailure
		default:
			e.printf("reset done: nothing stays latched")
		}
		return exitOK
	}
}

func runBypassSet(ctx context.Context, e *env, args []string) int {
	cl := newAPICommandLine("bypass set")
	point := cl.String("point", "", "")
	reason := cl.String("reason", "", "")
	forText := cl.String("for", "", "")
	var d time.Duration
	c, err := cl.client(e, args, func() (err error) {
		if err = requireFlags(map[string]string{"--point": *point, "--reason": *reason, "--for": *forText}); err != nil {
			return err
		}
		d, err = parseBypassDuration(*forText)
		return err
	})
	if err != nil {
		return e.fail(err)
	}
	// The duration goes as written, so that the gateway's errors name it
	// as the operator typed it.
	body := map[string]string{"point": *point, "reason": *reason, "duration": strings.TrimSpace(*forText)}
	if err := c.call(ctx, "POST", "/api/bypasses", body, nil); err != nil {
		return e.fail(err)
	}
	printBypassSet(ctx, e, c, *point, d)
	return exitOK
}

// requireFlags returns a usage error naming the flags of flags whose value
// is empty, with an example of a whole bypass command line.
func requireFlags(flags map[string]string) error {
	var missing []string
	for name, value := range flags {
		if strings.TrimSpace(value) == "" {
			missing = append(missing, name)
		}
	}
	if len(missing) == 0 {
		return nil
	}
	slices.Sort(missing)
	return usageError("missing %s; for example: gwctl bypass set --point GT-101.conc --reason %s --for 2h",
		strings.Join(missing, ", "), exampleReason())
}

// exampleReason is the bypass reason of the examples in messages.
func exampleReason() phrase { return "\"sensor replacement\"" }

// parseBypassDuration parses --for: a Go duration with its unit, within
// the alarm engine's range of 1s to alarm.MaxBypass.
func parseBypassDuration(value string) (time.Duration, error) {
	d, err := time.ParseDuration(strings.TrimSpace(value))
	if err != nil {
		return 0, usageError("invalid --for %q: write a duration with its unit (h, m or s), such as 2h, 30m or 1h30m", value)
	}
	if d < time.Second || d > alarm.MaxBypass {
		return 0, usageError("--for %q is out of range: a bypass lasts from 1s to %s, such as 2h or 30m", value, describe(alarm.MaxBypass))
	}
	return d, nil
}

// printBypassSet confirms a bypass with its end as the gateway keeps it,
// in the site's time zone. When the status cannot be read it gives the end
// from this computer's clock.
func printBypassSet(ctx context.Context, e *env, c *apiClient, point string, d time.Duration) {
	st, err := c.status(ctx)
	if err == nil {
		clock := newSiteClock(st)
		for _, b := range st.Bypasses {
			if b.Point == point {
				e.printf("%s bypassed until %s (%s, %s left); it votes in its interlocks again then", point,
					clock.clock(b.Until), clock.zoneLabel(e), clock.remaining(b.Until))
				return
			}
		}
	}
	until := time.Now().Add(d)
	e.printf("%s bypassed until %s (%s, %s left); it votes in its interlocks again then", point,
		until.Format(time.TimeOnly), e.pr.Sprintf("this computer's time zone"), describe(d))
}

func runBypassEnd(ctx context.Context, e *env, args []string) int {
	cl := newAPICommandLine("bypass end")
	point := cl.String("point", "", "")
	c, err := cl.client(e, args, func() error {
		if *point == "" {
			return usageError("give the point with --point, such as gwctl bypass end --point GT-101.conc")
		}
		return nil
	})
	if err != nil {
		return e.fail(err)
	}
	if err := c.call(ctx, "DELETE", "/api/bypasses/"+url.PathEscape(*point), nil, nil); err != nil {
		return e.fail(err)
	}
	e.printf("bypass of %s ended; it votes in its interlocks again", *point)
	return exitOK
}

// runBypassList lists the bypasses from the gateway's status, which
// carries the site's time zone and the gateway's time for the time left.
func runBypassList(ctx context.Context, e *env, args []string) int {
	c, err := newAPICommandLine("bypass list").client(e, args, nil)
	if err != nil {
		return e.fail(err)
	}
	st, err := c.status(ctx)
	if err != nil {
		return e.fail(err)
	}
	if len(st.Bypasses) == 0 {
		e.printf("no point is bypassed")
		return exitOK
	}
	clock := newSiteClock(st)
	e.printf("times in %s", clock.zoneLabel(e))
	list := slices.Clone(st.Bypasses)
	slices.SortFunc(list, func(a, b web.BypassStatus) int { return strings.Compare(a.Point, b.Point) })
	for _, b := range list {
		printBypass(e, b, clock)
	}
	return exitOK
}

// printBypass prints one bypass with its end in the site's time zone.
func printBypass(e *env, b web.BypassStatus, clock siteClock) {
	e.printf("bypass: %s by %s until %s (%s left): %s", b.Point, b.Operator, clock.clock(b.Until), clock.remaining(b.Until), b.Reason)
}
