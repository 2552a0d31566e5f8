package record

import "time"

// EventKind names what happened, with the spelling of the uplink protocol.
type EventKind string

// Event kinds.
const (
	AlarmRaised   EventKind = "alarm_raised"
	AlarmCleared  EventKind = "alarm_cleared"
	AlarmReset    EventKind = "alarm_reset"
	AlarmSilenced EventKind = "alarm_silenced"
	// AlarmAcknowledged: an operator has seen a latched alarm.
	AlarmAcknowledged EventKind = "alarm_acknowledged"
	// BypassOn and BypassOff: a point stopped or resumed voting in its
	// interlocks.
	BypassOn  EventKind = "bypass_on"
	BypassOff EventKind = "bypass_off"
	// ValveFailed: a shutoff valve did not reach its closed limit within
	// its stroke time. ValveUncommanded: it moved without a command.
	ValveFailed      EventKind = "valve_failed"
	ValveUncommanded EventKind = "valve_uncommanded"
	// ValveReset: an operator reset a valve's failed or uncommanded alarm.
	ValveReset EventKind = "valve_reset"
	// SwitchDisagree and SwitchAgree: an HH level switch and its level
	// transmitter disagree / agree again.
	SwitchDisagree EventKind = "level_switch_disagree"
	SwitchAgree    EventKind = "level_switch_agree"
	FaultRaised    EventKind = "fault_raised"
	FaultCleared   EventKind = "fault_cleared"
	CommLost       EventKind = "comm_lost"
	CommRestored   EventKind = "comm_restored"
	Trip           EventKind = "trip"
	TripReset      EventKind = "trip_reset"
	OutputChanged  EventKind = "output_changed"
	// WriteUnconfirmed: a command written to a device did not read back.
	WriteUnconfirmed EventKind = "write_unconfirmed"
	// ModbusWrite: an installer wrote a coil or holding register through
	// the local API. Operator is the account, Device the device or
	// BUS:UNIT, Value the value written; Text gives the address and
	// whether the device kept the value.
	ModbusWrite EventKind = "modbus_write"
	// RecordsEvicted: the buffer removed records to stay within its age,
	// byte budget or free-space limits; Text gives the counts per lane,
	// how many were never uploaded, and the seq ranges.
	RecordsEvicted EventKind = "records_evicted"
	// StoreReplaced: the buffer could not open its store, moved the
	// directory aside and started a fresh store whose seqs continue above
	// every seq used before. Text names the moved-aside directory and the
	// error. Records in the moved-aside store that were not uploaded never
	// reach the platform, and their seqs stay missing.
	StoreReplaced EventKind = "store_replaced"
	// LightningWarning is a change of the lightning warning level; State
	// holds the new level: none, yellow, orange, red or unknown. These
	// events are kept 3 years.
	LightningWarning EventKind = "lightning_warning"
	// AccountCreated and AccountRemoved record changes to the local
	// page's accounts; Operator names who made them.
	AccountCreated EventKind = "account_created"
	AccountRemoved EventKind = "account_removed"
	// OutputTestStarted and OutputTestEnded: an installer drove Output to
	// its active (tripped) state for a commissioning test, until Until;
	// Operator names the installer. After the end the output follows the
	// alarm logic again.
	OutputTestStarted EventKind = "output_test_started"
	OutputTestEnded   EventKind = "output_test_ended"
	// ClockStep: the system clock stepped, as when NTP first sets a clock
	// that booted in 1970. Value is the step in seconds, new clock minus
	// old clock. Text names the seqs of this run stamped before the step,
	// and the gateway re-stamps those still queued for upload.
	ClockStep      EventKind = "clock_step"
	GatewayStarted EventKind = "gateway_started"
	GatewayStopped EventKind = "gateway_stopped"
)

// Level is an alarm level: al1/al2 for gas, h/hh/l/ll for process values.
type Level string

// Alarm levels.
const (
	LevelNone Level = ""
	AL1       Level = "al1"
	AL2       Level = "al2"
	H         Level = "h"
	HH        Level = "hh"
	L         Level = "l"
	LL        Level = "ll"
)

// Source names who or what caused an event.
type Source string

// Event sources.
const (
	SourceAuto        Source = "auto"
	SourceLocalButton Source = "local_button"
	SourceLocalUI     Source = "local_ui"
	SourceRemote      Source = "remote"
)

// Event is one state change worth keeping: an alarm, a fault, a trip, an
// output change, a device's comm loss, a gateway start or stop.
type Event struct {
	Kind        EventKind
	Time        time.Time
	ClockSynced bool
	Point       string
	Device      string
	Output      string
	// Interlock names the interlock of a trip or trip_reset event.
	Interlock string
	Level     Level
	// Value is the reading that caused the event; HasValue reports whether
	// there is one.
	Value    float64
	HasValue bool
	Source   Source
	// State is the new state of an output_changed event's output:
	// "active", "inactive" or "failed" when it could not be driven.
	State string
	// Text is a short English description for logs.
	Text string
	// Cause is the reason a comm_lost device stopped replying: timeout, crc,
	// exception (with the exception Code from a TCP-to-RTU gateway) or
	// no_connection.
	Cause Cause
	Code  byte
	// Operator names the person or account behind an operator action:
	// acknowledge, silence, reset, bypass or output test.
	Operator string
	// Reason and Until are a bypass_on event's reason and expiry; Until
	// is also the planned end of an output_test_started event's test.
	Reason string
	Until  time.Time
}
