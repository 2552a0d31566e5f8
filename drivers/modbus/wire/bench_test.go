package wire

import (
	"context"
	"encoding/binary"
	"io"
	"log"
	"net"
	"testing"
	"time"

	"github.com/creack/pty"
	mb "github.com/simonvetter/modbus"

	"github.com/plantgw/plantgw/drivers/serial"
)

// echoRegisters replies to every MBAP read of count registers on c with
// count registers holding their addresses, until c closes.
func echoRegisters(c net.Conn) {
	header := make([]byte, 7)
	pdu := make([]byte, 256)
	out := make([]byte, 0, 300)
	for {
		if _, err := io.ReadFull(c, header); err != nil {
			return
		}
		n := int(binary.BigEndian.Uint16(header[4:])) - 1
		if _, err := io.ReadFull(c, pdu[:n]); err != nil {
			return
		}
		addr, count := binary.BigEndian.Uint16(pdu[1:]), binary.BigEndian.Uint16(pdu[3:])
		out = append(out[:0], header[:4]...)
		out = binary.BigEndian.AppendUint16(out, 3+2*count)
		out = append(out, header[6], pdu[0], byte(2*count))
		for i := range count {
			out = binary.BigEndian.AppendUint16(out, addr+i)
		}
		c.Write(out)
	}
}

func benchServer(b *testing.B) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go echoRegisters(c)
		}
	}()
	return ln.Addr().String()
}

var benchRead = Request{Unit: 1, Function: FuncReadHolding, Addr: 0, Count: 10}

// BenchmarkTCPRead reads 10 registers per request through the gateway's
// TCP master against a local server.
func BenchmarkTCPRead(b *testing.B) {
	t := NewTCP(benchServer(b))
	defer t.Close()
	ctx := context.Background()
	for b.Loop() {
		if _, err := t.Do(ctx, benchRead, time.Second); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkTCPReadBare is the baseline: the same request written and its
// reply read on a bare socket, with no checks at all.
func BenchmarkTCPReadBare(b *testing.B) {
	c, err := net.Dial("tcp", benchServer(b))
	if err != nil {
		b.Fatal(err)
	}
	defer c.Close()
	req := append([]byte{0, 1, 0, 0, 0, 6, 1}, benchRead.AppendPDU(nil)...)
	reply := make([]byte, 7+2+20)
	for b.Loop() {
		c.Write(req)
		if _, err := io.ReadFull(c, reply); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkTCPReadSimonvetter reads through github.com/simonvetter/modbus
// v1.6.4's client, which gatewayd used before, for comparison.
func BenchmarkTCPReadSimonvetter(b *testing.B) {
	c, err := mb.NewClient(&mb.ClientConfiguration{URL: "tcp://" + benchServer(b), Timeout: time.Second,
		Logger: log.New(io.Discard, "", 0)})
	if err != nil {
		b.Fatal(err)
	}
	if err := c.Open(); err != nil {
		b.Fatal(err)
	}
	defer c.Close()
	for b.Loop() {
		if _, err := c.ReadRegisters(0, 10, mb.HOLDING_REGISTER); err != nil {
			b.Fatal(err)
		}
	}
}

// rtuResponder replies to 8-byte RTU reads of registers on the pty master
// until it closes.
func rtuResponder(master io.ReadWriter) {
	req := make([]byte, 8)
	out := make([]byte, 0, 300)
	for {
		if _, err := io.ReadFull(master, req); err != nil {
			return
		}
		count := binary.BigEndian.Uint16(req[4:])
		out = append(out[:0], req[0], req[1], byte(2*count))
		for i := range count {
			out = binary.BigEndian.AppendUint16(out, i)
		}
		master.Write(appendCRC(out))
	}
}

func benchPTY(b *testing.B) (*serial.Port, func()) {
	master, slave, err := pty.Open()
	if err != nil {
		b.Fatal(err)
	}
	p, err := serial.Open(slave.Name(), serial.Mode{Baud: 115200, DataBits: 8, Parity: "none", StopBits: 1}, nil)
	slave.Close()
	if err != nil {
		b.Fatal(err)
	}
	go rtuResponder(master)
	return p, func() { p.Close(); master.Close() }
}

// BenchmarkRTURead reads 10 registers per request through the gateway's
// RTU master over a pty, with a 1 µs frame gap so that the master's own
// work is measured, not the line's timing.
func BenchmarkRTURead(b *testing.B) {
	p, done := benchPTY(b)
	defer done()
	rtu := NewRTU(RTUOptions{FrameGap: time.Microsecond, Open: func() (Port, error) { return p, nil }})
	ctx := context.Background()
	for b.Loop() {
		if _, err := rtu.Do(ctx, benchRead, time.Second); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkRTUReadBare is the baseline: write the frame, read the reply's
// 25 bytes, no checks.
func BenchmarkRTUReadBare(b *testing.B) {
	p, done := benchPTY(b)
	defer done()
	req := appendCRC(benchRead.AppendPDU([]byte{1}))
	reply := make([]byte, 25)
	p.SetReadDeadline(time.Time{})
	for b.Loop() {
		p.Write(req)
		if _, err := io.ReadFull(p, reply); err != nil {
			b.Fatal(err)
		}
	}
}
