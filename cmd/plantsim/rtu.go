package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"sync"
	"sync/atomic"
	"time"
)

// rtuIdleGap is how long the line must stay quiet before a partial frame is
// discarded. Modbus RTU specifies 3.5 character times (4 ms at 9600 baud),
// but a pty between two processes has scheduling delays longer than that.
const rtuIdleGap = 50 * time.Millisecond

// rtuWriteTimeout bounds a reply write when no client reads the other end.
const rtuWriteTimeout = time.Second

// rtuStats counts what the RTU slave saw on the line.
type rtuStats struct {
	requests   atomic.Uint64 // frames with a valid CRC, for any unit id
	replies    atomic.Uint64
	crcErrors  atomic.Uint64
	strayBytes atomic.Uint64 // bytes dropped while looking for a frame
}

// rtuUnits is the set of units on one RTU line.
type rtuUnits interface {
	device(bus busID, unit byte) (device, bool)
	silent(bus busID, unit byte) bool
}

// rtuSlave turns the byte stream of one RTU line into replies.
type rtuSlave struct {
	units  rtuUnits
	stats  *rtuStats
	quirks *quirkSet // nil without --quirk
	buf    []byte
	// synced is true at a frame boundary: after a valid frame or an idle
	// gap. Only a bad CRC seen in sync counts as a CRC error, because while
	// resynchronising every offset of the rest of a broken frame fails too.
	synced bool
}

func newRTUSlave(units rtuUnits, stats *rtuStats) *rtuSlave {
	return &rtuSlave{units: units, stats: stats, synced: true}
}

// feed appends bytes received from the line and returns the replies to
// every complete request they finish.
func (s *rtuSlave) feed(data []byte) [][]byte {
	s.buf = append(s.buf, data...)
	return s.process(false)
}

// idle discards a partial frame after the line went quiet, salvaging any
// complete request found after a dropped byte, and returns the replies.
func (s *rtuSlave) idle() [][]byte {
	replies := s.process(true)
	s.synced = true
	return replies
}

func (s *rtuSlave) process(flush bool) [][]byte {
	var replies [][]byte
	for len(s.buf) > 0 {
		req, size, result := parseRTURequest(s.buf)
		switch result {
		case parseNeedMore:
			if !flush {
				return replies
			}
			s.synced = false
			s.dropByte()
		case parseBadCRC:
			if s.synced {
				s.stats.crcErrors.Add(1)
			}
			s.synced = false
			s.dropByte()
		case parseGarbage:
			s.synced = false
			s.dropByte()
		case parseFrame:
			s.buf = s.buf[size:]
			s.synced = true
			if reply := s.respond(req); reply != nil {
				replies = append(replies, reply)
			}
		}
	}
	s.buf = s.buf[:0]
	return replies
}

func (s *rtuSlave) dropByte() {
	s.buf = s.buf[1:]
	s.stats.strayBytes.Add(1)
}

// respond executes one request and returns the reply frame, or nil when the
// request gets no reply: a broadcast, a unit that is not on the line, or a
// unit that is silent or dead.
func (s *rtuSlave) respond(req rtuRequest) []byte {
	s.stats.requests.Add(1)

	if req.unit == 0 {
		if isWriteFunction(req.function) {
			for unit := byte(1); unit <= 247; unit++ {
				if dev, ok := s.units.device(rtuBus, unit); ok {
					handlePDU(dev, req.function, req.data)
				}
			}
		}
		return nil
	}

	dev, ok := s.units.device(rtuBus, req.unit)
	if !ok || s.units.silent(rtuBus, req.unit) {
		return nil
	}
	quirks := s.quirks.forUnit(rtuBus, req.unit)
	if s.quirks.ignore(quirks) {
		return nil
	}
	var pdu []byte
	if s.quirks.busy(quirks) {
		pdu = exceptionPDU(req.function, exServerDeviceBusy)
	} else {
		pdu = handlePDU(s.quirks.wrap(dev, quirks), req.function, req.data)
	}
	s.stats.replies.Add(1)
	return appendCRC(append([]byte{req.unit}, pdu...))
}

// rtuPort is the master side of a pty or an open serial device.
type rtuPort interface {
	io.ReadWriter
	SetReadDeadline(t time.Time) error
	SetWriteDeadline(t time.Time) error
}

// serve reads requests from port and writes the replies until ctx is done
// or reading fails. Late replies still pending when it returns are dropped.
func (s *rtuSlave) serve(ctx context.Context, port rtuPort, name string, logger *slog.Logger) error {
	w := &rtuWriter{port: port, name: name, logger: logger}
	defer w.pending.Wait()
	buf := make([]byte, 512)
	for ctx.Err() == nil {
		if err := port.SetReadDeadline(time.Now().Add(rtuIdleGap)); err != nil {
			return fmt.Errorf("set read deadline on %s: %w", name, err)
		}
		n, err := port.Read(buf)

		var replies [][]byte
		switch {
		case n > 0:
			replies = s.feed(buf[:n])
		case errors.Is(err, os.ErrDeadlineExceeded):
			replies = s.idle()
		}
		for _, reply := range replies {
			s.send(ctx, w, reply)
		}

		if err != nil && !errors.Is(err, os.ErrDeadlineExceeded) {
			if ctx.Err() != nil {
				return nil
			}
			return fmt.Errorf("read from %s: %w", name, err)
		}
	}
	return nil
}

// send writes one reply with the quirks of its unit. A slow reply blocks
// the line, but a late reply is written by its own goroutine, so that it
// reaches the line after the delay even when further requests arrived.
func (s *rtuSlave) send(ctx context.Context, w *rtuWriter, reply []byte) {
	unit := reply[0]
	quirks := s.quirks.forUnit(rtuBus, unit)
	if quirks == nil {
		w.write(unit, reply)
		return
	}

	frame := s.quirks.corruptRTUFrame(quirks, reply)
	if quirks.slow > 0 {
		s.quirks.counters.slowReplies.Add(1)
		if !sleepContext(ctx, quirks.slow) {
			return
		}
	}
	if quirks.late == 0 {
		w.write(unit, frame)
		return
	}
	s.quirks.counters.lateReplies.Add(1)
	w.pending.Go(func() {
		if sleepContext(ctx, quirks.late) {
			w.write(unit, frame)
		}
	})
}

// rtuWriter serialises the reply writes of the serve loop and of late replies.
type rtuWriter struct {
	mu      sync.Mutex
	port    rtuPort
	name    string
	logger  *slog.Logger
	pending sync.WaitGroup // late replies not yet written
}

func (w *rtuWriter) write(unit byte, frame []byte) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if err := writeReply(w.port, frame); err != nil {
		w.logger.Warn("RTU reply not sent", "port", w.name, "unit", unit, "error", err)
	}
}

func writeReply(port rtuPort, reply []byte) error {
	if err := port.SetWriteDeadline(time.Now().Add(rtuWriteTimeout)); err != nil {
		return fmt.Errorf("set write deadline: %w", err)
	}
	if _, err := port.Write(reply); err != nil {
		return fmt.Errorf("write reply: %w", err)
	}
	return nil
}
