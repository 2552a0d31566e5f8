package web

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/plantgw/plantgw/locale"
)

// code is an API error's stable name; message is its text for people,
// in the request's language.
type code string

const (
	codeUnauthorized   code = "unauthorized"
	codeForbidden      code = "forbidden"
	codeCrossOrigin    code = "cross_origin"
	codeBadRequest     code = "bad_request"
	codeLoginFailed    code = "login_failed"
	codeRateLimited    code = "rate_limited"
	codeSetupDone      code = "setup_done"
	codeSetupToken     code = "setup_token"
	codeWeakPassword   code = "weak_password"
	codeAccountExists  code = "account_exists"
	codeAccountName    code = "account_name"
	codeNoAccount      code = "no_account"
	codeLastInstaller  code = "last_installer"
	codeRole           code = "role"
	codeUnknownPoint   code = "unknown_point"
	codeBypassReason   code = "bypass_reason"
	codeBypassDuration code = "bypass_duration"
	codeInternal       code = "internal"
	codeBadHours       code = "bad_hours"
	codeBadLimit       code = "bad_limit"
	codeNoPoint        code = "no_point"
	codeStreamsFull    code = "streams_full"
	codeNotInterlocked code = "not_interlocked"
	codeNoBypass       code = "no_bypass"
	// Output tests.
	codeUnknownOutput   code = "unknown_output"
	codeTestSeconds     code = "bad_seconds"
	codeTestRunning     code = "test_running"
	codeGatewayStopping code = "gateway_stopping"
	// Buffer export.
	codeBadTime      code = "bad_time"
	codeBadRange     code = "bad_range"
	codeRangeTooLong code = "range_too_long"
	codeExportsBusy  code = "exports_busy"
	// Modbus reads and writes through the gateway.
	codeModbusTable    code = "modbus_table"
	codeModbusReadOnly code = "modbus_read_only"
	codeModbusAddress  code = "modbus_address"
	codeModbusCount    code = "modbus_count"
	codeModbusValue    code = "modbus_value"
	codeModbusUnit     code = "modbus_unit"
	codeNoBus          code = "no_bus"
	codeValveHeld      code = "valve_held"
	codeBusBusy        code = "bus_busy"
	codeBusTimeout     code = "bus_timeout"
	codeBusStopped     code = "bus_stopped"
	codeModbusFailed   code = "modbus_failed"
)

// messages are the English formats of each code; locale translates them.
var messages = map[code]string{
	codeUnauthorized:   "log in first",
	codeForbidden:      "account %s has the %s role; this needs the %s role",
	codeCrossOrigin:    "request from another site rejected",
	codeBadRequest:     "invalid request: %v",
	codeLoginFailed:    "wrong account name or password",
	codeRateLimited:    "too many failed logins; try again in %d s",
	codeSetupDone:      "setup is done; log in with an account",
	codeSetupToken:     "wrong setup token; find it in the gateway's log or with gwctl setup-token",
	codeWeakPassword:   "password too weak: use at least %d characters, not the account name",
	codeAccountExists:  "account %q exists",
	codeAccountName:    "invalid account name %q: use 1-32 letters, digits, _ . -",
	codeNoAccount:      "no account %q",
	codeLastInstaller:  "the last installer account cannot be removed",
	codeRole:           "unknown role %q: use viewer, operator or installer",
	codeUnknownPoint:   "no alarm point %q; gwctl status or the local page lists the points",
	codeNotInterlocked: "%q votes in no interlock, so a bypass would change nothing",
	codeNoBypass:       "%q is not bypassed",
	codeBypassReason:   "a bypass needs a reason",
	codeBypassDuration: "bypass duration %q: give 1s to 8h, for example 2h or 30m",
	codeInternal:       "internal error; see the gateway's log",
	codeBadHours:       "invalid hours %q: give a whole number from 1 to %d",
	codeBadLimit:       "invalid limit %q: give a whole number from 1 to %d",
	codeNoPoint:        "no point %q in the configuration",
	codeStreamsFull:    "%d pages already follow the live values; close one and reload this page",

	codeUnknownOutput:   "no output %q on this gateway's board; its outputs are: %s",
	codeTestSeconds:     "invalid seconds %d: give a whole number from %d to %d",
	codeTestRunning:     "output %s is under test by %s for another %d s; start the next test after it ends",
	codeGatewayStopping: "the gateway is stopping and accepts no output test",

	codeBadTime:      "invalid %s time %q: give RFC 3339, such as 2026-12-05T08:00:00+08:00, or a date and time in the site's time zone, such as 2026-12-05 08:00",
	codeBadRange:     "invalid range from %s to %s: the end must be after the start",
	codeRangeTooLong: "the range from %s to %s is longer than %d days; export it in several parts",
	codeExportsBusy:  "%d exports are already running; try again when one ends",

	codeModbusTable:    "invalid table %q: use coil, discrete, input or holding",
	codeModbusReadOnly: "the %s table is read-only; write to a coil or a holding register",
	codeModbusAddress:  "invalid address %s: give the 0-based wire address, 0 to 65535",
	codeModbusCount:    "invalid count %s at address %s: one read takes 1 to %s values and ends at address 65535 at the latest",
	codeModbusValue:    "invalid value %s for a %s: a coil takes 0 or 1, a holding register 0 to 65535",
	codeModbusUnit:     "invalid unit %d for bus %s: use %d to %d",
	codeNoBus:          "no bus %q in the configuration; its buses are: %s",
	codeValveHeld:      "coil %d of unit %d is the command of valve %s, which a tripped interlock holds closed; reset the interlock before opening the valve",
	codeBusBusy:        "the bus already has its maximum of requests waiting; try again in a few seconds",
	codeBusTimeout:     "the bus gave no result in time, because its polls keep the line busy or the device is slow; read the value before you try again",
	codeBusStopped:     "the bus is stopping with the gateway",
	codeModbusFailed:   "unit %d on bus %s: %v",
}

type errorBody struct {
	Error   code   `json:"error"`
	Message string `json:"message"`
}

// fail writes an error in the request's language.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, status int, c code, args ...any) {
	pr := locale.Printer(s.lang(r))
	writeJSON(w, status, errorBody{Error: c, Message: pr.Sprintf(messages[c], args...)})
}

// lang picks the request's language: English when Accept-Language starts
// with en, else the site's language.
func (s *Server) lang(r *http.Request) string {
	al := strings.ToLower(strings.TrimSpace(r.Header.Get("Accept-Language")))
	switch {
	case strings.HasPrefix(al, "en"):
		return "en"
	case strings.HasPrefix(al, "zh"):
		return "zh-CN"
	}
	return s.opts.Lang
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

// maxBody bounds a request body; the API's requests are a few hundred
// bytes.
const maxBody = 8 << 10

// decode reads a JSON request body into v, refusing unknown fields.
func decode(r *http.Request, v any) error {
	dec := json.NewDecoder(io.LimitReader(r.Body, maxBody))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return fmt.Errorf("JSON body: %w", err)
	}
	return nil
}
