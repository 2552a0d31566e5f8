package wire

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"net"
	"os"
	"time"
)

// TCP backs off between failed connection attempts from tcpRetryMin,
// doubling up to tcpRetryMax.
const (
	tcpRetryMin = 200 * time.Millisecond
	tcpRetryMax = 10 * time.Second
	// tcpSilentLimit is how many requests in a row may time out before
	// the connection is presumed dead and reopened.
	tcpSilentLimit = 3
	mbapLen        = 7
)

// ErrNotConnected is returned while the transport waits to retry a failed
// connection.
var ErrNotConnected = errors.New("not connected")

// TCP is a Modbus TCP master on one connection, which may reach many unit
// ids through a TCP-to-RTU gateway. One goroutine owns it.
type TCP struct {
	addr  string
	dial  func(ctx context.Context, addr string) (net.Conn, error)
	conn  net.Conn
	stats Stats
	txn   uint16
	// rx holds received bytes not yet parsed; a reply that arrives after
	// its request timed out is parsed later and dropped as stale.
	rx      []byte
	silent  int
	retryAt time.Time
	backoff time.Duration
	tx      []byte
}

// NewTCP returns a master for the server at addr (host:port). It connects
// on the first request.
func NewTCP(addr string) *TCP {
	d := &net.Dialer{}
	return &TCP{addr: addr, dial: func(ctx context.Context, a string) (net.Conn, error) {
		return d.DialContext(ctx, "tcp", a)
	}, rx: make([]byte, 0, 2*(mbapLen+253))}
}

// Stats returns the connection's counters.
func (t *TCP) Stats() *Stats { return &t.stats }

// Do sends req and waits up to timeout for the reply with its transaction
// id. Replies to earlier requests are dropped as stale.
func (t *TCP) Do(ctx context.Context, req Request, timeout time.Duration) (Reply, error) {
	if err := req.Validate(); err != nil {
		return Reply{}, err
	}
	if err := t.connect(ctx, timeout); err != nil {
		return Reply{}, err
	}
	t.txn++
	deadline := time.Now().Add(timeout)
	t.tx = t.tx[:0]
	t.tx = binary.BigEndian.AppendUint16(t.tx, t.txn)
	t.tx = append(t.tx, 0, 0, 0, 0, req.Unit)
	t.tx = req.AppendPDU(t.tx)
	binary.BigEndian.PutUint16(t.tx[4:], uint16(len(t.tx)-6))
	t.conn.SetWriteDeadline(deadline)
	if _, err := t.conn.Write(t.tx); err != nil {
		return Reply{}, t.drop(fmt.Errorf("send: %w", err))
	}
	t.stats.units[req.Unit].requests.Add(1)
	reply, err := t.receive(ctx, req, deadline)
	switch {
	case errors.Is(err, ErrTimeout):
		t.stats.units[req.Unit].timeouts.Add(1)
		if t.silent++; t.silent >= tcpSilentLimit {
			t.drop(err)
		}
	case err == nil || errors.As(err, new(*Exception)) || errors.Is(err, ErrShortReply):
		t.silent = 0
	}
	t.stats.countResult(req.Unit, err)
	return reply, err
}

// receive parses frames from the connection until the one with the
// current transaction id arrives.
func (t *TCP) receive(ctx context.Context, req Request, deadline time.Time) (Reply, error) {
	for {
		frame, err := t.nextFrame()
		if err != nil {
			return Reply{}, t.drop(err)
		}
		if frame == nil {
			if err := t.read(ctx, deadline); err != nil {
				return Reply{}, err
			}
			continue
		}
		txn, unit, pdu := binary.BigEndian.Uint16(frame), frame[6], frame[mbapLen:]
		if txn != t.txn {
			t.stats.units[unit].stale.Add(1)
			continue
		}
		if unit != req.Unit {
			return Reply{}, fmt.Errorf("%w: reply from unit %d to a request to unit %d", ErrMalformed, unit, req.Unit)
		}
		return ParseReply(req, pdu)
	}
}

// nextFrame removes one complete frame from t.rx and returns it, or nil
// when none is complete. A header that is not Modbus means the stream is
// out of step, which only a new connection mends.
func (t *TCP) nextFrame() ([]byte, error) {
	if len(t.rx) < mbapLen {
		return nil, nil
	}
	proto, length := binary.BigEndian.Uint16(t.rx[2:]), int(binary.BigEndian.Uint16(t.rx[4:]))
	if proto != 0 || length < 2 || length > 254 {
		return nil, fmt.Errorf("%w: MBAP header protocol %d length %d", ErrMalformed, proto, length)
	}
	n := 6 + length
	if len(t.rx) < n {
		return nil, nil
	}
	frame := append([]byte(nil), t.rx[:n]...)
	t.rx = append(t.rx[:0], t.rx[n:]...)
	return frame, nil
}

func (t *TCP) read(ctx context.Context, deadline time.Time) error {
	if ctx.Err() != nil {
		return ErrTimeout
	}
	if d, ok := ctx.Deadline(); ok && d.Before(deadline) {
		deadline = d
	}
	t.conn.SetReadDeadline(deadline)
	n, err := t.conn.Read(t.rx[len(t.rx):cap(t.rx)])
	t.rx = t.rx[:len(t.rx)+n]
	switch {
	case n > 0:
		return nil
	case errors.Is(err, os.ErrDeadlineExceeded):
		return ErrTimeout
	case err == nil:
		return nil
	}
	return t.drop(fmt.Errorf("receive: %w", err))
}

// connect opens the connection unless it is open or the back-off after a
// failed attempt has not passed.
func (t *TCP) connect(ctx context.Context, timeout time.Duration) error {
	if t.conn != nil {
		return nil
	}
	if wait := time.Until(t.retryAt); wait > 0 {
		return fmt.Errorf("%w to %s: next attempt in %v", ErrNotConnected, t.addr, wait.Round(time.Millisecond))
	}
	dctx, cancel := context.WithTimeout(ctx, max(timeout, time.Second))
	defer cancel()
	conn, err := t.dial(dctx, t.addr)
	if err != nil {
		t.stats.openFailures.Add(1)
		t.backoff = min(max(2*t.backoff, tcpRetryMin), tcpRetryMax)
		t.retryAt = time.Now().Add(t.backoff)
		return fmt.Errorf("connect to %s: %w", t.addr, err)
	}
	t.conn, t.backoff, t.silent, t.rx = conn, 0, 0, t.rx[:0]
	return nil
}

// drop closes the connection after a failure and returns err.
func (t *TCP) drop(err error) error {
	if t.conn != nil {
		t.conn.Close()
		t.conn = nil
		t.stats.reconnects.Add(1)
	}
	return err
}

// Close closes the connection.
func (t *TCP) Close() error {
	if t.conn == nil {
		return nil
	}
	c := t.conn
	t.conn = nil
	return c.Close()
}
