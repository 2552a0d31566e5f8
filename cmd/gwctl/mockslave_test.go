package main

import (
	"encoding/binary"
	"io"
	"net"
	"sync"
	"testing"
)

// mockSlave is a Modbus TCP server with writable holding registers, for
// the writes that plantsim rejects: plantsim has no writable register.
// It serves functions 03 and 06 on any unit id. A register listed in
// ignored acknowledges writes but keeps its value, as a device that
// drops a command does.
type mockSlave struct {
	addr string
	ln   net.Listener
	wg   sync.WaitGroup

	mu        sync.Mutex
	registers map[uint16]uint16
	ignored   map[uint16]bool
}

// startMockSlave starts the server on a free loopback port; the test's
// cleanup stops it and waits for its goroutines.
func startMockSlave(t *testing.T, ignored ...uint16) *mockSlave {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	m := &mockSlave{addr: ln.Addr().String(), ln: ln, registers: map[uint16]uint16{}, ignored: map[uint16]bool{}}
	for _, r := range ignored {
		m.ignored[r] = true
	}
	m.wg.Add(1)
	go m.accept()
	t.Cleanup(func() { ln.Close(); m.wg.Wait() })
	return m
}

func (m *mockSlave) accept() {
	defer m.wg.Done()
	var conns sync.WaitGroup
	defer conns.Wait()
	for {
		conn, err := m.ln.Accept()
		if err != nil {
			return
		}
		conns.Add(1)
		go func() { defer conns.Done(); m.serve(conn) }()
	}
}

// serve replies to the requests of one connection until the client closes
// it. gwctl closes its connection before it exits.
func (m *mockSlave) serve(conn net.Conn) {
	defer conn.Close()
	header := make([]byte, 7)
	for {
		if _, err := io.ReadFull(conn, header); err != nil {
			return
		}
		pdu := make([]byte, int(binary.BigEndian.Uint16(header[4:]))-1)
		if _, err := io.ReadFull(conn, pdu); err != nil {
			return
		}
		reply := m.handle(pdu)
		out := append(header[:4:4], 0, 0, header[6])
		binary.BigEndian.PutUint16(out[4:], uint16(len(reply)+1))
		if _, err := conn.Write(append(out, reply...)); err != nil {
			return
		}
	}
}

// handle returns the reply PDU to a request PDU.
func (m *mockSlave) handle(pdu []byte) []byte {
	if len(pdu) != 5 {
		return []byte{pdu[0] | 0x80, 0x03}
	}
	addr, arg := binary.BigEndian.Uint16(pdu[1:]), binary.BigEndian.Uint16(pdu[3:])
	m.mu.Lock()
	defer m.mu.Unlock()
	switch pdu[0] {
	case 0x03:
		reply := []byte{0x03, byte(2 * arg)}
		for i := range arg {
			reply = binary.BigEndian.AppendUint16(reply, m.registers[addr+i])
		}
		return reply
	case 0x06:
		if !m.ignored[addr] {
			m.registers[addr] = arg
		}
		return pdu
	}
	return []byte{pdu[0] | 0x80, 0x01}
}

func (m *mockSlave) register(addr uint16) uint16 {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.registers[addr]
}
