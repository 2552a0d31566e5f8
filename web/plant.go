package web

import (
	"context"
	"time"
)

// Plant is the running gateway's interface to the API. Every action is
// taken on behalf of user, who is named in the event it records.
// Implementations must not block on the network, except ModbusRead and
// ModbusWrite, which wait for the bus.
type Plant interface {
	Status() Status
	Acknowledge(user string) error
	Silence(user string) error
	// Reset returns how many alarms and trips stay latched and their
	// names.
	Reset(user string) (notReset int, latched string, err error)
	Bypass(point, user, reason string, d time.Duration) error
	EndBypass(point, user string) error
	// Metrics returns the counters of /metrics.
	Metrics() Metrics
	// History returns up to limit readings of point between from and to,
	// oldest first, from the local store.
	History(point string, from, to time.Time, limit int) ([]Reading, error)
	// Events returns up to limit events between from and to, newest
	// first, from the local store.
	Events(from, to time.Time, limit int) ([]Event, error)
	// Export reads the samples or events of req from the local store into
	// out, until ctx ends. A requested point that the configuration lacks
	// is an *UnknownExportPointError, returned before out.Begin.
	Export(ctx context.Context, req ExportRequest, out ExportOutput) error
	// ModbusBuses returns the configured buses.
	ModbusBuses() []ModbusBus
	// ModbusRead reads registers or bits of a unit on the bus's own
	// goroutine, between its polls. It blocks until the reply, at most
	// for a few bus timeouts or until ctx ends.
	ModbusRead(ctx context.Context, req ModbusRead) (ModbusReply, error)
	// ModbusWrite writes one coil or holding register as ModbusRead runs
	// a read, on behalf of user, reads it back, and records a
	// modbus_write event.
	ModbusWrite(ctx context.Context, user string, req ModbusWrite) (ModbusReply, error)
	// Outputs returns the board's outputs and the running output test.
	Outputs() OutputList
	// TestOutput drives output to its active (tripped) state for d, on
	// behalf of user; see alarm.Engine.TestOutput.
	TestOutput(output, user string, d time.Duration) error
}

// Reading is one stored sample of a point, for the trend chart.
type Reading struct {
	Time    time.Time `json:"t"`
	Value   *float64  `json:"v,omitempty"`
	Bool    *bool     `json:"b,omitempty"`
	Quality string    `json:"q"`
}

// Event is one stored or live event, as the page shows it.
type Event struct {
	Seq       uint64    `json:"seq,omitempty"`
	Kind      string    `json:"kind"`
	Time      time.Time `json:"time"`
	Point     string    `json:"point,omitempty"`
	Device    string    `json:"device,omitempty"`
	Output    string    `json:"output,omitempty"`
	Interlock string    `json:"interlock,omitempty"`
	Level     string    `json:"level,omitempty"`
	Value     *float64  `json:"value,omitempty"`
	State     string    `json:"state,omitempty"`
	Source    string    `json:"source,omitempty"`
	Operator  string    `json:"operator,omitempty"`
	// Reason and Until are a bypass's reason and expiry; Until is also
	// the planned end of an output test.
	Reason string    `json:"reason,omitempty"`
	Until  time.Time `json:"until,omitzero"`
	// Cause is the reason a device's communication was lost, and Code the
	// exception code of a TCP-to-RTU gateway.
	Cause string `json:"cause,omitempty"`
	Code  int    `json:"code,omitempty"`
	Text  string `json:"text"`
}

// Metrics are the gateway's counters for Prometheus.
type Metrics struct {
	Lines   []LineMetrics
	Devices []DeviceMetrics
	// Events counts the events of each kind recorded since the start.
	Events map[string]uint64
	// StoreDropped counts records dropped because the store queue was
	// full.
	StoreDropped uint64
}

// LineMetrics are one Modbus bus's counters since the start.
type LineMetrics struct {
	Bus                                                       string
	Requests, Replies, Exceptions, Timeouts, CRCErrors, Stray uint64
	Late, Stale, Reconnects, OpenFailures                     uint64
}

// DeviceMetrics are one device's counters since the start.
type DeviceMetrics struct {
	Name, Bus                                              string
	Unit                                                   int
	Requests, Exceptions, Timeouts, CRCErrors, Late, Stale uint64
	CommLost                                               bool
}

// Status is the gateway's state at one moment.
type Status struct {
	Gateway    string            `json:"gateway"`
	Time       time.Time         `json:"time"`
	Points     []PointStatus     `json:"points"`
	Alarms     []AlarmStatus     `json:"alarms"`
	Faults     []string          `json:"faults"`
	Bypasses   []BypassStatus    `json:"bypasses"`
	Interlocks []InterlockStatus `json:"interlocks"`
	Outputs    []OutputStatus    `json:"outputs"`
	Valves     []ValveStatus     `json:"valves"`
	// Timezone is the site's IANA time zone, for showing times as the
	// gateway's console does.
	Timezone string `json:"timezone"`
	// ClockSynced reports whether the gateway's clock counts as
	// synchronised (site.clock), so records are not flagged.
	ClockSynced bool          `json:"clock_synced"`
	Devices     DeviceSummary `json:"devices"`
	Buffer      BufferStatus  `json:"buffer"`
	Uplink      UplinkStatus  `json:"uplink"`
}

// PointStatus is a point's last reading.
type PointStatus struct {
	ID   string `json:"id"`
	Unit string `json:"unit,omitempty"`
	// Value is absent for contacts, text and readings never taken.
	Value   *float64  `json:"value,omitempty"`
	Bool    *bool     `json:"bool,omitempty"`
	Text    string    `json:"text,omitempty"`
	Quality string    `json:"quality"`
	Time    time.Time `json:"time,omitzero"`
	Fault   bool      `json:"fault,omitempty"`
}

// AlarmStatus is one latched alarm.
type AlarmStatus struct {
	Point string `json:"point"`
	Level string `json:"level"`
	// Value is the point's last reading and SetPoint the alarm's set
	// point, in the point's unit.
	Value        *float64 `json:"value,omitempty"`
	SetPoint     float64  `json:"set_point"`
	Priority     int      `json:"priority"`
	Active       bool     `json:"active"`
	Acknowledged bool     `json:"acknowledged"`
}

// BypassStatus is one point under bypass.
type BypassStatus struct {
	Point    string    `json:"point"`
	Operator string    `json:"operator"`
	Reason   string    `json:"reason"`
	Until    time.Time `json:"until"`
}

// InterlockStatus is one interlock, whether it is tripped, the points
// that vote in it and what it trips.
type InterlockStatus struct {
	Name    string   `json:"name"`
	Tripped bool     `json:"tripped"`
	Points  []string `json:"points,omitempty"`
	Outputs []string `json:"outputs,omitempty"`
	Valves  []string `json:"valves,omitempty"`
}

// OutputStatus is a board output; Active is its tripped, de-energised
// state. Failed means it could not be driven. Held means the alarm logic
// wants it active, so a test changes nothing; Testing means an output
// test drives it.
type OutputStatus struct {
	Name    string `json:"name"`
	Active  bool   `json:"active"`
	Failed  bool   `json:"failed,omitempty"`
	Held    bool   `json:"held,omitempty"`
	Testing bool   `json:"testing,omitempty"`
}

// OutputList is the board's outputs in name order and the running output
// test, if any.
type OutputList struct {
	Outputs []OutputStatus `json:"outputs"`
	Test    *OutputTest    `json:"test,omitempty"`
}

// OutputTest is a running output test: who started it, when, and when
// it ends.
type OutputTest struct {
	Output   string    `json:"output"`
	Operator string    `json:"operator"`
	Started  time.Time `json:"started"`
	Until    time.Time `json:"until"`
}

// ValveStatus is a supervised shutoff valve. Held means a tripped
// interlock holds it closed; Failed and Uncommanded are its latched
// alarms.
type ValveStatus struct {
	Name        string `json:"name"`
	Held        bool   `json:"held"`
	Open        bool   `json:"open"`
	Closed      bool   `json:"closed"`
	Failed      bool   `json:"failed,omitempty"`
	Uncommanded bool   `json:"uncommanded,omitempty"`
}

// DeviceSummary counts the Modbus devices and those in comm loss.
type DeviceSummary struct {
	Total int `json:"total"`
	Lost  int `json:"lost"`
}

// BufferStatus is the local store's newest seq and upload backlog.
type BufferStatus struct {
	LastSeq uint64         `json:"last_seq"`
	Pending map[string]int `json:"pending"`
}

// UplinkStatus is the platform connection.
type UplinkStatus struct {
	Connected   bool      `json:"connected"`
	Since       time.Time `json:"since,omitzero"`
	LastError   string    `json:"last_error,omitempty"`
	SentRecords uint64    `json:"sent_records"`
}
