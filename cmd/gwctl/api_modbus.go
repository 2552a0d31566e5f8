package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/plantgw/plantgw/config"
	"github.com/plantgw/plantgw/drivers/modbus"
	"github.com/plantgw/plantgw/drivers/modbus/wire"
	"github.com/plantgw/plantgw/web"
)

// apiModbusTimeout bounds one request of read or write through the local
// API: the gateway waits up to 5 s for its bus, then up to four bus
// timeouts of at most 10 s for a write and its read-back.
const apiModbusTimeout = time.Minute

// routeFlags are the flags that send a read or write through the gateway.
type routeFlags struct {
	gateway, bus *string
}

func addRouteFlags(fs *flag.FlagSet) routeFlags {
	return routeFlags{gateway: addGatewayFlag(fs), bus: fs.String("bus", "", "")}
}

// gatewayRoute decides whether a read or write goes through the running
// gateway's local API.
type gatewayRoute struct {
	// gateway and bus are --gateway and --bus; either one sends the
	// request through the API.
	gateway, bus string
	// holder is the PID of the gatewayd that has the serial port open, as
	// found by use; 0 when none does.
	holder int
}

// parse checks the line and route flags. With --bus and neither --port
// nor --tcp, the gateway's config names the line, and the line flags are
// not checked.
func (rf routeFlags) parse(lf lineFlags) (line, gatewayRoute, error) {
	r := gatewayRoute{gateway: *rf.gateway, bus: *rf.bus}
	if r.bus != "" {
		if *lf.port != "" || *lf.tcp != "" {
			return line{}, r, usageError("give --bus or the line (--port or --tcp), not both")
		}
		return line{}, r, nil
	}
	l, err := lf.parse(false)
	return l, r, err
}

// checkUnit parses --unit for the line. With --bus alone the line is not
// known here, so 0 to 255 pass and the gateway checks them.
func (r gatewayRoute) checkUnit(l line, value string) (uint8, error) {
	if r.bus != "" {
		n, err := parseInt("--unit", value, 0, 255)
		return uint8(n), err
	}
	return l.checkUnit(value)
}

// use reports whether the request goes through the gateway's local API:
// when --gateway or --bus is given, or when a gatewayd has the serial
// port open.
func (r *gatewayRoute) use(l line) bool {
	if r.gateway != "" || r.bus != "" {
		return true
	}
	if l.port == "" {
		return false
	}
	if pids := gatewaydHolding(l.port); len(pids) > 0 {
		r.holder = pids[0]
		return true
	}
	return false
}

// connect opens the line of a read or write: through the gateway's local
// API when the route uses it, else the port or TCP connection itself,
// claimed for this run. Through the API, l is set to the gateway's bus,
// so that errors name its port or address and timeout. The returned
// function closes what connect opened.
func (r *gatewayRoute) connect(ctx context.Context, e *env, l *line, replyBytes int) (modbus.Conn, func(), error) {
	if r.use(*l) {
		conn, err := openGatewayBus(ctx, e, *r, l)
		return conn, func() {}, err
	}
	claim, err := l.claim()
	if err != nil {
		return nil, nil, err
	}
	var setting serialSetting
	if len(l.settings) > 0 {
		setting = l.settings[0]
	}
	conn, err := l.dial(setting, replyBytes)
	if err != nil {
		claim.Close()
		return nil, nil, err
	}
	return conn, func() { conn.Close(); claim.Close() }, nil
}

// openGatewayBus finds the route's bus among the gateway's buses and
// returns a Conn that sends its requests through the local API.
func openGatewayBus(ctx context.Context, e *env, r gatewayRoute, l *line) (modbus.Conn, error) {
	c, err := newAPIClient(e, r.gateway)
	if err != nil {
		return nil, err
	}
	c.http.Timeout = apiModbusTimeout
	if r.holder != 0 {
		fmt.Fprintln(e.stderr, e.pr.Sprintf("serial port %s is in use by gatewayd (PID %s), so the request goes through its local API at %s",
			l.port, strconv.Itoa(r.holder), c.base))
	}
	var buses []web.ModbusBus
	if err := c.call(ctx, "GET", "/api/modbus/buses", nil, &buses); err != nil {
		return nil, err
	}
	bus, ok := pickBus(buses, r.bus, *l)
	if !ok {
		return nil, noSuchBus(c.base, r.bus, *l, buses)
	}
	if r.holder == 0 {
		fmt.Fprintln(e.stderr, e.pr.Sprintf("the request goes through the local API at %s, on its bus %s", c.base, bus.Name))
	}
	*l = line{port: bus.Port, tcp: bus.TCP, timeout: time.Duration(bus.TimeoutMS) * time.Millisecond}
	return &apiConn{c: c, bus: bus.Name}, nil
}

// pickBus returns the bus named name or, without a name, the bus on
// l's serial port or TCP address. A port matches the configured path or,
// on the gateway itself, the device it links to.
func pickBus(buses []web.ModbusBus, name string, l line) (web.ModbusBus, bool) {
	resolved := ""
	if l.port != "" {
		if p, err := filepath.EvalSymlinks(l.port); err == nil {
			resolved = p
		}
	}
	for _, b := range buses {
		switch {
		case name != "":
			if b.Name == name {
				return b, true
			}
		case l.port != "":
			if b.Port != "" && (b.Port == l.port || b.PortPath == l.port || (resolved != "" && b.PortPath == resolved)) {
				return b, true
			}
		case l.tcp != "" && b.TCP == l.tcp:
			return b, true
		}
	}
	return web.ModbusBus{}, false
}

// noSuchBus explains that the gateway has no bus by that name, port or
// address, and lists its buses.
func noSuchBus(base, name string, l line, buses []web.ModbusBus) error {
	var list []string
	for _, b := range buses {
		list = append(list, b.Name+" ("+b.Port+b.TCP+")")
	}
	want := name
	if want == "" {
		want = l.where()
	}
	return failure(nil, "the gateway at %s has no bus %s; its buses are: %s. Name one with --bus NAME",
		base, want, strings.Join(list, ", "))
}

// modbusFailure is the detail of a modbus_failed error reply.
type modbusFailure struct {
	Cause     string `json:"cause"`
	Exception byte   `json:"exception"`
	Function  byte   `json:"function"`
}

// apiConn is a Conn whose requests the gateway's bus runs, through the
// local API. A write returns once the gateway has written and read back;
// whether the device kept the value, the caller reads back itself.
type apiConn struct {
	c   *apiClient
	bus string
}

var _ modbus.Conn = (*apiConn)(nil)

func (a *apiConn) read(ctx context.Context, unit uint8, table config.Table, addr, count uint16) (web.ModbusReply, error) {
	var reply web.ModbusReply
	err := a.c.call(ctx, "POST", "/api/modbus/read",
		web.ModbusRead{Bus: a.bus, Unit: int(unit), Table: string(table), Address: int(addr), Count: int(count)}, &reply)
	return reply, wireError(err)
}

func (a *apiConn) ReadRegisters(ctx context.Context, unit uint8, table config.Table, addr, count uint16) ([]uint16, error) {
	reply, err := a.read(ctx, unit, table, addr, count)
	return reply.Registers, err
}

func (a *apiConn) ReadBits(ctx context.Context, unit uint8, table config.Table, addr, count uint16) ([]bool, error) {
	reply, err := a.read(ctx, unit, table, addr, count)
	return reply.Bits, err
}

func (a *apiConn) write(ctx context.Context, unit uint8, table config.Table, addr uint16, value int) error {
	err := a.c.call(ctx, "POST", "/api/modbus/write",
		web.ModbusWrite{Bus: a.bus, Unit: int(unit), Table: string(table), Address: int(addr), Value: &value}, nil)
	return wireError(err)
}

func (a *apiConn) WriteCoil(ctx context.Context, unit uint8, addr uint16, on bool) error {
	value := 0
	if on {
		value = 1
	}
	return a.write(ctx, unit, config.Coils, addr, value)
}

func (a *apiConn) WriteRegister(ctx context.Context, unit uint8, addr, value uint16) error {
	return a.write(ctx, unit, config.HoldingRegisters, addr, int(value))
}

func (a *apiConn) Close() error { return nil }

// wireError turns the gateway's report of a failed Modbus request into
// the error the gateway's Modbus master gave, so that gwctl explains it
// as it explains its own requests. Other errors stay as they are.
func wireError(err error) error {
	var ae *apiError
	if !errors.As(err, &ae) || ae.Modbus == nil {
		return err
	}
	switch ae.Modbus.Cause {
	case "exception":
		return &wire.Exception{Function: ae.Modbus.Function, Code: ae.Modbus.Exception}
	case "timeout":
		return wire.ErrTimeout
	case "crc":
		return wire.ErrDamaged
	case "malformed":
		return wire.ErrMalformed
	case "short_reply":
		return wire.ErrShortReply
	case "not_connected":
		return wire.ErrNotConnected
	}
	return err
}
