package uplink

import (
	"time"

	"github.com/plantgw/plantgw/config"
)

// AckMode selects what removes a record from its upload queue.
type AckMode int

const (
	// AckByBroker removes records when the broker's PUBACK arrives on the
	// connection that published them.
	AckByBroker AckMode = iota
	// AckByPlatform removes records when the platform lists their seqs on
	// the gateway's ack topic. A PUBACK only starts the ack timeout.
	AckByPlatform
)

// Compression is the encoding of events, telemetry and bulk message bodies.
type Compression int

const (
	// CompressNone sends the JSON body as it is.
	CompressNone Compression = iota
	// CompressGzip sends the JSON body gzip-compressed (RFC 1952). The
	// platform recognises it by its first two bytes, 0x1f 0x8b, which no
	// JSON text starts with.
	CompressGzip
)

// Delivery configures how records leave the upload queue: acknowledgement,
// backlog pacing, message size and compression. Its zero value
// acknowledges by PUBACK, sends the backlog without a rate limit,
// caps messages at DefaultMaxMessageBytes and does not compress.
type Delivery struct {
	Ack AckMode
	// PlatformAckTimeout is how long a record waits for the platform's
	// acknowledgement after its PUBACK before it is sent again; zero
	// takes DefaultPlatformAckTimeout.
	PlatformAckTimeout time.Duration
	// AckWindow caps the records sent and not yet acknowledged by the
	// platform; zero takes DefaultAckWindow.
	AckWindow int
	// BacklogRate caps the historical and resent records per second; 0
	// is unlimited.
	BacklogRate int
	// MaxMessageBytes caps one message's payload as published, after
	// compression; zero takes DefaultMaxMessageBytes.
	MaxMessageBytes int
	Compression     Compression
}

// Delivery defaults that apply where a field is zero.
const (
	DefaultPlatformAckTimeout = time.Duration(config.DefaultAckTimeout)
	DefaultAckWindow          = config.DefaultAckWindow
	DefaultMaxMessageBytes    = int(config.DefaultMaxMessageBytes)
)

// DeliveryFromConfig returns the delivery settings of the uplink section.
func DeliveryFromConfig(u config.Uplink) Delivery {
	d := Delivery{PlatformAckTimeout: u.AckTimeout.D(), AckWindow: u.AckWindow, MaxMessageBytes: int(u.MaxMessageBytes)}
	if u.Ack == config.AckPlatform {
		d.Ack = AckByPlatform
	}
	if u.BacklogRate != nil {
		d.BacklogRate = *u.BacklogRate
	}
	if u.Compress == config.CompressGzip {
		d.Compression = CompressGzip
	}
	return d
}

// withDefaults returns d with every zero field that has a default set.
func (d Delivery) withDefaults() Delivery {
	if d.PlatformAckTimeout <= 0 {
		d.PlatformAckTimeout = DefaultPlatformAckTimeout
	}
	if d.AckWindow <= 0 {
		d.AckWindow = DefaultAckWindow
	}
	if d.MaxMessageBytes <= 0 {
		d.MaxMessageBytes = DefaultMaxMessageBytes
	}
	return d
}
