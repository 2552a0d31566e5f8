package config

import (
	"fmt"
	"strconv"
	"time"
)

// Defaults, in one place. Each applies where the file leaves a field empty.
const (
	DefaultLang     = "zh-CN"
	DefaultTimezone = "Asia/Shanghai"
	DefaultBoard    = "sim"
	// DefaultWatchdogTimeout fits the smallest maximum of common SoC
	// watchdogs (the BCM2835's is about 15 s).
	DefaultWatchdogTimeout = Duration(15 * time.Second)
	DefaultWatchdogStall   = Duration(10 * time.Second)
	DefaultBusTimeout      = Duration(500 * time.Millisecond)
	DefaultBaud            = 9600
	DefaultParity          = "none"
	DefaultDataBits        = 8
	DefaultStopBits        = 1
	DefaultPoll            = Duration(time.Second)
	DefaultCommLossAfter   = Duration(10 * time.Second)
	DefaultMaxRegisters    = 125
	DefaultMaxGap          = 10
	DefaultByteOrder       = "ABCD"
	// DefaultTextByteOrder puts a string point's first character in the
	// high byte of each register, as the Modbus byte order does.
	DefaultTextByteOrder = "AB"
	DefaultTopicPrefix   = "plantgw"
	// DefaultStrokeTime is a shutoff valve's time to close; large-tank
	// valves must close within 180 s.
	DefaultStrokeTime = Duration(60 * time.Second)
	// DefaultSwitchDelay is how long an HH switch and its transmitter may
	// disagree: long enough for a level near HH to settle.
	DefaultSwitchDelay = Duration(10 * time.Second)
	DefaultKeepAlive   = Duration(30 * time.Second)
	DefaultMaxRecords  = 100
	// DefaultHeartbeat is the period of the uplink's heartbeat message.
	DefaultHeartbeat    = Duration(60 * time.Second)
	DefaultFormat       = "platform-json-v1"
	DefaultBufferPath   = "/var/lib/plantgw"
	DefaultSyncInterval = Duration(time.Second)
	// DefaultBufferMaxAge is the 30 days of local history that
	// regulation requires.
	DefaultBufferMaxAge  = Duration(30 * 24 * time.Hour)
	DefaultBufferMinFree = ByteSize(100 << 20)
	// DefaultReportInterval is the max_interval of a report rule that sets
	// none, so a steady value still reaches the platform every minute.
	DefaultReportInterval = Duration(60 * time.Second)
)

// applyDefaults fills every empty field with its default. It returns the
// paths that take their value from another key, such as a device's timeout
// from its bus, so validation checks that value only where it is written.
func applyDefaults(c *Config) (inherited map[string]bool) {
	inherited = map[string]bool{}
	setString(&c.Site.Lang, DefaultLang)
	setString(&c.Site.Timezone, DefaultTimezone)
	setString(&c.Site.Clock, ClockNTP)
	setString(&c.Board.Profile, DefaultBoard)
	setDuration(&c.Board.WatchdogTimeout, DefaultWatchdogTimeout)
	setDuration(&c.Board.WatchdogStall, DefaultWatchdogStall)
	for i := range c.Buses {
		applyBusDefaults(&c.Buses[i])
	}
	for i := range c.Devices {
		d := &c.Devices[i]
		setDuration(&d.Poll, DefaultPoll)
		setDuration(&d.CommLossAfter, DefaultCommLossAfter)
		if d.Timeout == 0 {
			// An unknown bus leaves the timeout 0, and the bus itself is reported.
			inherited[fmt.Sprintf("devices[%d].timeout", i)] = true
			for _, b := range c.Buses {
				if b.Name == d.Bus {
					d.Timeout = b.Timeout
					break
				}
			}
		}
		setInt(&d.MaxRegisters, DefaultMaxRegisters)
		if d.MaxGap == 0 {
			d.MaxGap = DefaultMaxGap
		}
	}
	for i := range c.Points {
		if c.Points[i].Type == TextType {
			setString(&c.Points[i].ByteOrder, DefaultTextByteOrder)
		} else {
			setString(&c.Points[i].ByteOrder, DefaultByteOrder)
		}
		if r := c.Points[i].Report; r != nil {
			setDuration(&r.MaxInterval, DefaultReportInterval)
		}
	}
	for i := range c.Valves {
		setDuration(&c.Valves[i].StrokeTime, DefaultStrokeTime)
	}
	for i := range c.LevelSwitches {
		setDuration(&c.LevelSwitches[i].Delay, DefaultSwitchDelay)
	}
	for i := range c.Interlocks {
		w := &c.Interlocks[i].When
		if w.Vote == "" && len(w.Points) > 0 {
			// Any one point in alarm trips: the conservative choice.
			w.Vote = "1oo" + strconv.Itoa(len(w.Points))
		}
		if c.Interlocks[i].FaultTrips == nil {
			yes := true
			c.Interlocks[i].FaultTrips = &yes
		}
	}
	m := &c.Uplink.MQTT
	setString(&m.ClientID, c.Site.GatewayID)
	setString(&m.TopicPrefix, DefaultTopicPrefix)
	setDuration(&m.KeepAlive, DefaultKeepAlive)
	setInt(&m.MaxRecords, DefaultMaxRecords)
	setDuration(&m.Heartbeat, DefaultHeartbeat)
	setString(&c.Uplink.Format, DefaultFormat)
	applyUplinkDefaults(&c.Uplink)
	setString(&c.Buffer.Path, DefaultBufferPath)
	setDuration(&c.Buffer.SyncInterval, DefaultSyncInterval)
	setDuration(&c.Buffer.MaxAge, DefaultBufferMaxAge)
	if c.Buffer.MaxBytes == 0 {
		c.Buffer.MaxBytes = DefaultBufferMaxBytes
	}
	if c.Buffer.MinFree == 0 {
		c.Buffer.MinFree = DefaultBufferMinFree
	}
	applyWebDefaults(c)
	return inherited
}

func applyBusDefaults(b *Bus) {
	setDuration(&b.Timeout, DefaultBusTimeout)
	if b.RTU == nil {
		return
	}
	setInt(&b.RTU.Baud, DefaultBaud)
	setString(&b.RTU.Parity, DefaultParity)
	setInt(&b.RTU.DataBits, DefaultDataBits)
	setInt(&b.RTU.StopBits, DefaultStopBits)
	setString(&b.RTU.RS485.Mode, "auto")
	setString(&b.RTU.RS485.RTSOnSend, "high")
}

func setString(p *string, v string) {
	if *p == "" {
		*p = v
	}
}

func setInt(p *int, v int) {
	if *p == 0 {
		*p = v
	}
}

func setDuration(p *Duration, v Duration) {
	if *p == 0 {
		*p = v
	}
}
