package gateway

import (
	"sync"

	"github.com/plantgw/plantgw/record"
	"github.com/plantgw/plantgw/web"
)

// eventCounts counts the events of each kind since the start.
type eventCounts struct {
	mu     sync.Mutex
	byKind map[record.EventKind]uint64
}

func (c *eventCounts) add(k record.EventKind) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.byKind == nil {
		c.byKind = map[record.EventKind]uint64{}
	}
	c.byKind[k]++
}

func (c *eventCounts) snapshot() map[string]uint64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := make(map[string]uint64, len(c.byKind))
	for k, n := range c.byKind {
		out[string(k)] = n
	}
	return out
}

// Metrics returns the counters of the buses, devices, events and store
// for /metrics.
func (p plant) Metrics() web.Metrics {
	g := p.g
	m := web.Metrics{Events: g.events.snapshot(), StoreDropped: g.store.dropped.Load()}
	for _, pl := range g.pollers {
		c := pl.LineCounts()
		m.Lines = append(m.Lines, web.LineMetrics{Bus: pl.Bus(), Requests: c.Requests, Replies: c.Replies, Exceptions: c.Exceptions,
			Timeouts: c.Timeouts, CRCErrors: c.Damaged, Stray: c.StrayBytes, Late: c.Late, Stale: c.Stale,
			Reconnects: c.Reconnects, OpenFailures: c.OpenFailures})
		for _, d := range pl.DeviceCounts() {
			m.Devices = append(m.Devices, web.DeviceMetrics{Name: d.Name, Bus: pl.Bus(), Unit: d.Unit, Requests: d.Requests,
				Exceptions: d.Exceptions, Timeouts: d.Timeouts, CRCErrors: d.Damaged, Late: d.Late, Stale: d.Stale,
				CommLost: g.comm.Lost(d.Name)})
		}
	}
	return m
}
