package modbus

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"sync"
	"testing"
	"time"

	mb "github.com/simonvetter/modbus"

	"github.com/plantgw/plantgw/config"
)

// testSlave serves input registers 0..9 with 100+address and raises
// exception 02 beyond them; discrete input 0 is on. Coils and holding
// registers 0..9 keep what is written to them.
type testSlave struct {
	mu      sync.Mutex
	coils   [10]bool
	holding [10]uint16
}

func (s *testSlave) HandleCoils(r *mb.CoilsRequest) ([]bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if uint32(r.Addr)+uint32(r.Quantity) > 10 {
		return nil, mb.ErrIllegalDataAddress
	}
	if r.IsWrite {
		copy(s.coils[r.Addr:], r.Args)
		return nil, nil
	}
	return append([]bool(nil), s.coils[r.Addr:r.Addr+r.Quantity]...), nil
}

func (s *testSlave) HandleDiscreteInputs(r *mb.DiscreteInputsRequest) ([]bool, error) {
	out := make([]bool, r.Quantity)
	out[0] = r.Addr == 0
	return out, nil
}

func (s *testSlave) HandleHoldingRegisters(r *mb.HoldingRegistersRequest) ([]uint16, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if uint32(r.Addr)+uint32(r.Quantity) > 10 {
		return nil, mb.ErrIllegalDataAddress
	}
	if r.IsWrite {
		copy(s.holding[r.Addr:], r.Args)
		return nil, nil
	}
	return append([]uint16(nil), s.holding[r.Addr:r.Addr+r.Quantity]...), nil
}

func (s *testSlave) HandleInputRegisters(r *mb.InputRegistersRequest) ([]uint16, error) {
	// Unit 9 is a slow device: it takes 150 ms to reply.
	if r.UnitId == 9 {
		time.Sleep(150 * time.Millisecond)
	}
	if uint32(r.Addr)+uint32(r.Quantity) > 10 {
		return nil, mb.ErrIllegalDataAddress
	}
	out := make([]uint16, r.Quantity)
	for i := range out {
		out[i] = 100 + r.Addr + uint16(i)
	}
	return out, nil
}

func startTestSlave(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	srv, err := mb.NewServer(&mb.ServerConfiguration{URL: "tcp://" + addr, Timeout: 10 * time.Second, MaxClients: 4}, &testSlave{})
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Stop() })
	return addr
}

func TestTCPConnReadsAndExceptions(t *testing.T) {
	addr := startTestSlave(t)
	conn, err := Dial(config.Bus{Name: "tcp-test", TCP: &config.TCP{Address: addr}, Timeout: config.Duration(time.Second)}, nil, slog.Default())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	ctx := context.Background()

	regs, err := conn.ReadRegisters(ctx, 1, config.InputRegisters, 2, 3)
	if err != nil {
		t.Fatalf("read input 2+3: %v", err)
	}
	if fmt.Sprint(regs) != "[102 103 104]" {
		t.Errorf("registers = %v, want [102 103 104]", regs)
	}

	_, err = conn.ReadRegisters(ctx, 1, config.InputRegisters, 8, 5)
	var ce *CommError
	if !errors.As(err, &ce) || ce.Cause != CommException || ce.Code != 0x02 {
		t.Errorf("read past the end: %v, want exception 02", err)
	}

	bits, err := conn.ReadBits(ctx, 1, config.DiscreteInputs, 0, 2)
	if err != nil || len(bits) < 2 || !bits[0] || bits[1] {
		t.Errorf("discrete inputs = %v, %v; want [true false]", bits, err)
	}
}

func TestTCPConnRefusedIsIOError(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	conn, err := Dial(config.Bus{Name: "dead", TCP: &config.TCP{Address: addr}, Timeout: config.Duration(200 * time.Millisecond)}, nil, slog.Default())
	if err != nil {
		t.Fatal(err)
	}
	_, err = conn.ReadRegisters(context.Background(), 1, config.InputRegisters, 0, 1)
	var ce *CommError
	if !errors.As(err, &ce) || ce.Cause != CommIO {
		t.Errorf("read from closed port: %v, want an I/O CommError", err)
	}
}

// The bus timeout is too short for the slow unit 9; its own device
// timeout lets it reply, and the fast unit keeps the short one.
func TestDeviceTimeoutOverridesBusTimeout(t *testing.T) {
	addr := startTestSlave(t)
	bus := config.Bus{Name: "tcp-test", TCP: &config.TCP{Address: addr}, Timeout: config.Duration(50 * time.Millisecond)}
	devices := []config.Device{{Name: "slow", Bus: "tcp-test", Unit: 9, Timeout: config.Duration(time.Second)}}
	conn, err := Dial(bus, devices, slog.Default())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := conn.ReadRegisters(context.Background(), 9, config.InputRegisters, 0, 1); err != nil {
		t.Errorf("slow unit with its own 1 s timeout: %v", err)
	}
	bus.Timeout = config.Duration(50 * time.Millisecond)
	short, err := Dial(bus, nil, slog.Default())
	if err != nil {
		t.Fatal(err)
	}
	defer short.Close()
	_, err = short.ReadRegisters(context.Background(), 9, config.InputRegisters, 0, 1)
	var ce *CommError
	if !errors.As(err, &ce) || ce.Cause != CommTimeout {
		t.Errorf("slow unit with the 50 ms bus timeout: %v, want a timeout", err)
	}
}
