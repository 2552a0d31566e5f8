package gateway

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/plantgw/plantgw/buffer"
	"github.com/plantgw/plantgw/config"
	"github.com/plantgw/plantgw/record"
	"github.com/plantgw/plantgw/web"
)

// plant implements web.Plant for the local API. Actions come from the
// local page or gwctl on the maintenance interface: source local_ui, with
// the logged-in user as operator.
type plant struct{ g *Gateway }

func (p plant) Acknowledge(user string) error {
	return p.g.engine.Acknowledge(user, record.SourceLocalUI)
}

func (p plant) Silence(user string) error {
	return p.g.engine.Silence(user, record.SourceLocalUI)
}

func (p plant) Reset(user string) (int, string, error) {
	return p.g.reset(user, record.SourceLocalUI)
}

func (p plant) Bypass(point, user, reason string, d time.Duration) error {
	return p.g.engine.Bypass(point, user, reason, d, record.SourceLocalUI)
}

func (p plant) EndBypass(point, user string) error {
	return p.g.engine.EndBypass(point, user, record.SourceLocalUI)
}

func (p plant) Status() web.Status {
	g := p.g
	now, synced := wallClock()
	faults := g.engine.Faults()
	st := web.Status{Gateway: g.cfg.Site.GatewayID, Time: now, Points: g.live.points(faults), Faults: faults,
		Timezone: g.cfg.Site.Timezone, ClockSynced: synced}
	for _, a := range g.engine.Alarms() {
		as := web.AlarmStatus{Point: a.Point, Level: string(a.Level), Priority: a.Priority, SetPoint: a.SetPoint,
			Active: a.Active, Acknowledged: a.Acknowledged}
		if a.HasValue {
			v := a.Value
			as.Value = &v
		}
		st.Alarms = append(st.Alarms, as)
	}
	for _, b := range g.engine.Bypasses() {
		st.Bypasses = append(st.Bypasses, web.BypassStatus{Point: b.Point, Operator: b.Operator, Reason: b.Reason, Until: b.Until})
	}
	for _, il := range g.engine.Interlocks() {
		st.Interlocks = append(st.Interlocks, web.InterlockStatus{Name: il.Name, Tripped: il.Tripped, Points: il.Points,
			Outputs: il.Outputs, Valves: il.Valves})
	}
	st.Outputs = outputStatuses(g.engine.OutputStates())
	for _, v := range g.engine.Valves() {
		st.Valves = append(st.Valves, web.ValveStatus{Name: v.Name, Held: v.Held, Open: v.Open, Closed: v.Closed,
			Failed: v.Failed, Uncommanded: v.Uncommanded})
	}
	st.Devices.Total, st.Devices.Lost = g.comm.Summary()
	bs := g.buf.Stats()
	st.Buffer = web.BufferStatus{LastSeq: bs.LastSeq, Pending: map[string]int{}}
	for _, lane := range buffer.Lanes {
		st.Buffer.Pending[lane.String()] = bs.Pending[lane]
	}
	if g.up != nil {
		us := g.up.State()
		st.Uplink = web.UplinkStatus{Connected: us.Connected, Since: us.Since, LastError: us.LastError, SentRecords: us.SentRecords}
	}
	return st
}

// startWeb starts the local API on done, to stop with ctx. A config that
// turns the page off starts nothing.
func (g *Gateway) startWeb(ctx context.Context, done *sync.WaitGroup) error {
	if g.cfg.Web.Listen == config.WebOff {
		return nil
	}
	srv, err := web.New(web.Options{Web: g.cfg.Web, Lang: g.cfg.Site.Lang, Plant: plant{g: g}, Event: g.event,
		Logger: g.log.With("component", "web")})
	if err != nil {
		return fmt.Errorf("local page: %w", err)
	}
	g.web.Store(srv)
	done.Go(func() { g.logErr("web", srv.Run(ctx)) })
	return nil
}
