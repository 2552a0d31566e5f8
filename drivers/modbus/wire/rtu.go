package wire

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"time"
)

// Port is the serial port under an RTU transport; *serial.Port is one.
type Port interface {
	io.ReadWriter
	SetReadDeadline(time.Time) error
	// DiscardInput drops the bytes received and not yet read and returns
	// how many there were.
	DiscardInput() (int, error)
	// Drain waits until every byte written has been sent.
	Drain() error
	Close() error
}

// RTUOptions times an RTU line.
type RTUOptions struct {
	// Open opens the port; the transport calls it again after an I/O
	// error.
	Open func() (Port, error)
	// FrameGap is the silence the line must have before a request: at
	// least 3.5 characters, as the Modbus serial line spec requires.
	FrameGap time.Duration
	// Turnaround is extra quiet time after a reply or a timeout before the
	// next request, for devices and converters slow to switch direction.
	Turnaround time.Duration
}

// RTU is a Modbus RTU master on one serial line. One goroutine owns it.
type RTU struct {
	opts  RTUOptions
	port  Port
	stats Stats
	// quietFrom is when the line last carried a byte that the master saw
	// or sent; the next request waits for the frame gap after it.
	quietFrom time.Time
	buf       []byte
	tx        []byte
}

// NewRTU returns an RTU master. The port opens on the first request.
func NewRTU(opts RTUOptions) *RTU {
	return &RTU{opts: opts, buf: make([]byte, 0, 2*maxADU), tx: make([]byte, 0, 16)}
}

// Stats returns the line's counters.
func (t *RTU) Stats() *Stats { return &t.stats }

// Do sends req and waits up to timeout for its reply. After a timeout it
// keeps listening for one more timeout, so that a late reply is dropped
// here instead of being taken as the reply to the next request.
func (t *RTU) Do(ctx context.Context, req Request, timeout time.Duration) (Reply, error) {
	if err := req.Validate(); err != nil {
		return Reply{}, err
	}
	if err := t.ensureOpen(); err != nil {
		return Reply{}, err
	}
	if err := t.waitQuiet(ctx); err != nil {
		return Reply{}, t.ioFailed(err)
	}
	t.tx = appendCRC(req.AppendPDU(append(t.tx[:0], req.Unit)))
	if _, err := t.port.Write(t.tx); err != nil {
		return Reply{}, t.ioFailed(fmt.Errorf("send: %w", err))
	}
	if err := t.port.Drain(); err != nil {
		return Reply{}, t.ioFailed(err)
	}
	t.stats.units[req.Unit].requests.Add(1)
	reply, err := t.receive(ctx, req, time.Now().Add(timeout))
	if errors.Is(err, ErrTimeout) || errors.Is(err, ErrDamaged) {
		t.stats.units[req.Unit].timeouts.Add(1)
		t.listenForLate(ctx, req, timeout)
	}
	t.quietFrom = time.Now()
	t.stats.countResult(req.Unit, err)
	return reply, err
}

// receive reads until the reply to req has arrived or the deadline has
// passed. Bytes before the reply, and after it in the same read, are
// counted as stray.
func (t *RTU) receive(ctx context.Context, req Request, deadline time.Time) (Reply, error) {
	t.buf = t.buf[:0]
	for {
		m := findReply(req, t.buf)
		if m.end > 0 {
			t.countSkipped(req.Unit, m, m.start+len(t.buf)-m.end)
			return ParseReply(req, t.buf[m.start+1:m.end-2])
		}
		if err := t.read(ctx, deadline); err != nil {
			t.countSkipped(req.Unit, m, len(t.buf))
			if !errors.Is(err, ErrTimeout) {
				return Reply{}, t.ioFailed(err)
			}
			if m.damaged > 0 {
				return Reply{}, ErrDamaged
			}
			return Reply{}, ErrTimeout
		}
	}
}

// countSkipped counts the damaged frames of m, which carry unit's id, and,
// as stray, the skipped bytes that were not part of one.
func (t *RTU) countSkipped(unit byte, m match, skipped int) {
	t.stats.units[unit].damaged.Add(uint64(m.damaged))
	t.stats.stray.Add(uint64(max(skipped-m.damagedBytes, 0)))
}

// listenForLate waits up to one more timeout for the reply to req, which
// the device may still send. A reply that comes is counted as late and
// dropped; the caller already reported the timeout.
func (t *RTU) listenForLate(ctx context.Context, req Request, timeout time.Duration) {
	_, err := t.receive(ctx, req, time.Now().Add(timeout))
	if err == nil || errors.As(err, new(*Exception)) || errors.Is(err, ErrShortReply) {
		t.stats.units[req.Unit].late.Add(1)
	}
}

// read appends what arrives before deadline to t.buf. It returns
// ErrTimeout when nothing came, and stops early when ctx ends.
func (t *RTU) read(ctx context.Context, deadline time.Time) error {
	if ctx.Err() != nil {
		return ErrTimeout
	}
	if d, ok := ctx.Deadline(); ok && d.Before(deadline) {
		deadline = d
	}
	if len(t.buf) >= cap(t.buf) {
		// Only noise fills a buffer of two frames; keep the newer half.
		n := copy(t.buf, t.buf[len(t.buf)-maxADU:])
		t.stats.stray.Add(uint64(len(t.buf) - n))
		t.buf = t.buf[:n]
	}
	if err := t.port.SetReadDeadline(deadline); err != nil {
		return fmt.Errorf("set read deadline: %w", err)
	}
	n, err := t.port.Read(t.buf[len(t.buf):cap(t.buf)])
	t.buf = t.buf[:len(t.buf)+n]
	if n > 0 {
		return nil
	}
	if errors.Is(err, os.ErrDeadlineExceeded) {
		return ErrTimeout
	}
	if err == nil {
		err = io.ErrNoProgress
	}
	return fmt.Errorf("receive: %w", err)
}

// waitQuiet waits until the line has been silent for the frame gap and the
// turnaround time, and discards whatever arrived since the last reply:
// noise, or a reply later than two timeouts.
func (t *RTU) waitQuiet(ctx context.Context) error {
	gap := t.opts.FrameGap + t.opts.Turnaround
	for ctx.Err() == nil {
		if wait := time.Until(t.quietFrom.Add(gap)); wait > 0 {
			sleep(ctx, wait)
		}
		n, err := t.port.DiscardInput()
		if err != nil {
			return err
		}
		if n == 0 {
			return nil
		}
		t.stats.stray.Add(uint64(n))
		t.quietFrom = time.Now()
	}
	return nil
}

func (t *RTU) ensureOpen() error {
	if t.port != nil {
		return nil
	}
	p, err := t.opts.Open()
	if err != nil {
		t.stats.openFailures.Add(1)
		return fmt.Errorf("open port: %w", err)
	}
	t.port = p
	t.quietFrom = time.Now()
	return nil
}

// ioFailed closes the port after an I/O error; the next request reopens it.
func (t *RTU) ioFailed(err error) error {
	if t.port != nil {
		t.port.Close()
		t.port = nil
		t.stats.reconnects.Add(1)
	}
	return err
}

// Close closes the port.
func (t *RTU) Close() error {
	if t.port == nil {
		return nil
	}
	p := t.port
	t.port = nil
	return p.Close()
}

// sleep waits for d or until ctx ends.
func sleep(ctx context.Context, d time.Duration) {
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-timer.C:
	case <-ctx.Done():
	}
}
