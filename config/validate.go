package config

import (
	"errors"
	"fmt"
	"net"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// validator checks a decoded, defaulted config across fields. Each problem
// names the line of the value at fault.
type validator struct {
	ps    *problems
	lines map[string]int
	cfg   *Config
	// skip holds paths already reported while decoding.
	skip map[string]bool
	// inherited holds the paths whose value the file leaves out and
	// defaults copy from another key, which is checked where it is written.
	inherited map[string]bool
}

// line returns the line of path, or of its nearest parent that has one.
func (v *validator) line(path string) int {
	for p := path; p != ""; {
		if l, ok := v.lines[p]; ok {
			return l
		}
		i := strings.LastIndexAny(p, ".[")
		if i < 0 {
			break
		}
		p = p[:i]
	}
	return 0
}

func (v *validator) add(path, format string, args ...any) {
	if v.skipped(path) {
		return
	}
	for i, a := range args {
		if text, ok := a.(string); ok {
			args[i] = v.withName(text)
		}
	}
	v.ps.add(v.line(path), format, args...)
}

var listItem = regexp.MustCompile(`^(buses|devices|points|interlocks|valves)\[(\d+)\]`)

// withName adds the item's name to a path that starts with a list item,
// so "devices[3].unit" reads "devices[3] (GT-104).unit" and an installer
// finds the device by its tag.
func (v *validator) withName(path string) string {
	m := listItem.FindStringSubmatchIndex(path)
	if m == nil {
		return path
	}
	i, _ := strconv.Atoi(path[m[4]:m[5]])
	name := ""
	switch path[m[2]:m[3]] {
	case "buses":
		if i < len(v.cfg.Buses) {
			name = v.cfg.Buses[i].Name
		}
	case "devices":
		if i < len(v.cfg.Devices) {
			name = v.cfg.Devices[i].Name
		}
	case "points":
		if i < len(v.cfg.Points) {
			name = v.cfg.Points[i].ID
		}
	case "interlocks":
		if i < len(v.cfg.Interlocks) {
			name = v.cfg.Interlocks[i].Name
		}
	case "valves":
		if i < len(v.cfg.Valves) {
			name = v.cfg.Valves[i].Name
		}
	}
	if name == "" {
		return path
	}
	return path[:m[1]] + " (" + name + ")" + path[m[1]:]
}

// skipped reports whether path or one of its parents was already reported
// while decoding.
func (v *validator) skipped(path string) bool {
	for p := path; p != ""; {
		if v.skip[p] {
			return true
		}
		i := strings.LastIndexAny(p, ".[")
		if i < 0 {
			return false
		}
		p = p[:i]
	}
	return false
}

func (v *validator) require(path, value string) bool {
	if strings.TrimSpace(value) == "" {
		v.add(path, "%s is required", path)
		return false
	}
	return true
}

func (v *validator) oneOf(path, value string, allowed ...string) bool {
	for _, a := range allowed {
		if value == a {
			return true
		}
	}
	v.add(path, "%s: %q is not one of %s", path, value, strings.Join(allowed, ", "))
	return false
}

func (v *validator) intRange(path string, value, lo, hi int) {
	if value < lo || value > hi {
		v.add(path, "%s: %v is out of range; use %s", path, value, fmt.Sprintf("%d-%d", lo, hi))
	}
}

func (v *validator) durationRange(path string, value Duration, lo, hi time.Duration) {
	if value.D() < lo || value.D() > hi {
		v.add(path, "%s: %v is out of range; use %s", path, value.D(), fmt.Sprintf("%v-%v", lo, hi))
	}
}

// unique reports a name used twice, naming the line of its first use.
func (v *validator) unique(path, name string, seen map[string]string) {
	if first, dup := seen[name]; dup {
		v.add(path, "%s: %q is used twice; names must be unique (first at line %d)", path, name, v.line(first))
		return
	}
	seen[name] = path
}

var gatewayIDPattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$`)

func (v *validator) validate() {
	v.validateSite()
	v.validateBoard()
	v.validateBuses()
	v.validateDevices()
	v.validatePoints()
	v.validateInterlocks()
	v.validateValves()
	v.validateUplink()
	v.validateBuffer()
	v.validateWeb()
	v.validateLightning()
}

func (v *validator) validateSite() {
	s := v.cfg.Site
	if v.require("site.enterprise_code", s.EnterpriseCode) && strings.ContainsAny(s.EnterpriseCode, "/+# \t") {
		// The code is an MQTT topic level, where these characters break.
		v.add("site.enterprise_code", "%s: %q is not one of %s", "site.enterprise_code", s.EnterpriseCode, "codes without / + # or spaces")
	}
	if v.require("site.gateway_id", s.GatewayID) && !gatewayIDPattern.MatchString(s.GatewayID) {
		v.add("site.gateway_id", "%s: %q is not one of %s", "site.gateway_id", s.GatewayID, "letters, digits, _ . - (at most 64)")
	}
	v.oneOf("site.lang", s.Lang, "zh-CN", "en")
	v.oneOf("site.clock", s.Clock, ClockNTP, ClockRTC)
	if _, err := time.LoadLocation(s.Timezone); err != nil {
		v.add("site.timezone", "%s: %q is not one of %s", "site.timezone", s.Timezone, "IANA time zones such as Asia/Shanghai")
	}
}

// validateBoard checks the board keys that need no board profile; the
// profile itself is loaded and checked when the gateway starts.
func (v *validator) validateBoard() {
	b := v.cfg.Board
	if b.InputFile != "" && b.Profile != DefaultBoard {
		v.add("board.input_file", "%s: only the sim profile reads an input file; remove it or use profile: sim", "board.input_file")
	}
	v.durationRange("board.watchdog_timeout", b.WatchdogTimeout, 2*time.Second, 300*time.Second)
	if b.WatchdogTimeout.D()%time.Second != 0 {
		v.add("board.watchdog_timeout", "%s: %v is not a whole number of seconds", "board.watchdog_timeout", b.WatchdogTimeout.D())
	}
	v.durationRange("board.watchdog_stall", b.WatchdogStall, time.Second, 300*time.Second)
}

func (v *validator) validateBuses() {
	seen := map[string]string{}
	for i, b := range v.cfg.Buses {
		p := fmt.Sprintf("buses[%d]", i)
		if v.require(p+".name", b.Name) {
			v.unique(p+".name", b.Name, seen)
		}
		if (b.RTU == nil) == (b.TCP == nil) {
			v.add(p, "%s: give exactly one of rtu or tcp", p)
		}
		v.durationRange(p+".timeout", b.Timeout, 10*time.Millisecond, 10*time.Second)
		if b.RTU != nil {
			v.validateRTU(p+".rtu", b.RTU)
		}
		if b.TCP != nil {
			v.validateTCPAddress(p+".tcp.address", b.TCP.Address)
		}
	}
}

// validateTCPAddress checks a Modbus TCP address: a host and a port.
func (v *validator) validateTCPAddress(path, address string) {
	if !v.require(path, address) {
		return
	}
	host, port, err := net.SplitHostPort(address)
	if err == nil && host != "" {
		if n, err := strconv.ParseUint(port, 10, 16); err == nil && n > 0 {
			return
		}
	}
	v.add(path, "%s: %q is not a valid address; write HOST:PORT, such as 192.0.2.10:502", path, address)
}

var standardBauds = []string{"1200", "2400", "4800", "9600", "19200", "38400", "57600", "115200"}

func (v *validator) validateRTU(p string, r *RTU) {
	v.require(p+".port", r.Port)
	v.oneOf(p+".baud", strconv.Itoa(r.Baud), standardBauds...)
	v.oneOf(p+".parity", r.Parity, "none", "even", "odd")
	v.oneOf(p+".data_bits", strconv.Itoa(r.DataBits), "7", "8")
	v.oneOf(p+".stop_bits", strconv.Itoa(r.StopBits), "1", "2")
	v.durationRange(p+".frame_gap", r.FrameGap, 0, time.Second)
	v.durationRange(p+".turnaround", r.Turnaround, 0, time.Second)
	v.oneOf(p+".rs485.mode", r.RS485.Mode, "auto", "off")
	v.oneOf(p+".rs485.rts_on_send", r.RS485.RTSOnSend, "high", "low")
	v.durationRange(p+".rs485.delay_before_send", r.RS485.DelayBeforeSend, 0, 100*time.Millisecond)
	v.durationRange(p+".rs485.delay_after_send", r.RS485.DelayAfterSend, 0, 100*time.Millisecond)
}

func (v *validator) validateDevices() {
	seen := map[string]string{}
	buses := map[string]Bus{}
	for _, b := range v.cfg.Buses {
		buses[b.Name] = b
	}
	for i, d := range v.cfg.Devices {
		p := fmt.Sprintf("devices[%d]", i)
		if v.require(p+".name", d.Name) {
			v.unique(p+".name", d.Name, seen)
		}
		bus, ok := buses[d.Bus]
		if !ok {
			v.add(p+".bus", "%s: no bus named %q; defined buses: %s", p+".bus", d.Bus, v.names(busNames(v.cfg)))
		}
		if ok && bus.RTU != nil {
			v.intRange(p+".unit", d.Unit, 1, 247)
		} else {
			v.intRange(p+".unit", d.Unit, 0, 255)
		}
		v.durationRange(p+".poll", d.Poll, 50*time.Millisecond, time.Hour)
		if !v.inherited[p+".timeout"] {
			v.durationRange(p+".timeout", d.Timeout, 10*time.Millisecond, 10*time.Second)
		}
		// A lost detector must be reported within 100 s (GB/T 50493-2019).
		v.durationRange(p+".comm_loss_after", d.CommLossAfter, time.Second, 100*time.Second)
		v.intRange(p+".max_registers", d.MaxRegisters, 1, 125)
		v.intRange(p+".max_gap", d.MaxGap, 0, 125)
	}
}

func (v *validator) names(list []string) string {
	if len(list) == 0 {
		return "-"
	}
	return strings.Join(list, ", ")
}

func busNames(c *Config) []string {
	var out []string
	for _, b := range c.Buses {
		out = append(out, b.Name)
	}
	return out
}

func deviceNames(c *Config) []string {
	var out []string
	for _, d := range c.Devices {
		out = append(out, d.Name)
	}
	return out
}

// checkRegister validates a table and its address, whichever convention
// the address uses.
func (v *validator) checkRegister(p string, r Register) {
	if !v.oneOf(p+".table", r.Table, string(Coils), string(DiscreteInputs), string(InputRegisters), string(HoldingRegisters)) {
		return
	}
	_, err := r.Wire()
	var mismatch *TableMismatch
	var ambiguous *AmbiguousAddress
	switch {
	case err == nil:
	case errors.As(err, &mismatch):
		v.add(p+".address", "%s: address %q is a %s reference but table is %q; write table: %s or address: %q",
			p+".address", r.Address, string(mismatch.RefTable), r.Table, string(mismatch.RefTable), mismatch.Corrected())
	case errors.As(err, &ambiguous):
		n, _ := strconv.Atoi(r.Address)
		v.add(p+".address", "%s: address %q could be 0-based or 1-based; write wire: %d for the protocol address, number: %d for register %d (wire %d), or a reference such as %q",
			p+".address", r.Address, n, n, n, n-1, referenceFor(Table(r.Table), n))
	case errors.Is(err, errNoAddress):
		v.add(p, "%s: give the address as a reference (address: \"30001\"), a protocol address (wire: 0) or a register number (number: 1)", p)
	case errors.Is(err, errManyAddresses):
		v.add(p, "%s: give only one of address, wire and number", p)
	default:
		v.add(p+".address", "%s: invalid address: %v", p, err)
	}
}

// referenceFor returns the 5-digit reference of 1-based register number n
// in table, as an example for messages.
func referenceFor(t Table, n int) string {
	for digit, table := range referenceTables {
		if table == t {
			return fmt.Sprintf("%c%04d", digit, max(n, 1))
		}
	}
	return ""
}
