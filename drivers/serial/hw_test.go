//go:build hwtest

// These tests need the real 8250 UART driver and run inside the QEMU guest
// that scripts/hwtest/run.sh boots: the guest's emulated 16550 is
// HWTEST_SERIAL, and on the host uartpeer replies to every byte b with b^0xFF.

package serial

import (
	"bytes"
	"errors"
	"os"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// openUART opens the guest's test UART with mode m and RS-485 mode
// requested, and waits until uartpeer replies.
func openUART(t *testing.T, m Mode) *Port {
	t.Helper()
	path := os.Getenv("HWTEST_SERIAL")
	if path == "" {
		t.Fatal("HWTEST_SERIAL is not set: run this test through scripts/hwtest/run.sh")
	}
	p, err := Open(path, m, &RS485{RTSOnSend: true})
	if err != nil {
		t.Fatalf("Open(%s, %+v): %v", path, m, err)
	}
	t.Cleanup(func() { p.Close() })
	waitForPeer(t, p)
	return p
}

// waitForPeer sends one byte until uartpeer's reply comes back, because
// uartpeer connects to QEMU's socket only after the guest has started and
// the UART drops what it sends before that.
func waitForPeer(t *testing.T, p *Port) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	buf := make([]byte, 1)
	for time.Now().Before(deadline) {
		if _, err := p.Write([]byte{0xA5}); err != nil {
			t.Fatalf("write probe: %v", err)
		}
		p.SetReadDeadline(time.Now().Add(500 * time.Millisecond))
		n, err := p.Read(buf)
		if n == 1 && buf[0] == 0x5A {
			// Replies to earlier probes may still be on the way.
			time.Sleep(100 * time.Millisecond)
			if _, err := p.DiscardInput(); err != nil {
				t.Fatal(err)
			}
			return
		}
		if err != nil && !IsTimeout(err) {
			t.Fatalf("read reply to probe: %v", err)
		}
	}
	t.Fatal("uartpeer did not reply within 30s; see uartpeer.log beside the guest console log")
}

// readFull reads n bytes with a deadline of d for the whole read.
func readFull(t *testing.T, p *Port, n int, d time.Duration) []byte {
	t.Helper()
	got := make([]byte, 0, n)
	buf := make([]byte, n)
	p.SetReadDeadline(time.Now().Add(d))
	for len(got) < n {
		k, err := p.Read(buf[:n-len(got)])
		got = append(got, buf[:k]...)
		if err != nil {
			t.Fatalf("read after %d of %d bytes (% x): %v", len(got), n, got, err)
		}
	}
	return got
}

func TestHWOpenSetsTermios(t *testing.T) {
	cases := []struct {
		name  string
		mode  Mode
		speed uint32
		cflag uint32 // expected CSIZE, PARENB, PARODD and CSTOPB bits
	}{
		{"9600 8E1", Mode{Baud: 9600, DataBits: 8, Parity: "even", StopBits: 1}, unix.B9600, unix.CS8 | unix.PARENB},
		{"19200 8O2", Mode{Baud: 19200, DataBits: 8, Parity: "odd", StopBits: 2}, unix.B19200, unix.CS8 | unix.PARENB | unix.PARODD | unix.CSTOPB},
		{"115200 8N1", Mode{Baud: 115200, DataBits: 8, Parity: "none", StopBits: 1}, unix.B115200, unix.CS8},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := openUART(t, c.mode)
			var tio *unix.Termios
			err := p.control(func(fd int) error {
				var err error
				tio, err = unix.IoctlGetTermios(fd, unix.TCGETS)
				return err
			})
			if err != nil {
				t.Fatalf("TCGETS: %v", err)
			}

			if got := tio.Cflag & unix.CBAUD; got != c.speed {
				t.Errorf("speed code = %#o, want %#o", got, c.speed)
			}
			format := uint32(unix.CSIZE | unix.PARENB | unix.PARODD | unix.CSTOPB)
			if got := tio.Cflag & format; got != c.cflag {
				t.Errorf("character format bits = %#o, want %#o", got, c.cflag)
			}
			if tio.Cflag&(unix.CREAD|unix.CLOCAL) != unix.CREAD|unix.CLOCAL {
				t.Errorf("CREAD and CLOCAL not both set: cflag %#o", tio.Cflag)
			}
			wantInpck := c.mode.Parity != "none"
			if got := tio.Iflag&unix.INPCK != 0; got != wantInpck {
				t.Errorf("INPCK = %v, want %v", got, wantInpck)
			}
			if tio.Lflag&(unix.ICANON|unix.ECHO|unix.ISIG) != 0 {
				t.Errorf("not raw: lflag %#o", tio.Lflag)
			}
			if tio.Oflag&unix.OPOST != 0 {
				t.Errorf("not raw: OPOST set in oflag %#o", tio.Oflag)
			}
		})
	}
}

func TestHWRS485RejectedByUART(t *testing.T) {
	path := os.Getenv("HWTEST_SERIAL")
	if path == "" {
		t.Fatal("HWTEST_SERIAL is not set: run this test through scripts/hwtest/run.sh")
	}
	p, err := Open(path, Mode{Baud: 9600, DataBits: 8, Parity: "even", StopBits: 1},
		&RS485{RTSOnSend: true, DelayAfterSend: time.Millisecond})
	if err != nil {
		t.Fatalf("Open failed although only RS-485 mode is missing: %v", err)
	}
	defer p.Close()

	// QEMU's 16550 behind the generic 8250 driver has no RS-485 mode, so
	// TIOCSRS485 fails with ENOTTY.
	if p.RS485Err == nil {
		t.Fatal("RS485Err = nil, want the driver's rejection of TIOCSRS485")
	}
	if !errors.Is(p.RS485Err, unix.ENOTTY) {
		t.Errorf("RS485Err = %v, want ENOTTY", p.RS485Err)
	}
}

func TestHWReadWriteThroughUART(t *testing.T) {
	modes := []Mode{
		{Baud: 9600, DataBits: 8, Parity: "even", StopBits: 1},
		{Baud: 19200, DataBits: 8, Parity: "odd", StopBits: 2},
		{Baud: 115200, DataBits: 8, Parity: "none", StopBits: 1},
	}
	for _, m := range modes {
		p := openUART(t, m)

		// A Modbus RTU request with every byte value that a raw tty must
		// pass unchanged: NUL, CR, LF, XON, XOFF, DEL and 0xFF.
		frame := []byte{0x01, 0x03, 0x00, 0x0D, 0x0A, 0x11, 0x13, 0x7F, 0xFF, 0x00, 0x84, 0x0A}
		if _, err := p.Write(frame); err != nil {
			t.Fatalf("%d baud: write: %v", m.Baud, err)
		}
		if err := p.Drain(); err != nil {
			t.Fatalf("%d baud: drain: %v", m.Baud, err)
		}

		want := make([]byte, len(frame))
		for i, b := range frame {
			want[i] = b ^ 0xFF
		}
		got := readFull(t, p, len(want), 5*time.Second)
		if !bytes.Equal(got, want) {
			t.Errorf("%d baud: host replied % x, want % x", m.Baud, got, want)
		}

		// Nothing more arrives, so the read ends at its deadline.
		p.SetReadDeadline(time.Now().Add(200 * time.Millisecond))
		start := time.Now()
		n, err := p.Read(make([]byte, 8))
		if !IsTimeout(err) {
			t.Errorf("%d baud: read on a silent line = %d bytes, %v; want a timeout", m.Baud, n, err)
		}
		if waited := time.Since(start); waited > 3*time.Second {
			t.Errorf("%d baud: deadline of 200ms ended the read after %v", m.Baud, waited)
		}
		p.Close()
	}
}
