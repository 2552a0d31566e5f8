package modbus

import "github.com/plantgw/plantgw/drivers/modbus/wire"

// DeviceCounts are one device's traffic and fault counters.
type DeviceCounts struct {
	Name string
	Unit int
	wire.UnitCounts
}

// DeviceCounts returns the counters of each device on the bus, once per
// device even when it has several poll groups. It returns nil for a Conn
// that does not count. Any goroutine may call it.
func (p *Poller) DeviceCounts() []DeviceCounts {
	conn, ok := p.conn.(counter)
	if !ok {
		return nil
	}
	seen := map[string]bool{}
	var out []DeviceCounts
	for _, d := range p.devices {
		if seen[d.cfg.Name] {
			continue
		}
		seen[d.cfg.Name] = true
		out = append(out, DeviceCounts{Name: d.cfg.Name, Unit: d.cfg.Unit, UnitCounts: conn.UnitStats(uint8(d.cfg.Unit))})
	}
	return out
}
