package gateway

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"time"

	"github.com/plantgw/plantgw/config"
	"github.com/plantgw/plantgw/drivers/modbus"
	"github.com/plantgw/plantgw/drivers/modbus/wire"
	"github.com/plantgw/plantgw/record"
	"github.com/plantgw/plantgw/web"
)

// modbusQueueWait is how long an installer's read or write may wait for
// its bus's goroutine, which serves it after the device poll in progress.
// A request not started by then is dropped unsent, so a caller that gave
// up never writes to the plant later.
const modbusQueueWait = 5 * time.Second

// ModbusBuses returns the configured buses for the local API.
func (p plant) ModbusBuses() []web.ModbusBus {
	out := make([]web.ModbusBus, 0, len(p.g.cfg.Buses))
	for _, b := range p.g.cfg.Buses {
		out = append(out, modbusBusOf(b))
	}
	return out
}

func modbusBusOf(b config.Bus) web.ModbusBus {
	out := web.ModbusBus{Name: b.Name, TimeoutMS: b.Timeout.D().Milliseconds()}
	switch {
	case b.RTU != nil:
		out.Port = b.RTU.Port
		if path, err := filepath.EvalSymlinks(b.RTU.Port); err == nil {
			out.PortPath = path
		}
	case b.TCP != nil:
		out.TCP = b.TCP.Address
	}
	return out
}

// busTarget is the bus, poller and configured device of a request.
type busTarget struct {
	bus    config.Bus
	poller *modbus.Poller
	// device is the configured device at the unit, or "".
	device string
	// timeout is the unit's reply timeout: the device's, else the bus's.
	timeout time.Duration
}

// modbusTarget finds the bus and poller of a request and checks the unit
// against the bus: 1 to 247 on RTU, where 0 is broadcast and gets no
// reply, 0 to 255 on TCP.
func (g *Gateway) modbusTarget(busName string, unit int) (busTarget, error) {
	var t busTarget
	found := false
	var names []string
	for _, b := range g.cfg.Buses {
		names = append(names, b.Name)
		if b.Name == busName {
			t.bus, found = b, true
		}
	}
	if !found {
		return busTarget{}, &web.NoBusError{Bus: busName, Buses: names}
	}

	lo, hi := 0, 255
	if t.bus.RTU != nil {
		lo, hi = 1, 247
	}
	if unit < lo || unit > hi {
		return busTarget{}, &web.UnitRangeError{Bus: busName, Unit: unit, Min: lo, Max: hi}
	}

	for _, p := range g.pollers {
		if p.Bus() == busName {
			t.poller = p
		}
	}
	if t.poller == nil {
		return busTarget{}, fmt.Errorf("bus %s: %w", busName, web.ErrBusStopped)
	}

	t.timeout = t.bus.Timeout.D()
	for _, d := range g.cfg.Devices {
		if d.Bus == busName && d.Unit == unit {
			t.device = d.Name
			if d.Timeout > 0 {
				t.timeout = d.Timeout.D()
			}
		}
	}
	return t, nil
}

// wait returns how long a caller waits for requests of the target. It
// is the queue wait, then two timeouts per request, and a second of
// margin. The second timeout is the one the Modbus master listens for a
// late reply before the next request.
func (t busTarget) wait(requests int) time.Duration {
	return modbusQueueWait + time.Duration(2*requests)*t.timeout + time.Second
}

// ModbusRead reads registers or bits for an installer on the bus's
// goroutine, between its polls.
func (p plant) ModbusRead(ctx context.Context, req web.ModbusRead) (web.ModbusReply, error) {
	t, err := p.g.modbusTarget(req.Bus, req.Unit)
	if err != nil {
		return web.ModbusReply{}, err
	}
	ctx, cancel := context.WithTimeout(ctx, t.wait(1))
	defer cancel()
	res, err := t.poller.Read(ctx, modbus.Read{Unit: uint8(req.Unit), Table: config.Table(req.Table), Addr: uint16(req.Address),
		Count: uint16(req.Count), NotAfter: time.Now().Add(modbusQueueWait)})
	if err != nil {
		return web.ModbusReply{}, modbusFailure(req.Bus, req.Unit, err)
	}
	return web.ModbusReply{Bus: modbusBusOf(t.bus), Device: t.device, Registers: res.Registers, Bits: res.Bits}, nil
}

// ModbusWrite writes one coil or holding register for an installer and
// records a modbus_write event with the outcome. A write that would open
// a valve held closed by a tripped interlock is rejected: that would
// defeat the trip.
func (p plant) ModbusWrite(ctx context.Context, user string, req web.ModbusWrite) (web.ModbusReply, error) {
	g := p.g
	t, err := g.modbusTarget(req.Bus, req.Unit)
	if err != nil {
		return web.ModbusReply{}, err
	}
	table, value := config.Table(req.Table), uint16(*req.Value)
	if table == config.Coils && value != 0 {
		if valve := g.heldValve(req.Bus, req.Unit, req.Address); valve != "" {
			return web.ModbusReply{}, &web.ValveHeldError{Valve: valve, Unit: req.Unit, Coil: req.Address}
		}
	}
	// Submit writes, then reads back: two requests.
	ctx, cancel := context.WithTimeout(ctx, t.wait(2))
	defer cancel()
	w := modbus.Write{Device: t.device, Unit: uint8(req.Unit), Table: table, Addr: uint16(req.Address), Value: value,
		Source: record.SourceLocalUI, NotAfter: time.Now().Add(modbusQueueWait)}
	err = t.poller.Submit(ctx, w)
	if notSent(err) {
		return web.ModbusReply{}, modbusFailure(req.Bus, req.Unit, err)
	}
	g.recordWrite(user, t, req, err)

	confirmed := err == nil
	reply := web.ModbusReply{Bus: modbusBusOf(t.bus), Device: t.device, Confirmed: &confirmed}
	switch {
	case err == nil:
	case errors.Is(err, modbus.ErrNotKept), errors.Is(err, modbus.ErrReadBack):
		reply.Detail = err.Error()
	default:
		return web.ModbusReply{}, modbusFailure(req.Bus, req.Unit, err)
	}
	return reply, nil
}

// notSent reports whether a write's error means that nothing went on
// the line: the queue was full, the bus did not take it in time, or the
// bus stopped.
func notSent(err error) bool {
	return errors.Is(err, modbus.ErrWriteQueueFull) || errors.Is(err, modbus.ErrNotSent) || errors.Is(err, modbus.ErrBusStopped)
}

// recordWrite stores the modbus_write event of a write that went on the
// line, whatever its outcome.
func (g *Gateway) recordWrite(user string, t busTarget, req web.ModbusWrite, err error) {
	device := t.device
	if device == "" {
		device = fmt.Sprintf("%s:%d", req.Bus, req.Unit)
	}
	outcome := "confirmed by read-back"
	switch {
	case errors.Is(err, context.DeadlineExceeded):
		outcome = "outcome unknown: no result in time"
	case errors.Is(err, modbus.ErrNotKept), errors.Is(err, modbus.ErrReadBack):
		outcome = "not confirmed: " + err.Error()
	case err != nil:
		outcome = "failed: " + err.Error()
	}
	now, synced := wallClock()
	g.event(record.Event{Kind: record.ModbusWrite, Time: now, ClockSynced: synced, Device: device, Source: record.SourceLocalUI,
		Operator: user, Value: float64(*req.Value), HasValue: true,
		Text: fmt.Sprintf("%s wrote %d (0x%04X) to %s %d of unit %d on bus %s; %s", user, *req.Value, *req.Value,
			writeTableName(req.Table), req.Address, req.Unit, req.Bus, outcome)})
}

func writeTableName(table string) string {
	if table == string(config.Coils) {
		return "coil"
	}
	return "holding register"
}

// heldValve returns the valve whose command is coil addr of unit on bus,
// when a tripped interlock holds that valve closed, or "".
func (g *Gateway) heldValve(bus string, unit, addr int) string {
	held := map[string]bool{}
	for _, v := range g.engine.Valves() {
		held[v.Name] = v.Held
	}
	for _, v := range g.cfg.Valves {
		if held[v.Name] && g.isCoilOf(v.Command, bus, unit, addr) {
			return v.Name
		}
	}
	return ""
}

// isCoilOf reports whether point is coil addr of unit on bus.
func (g *Gateway) isCoilOf(point, bus string, unit, addr int) bool {
	for _, pt := range g.cfg.Points {
		if pt.ID != point || config.Table(pt.Register.Table) != config.Coils {
			continue
		}
		wireAddr, err := pt.Register.Wire()
		if err != nil || int(wireAddr) != addr {
			return false
		}
		for _, d := range g.cfg.Devices {
			if d.Name == pt.Device {
				return d.Bus == bus && d.Unit == unit
			}
		}
	}
	return false
}

// modbusFailure turns a driver error into the local API's error.
func modbusFailure(bus string, unit int, err error) error {
	switch {
	case errors.Is(err, modbus.ErrReadQueueFull), errors.Is(err, modbus.ErrWriteQueueFull):
		return fmt.Errorf("%w: %w", web.ErrBusBusy, err)
	case errors.Is(err, modbus.ErrNotSent), errors.Is(err, context.DeadlineExceeded):
		return fmt.Errorf("%w: %w", web.ErrBusTimeout, err)
	case errors.Is(err, modbus.ErrBusStopped):
		return fmt.Errorf("%w: %w", web.ErrBusStopped, err)
	}
	var ce *modbus.CommError
	if !errors.As(err, &ce) {
		return err
	}
	out := &web.ModbusError{Bus: bus, Unit: unit, Cause: "io", Err: ce.Err}
	var ex *wire.Exception
	switch {
	case errors.As(err, &ex):
		out.Cause, out.Exception, out.Function = "exception", ex.Code, ex.Function
	case errors.Is(err, wire.ErrShortReply):
		out.Cause = "short_reply"
	case errors.Is(err, wire.ErrTimeout):
		out.Cause = "timeout"
	case errors.Is(err, wire.ErrDamaged):
		out.Cause = "crc"
	case errors.Is(err, wire.ErrMalformed):
		out.Cause = "malformed"
	case errors.Is(err, wire.ErrNotConnected):
		out.Cause = "not_connected"
	}
	return out
}
