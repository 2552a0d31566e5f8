package modbus

import (
	"log/slog"
	"sync"
	"time"

	"github.com/plantgw/plantgw/config"
	"github.com/plantgw/plantgw/drivers/modbus/wire"
	"github.com/plantgw/plantgw/drivers/serial"
)

// rtuOptions times an RTU bus from its config and opens its port with
// RS-485 mode unless it is off. A UART that refuses RS-485 mode is
// reported once per bus, not on every reopen.
func rtuOptions(bus config.Bus, log *slog.Logger) wire.RTUOptions {
	r := bus.RTU
	mode := serial.Mode{Baud: r.Baud, DataBits: r.DataBits, Parity: r.Parity, StopBits: r.StopBits}
	var rs485 *serial.RS485
	if r.RS485.Mode != "off" {
		rs485 = &serial.RS485{
			RTSOnSend:       r.RS485.RTSOnSend != "low",
			DelayBeforeSend: r.RS485.DelayBeforeSend.D(),
			DelayAfterSend:  r.RS485.DelayAfterSend.D(),
		}
	}
	var warnOnce sync.Once
	return wire.RTUOptions{
		FrameGap:   frameGap(*r),
		Turnaround: r.Turnaround.D(),
		Open: func() (wire.Port, error) {
			p, err := serial.Open(r.Port, mode, rs485)
			if err != nil {
				return nil, err
			}
			if p.RS485Err != nil {
				warnOnce.Do(func() {
					log.Warn("UART has no RS-485 mode; the adapter must switch direction itself",
						"bus", bus.Name, "port", r.Port, "err", p.RS485Err)
				})
			}
			return p, nil
		},
	}
}

// frameGap returns the configured gap, or t3.5 at the line's speed.
func frameGap(r config.RTU) time.Duration {
	if r.FrameGap > 0 {
		return r.FrameGap.D()
	}
	return NewRTULine(r, r.Baud, 0).InterFrameGap()
}
