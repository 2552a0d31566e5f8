package main

import (
	"time"
	// gwctl runs on installers' laptops, whose systems may have no
	// zoneinfo (Windows without Go installed), and on the gateway, whose
	// root file system may have none.
	_ "time/tzdata"

	"github.com/plantgw/plantgw/web"
)

// siteClock shows the times of a gateway's status in the site's time
// zone, as the gateway's console shows them.
type siteClock struct {
	loc *time.Location
	// zone is the site's IANA time zone name; "" when the gateway sent
	// none.
	zone string
	// known is false when zone could not be loaded, so loc is this
	// computer's time zone.
	known bool
	// now is the gateway's time of the status, so that remaining times do
	// not depend on this computer's clock.
	now time.Time
}

// newSiteClock returns the clock of st, falling back to this computer's
// time zone when st names none or one unknown here.
func newSiteClock(st web.Status) siteClock {
	c := siteClock{loc: time.Local, zone: st.Timezone, now: st.Time}
	if c.now.IsZero() {
		c.now = time.Now()
	}
	if st.Timezone == "" {
		return c
	}
	if loc, err := time.LoadLocation(st.Timezone); err == nil {
		c.loc, c.known = loc, true
	}
	return c
}

// dateTime formats t with its date, in the site's time zone.
func (c siteClock) dateTime(t time.Time) string {
	return t.In(c.loc).Format(time.DateTime)
}

// clock formats t as hours, minutes and seconds, with the date too when it
// is not the gateway's today.
func (c siteClock) clock(t time.Time) string {
	t = t.In(c.loc)
	if t.Format(time.DateOnly) != c.now.In(c.loc).Format(time.DateOnly) {
		return t.Format(time.DateTime)
	}
	return t.Format(time.TimeOnly)
}

// zoneLabel names the time zone the times are shown in.
func (c siteClock) zoneLabel(e *env) string {
	switch {
	case c.known:
		return c.zone
	case c.zone == "":
		return e.pr.Sprintf("this computer's time zone; the gateway sent none")
	}
	return e.pr.Sprintf("this computer's time zone; the site's time zone %q is unknown here", c.zone)
}

// remaining returns how long until t, from the gateway's time.
func (c siteClock) remaining(t time.Time) string {
	return describe(t.Sub(c.now))
}
