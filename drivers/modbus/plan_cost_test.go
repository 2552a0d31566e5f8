package modbus

import (
	"testing"
	"time"

	"github.com/plantgw/plantgw/config"
)

func TestRTUReadFrameBytes(t *testing.T) {
	cases := []struct {
		name        string
		block       Block
		request     int
		reply       int
		replyByHand string
	}{
		// Request 01 03 0000 000A CRC. Reply 01 03 14, 20 data bytes, CRC.
		{"10 holding registers", Block{Table: config.HoldingRegisters, Count: 10}, 8, 25, "1+1+1+20+2"},
		{"1 input register", Block{Table: config.InputRegisters, Count: 1}, 8, 7, "1+1+1+2+2"},
		{"125 input registers", Block{Table: config.InputRegisters, Count: 125}, 8, 255, "1+1+1+250+2"},
		{"2 discrete inputs", Block{Table: config.DiscreteInputs, Count: 2}, 8, 6, "1+1+1+1+2"},
		{"9 coils", Block{Table: config.Coils, Count: 9}, 8, 7, "1+1+1+2+2"},
	}
	for _, c := range cases {
		request, reply := RTUReadFrameBytes(c.block)
		if request != c.request {
			t.Errorf("%s: request = %d bytes, want %d", c.name, request, c.request)
		}
		if reply != c.reply {
			t.Errorf("%s: reply = %d bytes, want %d (%s)", c.name, reply, c.reply, c.replyByHand)
		}
	}
}

func TestRTULineCharBits(t *testing.T) {
	cases := []struct {
		rtu  config.RTU
		want int
	}{
		{config.RTU{Parity: "none", DataBits: 8, StopBits: 1}, 10},
		{config.RTU{Parity: "even", DataBits: 8, StopBits: 1}, 11},
		{config.RTU{Parity: "odd", DataBits: 8, StopBits: 1}, 11},
		{config.RTU{Parity: "none", DataBits: 8, StopBits: 2}, 11},
	}
	for _, c := range cases {
		line := NewRTULine(c.rtu, 9600, 0)
		if line.CharBits != c.want {
			t.Errorf("%+v: CharBits = %d, want %d", c.rtu, line.CharBits, c.want)
		}
	}
}

func TestRTULineInterFrameGap(t *testing.T) {
	cases := []struct {
		baud     int
		charBits int
		want     time.Duration
	}{
		// 3.5 × 10 bits / 9600 baud = 3.645833 ms.
		{9600, 10, 3645833 * time.Nanosecond},
		// 3.5 × 11 bits / 9600 baud = 4.010416 ms.
		{9600, 11, 4010416 * time.Nanosecond},
		// 3.5 × 11 bits / 19200 baud = 2.005208 ms: still scaled.
		{19200, 11, 2005208 * time.Nanosecond},
		{38400, 11, 1750 * time.Microsecond},
		{115200, 10, 1750 * time.Microsecond},
	}
	for _, c := range cases {
		line := RTULine{Baud: c.baud, CharBits: c.charBits}
		if got := line.InterFrameGap(); got != c.want {
			t.Errorf("%d baud, %d-bit characters: gap = %v, want %v", c.baud, c.charBits, got, c.want)
		}
	}
}

func TestRTULineReadTime(t *testing.T) {
	line := RTULine{Baud: 9600, CharBits: 10, Turnaround: 5 * time.Millisecond}
	read := Block{Table: config.HoldingRegisters, Count: 10}

	// (8 + 25) bytes × 10 bits / 9600 baud = 34.375 ms on the wire, plus two
	// gaps of 3.645833 ms and 5 ms of turnaround.
	want := 34375*time.Microsecond + 2*3645833*time.Nanosecond + 5*time.Millisecond
	if got := line.ReadTime(read); got != want {
		t.Errorf("ReadTime = %v, want %v", got, want)
	}
	if got := line.CycleTime([]Block{read, read}); got != 2*want {
		t.Errorf("CycleTime of two reads = %v, want %v", got, 2*want)
	}
	if got := line.CycleTime(nil); got != 0 {
		t.Errorf("CycleTime of no reads = %v, want 0", got)
	}
}
