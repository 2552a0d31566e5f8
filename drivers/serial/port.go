package serial

import (
	"errors"
	"fmt"
	"os"
	"time"

	"golang.org/x/sys/unix"
)

// Mode is a line's character format and speed.
type Mode struct {
	Baud     int
	DataBits int    // 7 or 8
	Parity   string // none, even or odd
	StopBits int    // 1 or 2
}

// Port is an open serial port. Read and Write may run in different
// goroutines; everything else belongs to the port's owner.
type Port struct {
	f    *os.File
	path string
	mode Mode
	// RS485Err is why RS-485 mode could not be switched on, or nil.
	RS485Err error
}

// Open opens the tty at path in raw mode with mode m. When rs485 is set it
// also sets the driver to switch the transmitter by RTS (TIOCSRS485). A
// driver without that mode leaves the port usable and the reason in
// RS485Err: many USB adapters switch direction in hardware.
func Open(path string, m Mode, rs485 *RS485) (*Port, error) {
	// O_NONBLOCK keeps open from waiting for carrier detect and lets the
	// runtime poller own the descriptor, so that deadlines work.
	f, err := os.OpenFile(path, os.O_RDWR|unix.O_NOCTTY|unix.O_NONBLOCK, 0)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	p := &Port{f: f, path: path, mode: m}
	if err := p.control(func(fd int) error { return setMode(fd, m) }); err != nil {
		f.Close()
		return nil, fmt.Errorf("set mode of %s: %w", path, err)
	}
	if rs485 != nil {
		p.RS485Err = p.control(func(fd int) error { return setRS485(fd, *rs485) })
	}
	if err := p.Flush(); err != nil {
		f.Close()
		return nil, err
	}
	return p, nil
}

// Path returns the device path the port was opened from.
func (p *Port) Path() string { return p.path }

// Mode returns the port's character format and speed.
func (p *Port) Mode() Mode { return p.mode }

// Read reads what has arrived, waiting until the read deadline at most.
// After the deadline it returns an error for which IsTimeout is true.
func (p *Port) Read(b []byte) (int, error) { return p.f.Read(b) }

// Write queues b for sending.
func (p *Port) Write(b []byte) (int, error) { return p.f.Write(b) }

// SetReadDeadline bounds the next reads; the zero time waits forever.
func (p *Port) SetReadDeadline(t time.Time) error { return p.f.SetReadDeadline(t) }

// Flush discards every byte received and not yet read.
func (p *Port) Flush() error {
	err := p.control(func(fd int) error { return unix.IoctlSetInt(fd, unix.TCFLSH, unix.TCIFLUSH) })
	if err != nil {
		return fmt.Errorf("flush input of %s: %w", p.path, err)
	}
	return nil
}

// DiscardInput reads and drops the bytes received and not yet read, and
// returns how many there were. It reads rather than flushes, so that a
// byte arriving meanwhile is either counted here or left for the next
// Read, never lost uncounted.
func (p *Port) DiscardInput() (int, error) {
	var pending int
	err := p.control(func(fd int) error {
		var err error
		pending, err = unix.IoctlGetInt(fd, unix.TIOCINQ)
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("count input of %s: %w", p.path, err)
	}
	scratch := make([]byte, 256)
	total := 0
	for total < pending {
		if err := p.f.SetReadDeadline(time.Now().Add(discardWait)); err != nil {
			return total, fmt.Errorf("discard input of %s: %w", p.path, err)
		}
		n, err := p.f.Read(scratch[:min(len(scratch), pending-total)])
		total += n
		if err != nil {
			if IsTimeout(err) {
				break
			}
			return total, fmt.Errorf("discard input of %s: %w", p.path, err)
		}
	}
	return total, nil
}

// discardWait bounds each read of DiscardInput; the bytes it reads have
// already arrived.
const discardWait = 10 * time.Millisecond

// Drain waits until every byte written has left the transmitter, as
// tcdrain(3) does.
func (p *Port) Drain() error {
	err := p.control(func(fd int) error { return unix.IoctlSetInt(fd, unix.TCSBRK, 1) })
	if err != nil {
		return fmt.Errorf("drain output of %s: %w", p.path, err)
	}
	return nil
}

// Close closes the port and ends a Read in progress.
func (p *Port) Close() error {
	if err := p.f.Close(); err != nil {
		return fmt.Errorf("close %s: %w", p.path, err)
	}
	return nil
}

// IsTimeout reports whether err is a read that reached its deadline.
func IsTimeout(err error) bool { return errors.Is(err, os.ErrDeadlineExceeded) }

// control runs fn on the raw descriptor. It avoids File.Fd, which would put
// the descriptor back into blocking mode and disable deadlines.
func (p *Port) control(fn func(fd int) error) error {
	conn, err := p.f.SyscallConn()
	if err != nil {
		return fmt.Errorf("get raw descriptor: %w", err)
	}
	var fnErr error
	if err := conn.Control(func(fd uintptr) { fnErr = fn(int(fd)) }); err != nil {
		return fmt.Errorf("access descriptor: %w", err)
	}
	return fnErr
}
