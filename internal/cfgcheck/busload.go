package cfgcheck

import (
	"fmt"

	"golang.org/x/text/message"

	"github.com/plantgw/plantgw/config"
	"github.com/plantgw/plantgw/drivers/modbus"
)

// BusLoad returns a warning for each RS-485 bus whose planned polls keep
// the line nearly or more than fully busy, at the line of the bus's rtu
// settings.
func BusLoad(cfg *config.Config, pr *message.Printer) ([]string, error) {
	var out []string
	for i, bus := range cfg.Buses {
		if bus.RTU == nil {
			continue
		}
		// LoadWarnings covers every bus it is given, so a call per bus
		// shows which bus each warning belongs to.
		one := *cfg
		one.Buses = []config.Bus{bus}
		warnings, err := modbus.LoadWarnings(&one, pr)
		if err != nil {
			return nil, fmt.Errorf("bus %s: %w", bus.Name, err)
		}
		for _, w := range warnings {
			out = append(out, at(cfg, pr, fmt.Sprintf("buses[%d].rtu", i), "%s", w))
		}
	}
	return out, nil
}
