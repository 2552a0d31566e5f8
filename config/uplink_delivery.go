package config

import "time"

// Values of uplink.ack.
const (
	// AckPUBACK removes a record from its upload queue when the broker
	// acknowledges the message with a PUBACK.
	AckPUBACK = "puback"
	// AckPlatform removes a record when the platform acknowledges its seq
	// on the gateway's ack topic.
	AckPlatform = "platform"
)

// Values of uplink.compress.
const (
	CompressNone = "none"
	CompressGzip = "gzip"
)

// Defaults and limits of the uplink's delivery keys.
const (
	DefaultAck        = AckPUBACK
	DefaultAckTimeout = Duration(30 * time.Second)
	// DefaultAckWindow bounds the records that wait for the platform's
	// acknowledgement: about 8 s of a 500-point plant's output plus a
	// backlog at DefaultBacklogRate.
	DefaultAckWindow = 20_000
	MaxAckWindow     = 200_000
	// DefaultBacklogRate is 4 times the output of a plant of 500 points
	// read once a second, so a backlog drains 3 times faster than it grew
	// while live data keeps flowing.
	DefaultBacklogRate = 2_000
	MaxBacklogRate     = 100_000
	// DefaultMaxMessageBytes stays under the 1 MB packet limit that some
	// platform brokers set, such as EMQX's default max_packet_size.
	// mosquitto 2.0 accepts up to MQTT's limit of 268 435 455 bytes
	// unless message_size_limit sets less.
	DefaultMaxMessageBytes = ByteSize(256 << 10)
	MinMaxMessageBytes     = ByteSize(4 << 10)
	MaxMaxMessageBytes     = ByteSize(16 << 20)
	DefaultCompress        = CompressNone
)

// applyUplinkDefaults fills the uplink's delivery keys that the file
// leaves empty.
func applyUplinkDefaults(u *Uplink) {
	setString(&u.Ack, DefaultAck)
	setDuration(&u.AckTimeout, DefaultAckTimeout)
	setInt(&u.AckWindow, DefaultAckWindow)
	if u.BacklogRate == nil {
		rate := DefaultBacklogRate
		u.BacklogRate = &rate
	}
	if u.MaxMessageBytes == 0 {
		u.MaxMessageBytes = DefaultMaxMessageBytes
	}
	setString(&u.Compress, DefaultCompress)
}

// validateDelivery checks the uplink's delivery keys.
func (v *validator) validateDelivery() {
	u := v.cfg.Uplink
	v.oneOf("uplink.ack", u.Ack, AckPUBACK, AckPlatform)
	v.durationRange("uplink.ack_timeout", u.AckTimeout, time.Second, 10*time.Minute)
	v.intRange("uplink.ack_window", u.AckWindow, 100, MaxAckWindow)
	// One message's records must fit in the window, or none could be sent.
	if u.AckWindow >= 100 && u.AckWindow < u.MQTT.MaxRecords {
		v.add("uplink.ack_window", "%s: %d is less than uplink.mqtt.max_records (%d); raise ack_window or lower max_records",
			"uplink.ack_window", u.AckWindow, u.MQTT.MaxRecords)
	}
	if u.BacklogRate != nil {
		v.intRange("uplink.backlog_rate", *u.BacklogRate, 0, MaxBacklogRate)
	}
	if u.MaxMessageBytes < MinMaxMessageBytes || u.MaxMessageBytes > MaxMaxMessageBytes {
		v.add("uplink.max_message_bytes", "%s: %v is out of range; use %s", "uplink.max_message_bytes", u.MaxMessageBytes,
			MinMaxMessageBytes.String()+"-"+MaxMaxMessageBytes.String())
	}
	v.oneOf("uplink.compress", u.Compress, CompressNone, CompressGzip)
}
