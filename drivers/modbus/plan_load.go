package modbus

import (
	"fmt"
	"strconv"
	"strings"

	"golang.org/x/text/message"

	"github.com/plantgw/plantgw/config"
)

// busFullShare is the bus load above which the gateway warns: replies,
// retries and probes of lost devices need the rest of the line's time.
const busFullShare = 0.6

// busLoad returns the share of each second that polling keeps an RTU bus
// busy by the timing model, leaving out the devices' response times.
func busLoad(cfg *config.Config, bus config.Bus) (float64, error) {
	line := NewRTULine(*bus.RTU, bus.RTU.Baud, bus.RTU.Turnaround.D())
	var load float64
	for _, dev := range cfg.Devices {
		if dev.Bus != bus.Name {
			continue
		}
		for _, g := range pollGroups(dev, devicePoints(cfg, dev.Name)) {
			blocks, err := PlanDevice(g.points, dev.MaxRegisters, dev.MaxGap)
			if err != nil {
				return 0, fmt.Errorf("device %s: %w", dev.Name, err)
			}
			load += line.CycleTime(blocks).Seconds() / g.period.D().Seconds()
		}
	}
	return load, nil
}

func writeBusLoad(b *strings.Builder, pr *message.Printer, bus config.Bus, load float64) {
	r := bus.RTU
	b.WriteString(pr.Sprintf("bus %s (%s baud, %d%s%d): requests and replies take about %.0f%% of the line's time, plus the devices' response times",
		bus.Name, strconv.Itoa(r.Baud), r.DataBits, strings.ToUpper(r.Parity[:1]), r.StopBits, 100*load))
	b.WriteString("\n")
	if w := loadWarning(pr, bus, load); w != "" {
		b.WriteString("  " + w + "\n")
	}
}

// loadWarning returns the warning for a bus load, or "" when the line has
// room to spare.
func loadWarning(pr *message.Printer, bus config.Bus, load float64) string {
	switch {
	case load > 1:
		return pr.Sprintf("warning: bus %s is overloaded: its polls need about %.0f%% of the line's time, so devices are read less often than configured; raise the baud rate, poll less often, or split the devices over two lines", bus.Name, 100*load)
	case load > busFullShare:
		return pr.Sprintf("warning: bus %s is nearly full (about %.0f%% of the line's time); raise the baud rate, poll less often, or split the devices over two lines", bus.Name, 100*load)
	}
	return ""
}

// LoadWarnings returns a warning for each RTU bus of cfg whose polls keep
// the line nearly or more than fully busy, for gatewayd --check.
func LoadWarnings(cfg *config.Config, pr *message.Printer) ([]string, error) {
	var out []string
	for _, bus := range cfg.Buses {
		if bus.RTU == nil {
			continue
		}
		load, err := busLoad(cfg, bus)
		if err != nil {
			return nil, err
		}
		if w := loadWarning(pr, bus, load); w != "" {
			out = append(out, w)
		}
	}
	return out, nil
}
