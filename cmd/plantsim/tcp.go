package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"sync"
	"time"
)

// tcpMaxClients is the number of Modbus TCP connections served at once.
const tcpMaxClients = 16

// tcpIdleTimeout is how long a connection may stay without a request
// before plantsim closes it.
const tcpIdleTimeout = 120 * time.Second

// tcpWriteTimeout bounds a reply write when the client does not read.
const tcpWriteTimeout = 5 * time.Second

// tcpUnits is the set of units behind the Modbus TCP listener.
type tcpUnits interface {
	device(bus busID, unit byte) (device, bool)
}

// tcpServer serves the units behind one Modbus TCP listener, like a
// TCP-to-RTU gateway with several devices behind it. Each connection is
// served by its own goroutine, one request after another.
type tcpServer struct {
	listener net.Listener
	units    tcpUnits
	quirks   *quirkSet // nil without --quirk
	logger   *slog.Logger
	// ctx ends the wait of slow and late replies when the server stops.
	ctx    context.Context
	cancel context.CancelFunc

	mu    sync.Mutex
	conns map[net.Conn]struct{}
	wg    sync.WaitGroup
}

// startTCPServer starts a Modbus TCP server for units on addr and returns
// it with the address it listens on. Port 0 picks a free port. Delayed
// replies stop waiting when stop ends or Stop is called.
func startTCPServer(stop context.Context, units tcpUnits, quirks *quirkSet, addr string, logger *slog.Logger) (*tcpServer, string, error) {
	listener, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, "", fmt.Errorf("listen on %s: %w", addr, err)
	}
	ctx, cancel := context.WithCancel(stop)
	s := &tcpServer{
		listener: listener,
		units:    units,
		quirks:   quirks,
		logger:   logger.With("component", "modbus-tcp"),
		ctx:      ctx,
		cancel:   cancel,
		conns:    map[net.Conn]struct{}{},
	}
	s.wg.Go(s.accept)
	return s, listener.Addr().String(), nil
}

// Stop closes the listener and every connection, and returns once every
// connection goroutine has ended. Pending replies are not sent.
func (s *tcpServer) Stop() {
	s.cancel()
	if err := s.listener.Close(); err != nil && !errors.Is(err, net.ErrClosed) {
		s.logger.Warn("Modbus TCP listener not closed", "address", s.listener.Addr(), "error", err)
	}
	s.mu.Lock()
	for conn := range s.conns {
		conn.Close()
	}
	s.mu.Unlock()
	s.wg.Wait()
}

func (s *tcpServer) accept() {
	for {
		conn, err := s.listener.Accept()
		if errors.Is(err, net.ErrClosed) {
			return
		}
		if err != nil {
			// Wait a little after a temporary failure, such as too many
			// open files, instead of spinning.
			s.logger.Warn("Modbus TCP accept failed", "error", err)
			if !sleepContext(s.ctx, 100*time.Millisecond) {
				return
			}
			continue
		}
		if !s.track(conn) {
			s.logger.Warn("Modbus TCP connection rejected: connection limit reached",
				"remote", conn.RemoteAddr(), "limit", tcpMaxClients)
			conn.Close()
			continue
		}
		s.wg.Go(func() {
			defer s.untrack(conn)
			s.serveConn(conn)
		})
	}
}

// track adds conn to the open connections, unless tcpMaxClients are open
// or the server is stopping.
func (s *tcpServer) track(conn net.Conn) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.conns) >= tcpMaxClients || s.ctx.Err() != nil {
		return false
	}
	s.conns[conn] = struct{}{}
	return true
}

func (s *tcpServer) untrack(conn net.Conn) {
	s.mu.Lock()
	delete(s.conns, conn)
	s.mu.Unlock()
	conn.Close()
}

// tcpSession is the state of one connection.
type tcpSession struct {
	conn   net.Conn
	reader *bufio.Reader
	// previousReply is the last reply frame sent on this connection, which
	// the stale-reply quirk sends again.
	previousReply []byte
}

// serveConn reads requests and writes replies until the client closes the
// connection, it stays idle for tcpIdleTimeout, a frame cannot be parsed
// or the server stops.
func (s *tcpServer) serveConn(conn net.Conn) {
	remote := conn.RemoteAddr().String()
	s.logger.Debug("Modbus TCP connection opened", "remote", remote)
	session := &tcpSession{conn: conn, reader: bufio.NewReader(conn)}
	for {
		if err := conn.SetReadDeadline(time.Now().Add(tcpIdleTimeout)); err != nil {
			s.logConnEnd(remote, err)
			return
		}
		req, err := readMBAPRequest(session.reader)
		if err != nil {
			s.logConnEnd(remote, err)
			return
		}
		if req.protocol != 0 {
			// Not Modbus: the frame is dropped, but its length was valid,
			// so the next frame starts right after it.
			s.logger.Warn("Modbus TCP frame with unknown protocol id dropped",
				"remote", remote, "protocol_id", req.protocol, "transaction", req.transaction)
			continue
		}
		if !s.serveRequest(session, req) {
			return
		}
	}
}

// serveRequest replies to one request and reports whether the connection
// stays open.
func (s *tcpServer) serveRequest(session *tcpSession, req tcpRequest) bool {
	remote := session.conn.RemoteAddr().String()
	pdu, quirks, action := s.respond(req)
	switch action {
	case tcpNoReply:
		return true
	case tcpClose:
		return false
	}

	reply := appendMBAPFrame(nil, req.transaction, req.unit, pdu)
	if s.quirks.staleCopy(quirks, session.previousReply) {
		if err := s.write(session.conn, session.previousReply); err != nil {
			s.logger.Warn("Modbus TCP stale reply not sent", "remote", remote, "unit", req.unit, "error", err)
			return false
		}
	}
	if err := s.write(session.conn, reply); err != nil {
		s.logger.Warn("Modbus TCP reply not sent", "remote", remote, "unit", req.unit,
			"transaction", req.transaction, "error", err)
		return false
	}
	session.previousReply = reply
	return true
}

// tcpAction is the server's next step after a request.
type tcpAction int

const (
	tcpReply   tcpAction = iota // send the reply
	tcpNoReply                  // dead unit: go on with the next request
	tcpClose                    // the server stopped during a delay
)

// respond returns the reply PDU to one request with the quirks of its
// unit. The quirks apply in this order: dead, slow and late, gateway-path,
// busy, then max-registers and short-reply.
func (s *tcpServer) respond(req tcpRequest) ([]byte, *unitQuirks, tcpAction) {
	dev, ok := s.units.device(tcpBus, req.unit)
	if !ok {
		// A missing reply would look like a dead gateway, so an unknown
		// unit gets exception 0B as from a gateway without that target.
		return exceptionPDU(req.function, exGatewayTargetNoAnswer), nil, tcpReply
	}
	quirks := s.quirks.forUnit(tcpBus, req.unit)
	if s.quirks.ignore(quirks) {
		// Like a TCP-to-RTU gateway whose device stays silent: no reply,
		// and the connection still serves the other units.
		return nil, quirks, tcpNoReply
	}
	if !s.quirks.wait(s.ctx, quirks) {
		return nil, quirks, tcpClose
	}
	if s.quirks.pathUnavailable(quirks) {
		return exceptionPDU(req.function, exGatewayPathUnavailable), quirks, tcpReply
	}
	if s.quirks.busy(quirks) {
		return exceptionPDU(req.function, exServerDeviceBusy), quirks, tcpReply
	}
	return handlePDU(s.quirks.wrap(dev, quirks), req.function, req.data), quirks, tcpReply
}

func (s *tcpServer) write(conn net.Conn, frame []byte) error {
	if err := conn.SetWriteDeadline(time.Now().Add(tcpWriteTimeout)); err != nil {
		return fmt.Errorf("set write deadline: %w", err)
	}
	if _, err := conn.Write(frame); err != nil {
		return fmt.Errorf("write reply: %w", err)
	}
	return nil
}

// logConnEnd logs why a connection ended: at debug level when the client
// closed it, it stayed idle or the server stopped, as a warning otherwise.
func (s *tcpServer) logConnEnd(remote string, err error) {
	switch {
	case errors.Is(err, io.EOF), errors.Is(err, net.ErrClosed), s.ctx.Err() != nil:
		s.logger.Debug("Modbus TCP connection closed", "remote", remote)
	case errors.Is(err, os.ErrDeadlineExceeded):
		s.logger.Debug("Modbus TCP connection closed after idle timeout", "remote", remote, "idle", tcpIdleTimeout)
	default:
		s.logger.Warn("Modbus TCP connection closed after a bad frame or read error", "remote", remote, "error", err)
	}
}
