package config

// Config is the whole gateway configuration, as written in one YAML file.
type Config struct {
	Site       Site        `yaml:"site"`
	Board      Board       `yaml:"board"`
	Buses      []Bus       `yaml:"buses"`
	Devices    []Device    `yaml:"devices"`
	Points     []Point     `yaml:"points"`
	Interlocks []Interlock `yaml:"interlocks"`
	// Valves are emergency shutoff valves the gateway closes and
	// supervises; LevelSwitches pair an HH level switch with its level
	// transmitter.
	Valves        []Valve       `yaml:"valves"`
	LevelSwitches []LevelSwitch `yaml:"level_switches"`
	Uplink        Uplink        `yaml:"uplink"`
	Buffer        Buffer        `yaml:"buffer"`
	Web           Web           `yaml:"web"`
	Lightning     Lightning     `yaml:"lightning"`

	// File is the path the configuration was loaded from.
	File string `yaml:"-"`
	// lines maps each decoded path, such as "points[2].gas.al1", to its
	// line in File.
	lines map[string]int
}

// Errorf returns a one-problem *Error located at path's line, for checks
// made outside this package (a board's output names, for example).
func (c *Config) Errorf(path, format string, args ...any) error {
	v := &validator{ps: &problems{file: c.File}, lines: c.lines, cfg: c}
	v.add(path, format, args...)
	return v.ps.err()
}

// Site identifies the plant and the gateway to the platform.
type Site struct {
	// EnterpriseCode is the enterprise's 企业编码 as registered with the
	// provincial platform.
	EnterpriseCode string `yaml:"enterprise_code"`
	GatewayID      string `yaml:"gateway_id"`
	Timezone       string `yaml:"timezone"`
	// Lang is the language of installer-facing output: zh-CN or en.
	Lang string `yaml:"lang"`
	// Clock selects what makes the system clock count as synchronised:
	// ClockNTP or ClockRTC.
	Clock string `yaml:"clock"`
}

// Values of site.clock.
const (
	// ClockNTP counts the clock as synchronised while the kernel reports
	// it synchronised by NTP (adjtimex), and its time is plausible.
	ClockNTP = "ntp"
	// ClockRTC trusts a battery-backed clock without NTP: any plausible
	// time counts as synchronised.
	ClockRTC = "rtc"
)

// Board selects the I/O board profile that maps logical outputs (horn,
// beacon, ESD relays) and inputs (buttons, limit switches) to hardware.
type Board struct {
	// Profile is sim, a built-in GPIO profile such as generic-4do4di, or
	// the path of a profile file (ending in .yaml, .yml or .json).
	Profile string `yaml:"profile"`
	// StatusFile, when set, receives the outputs' states as JSON on every
	// change.
	StatusFile string `yaml:"status_file"`
	// InputFile is a control file or FIFO that the sim profile reads
	// button presses from, one per line.
	InputFile string `yaml:"input_file"`
	// Watchdog is the hardware watchdog device. Nil takes the profile's
	// device (none on sim), and "" disables the watchdog.
	Watchdog *string `yaml:"watchdog"`
	// WatchdogTimeout is the time the hardware waits for a feed before it
	// resets the gateway, in whole seconds.
	WatchdogTimeout Duration `yaml:"watchdog_timeout"`
	// WatchdogStall is how long the poll and alarm loops may make no
	// progress before the watchdog stops being fed.
	WatchdogStall Duration `yaml:"watchdog_stall"`
}

// Bus is one Modbus line: an RS-485 port (rtu) or a TCP connection (tcp).
type Bus struct {
	Name    string   `yaml:"name"`
	RTU     *RTU     `yaml:"rtu"`
	TCP     *TCP     `yaml:"tcp"`
	Timeout Duration `yaml:"timeout"`
}

// RTU is a serial line's settings.
type RTU struct {
	Port     string `yaml:"port"`
	Baud     int    `yaml:"baud"`
	Parity   string `yaml:"parity"`
	DataBits int    `yaml:"data_bits"`
	StopBits int    `yaml:"stop_bits"`
	// FrameGap is the silence before each request; 0 means 3.5
	// characters at the line's speed, at least 1.75 ms.
	FrameGap Duration `yaml:"frame_gap"`
	// Turnaround is extra quiet time after each reply or timeout, for
	// devices and converters slow to switch direction.
	Turnaround Duration `yaml:"turnaround"`
	RS485      RS485    `yaml:"rs485"`
}

// RS485 configures the UART driver to switch the transceiver by RTS
// (TIOCSRS485).
type RS485 struct {
	// Mode is auto (try; a UART that cannot is logged once and used as
	// it is) or off.
	Mode string `yaml:"mode"`
	// RTSOnSend is the RTS level while sending: high or low.
	RTSOnSend       string   `yaml:"rts_on_send"`
	DelayBeforeSend Duration `yaml:"delay_before_send"`
	DelayAfterSend  Duration `yaml:"delay_after_send"`
}

// TCP is a Modbus TCP server or TCP-to-RTU gateway address.
type TCP struct {
	Address string `yaml:"address"`
}

// Device is one Modbus slave on a bus.
type Device struct {
	Name string   `yaml:"name"`
	Bus  string   `yaml:"bus"`
	Unit int      `yaml:"unit"`
	Poll Duration `yaml:"poll"`
	// Timeout is how long to wait for this device's reply; it defaults
	// to the bus's timeout.
	Timeout Duration `yaml:"timeout"`
	// CommLossAfter is how long a device may go without a valid reply
	// before it is reported lost (comm_lost) and its points turn bad.
	CommLossAfter Duration `yaml:"comm_loss_after"`
	MaxRegisters  int      `yaml:"max_registers"`
	MaxGap        int      `yaml:"max_gap"`
	// Template names a device template from config/templates; its points
	// are added with ids "<device name>.<suffix>".
	Template string `yaml:"template"`
	// Points overrides template points by suffix, key by key.
	Points PointOverrides `yaml:"points"`
}

// Point is one measured or monitored value of a device.
type Point struct {
	ID       string   `yaml:"id"`
	Device   string   `yaml:"device"`
	Register Register `yaml:"register"`
	// Poll, when set, reads this point at its own period instead of the
	// device's: its poll group.
	Poll Duration `yaml:"poll"`
	// Type is the wire data type: bool, int16, uint16, int32, uint32,
	// int64, uint64, float32, float64, bcd16, bcd32 or string (ASCII text,
	// two characters per register).
	Type string `yaml:"type"`
	// Length is the number of registers a string point spans, 1 to 64.
	// Other types take their size from the type and must leave it out.
	Length *int `yaml:"length"`
	// ByteOrder names the order of the value's bytes on the wire: ABCD
	// (big-endian), CDAB (words swapped), BADC (bytes swapped in each word)
	// or DCBA (reversed). A string point uses AB (first character in the
	// high byte of each register) or BA (in the low byte).
	ByteOrder string `yaml:"byte_order"`
	// Bit selects one bit (0 = least significant) of a 16-bit register.
	Bit    *int     `yaml:"bit"`
	Scale  *float64 `yaml:"scale"`
	Offset float64  `yaml:"offset"`
	Unit   string   `yaml:"unit"`
	// Sentinels are raw values that mean "no valid reading", such as
	// "0x7FFF", "-32768" or "NaN"; a sample with one is bad, never a
	// number.
	Sentinels []string `yaml:"sentinels"`
	// Clamp bounds the engineering value; a value outside is clamped and
	// marked uncertain.
	Clamp *Clamp `yaml:"clamp"`
	// Current maps a 4–20 mA loop reading to engineering units.
	Current *Current `yaml:"current"`
	// Fault reads a device status register whose masked bits mean the
	// reading is not valid.
	Fault    *Fault   `yaml:"fault"`
	Gas      *Gas     `yaml:"gas"`
	Limits   *Limits  `yaml:"limits"`
	Platform Platform `yaml:"platform"`
	// Report, when set, stores and uplinks the point by exception; without
	// it every sample is stored.
	Report *Report `yaml:"report"`
}

// Report is a point's report-by-exception rule. A sample is stored when
// its quality or cause changes, when the value moves by more than a
// deadband since the last stored sample, or when MaxInterval has passed.
type Report struct {
	// Deadband is an absolute change in engineering units.
	Deadband float64 `yaml:"deadband"`
	// DeadbandPercent is a change in percent of the 4-20 mA span when the
	// point has one, else of the last stored value. With both deadbands
	// set, the larger applies.
	DeadbandPercent float64 `yaml:"deadband_percent"`
	// MaxInterval stores a sample at least this often, changed or not.
	MaxInterval Duration `yaml:"max_interval"`
}

// Register locates a value in a device's Modbus tables. Exactly one of
// Address, WireAddr and Number gives the location, and the key used names
// the convention, so 0-based and 1-based addresses are never confused.
type Register struct {
	// Table is coil, discrete, input or holding.
	Table string `yaml:"table"`
	// Address is a 5/6-digit reference such as "30001" or "400001", whose
	// first digit must match the table.
	Address string `yaml:"address"`
	// WireAddr is the 0-based protocol (PDU) address sent on the wire.
	WireAddr *int `yaml:"wire"`
	// Number is the 1-based register number of device manuals: number 1
	// is wire address 0.
	Number *int `yaml:"number"`
}

// Current describes a 4–20 mA loop: what the register holds and the
// engineering values at 4 and 20 mA.
type Current struct {
	// Input names what the decoded register value is: ua (microamperes),
	// ma (milliamperes, after scale) or counts (raw analog-module counts
	// between RawLow and RawHigh).
	Input string  `yaml:"input"`
	Low   float64 `yaml:"low"`
	High  float64 `yaml:"high"`
	// RawLow and RawHigh are the raw counts at 4 and 20 mA when Input is
	// counts.
	RawLow  float64 `yaml:"raw_low"`
	RawHigh float64 `yaml:"raw_high"`
}

// Clamp is an engineering-value range; either end may be left out.
type Clamp struct {
	Low  *float64 `yaml:"low"`
	High *float64 `yaml:"high"`
}

// Fault is a device status register checked with each reading.
type Fault struct {
	Register Register `yaml:"register"`
	Mask     uint16   `yaml:"mask"`
}

// Gas holds a gas detector's two alarm levels.
type Gas struct {
	// Kind is combustible or toxic.
	Kind     string  `yaml:"kind"`
	AL1      float64 `yaml:"al1"`
	AL2      float64 `yaml:"al2"`
	Deadband float64 `yaml:"deadband"`
	// OEL and IDLH of a toxic gas, in the point's unit. When given, the
	// set points are checked against GB/T 50493-2019: level 1 at most
	// 100 % OEL and level 2 at most 200 % OEL, or, with only IDLH, 5 %
	// and 10 % of IDLH.
	OEL  float64 `yaml:"oel"`
	IDLH float64 `yaml:"idlh"`
	// OnDelay is how long the reading must stay past a set point before
	// the alarm is raised; OffDelay how long back inside before it clears.
	OnDelay  Duration `yaml:"on_delay"`
	OffDelay Duration `yaml:"off_delay"`
}

// Limits holds a process value's high and low alarm set points.
type Limits struct {
	H        *float64 `yaml:"h"`
	HH       *float64 `yaml:"hh"`
	L        *float64 `yaml:"l"`
	LL       *float64 `yaml:"ll"`
	Deadband float64  `yaml:"deadband"`
	OnDelay  Duration `yaml:"on_delay"`
	OffDelay Duration `yaml:"off_delay"`
}

// Platform holds the codes that identify a point to the platform.
type Platform struct {
	// HazardCode is the 重大危险源编码 of the hazard source.
	HazardCode string `yaml:"hazard_code"`
	PointCode  string `yaml:"point_code"`
}

// Interlock trips outputs when enough of its cause points are in alarm.
type Interlock struct {
	Name string   `yaml:"name"`
	When When     `yaml:"when"`
	Do   []Effect `yaml:"do"`
	// FaultTrips makes a cause point in fault (no valid reading) count as
	// a vote to trip. It defaults to true: a shutdown function fails
	// toward its safe state.
	FaultTrips *bool `yaml:"fault_trips"`
}

// When is an interlock's cause: an alarm level on a set of points, voted
// MooN.
type When struct {
	Alarm  string   `yaml:"alarm"`
	Points []string `yaml:"points"`
	Vote   string   `yaml:"vote"`
}

// Effect is one action of a tripped interlock: drive a board output to
// its tripped state, or close a valve. Exactly one is set.
type Effect struct {
	Output string `yaml:"output"`
	Valve  string `yaml:"valve"`
}

// Valve is an emergency shutoff valve: fail-closed, closed by the gateway
// through its solenoid output (energised = open) or its command coil, and
// supervised by its limit switches.
type Valve struct {
	Name string `yaml:"name"`
	// Output is the board output of the solenoid; tripping it
	// de-energises the solenoid and the valve closes.
	Output string `yaml:"output"`
	// Command is a coil point of the valve's actuator; the gateway writes
	// false to it to close the valve.
	Command string `yaml:"command"`
	// OpenLimit and ClosedLimit are the contact points of the limit
	// switches.
	OpenLimit   string `yaml:"open_limit"`
	ClosedLimit string `yaml:"closed_limit"`
	// StrokeTime is how long the valve may take to reach its closed limit
	// before "failed to close" is raised; at most 180 s.
	StrokeTime Duration `yaml:"stroke_time"`
}

// LevelSwitch pairs an independent HH level switch with the continuous
// level transmitter of the same tank.
type LevelSwitch struct {
	// Switch is the switch's contact point: true when it trips.
	Switch string `yaml:"switch"`
	// Level is the transmitter's point, which must have an hh limit.
	Level string `yaml:"level"`
	// Delay is how long they may disagree before the disagreement alarm.
	Delay Duration `yaml:"delay"`
}

// Uplink configures the connection to the platform.
type Uplink struct {
	MQTT   MQTT   `yaml:"mqtt"`
	Format string `yaml:"format"`
	// Ack is the acknowledgement that removes a record from its upload
	// queue: AckPUBACK, the broker's PUBACK, or AckPlatform, the
	// platform's acknowledgement on the ack topic.
	Ack string `yaml:"ack"`
	// AckTimeout is how long a record that the broker has acknowledged
	// waits for the platform's acknowledgement before it is sent again.
	// Only AckPlatform uses it.
	AckTimeout Duration `yaml:"ack_timeout"`
	// AckWindow caps the records sent and not yet acknowledged by the
	// platform. Only AckPlatform uses it.
	AckWindow int `yaml:"ack_window"`
	// BacklogRate caps the records per second sent from the backlog; 0
	// sends the backlog as fast as the broker takes it. Defaults fill it
	// in, so it is nil only before defaults.
	BacklogRate *int `yaml:"backlog_rate"`
	// MaxMessageBytes caps the payload of one MQTT message.
	MaxMessageBytes ByteSize `yaml:"max_message_bytes"`
	// Compress is CompressNone or CompressGzip.
	Compress string `yaml:"compress"`
}

// MQTT is the broker connection.
type MQTT struct {
	// URL is tcp:// or mqtt:// for plain TCP, ssl:// or mqtts:// for TLS.
	URL         string `yaml:"url"`
	ClientID    string `yaml:"client_id"`
	TopicPrefix string `yaml:"topic_prefix"`
	Username    string `yaml:"username"`
	// Password is the broker login's password. Write it as ${VARIABLE} so
	// it comes from the environment, not the file. It is never logged.
	Password  string   `yaml:"password"`
	KeepAlive Duration `yaml:"keep_alive"`
	// MaxRecords caps the records sent in one MQTT message.
	MaxRecords int `yaml:"max_records"`
	// Heartbeat is the period of the heartbeat message.
	Heartbeat Duration `yaml:"heartbeat"`
	TLS       TLS      `yaml:"tls"`
}

// TLS configures an ssl:// or mqtts:// connection. The broker's
// certificate is always verified unless InsecureSkipVerify is set.
type TLS struct {
	// CAFile is a PEM file of the CA certificates that may sign the
	// broker's certificate. Empty uses the system's CA certificates.
	CAFile string `yaml:"ca_file"`
	// CertFile and KeyFile are the gateway's client certificate and its
	// private key in PEM, for brokers that require one. Give both or
	// neither.
	CertFile string `yaml:"cert_file"`
	KeyFile  string `yaml:"key_file"`
	// ServerName is the name checked against the broker's certificate;
	// empty takes the host of URL.
	ServerName string `yaml:"server_name"`
	// InsecureSkipVerify accepts any broker certificate. It is for
	// commissioning only, and every connect logs a warning.
	InsecureSkipVerify bool `yaml:"insecure_skip_verify"`
}

// Buffer configures the local store of samples and events.
type Buffer struct {
	Path string `yaml:"path"`
	// SyncInterval bounds how much telemetry a power cut can lose; events
	// are synced before their append returns.
	SyncInterval Duration `yaml:"sync_interval"`
	// MaxBytes is the disk budget of the store; the oldest records are
	// evicted above it.
	MaxBytes ByteSize `yaml:"max_bytes"`
	// MaxAge evicts uploaded records older than this. Regulation requires
	// at least 30 days of local history, so a shorter value needs
	// AllowMaxAgeUnder30Days.
	MaxAge Duration `yaml:"max_age"`
	// AllowMaxAgeUnder30Days permits a MaxAge under 30 days, for tests
	// and sites whose regulator allows it.
	AllowMaxAgeUnder30Days bool `yaml:"allow_max_age_under_30_days"`
	// MinFree is the free space kept on the buffer's file system; below
	// it records are evicted as if the store were over MaxBytes.
	MinFree ByteSize `yaml:"min_free"`
}
