package main

import (
	"context"
	"errors"
	"os"
	"slices"
	"testing"
	"time"

	"github.com/simonvetter/modbus"
	"golang.org/x/sys/unix"
)

// startPTYSlave serves plant p on a new pty and returns the slave path.
func startPTYSlave(t *testing.T, p *plant) (string, *rtuStats) {
	t.Helper()
	line, err := openPTYLine()
	if err != nil {
		t.Fatalf("openPTYLine: %v", err)
	}
	stats := &rtuStats{}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- newRTUSlave(p, stats).serve(ctx, line.port, line.path, discardLogger) }()
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("serve: %v", err)
			}
		case <-time.After(2 * time.Second):
			t.Error("serve did not stop within 2 s of cancel")
		}
		line.close()
	})
	return line.path, stats
}

// openClientTTY opens the pty slave as a Modbus master would: raw mode,
// non-blocking so that read deadlines work.
func openClientTTY(t *testing.T, path string) *os.File {
	t.Helper()
	f, err := os.OpenFile(path, os.O_RDWR|unix.O_NOCTTY|unix.O_NONBLOCK, 0)
	if err != nil {
		t.Fatalf("open %s: %v", path, err)
	}
	t.Cleanup(func() { f.Close() })
	if err := setRawMode(f); err != nil {
		t.Fatalf("set raw mode on %s: %v", path, err)
	}
	return f
}

// exchange writes request and reads until want bytes arrived or timeout.
func exchange(t *testing.T, f *os.File, request []byte, want int, timeout time.Duration) []byte {
	t.Helper()
	if _, err := f.Write(request); err != nil {
		t.Fatalf("write request: %v", err)
	}
	deadline := time.Now().Add(timeout)
	var reply []byte
	buf := make([]byte, 256)
	for len(reply) < want {
		if err := f.SetReadDeadline(deadline); err != nil {
			t.Fatalf("set read deadline: %v", err)
		}
		n, err := f.Read(buf)
		reply = append(reply, buf[:n]...)
		if errors.Is(err, os.ErrDeadlineExceeded) {
			break
		}
		if err != nil {
			t.Fatalf("read reply: %v", err)
		}
	}
	return reply
}

func TestRTUOverPTY(t *testing.T) {
	// The plant clock does not advance from the start of silent, so GT-103 stays silent.
	path, stats := startPTYSlave(t, newTestPlant(t, "silent"))
	tty := openClientTTY(t, path)

	reply := exchange(t, tty, mustHex(t, "01 04 00 00 00 02 71 CB"), 9, time.Second)
	if want := mustHex(t, "01 04 04 00 05 00 00 EB 85"); !slices.Equal(reply, want) {
		t.Fatalf("GT-101 reply = % X, want % X", reply, want)
	}

	// 0x0A and 0x0D in the request must pass the line discipline unchanged.
	reply = exchange(t, tty, appendCRC(mustHex(t, "05 04 00 0A 00 0D")), 5, time.Second)
	if want := appendCRC(mustHex(t, "05 84 02")); !slices.Equal(reply, want) {
		t.Fatalf("AT-201 reply to unknown address = % X, want % X", reply, want)
	}

	if reply := exchange(t, tty, mustHex(t, "03 04 00 00 00 02 70 29"), 1, 200*time.Millisecond); len(reply) != 0 {
		t.Errorf("silent GT-103 replied % X, want nothing within 200 ms", reply)
	}
	if reply := exchange(t, tty, mustHex(t, "09 04 00 00 00 02 70 83"), 1, 200*time.Millisecond); len(reply) != 0 {
		t.Errorf("unit 9, which is not on the bus, replied % X, want nothing within 200 ms", reply)
	}

	reply = exchange(t, tty, mustHex(t, "FF 00 02 04 00 00 00 02 71 F8"), 9, time.Second)
	if want := appendCRC(mustHex(t, "02 04 04 00 05 00 00")); !slices.Equal(reply, want) {
		t.Errorf("GT-102 reply after stray bytes = % X, want % X", reply, want)
	}
	if got := stats.strayBytes.Load(); got != 2 {
		t.Errorf("stray bytes = %d, want 2", got)
	}
}

func TestRTUOverPTYReplyOnlyAfterFullRequest(t *testing.T) {
	path, _ := startPTYSlave(t, newTestPlant(t, "normal"))
	tty := openClientTTY(t, path)

	request := mustHex(t, "01 04 00 00 00 02 71 CB")
	if reply := exchange(t, tty, request[:5], 1, 100*time.Millisecond); len(reply) != 0 {
		t.Fatalf("reply % X to a partial request, want none", reply)
	}
	// The rest arrives after the 50 ms idle gap, so the partial frame was
	// discarded and the remaining 3 bytes are stray: no reply either.
	if reply := exchange(t, tty, request[5:], 1, 100*time.Millisecond); len(reply) != 0 {
		t.Fatalf("reply % X to the tail of a discarded request, want none", reply)
	}
	reply := exchange(t, tty, request, 9, time.Second)
	if want := mustHex(t, "01 04 04 00 05 00 00 EB 85"); !slices.Equal(reply, want) {
		t.Errorf("reply after resynchronisation = % X, want % X", reply, want)
	}
}

func TestPTYRawWithoutClientSetup(t *testing.T) {
	path, _ := startPTYSlave(t, newTestPlant(t, "normal"))
	// A client that leaves the termios alone gets plantsim's raw mode: no
	// echo, no CR/LF translation, no line buffering.
	tty, err := os.OpenFile(path, os.O_RDWR|unix.O_NOCTTY|unix.O_NONBLOCK, 0)
	if err != nil {
		t.Fatalf("open %s: %v", path, err)
	}
	defer tty.Close()

	request := appendCRC(mustHex(t, "05 04 00 0D 00 0A"))
	reply := exchange(t, tty, request, 5, time.Second)
	if want := appendCRC(mustHex(t, "05 84 02")); !slices.Equal(reply, want) {
		t.Errorf("reply = % X, want % X", reply, want)
	}
	if extra := exchange(t, tty, nil, 1, 100*time.Millisecond); len(extra) != 0 {
		t.Errorf("extra bytes % X after the reply, want none", extra)
	}
}

func TestRTUOverPTYWithModbusClient(t *testing.T) {
	path, _ := startPTYSlave(t, newTestPlant(t, "normal"))
	// The same client library as the TCP test, in RTU mode over the pty slave.
	client, err := modbus.NewClient(&modbus.ClientConfiguration{
		URL: "rtu://" + path, Speed: 9600, DataBits: 8, Parity: modbus.PARITY_NONE, StopBits: 1,
		Timeout: time.Second,
	})
	if err != nil {
		t.Fatalf("modbus.NewClient: %v", err)
	}
	if err := client.Open(); err != nil {
		t.Fatalf("open %s: %v", path, err)
	}
	defer client.Close()

	for unit, want := range map[uint8][]uint16{1: {5, 0}, 4: {5, 0}, 5: {2, 0}} {
		client.SetUnitId(unit)
		regs, err := client.ReadRegisters(0, 2, modbus.INPUT_REGISTER)
		if err != nil || !slices.Equal(regs, want) {
			t.Errorf("unit %d input 0..1 = %v, %v; want %v", unit, regs, err, want)
		}
	}
	client.SetUnitId(1)
	if _, err := client.ReadRegisters(2, 1, modbus.INPUT_REGISTER); !errors.Is(err, modbus.ErrIllegalDataAddress) {
		t.Errorf("GT-101 input 2: error %v, want %v", err, modbus.ErrIllegalDataAddress)
	}
}
