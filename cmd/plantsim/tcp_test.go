package main

import (
	"context"
	"errors"
	"io"
	"net"
	"slices"
	"testing"
	"time"

	"github.com/simonvetter/modbus"
)

// startTestTCPServer serves p on a free loopback port and returns its address.
func startTestTCPServer(t *testing.T, p *plant) string {
	t.Helper()
	server, addr, err := startTCPServer(t.Context(), p, nil, "127.0.0.1:0", discardLogger)
	if err != nil {
		t.Fatalf("startTCPServer: %v", err)
	}
	t.Cleanup(func() { server.Stop() })
	return addr
}

func newTestClient(t *testing.T, addr string, unit uint8) *modbus.ModbusClient {
	t.Helper()
	client, err := modbus.NewClient(&modbus.ClientConfiguration{URL: "tcp://" + addr, Timeout: time.Second})
	if err != nil {
		t.Fatalf("modbus.NewClient: %v", err)
	}
	if err := client.Open(); err != nil {
		t.Fatalf("connect to %s: %v", addr, err)
	}
	t.Cleanup(func() { client.Close() })
	client.SetUnitId(unit)
	return client
}

func TestTCPRegisters(t *testing.T) {
	addr := startTestTCPServer(t, newTestPlant(t, "normal"))
	client := newTestClient(t, addr, 1)

	regs, err := client.ReadRegisters(0, 2, modbus.HOLDING_REGISTER)
	if err != nil || !slices.Equal(regs, []uint16{0x4000, 0x459C}) {
		t.Errorf("LT-301 holding 0..1 = %04X, %v; want [4000 459C]", regs, err)
	}
	client.SetEncoding(modbus.BIG_ENDIAN, modbus.LOW_WORD_FIRST)
	if level, err := client.ReadFloat32(0, modbus.HOLDING_REGISTER); err != nil || level != 5000 {
		t.Errorf("LT-301 level as CDAB float = %v, %v; want 5000", level, err)
	}

	client.SetUnitId(2)
	if level, err := client.ReadFloat32(0, modbus.HOLDING_REGISTER); err != nil || level != 3000 {
		t.Errorf("LT-302 level as CDAB float = %v, %v; want 3000", level, err)
	}

	client.SetUnitId(3)
	if temp, err := client.ReadRegister(0, modbus.INPUT_REGISTER); err != nil || temp != 0xFFDD {
		t.Errorf("TT-301 input 0 = 0x%04X, %v; want 0xFFDD (-3.5 °C)", temp, err)
	}

	client.SetUnitId(4)
	channels, err := client.ReadRegisters(0, 8, modbus.INPUT_REGISTER)
	if want := []uint16{7500, 0, 0, 0, 0, 0, 0, 0}; err != nil || !slices.Equal(channels, want) {
		t.Errorf("AI-401 input 0..7 = %v, %v; want %v", channels, err, want)
	}

	for _, unit := range []uint8{5, 6} {
		client.SetUnitId(unit)
		if command, err := client.ReadCoil(0); err != nil || !command {
			t.Errorf("unit %d coil 0 = %v, %v; want true (open)", unit, command, err)
		}
		limits, err := client.ReadDiscreteInputs(0, 2)
		if err != nil || !slices.Equal(limits, []bool{true, false}) {
			t.Errorf("unit %d discrete inputs 0..1 = %v, %v; want [true false]", unit, limits, err)
		}
	}
}

func TestTCPExceptions(t *testing.T) {
	addr := startTestTCPServer(t, newTestPlant(t, "normal"))
	client := newTestClient(t, addr, 9)

	if _, err := client.ReadRegisters(0, 1, modbus.INPUT_REGISTER); !errors.Is(err, modbus.ErrGWTargetFailedToRespond) {
		t.Errorf("unknown unit 9: error %v, want %v", err, modbus.ErrGWTargetFailedToRespond)
	}

	tests := []struct {
		name string
		unit uint8
		call func(*modbus.ModbusClient) error
	}{
		{"TT-301 input 1", 3, func(c *modbus.ModbusClient) error {
			_, err := c.ReadRegisters(1, 1, modbus.INPUT_REGISTER)
			return err
		}},
		{"LT-301 input registers", 1, func(c *modbus.ModbusClient) error {
			_, err := c.ReadRegisters(0, 1, modbus.INPUT_REGISTER)
			return err
		}},
		{"LT-301 holding 0..2", 1, func(c *modbus.ModbusClient) error {
			_, err := c.ReadRegisters(0, 3, modbus.HOLDING_REGISTER)
			return err
		}},
		{"LT-301 write single register", 1, func(c *modbus.ModbusClient) error {
			return c.WriteRegister(0, 1)
		}},
		{"LT-301 write multiple registers", 1, func(c *modbus.ModbusClient) error {
			return c.WriteRegisters(0, []uint16{1, 2})
		}},
		{"XV-101 coil 1", 5, func(c *modbus.ModbusClient) error {
			return c.WriteCoil(1, true)
		}},
		{"XV-101 discrete input 2", 5, func(c *modbus.ModbusClient) error {
			_, err := c.ReadDiscreteInputs(0, 3)
			return err
		}},
	}
	for _, tt := range tests {
		client.SetUnitId(tt.unit)
		if err := tt.call(client); !errors.Is(err, modbus.ErrIllegalDataAddress) {
			t.Errorf("%s: error %v, want %v", tt.name, err, modbus.ErrIllegalDataAddress)
		}
	}
}

func TestTCPUnsupportedFunction(t *testing.T) {
	addr := startTestTCPServer(t, newTestPlant(t, "normal"))
	conn, err := net.DialTimeout("tcp", addr, time.Second)
	if err != nil {
		t.Fatalf("dial %s: %v", addr, err)
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(2 * time.Second))

	// MBAP header (transaction 1, protocol 0, length 6, unit 1), then
	// function 08 (diagnostics) with sub-function 0 and data 0x1234.
	if _, err := conn.Write(mustHex(t, "00 01 00 00 00 06 01 08 00 00 12 34")); err != nil {
		t.Fatalf("write request: %v", err)
	}
	reply := make([]byte, 9)
	if _, err := io.ReadFull(conn, reply); err != nil {
		t.Fatalf("read reply: %v", err)
	}
	if want := mustHex(t, "00 01 00 00 00 03 01 88 01"); !slices.Equal(reply, want) {
		t.Errorf("reply = % X, want % X", reply, want)
	}
}

func TestTCPValveStroke(t *testing.T) {
	p := newTestPlant(t, "normal")
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		p.run(ctx, 20) // stroke 6 s / 20 = 0.3 s
		close(done)
	}()
	t.Cleanup(func() {
		cancel()
		<-done
	})
	client := newTestClient(t, startTestTCPServer(t, p), 5)

	if err := client.WriteCoil(0, false); err != nil { // function 05
		t.Fatalf("close XV-101: %v", err)
	}
	if command, err := client.ReadCoil(0); err != nil || command {
		t.Errorf("XV-101 coil 0 after close = %v, %v; want false", command, err)
	}
	sawTravel := waitForLimits(t, client, []bool{false, true})
	if !sawTravel {
		t.Error("XV-101 closed without a reading with both limit switches off")
	}

	if err := client.WriteCoils(0, []bool{true}); err != nil { // function 15
		t.Fatalf("open XV-101: %v", err)
	}
	waitForLimits(t, client, []bool{true, false})

	client.SetUnitId(6)
	if limits, err := client.ReadDiscreteInputs(0, 2); err != nil || !slices.Equal(limits, []bool{true, false}) {
		t.Errorf("XV-102 limits = %v, %v; want [true false], unaffected by XV-101", limits, err)
	}
}

// waitForLimits polls discrete inputs 0..1 until they equal want and
// reports whether a reading in between had both limit switches off.
func waitForLimits(t *testing.T, client *modbus.ModbusClient, want []bool) bool {
	t.Helper()
	sawTravel := false
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		limits, err := client.ReadDiscreteInputs(0, 2)
		if err != nil {
			t.Fatalf("read limits: %v", err)
		}
		if slices.Equal(limits, want) {
			return sawTravel
		}
		sawTravel = sawTravel || slices.Equal(limits, []bool{false, false})
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("limits did not reach %v within 5 s", want)
	return false
}

func TestTCPMalformedRequests(t *testing.T) {
	addr := startTestTCPServer(t, newTestPlant(t, "normal"))
	conn := dialRaw(t, addr)

	tests := []struct {
		name, request, want string
	}{
		{"read of 0 registers", "00 01 00 00 00 06 01 03 00 00 00 00", "00 01 00 00 00 03 01 83 03"},
		{"read of 126 registers", "00 02 00 00 00 06 01 03 00 00 00 7E", "00 02 00 00 00 03 01 83 03"},
		{"read without quantity", "00 03 00 00 00 04 01 03 00 00", "00 03 00 00 00 03 01 83 03"},
		{"coil value 1234", "00 04 00 00 00 06 05 05 00 00 12 34", "00 04 00 00 00 03 05 85 03"},
		{"function code only", "00 05 00 00 00 02 01 03", "00 05 00 00 00 03 01 83 03"},
	}
	for _, tt := range tests {
		want := mustHex(t, tt.want)
		if reply := rawExchange(t, conn, mustHex(t, tt.request), len(want), time.Second); !slices.Equal(reply, want) {
			t.Errorf("%s: reply = % X, want % X", tt.name, reply, want)
		}
	}

	// A frame of another protocol is dropped without a reply, and the next
	// Modbus frame on the connection gets its reply.
	other := mustHex(t, "00 06 00 01 00 06 01 03 00 00 00 02")
	request := mustHex(t, "00 07 00 00 00 06 01 03 00 00 00 02")
	want := mustHex(t, "00 07 00 00 00 07 01 03 04 40 00 45 9C")
	if reply := rawExchange(t, conn, slices.Concat(other, request), len(want), time.Second); !slices.Equal(reply, want) {
		t.Errorf("reply after a protocol id 1 frame = % X, want % X", reply, want)
	}

	// The stream cannot be resynchronised after an MBAP length below 2, so
	// the server closes the connection.
	if reply := rawExchange(t, conn, mustHex(t, "00 08 00 00 00 01 01"), 1, time.Second); len(reply) != 0 {
		t.Errorf("MBAP length 1: reply % X, want the connection closed", reply)
	}
	if _, err := conn.Read(make([]byte, 1)); !errors.Is(err, io.EOF) {
		t.Errorf("read after MBAP length 1: error %v, want %v", err, io.EOF)
	}
}

func TestTCPConnectionLimit(t *testing.T) {
	addr := startTestTCPServer(t, newTestPlant(t, "normal"))
	request := mustHex(t, "00 01 00 00 00 06 03 04 00 00 00 01")
	want := mustHex(t, "00 01 00 00 00 05 03 04 02 FF DD")

	var conns []net.Conn
	for i := range tcpMaxClients {
		conn := dialRaw(t, addr)
		if reply := rawExchange(t, conn, request, len(want), time.Second); !slices.Equal(reply, want) {
			t.Fatalf("connection %d: reply = % X, want % X", i+1, reply, want)
		}
		conns = append(conns, conn)
	}

	extra := dialRaw(t, addr)
	if reply := rawExchange(t, extra, request, len(want), time.Second); len(reply) != 0 {
		t.Errorf("connection %d: reply % X, want the connection closed", tcpMaxClients+1, reply)
	}

	// Closing one connection frees a place.
	conns[0].Close()
	var reply []byte
	for deadline := time.Now().Add(2 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if reply = rawExchange(t, dialRaw(t, addr), request, len(want), time.Second); slices.Equal(reply, want) {
			break
		}
	}
	if !slices.Equal(reply, want) {
		t.Errorf("after closing a connection: reply = % X, want % X", reply, want)
	}
}
