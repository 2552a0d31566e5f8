package wire

import (
	"context"
	"encoding/binary"
	"errors"
	"io"
	"net"
	"sync"
	"testing"
	"time"
)

// tcpServer is a scripted Modbus TCP server on loopback. handle returns
// the frames to send for each request (with their delays); k counts
// requests from 1 across connections.
type tcpServer struct {
	ln      net.Listener
	mu      sync.Mutex
	k       int
	accepts int
	wg      sync.WaitGroup
}

func startTCPServer(t *testing.T, handle func(k int, txn uint16, unit byte, pdu []byte) []step) *tcpServer {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &tcpServer{ln: ln}
	var conns []net.Conn
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			s.mu.Lock()
			s.accepts++
			conns = append(conns, c)
			s.mu.Unlock()
			s.wg.Add(1)
			go func() {
				defer s.wg.Done()
				s.serve(c, handle)
			}()
		}
	}()
	t.Cleanup(func() {
		ln.Close()
		s.mu.Lock()
		for _, c := range conns {
			c.Close()
		}
		s.mu.Unlock()
		s.wg.Wait()
	})
	return s
}

func (s *tcpServer) serve(c net.Conn, handle func(int, uint16, byte, []byte) []step) {
	header := make([]byte, 7)
	for {
		if _, err := io.ReadFull(c, header); err != nil {
			return
		}
		pdu := make([]byte, binary.BigEndian.Uint16(header[4:])-1)
		if _, err := io.ReadFull(c, pdu); err != nil {
			return
		}
		s.mu.Lock()
		s.k++
		k := s.k
		s.mu.Unlock()
		for _, st := range handle(k, binary.BigEndian.Uint16(header), header[6], pdu) {
			time.Sleep(st.delay)
			c.Write(st.bytes)
		}
	}
}

func (s *tcpServer) accepted() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.accepts
}

// mbap frames pdu for unit with transaction id txn.
func mbap(txn uint16, unit byte, pdu ...byte) []byte {
	b := binary.BigEndian.AppendUint16(nil, txn)
	b = append(b, 0, 0)
	b = binary.BigEndian.AppendUint16(b, uint16(len(pdu)+1))
	return append(append(b, unit), pdu...)
}

func value(v uint16) []byte { return []byte{0x03, 2, byte(v >> 8), byte(v)} }

func TestTCPDropsStaleReplies(t *testing.T) {
	srv := startTCPServer(t, func(k int, txn uint16, unit byte, pdu []byte) []step {
		// A gateway that also replies to the previous transaction again.
		return []step{{bytes: mbap(txn-1, unit, value(999)...)}, {bytes: mbap(txn, unit, value(uint16(k))...)}}
	})
	tcp := NewTCP(srv.ln.Addr().String())
	defer tcp.Close()
	for k := 1; k <= 5; k++ {
		r, err := tcp.Do(context.Background(), readOne, time.Second)
		if err != nil || r.Registers[0] != uint16(k) {
			t.Fatalf("request %d: %v, %v", k, r, err)
		}
	}
	if c := tcp.Stats().Snapshot(); c.Stale != 5 || c.Reconnects != 0 {
		t.Errorf("stale %d (want 5), reconnects %d (want 0)", c.Stale, c.Reconnects)
	}
}

// A late reply arrives on the same connection during the next request;
// its transaction id gives it away.
func TestTCPLateReplyIsStaleNotAnAnswer(t *testing.T) {
	const timeout = 60 * time.Millisecond
	srv := startTCPServer(t, func(k int, txn uint16, unit byte, pdu []byte) []step {
		if k == 1 {
			return []step{{delay: timeout * 3 / 2, bytes: mbap(txn, unit, value(uint16(k))...)}}
		}
		return []step{{bytes: mbap(txn, unit, value(uint16(k))...)}}
	})
	tcp := NewTCP(srv.ln.Addr().String())
	defer tcp.Close()
	if _, err := tcp.Do(context.Background(), readOne, timeout); !errors.Is(err, ErrTimeout) {
		t.Fatalf("first request: %v, want a timeout", err)
	}
	r, err := tcp.Do(context.Background(), readOne, time.Second)
	if err != nil || r.Registers[0] != 2 {
		t.Fatalf("second request: %v, %v; want its own value 2", r, err)
	}
	if c := tcp.Stats().Snapshot(); c.Stale != 1 || c.Reconnects != 0 {
		t.Errorf("counts %+v", c)
	}
}

// Several units behind one TCP-to-RTU gateway, one of them silent: the
// others reply on the same connection, which stays open.
func TestTCPManyUnitsOneSilent(t *testing.T) {
	srv := startTCPServer(t, func(k int, txn uint16, unit byte, pdu []byte) []step {
		if unit == 3 {
			return nil
		}
		return []step{{bytes: mbap(txn, unit, value(uint16(unit)*100)...)}}
	})
	tcp := NewTCP(srv.ln.Addr().String())
	defer tcp.Close()
	for round := 0; round < 4; round++ {
		for unit := byte(1); unit <= 5; unit++ {
			req := Request{Unit: unit, Function: FuncReadHolding, Count: 1}
			r, err := tcp.Do(context.Background(), req, 40*time.Millisecond)
			if unit == 3 {
				if !errors.Is(err, ErrTimeout) {
					t.Fatalf("silent unit: %v", err)
				}
				continue
			}
			if err != nil || r.Registers[0] != uint16(unit)*100 {
				t.Fatalf("unit %d: %v, %v", unit, r, err)
			}
		}
	}
	stats := tcp.Stats()
	if silent, other := stats.Unit(3), stats.Unit(1); silent.Timeouts != 4 || other.Timeouts != 0 || other.Requests != 4 {
		t.Errorf("unit 3 counts %+v (want 4 timeouts), unit 1 counts %+v (want 4 requests, no timeout)", silent, other)
	}
	if n := srv.accepted(); n != 1 {
		t.Errorf("%d connections, want 1", n)
	}
}

func TestTCPReconnectsAfterSilenceAndGarbage(t *testing.T) {
	srv := startTCPServer(t, func(k int, txn uint16, unit byte, pdu []byte) []step {
		switch {
		case k <= tcpSilentLimit:
			return nil
		case k == tcpSilentLimit+1:
			return []step{{bytes: []byte("HTTP/1.1 400 Bad Request\r\n\r\n")}}
		}
		return []step{{bytes: mbap(txn, unit, value(7)...)}}
	})
	tcp := NewTCP(srv.ln.Addr().String())
	defer tcp.Close()
	for range tcpSilentLimit {
		tcp.Do(context.Background(), readOne, 20*time.Millisecond)
	}
	if _, err := tcp.Do(context.Background(), readOne, time.Second); !errors.Is(err, ErrMalformed) {
		t.Fatalf("garbage reply: %v, want ErrMalformed", err)
	}
	r, err := tcp.Do(context.Background(), readOne, time.Second)
	if err != nil || r.Registers[0] != 7 {
		t.Fatalf("after reconnect: %v, %v", r, err)
	}
	if c := tcp.Stats().Snapshot(); c.Reconnects != 2 || srv.accepted() != 3 {
		t.Errorf("reconnects %d, accepts %d; want 2 and 3", c.Reconnects, srv.accepted())
	}
}

func TestTCPBacksOffWhileServerIsDown(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	tcp := NewTCP(addr)
	defer tcp.Close()
	if _, err := tcp.Do(context.Background(), readOne, 50*time.Millisecond); err == nil || errors.Is(err, ErrNotConnected) {
		t.Fatalf("first attempt: %v, want a connection error", err)
	}
	if _, err := tcp.Do(context.Background(), readOne, 50*time.Millisecond); !errors.Is(err, ErrNotConnected) {
		t.Fatalf("immediate retry: %v, want ErrNotConnected during back-off", err)
	}
	if c := tcp.Stats().Snapshot(); c.OpenFailures != 1 {
		t.Errorf("open failures %d after one refused connection, want 1", c.OpenFailures)
	}
	time.Sleep(tcpRetryMin + 50*time.Millisecond)
	if _, err := tcp.Do(context.Background(), readOne, 50*time.Millisecond); err == nil || errors.Is(err, ErrNotConnected) {
		t.Fatalf("after back-off: %v, want a new attempt", err)
	}
}

// FuzzNextFrame feeds arbitrary bytes from a connection: nextFrame must not
// panic, and every frame it returns must be a whole MBAP frame that the
// bytes contained.
func FuzzNextFrame(f *testing.F) {
	f.Add(mbap(1, 1, value(7)...))
	f.Add(append(mbap(1, 1, value(7)...), mbap(2, 1, 0x83, 2)...))
	f.Add([]byte("HTTP/1.1 400 Bad Request\r\n\r\n"))
	f.Fuzz(func(t *testing.T, in []byte) {
		tcp := &TCP{rx: append(make([]byte, 0, len(in)), in...)}
		consumed := 0
		for {
			frame, err := tcp.nextFrame()
			if err != nil || frame == nil {
				return
			}
			if len(frame) < mbapLen+1 || int(binary.BigEndian.Uint16(frame[4:]))+6 != len(frame) {
				t.Fatalf("frame % x has a wrong length field", frame)
			}
			if string(frame) != string(in[consumed:consumed+len(frame)]) {
				t.Fatalf("frame % x is not the next bytes of the input", frame)
			}
			consumed += len(frame)
		}
	})
}
