package web

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/plantgw/plantgw/locale"
)

// ModbusBus is a bus of the running gateway, as the Modbus endpoints
// describe it.
type ModbusBus struct {
	Name string `json:"name"`
	// Port is an RTU bus's serial port as configured, and PortPath the
	// same with symbolic links resolved on the gateway; PortPath is empty
	// when the port does not exist.
	Port     string `json:"port,omitempty"`
	PortPath string `json:"port_path,omitempty"`
	// TCP is a Modbus TCP bus's server address.
	TCP string `json:"tcp,omitempty"`
	// TimeoutMS is the bus's reply timeout in milliseconds.
	TimeoutMS int64 `json:"timeout_ms"`
}

// ModbusRead is an installer's read of Count registers or bits of one
// unit, from the 0-based wire Address of Table.
type ModbusRead struct {
	Bus     string `json:"bus"`
	Unit    int    `json:"unit"`
	Table   string `json:"table"`
	Address int    `json:"address"`
	Count   int    `json:"count"`
}

// ModbusWrite is an installer's write of one coil (Value 0 or 1) or one
// holding register (0 to 65535) at the 0-based wire Address.
type ModbusWrite struct {
	Bus     string `json:"bus"`
	Unit    int    `json:"unit"`
	Table   string `json:"table"`
	Address int    `json:"address"`
	Value   *int   `json:"value"`
}

// ModbusReply is the outcome of a read or write.
type ModbusReply struct {
	Bus ModbusBus `json:"bus"`
	// Device is the configured device at the unit, if any.
	Device string `json:"device,omitempty"`
	// Registers and Bits are a read's values.
	Registers []uint16 `json:"registers,omitempty"`
	Bits      []bool   `json:"bits,omitempty"`
	// Confirmed is set for a write: true once the device reads back the
	// value written. Detail is the reason a write is not confirmed.
	Confirmed *bool  `json:"confirmed,omitempty"`
	Detail    string `json:"detail,omitempty"`
}

// Errors a Plant returns for Modbus requests.
var (
	// ErrBusBusy: the bus already has its maximum of requests queued.
	ErrBusBusy = errors.New("bus has too many requests waiting")
	// ErrBusTimeout: the bus gave no result in time. A read or write
	// that the bus did not start in time was not sent; one that started
	// may have been carried out.
	ErrBusTimeout = errors.New("bus gave no result in time")
	// ErrBusStopped: the bus is stopping with the gateway.
	ErrBusStopped = errors.New("bus stopped")
)

// NoBusError is a request for a bus that the configuration lacks.
type NoBusError struct {
	Bus string
	// Buses names the configured buses.
	Buses []string
}

func (e *NoBusError) Error() string { return fmt.Sprintf("no bus %q in the configuration", e.Bus) }

// UnitRangeError is a unit id that the bus cannot address: 1 to 247 on
// RTU, 0 to 255 on TCP.
type UnitRangeError struct {
	Bus            string
	Unit, Min, Max int
}

func (e *UnitRangeError) Error() string {
	return fmt.Sprintf("unit %d on bus %s: use %d to %d", e.Unit, e.Bus, e.Min, e.Max)
}

// ValveHeldError is a write that would open a valve that a tripped
// interlock holds closed.
type ValveHeldError struct {
	Valve      string
	Unit, Coil int
}

func (e *ValveHeldError) Error() string {
	return fmt.Sprintf("valve %s is held closed by a tripped interlock", e.Valve)
}

// ModbusError is a request that the device or the line failed.
type ModbusError struct {
	Bus  string
	Unit int
	// Cause is exception, timeout, crc, malformed, short_reply,
	// not_connected or io.
	Cause string
	// Exception is the exception code and Function the function code of
	// an exception reply.
	Exception, Function byte
	Err                 error
}

func (e *ModbusError) Error() string { return e.Err.Error() }
func (e *ModbusError) Unwrap() error { return e.Err }

// modbusFailure is the detail of a modbus_failed error reply.
type modbusFailure struct {
	Cause     string `json:"cause"`
	Exception byte   `json:"exception,omitempty"`
	Function  byte   `json:"function,omitempty"`
}

type modbusErrorBody struct {
	errorBody
	Modbus modbusFailure `json:"modbus"`
}

// Limits of one Modbus read (Modbus application protocol V1.1b3,
// functions 01 to 04).
const (
	maxModbusBits      = 2000
	maxModbusRegisters = 125
)

// maxModbusRequests is how many Modbus reads and writes of the API may
// run at once. A bus queues at most 16 writes, valve close commands
// included, so the API's writes must never fill that queue.
const maxModbusRequests = 2

func (s *Server) modbusBuses(w http.ResponseWriter, r *http.Request) {
	list := s.opts.Plant.ModbusBuses()
	if list == nil {
		list = []ModbusBus{}
	}
	writeJSON(w, http.StatusOK, list)
}

func (s *Server) modbusRead(w http.ResponseWriter, r *http.Request) {
	var req ModbusRead
	if err := decode(r, &req); err != nil {
		s.fail(w, r, http.StatusBadRequest, codeBadRequest, err)
		return
	}
	if req.Count == 0 {
		req.Count = 1
	}
	if !s.checkModbusTarget(w, r, req.Table, req.Address, false) || !s.checkModbusCount(w, r, req) {
		return
	}
	if !s.modbus.acquire(maxModbusRequests) {
		s.fail(w, r, http.StatusServiceUnavailable, codeBusBusy)
		return
	}
	defer s.modbus.release()
	reply, err := s.opts.Plant.ModbusRead(r.Context(), req)
	if err != nil {
		s.modbusError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, reply)
}

func (s *Server) modbusWrite(w http.ResponseWriter, r *http.Request) {
	var req ModbusWrite
	if err := decode(r, &req); err != nil {
		s.fail(w, r, http.StatusBadRequest, codeBadRequest, err)
		return
	}
	if !s.checkModbusTarget(w, r, req.Table, req.Address, true) {
		return
	}
	limit := 65535
	if req.Table == "coil" {
		limit = 1
	}
	if req.Value == nil || *req.Value < 0 || *req.Value > limit {
		value := "null"
		if req.Value != nil {
			value = itoa(*req.Value)
		}
		s.fail(w, r, http.StatusBadRequest, codeModbusValue, value, req.Table)
		return
	}
	if !s.modbus.acquire(maxModbusRequests) {
		s.fail(w, r, http.StatusServiceUnavailable, codeBusBusy)
		return
	}
	defer s.modbus.release()
	reply, err := s.opts.Plant.ModbusWrite(r.Context(), user(r).user, req)
	if err != nil {
		s.modbusError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, reply)
}

// checkModbusTarget checks the table and address of a request. It writes
// the error reply and returns false when one is invalid.
func (s *Server) checkModbusTarget(w http.ResponseWriter, r *http.Request, table string, address int, write bool) bool {
	switch table {
	case "coil", "holding":
	case "discrete", "input":
		if write {
			s.fail(w, r, http.StatusBadRequest, codeModbusReadOnly, table)
			return false
		}
	default:
		s.fail(w, r, http.StatusBadRequest, codeModbusTable, table)
		return false
	}
	if address < 0 || address > 65535 {
		s.fail(w, r, http.StatusBadRequest, codeModbusAddress, itoa(address))
		return false
	}
	return true
}

func (s *Server) checkModbusCount(w http.ResponseWriter, r *http.Request, req ModbusRead) bool {
	limit := maxModbusRegisters
	if req.Table == "coil" || req.Table == "discrete" {
		limit = maxModbusBits
	}
	if req.Count < 1 || req.Count > limit || req.Address+req.Count > 65536 {
		s.fail(w, r, http.StatusBadRequest, codeModbusCount, itoa(req.Count), itoa(req.Address), itoa(limit))
		return false
	}
	return true
}

// modbusError writes the reply to a Modbus request the plant did not
// carry out.
func (s *Server) modbusError(w http.ResponseWriter, r *http.Request, err error) {
	var noBus *NoBusError
	var unitRange *UnitRangeError
	var held *ValveHeldError
	var failed *ModbusError
	switch {
	case errors.As(err, &noBus):
		s.fail(w, r, http.StatusNotFound, codeNoBus, noBus.Bus, strings.Join(noBus.Buses, ", "))
	case errors.As(err, &unitRange):
		s.fail(w, r, http.StatusBadRequest, codeModbusUnit, unitRange.Unit, unitRange.Bus, unitRange.Min, unitRange.Max)
	case errors.As(err, &held):
		s.fail(w, r, http.StatusConflict, codeValveHeld, held.Coil, held.Unit, held.Valve)
	case errors.Is(err, ErrBusBusy):
		s.fail(w, r, http.StatusServiceUnavailable, codeBusBusy)
	case errors.Is(err, ErrBusStopped):
		s.fail(w, r, http.StatusServiceUnavailable, codeBusStopped)
	case errors.Is(err, ErrBusTimeout), errors.Is(err, context.DeadlineExceeded):
		s.fail(w, r, http.StatusGatewayTimeout, codeBusTimeout)
	case errors.As(err, &failed):
		pr := locale.Printer(s.lang(r))
		body := modbusErrorBody{errorBody: errorBody{Error: codeModbusFailed,
			Message: pr.Sprintf(messages[codeModbusFailed], failed.Unit, failed.Bus, failed.Err)},
			Modbus: modbusFailure{Cause: failed.Cause, Exception: failed.Exception, Function: failed.Function}}
		writeJSON(w, http.StatusBadGateway, body)
	case errors.Is(err, context.Canceled):
	default:
		s.log.Error("modbus request failed", "user", user(r).user, "err", err)
		s.fail(w, r, http.StatusInternalServerError, codeInternal)
	}
}
