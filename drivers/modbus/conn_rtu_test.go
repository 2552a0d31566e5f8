package modbus

import (
	"testing"
	"time"

	"github.com/plantgw/plantgw/config"
)

func TestFrameGap(t *testing.T) {
	cases := []struct {
		rtu  config.RTU
		want time.Duration
	}{
		// 3.5 characters of 10 bits at 9600 baud.
		{config.RTU{Baud: 9600, DataBits: 8, Parity: "none", StopBits: 1}, 3645833 * time.Nanosecond},
		// 11-bit characters with parity.
		{config.RTU{Baud: 9600, DataBits: 8, Parity: "even", StopBits: 1}, 4010416 * time.Nanosecond},
		// The spec's fixed gap above 19200 baud.
		{config.RTU{Baud: 115200, DataBits: 8, Parity: "none", StopBits: 1}, 1750 * time.Microsecond},
		{config.RTU{Baud: 9600, DataBits: 8, Parity: "none", StopBits: 1, FrameGap: config.Duration(20 * time.Millisecond)}, 20 * time.Millisecond},
	}
	for _, c := range cases {
		if got := frameGap(c.rtu); got != c.want {
			t.Errorf("%+v: gap %v, want %v", c.rtu, got, c.want)
		}
	}
}
