package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"time"

	"github.com/simonvetter/modbus"
)

// tcpMaxClients is the number of Modbus TCP connections served at once.
const tcpMaxClients = 16

// tcpDeadHold is how long a request to a dead unit holds its connection
// before plantsim closes it. Without a limit, masters that reconnect after
// each timeout would soon take all tcpMaxClients connections.
const tcpDeadHold = 60 * time.Second

// tcpHandler serves the units behind the Modbus TCP listener. It implements
// modbus.RequestHandler.
type tcpHandler struct {
	plant  *plant
	quirks *quirkSet // nil without --quirk
	// stop ends the wait of dead units and of slow and late replies.
	stop context.Context
}

// device returns the addressed unit, or exception 0B when the unit id is
// unknown: over TCP a missing reply would look like a dead gateway. It also
// applies the quirks of the unit: a request to a dead unit holds its
// connection for tcpDeadHold or until plantsim stops and then closes it
// without a reply, and slow and late replies are delayed here.
func (h tcpHandler) device(unit uint8) (device, error) {
	dev, ok := h.plant.device(tcpBus, unit)
	if !ok {
		return nil, modbus.ErrGWTargetFailedToRespond
	}
	quirks := h.quirks.forUnit(tcpBus, unit)
	if quirks == nil {
		return dev, nil
	}
	// The server of github.com/simonvetter/modbus v1.6.4 closes the
	// connection without a reply when the handler returns ErrProtocolError.
	if h.quirks.ignore(quirks) {
		sleepContext(h.stop, tcpDeadHold)
		return nil, modbus.ErrProtocolError
	}
	if !h.quirks.wait(h.stop, quirks) {
		return nil, modbus.ErrProtocolError
	}
	if h.quirks.busy(quirks) {
		return nil, modbus.ErrServerDeviceBusy
	}
	return h.quirks.wrap(dev, quirks), nil
}

func (h tcpHandler) HandleCoils(req *modbus.CoilsRequest) ([]bool, error) {
	dev, err := h.device(req.UnitId)
	if err != nil {
		return nil, err
	}
	if req.IsWrite {
		return nil, toModbusError(dev.writeCoils(req.Addr, req.Args))
	}
	bits, err := dev.readBits(coilTable, req.Addr, req.Quantity)
	return bits, toModbusError(err)
}

func (h tcpHandler) HandleDiscreteInputs(req *modbus.DiscreteInputsRequest) ([]bool, error) {
	dev, err := h.device(req.UnitId)
	if err != nil {
		return nil, err
	}
	bits, err := dev.readBits(discreteInputTable, req.Addr, req.Quantity)
	return bits, toModbusError(err)
}

func (h tcpHandler) HandleHoldingRegisters(req *modbus.HoldingRegistersRequest) ([]uint16, error) {
	dev, err := h.device(req.UnitId)
	if err != nil {
		return nil, err
	}
	if req.IsWrite {
		return nil, toModbusError(dev.writeRegisters(req.Addr, req.Args))
	}
	registers, err := dev.readRegisters(holdingRegisterTable, req.Addr, req.Quantity)
	return registers, toModbusError(err)
}

func (h tcpHandler) HandleInputRegisters(req *modbus.InputRegistersRequest) ([]uint16, error) {
	dev, err := h.device(req.UnitId)
	if err != nil {
		return nil, err
	}
	registers, err := dev.readRegisters(inputRegisterTable, req.Addr, req.Quantity)
	return registers, toModbusError(err)
}

// toModbusError maps an exception to the error value that the modbus
// server turns back into that exception code. The server compares errors
// with ==, so the values must not be wrapped.
func toModbusError(err error) error {
	if err == nil {
		return nil
	}
	var ex exception
	if !errors.As(err, &ex) {
		return modbus.ErrServerDeviceFailure
	}
	switch ex {
	case exIllegalFunction:
		return modbus.ErrIllegalFunction
	case exIllegalDataAddress:
		return modbus.ErrIllegalDataAddress
	case exIllegalDataValue:
		return modbus.ErrIllegalDataValue
	case exServerDeviceBusy:
		return modbus.ErrServerDeviceBusy
	case exGatewayTargetNoAnswer:
		return modbus.ErrGWTargetFailedToRespond
	default:
		return modbus.ErrServerDeviceFailure
	}
}

// startTCPServer starts a Modbus TCP server for the plant on addr and
// returns it with the address it listens on.
// Dead units and delayed replies wait until stop is done.
func startTCPServer(stop context.Context, p *plant, quirks *quirkSet, addr string, logger *slog.Logger) (*modbus.ModbusServer, string, error) {
	listenAddr, err := resolveListenAddr(addr)
	if err != nil {
		return nil, "", err
	}

	server, err := modbus.NewServer(&modbus.ServerConfiguration{
		URL:        "tcp://" + listenAddr,
		MaxClients: tcpMaxClients,
		// The library writes to stdout without a logger, and stdout carries
		// the lines that scripts read.
		Logger: slog.NewLogLogger(logger.With("component", "modbus-tcp").Handler(), slog.LevelWarn),
	}, tcpHandler{plant: p, quirks: quirks, stop: stop})
	if err != nil {
		return nil, "", fmt.Errorf("configure Modbus TCP server on %s: %w", listenAddr, err)
	}
	if err := server.Start(); err != nil {
		return nil, "", fmt.Errorf("listen on %s: %w", listenAddr, err)
	}
	return server, listenAddr, nil
}

// resolveListenAddr replaces port 0 in addr with a free port. The modbus
// library opens its own listener and cannot report the port it got, so
// plantsim first binds port 0 itself to learn a free port.
//
// NOTE: another process can take that port between the probe and the
// server's listen; the server start then fails with "address already in use".
func resolveListenAddr(addr string) (string, error) {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return "", fmt.Errorf("parse listen address %q: %w", addr, err)
	}
	if port != "0" {
		return addr, nil
	}

	probe, err := net.Listen("tcp", net.JoinHostPort(host, "0"))
	if err != nil {
		return "", fmt.Errorf("find a free port on %s: %w", host, err)
	}
	resolved := probe.Addr().String()
	if err := probe.Close(); err != nil {
		return "", fmt.Errorf("release probe listener %s: %w", resolved, err)
	}
	return resolved, nil
}
