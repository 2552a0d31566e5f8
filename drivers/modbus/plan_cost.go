package modbus

import (
	"time"

	"github.com/plantgw/plantgw/config"
)

// rtuReadRequestBytes is the size of an RTU read request (functions 01 to
// 04): unit address, function code, start address, quantity and CRC.
const rtuReadRequestBytes = 1 + 1 + 2 + 2 + 2

// rtuFixedGap is t3.5 above 19200 baud, where Modbus RTU stops scaling the
// inter-frame gap with the baud rate.
const rtuFixedGap = 1750 * time.Microsecond

// RTUReadFrameBytes returns the sizes in bytes of the RTU request and of the
// normal reply for one read of b. The reply is unit address, function code,
// byte count, data and CRC. Registers take 2 bytes each, and coils and
// discrete inputs are packed 8 to a byte.
func RTUReadFrameBytes(b Block) (request, reply int) {
	data := 2 * int(b.Count)
	if b.Table == config.Coils || b.Table == config.DiscreteInputs {
		data = (int(b.Count) + 7) / 8
	}
	return rtuReadRequestBytes, 1 + 1 + 1 + data + 2
}

// RTULine is the timing model of one RS-485 line, used to estimate how long
// a read plan keeps the line busy. The model counts characters, silent
// intervals and an assumed device turnaround. It leaves out timeouts,
// retries and the master's own scheduling delays, so it is an estimate, not
// a measurement.
type RTULine struct {
	Baud int
	// CharBits is the number of bits sent per byte: a start bit, the data
	// bits, a parity bit if the line uses parity, and the stop bits.
	CharBits int
	// Turnaround is the time a device takes to start its reply after the
	// silent interval that ends the request. It differs between devices, so
	// callers pass an assumed or a measured value.
	Turnaround time.Duration
}

// NewRTULine returns the timing model of a line with the settings of rtu,
// which must have its defaults applied, at the given baud rate.
func NewRTULine(rtu config.RTU, baud int, turnaround time.Duration) RTULine {
	bits := 1 + rtu.DataBits + rtu.StopBits
	if rtu.Parity != "none" {
		bits++
	}
	return RTULine{Baud: baud, CharBits: bits, Turnaround: turnaround}
}

// InterFrameGap returns t3.5, the silent interval that must follow every
// RTU frame: 3.5 character times up to 19200 baud, 1.75 ms above. The
// gateway's RTU master waits this gap unless the bus sets frame_gap.
func (l RTULine) InterFrameGap() time.Duration {
	if l.Baud > 19200 {
		return rtuFixedGap
	}
	return l.bitsTime(35*l.CharBits) / 10
}

// ReadTime returns the time one read of b keeps the line busy: the request,
// a gap, the device's turnaround, the reply and a gap.
func (l RTULine) ReadTime(b Block) time.Duration {
	request, reply := RTUReadFrameBytes(b)
	return l.bitsTime((request+reply)*l.CharBits) + 2*l.InterFrameGap() + l.Turnaround
}

// CycleTime returns the time that reading every block once keeps the line
// busy.
func (l RTULine) CycleTime(blocks []Block) time.Duration {
	var total time.Duration
	for _, b := range blocks {
		total += l.ReadTime(b)
	}
	return total
}

// bitsTime returns the time to send n bits at the line's baud rate.
func (l RTULine) bitsTime(n int) time.Duration {
	return time.Duration(int64(n) * int64(time.Second) / int64(l.Baud))
}
