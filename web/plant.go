package web

import (
	"time"
)

// Plant is the running gateway's interface to the API. Every action is
// taken on behalf of user, who is named in the event it records.
// Implementations must not block on the network.
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
	Text      string    `json:"text"`
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
	Timezone string        `json:"timezone"`
	Devices  DeviceSummary `json:"devices"`
	Buffer   BufferStatus  `json:"buffer"`
	Uplink   UplinkStatus  `json:"uplink"`
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
// state.
type OutputStatus struct {
	Name   string `json:"name"`
	Active bool   `json:"active"`
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
