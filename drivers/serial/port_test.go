package serial

import (
	"bytes"
	"errors"
	"os"
	"testing"
	"time"

	"github.com/creack/pty"
	"golang.org/x/sys/unix"
)

// openPair returns a pty master and the path of its slave, which the test
// opens through Open like a real serial device.
func openPair(t *testing.T) (*os.File, string) {
	t.Helper()
	master, slave, err := pty.Open()
	if err != nil {
		t.Fatalf("open pty: %v", err)
	}
	t.Cleanup(func() { master.Close(); slave.Close() })
	return master, slave.Name()
}

var mode8N1 = Mode{Baud: 9600, DataBits: 8, Parity: "none", StopBits: 1}

func TestReadReturnsBytesAndTimesOut(t *testing.T) {
	master, path := openPair(t)
	p, err := Open(path, mode8N1, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()

	if _, err := master.Write([]byte{0x01, 0x03, 0x02}); err != nil {
		t.Fatal(err)
	}
	p.SetReadDeadline(time.Now().Add(time.Second))
	buf := make([]byte, 8)
	n, err := p.Read(buf)
	if err != nil || !bytes.Equal(buf[:n], []byte{0x01, 0x03, 0x02}) {
		t.Fatalf("read = % x, %v", buf[:n], err)
	}

	p.SetReadDeadline(time.Now().Add(30 * time.Millisecond))
	start := time.Now()
	_, err = p.Read(buf)
	if !IsTimeout(err) {
		t.Fatalf("read on a silent line: err = %v, want a timeout", err)
	}
	if waited := time.Since(start); waited > 2*time.Second {
		t.Errorf("timeout of 30 ms took %v", waited)
	}
}

func TestCloseEndsPendingRead(t *testing.T) {
	_, path := openPair(t)
	p, err := Open(path, mode8N1, nil)
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() {
		_, err := p.Read(make([]byte, 1))
		done <- err
	}()
	time.Sleep(20 * time.Millisecond)
	p.Close()
	select {
	case err := <-done:
		if err == nil {
			t.Fatal("read after close returned no error")
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Close did not end the pending Read")
	}
}

func TestDiscardInputCountsAndDropsReceivedBytes(t *testing.T) {
	master, path := openPair(t)
	p, err := Open(path, mode8N1, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	master.Write([]byte("late reply"))
	time.Sleep(50 * time.Millisecond)
	if n, err := p.DiscardInput(); n != len("late reply") || err != nil {
		t.Fatalf("DiscardInput = %d, %v; want %d bytes", n, err, len("late reply"))
	}
	master.Write([]byte{0x42})
	p.SetReadDeadline(time.Now().Add(time.Second))
	buf := make([]byte, 16)
	n, err := p.Read(buf)
	if err != nil || !bytes.Equal(buf[:n], []byte{0x42}) {
		t.Fatalf("read after flush = %q, %v; want only the byte sent after it", buf[:n], err)
	}
}

func TestMakeRawSetsCharacterFormat(t *testing.T) {
	cases := []struct {
		mode  Mode
		speed uint32
		want  uint32 // of CSIZE, PARENB, PARODD and CSTOPB
	}{
		{Mode{1200, 8, "even", 1}, unix.B1200, unix.CS8 | unix.PARENB},
		{Mode{19200, 8, "odd", 2}, unix.B19200, unix.CS8 | unix.PARENB | unix.PARODD | unix.CSTOPB},
		{Mode{115200, 7, "none", 1}, unix.B115200, unix.CS7},
	}
	for _, c := range cases {
		// Start from the opposite of what is wanted, so that every flag
		// must be set or cleared.
		term := unix.Termios{Cflag: ^c.want & (unix.CSIZE | unix.PARENB | unix.PARODD | unix.CSTOPB | unix.CBAUD), Lflag: unix.ICANON | unix.ECHO}
		if err := makeRaw(&term, c.mode); err != nil {
			t.Fatal(err)
		}
		if term.Cflag&unix.CBAUD != c.speed || term.Ispeed != c.speed {
			t.Errorf("%+v: speed code %#x, want %#x", c.mode, term.Cflag&unix.CBAUD, c.speed)
		}
		if got := term.Cflag & (unix.CSIZE | unix.PARENB | unix.PARODD | unix.CSTOPB); got != c.want {
			t.Errorf("%+v: format flags %#x, want %#x", c.mode, got, c.want)
		}
		if term.Lflag&(unix.ICANON|unix.ECHO) != 0 || term.Cflag&(unix.CREAD|unix.CLOCAL) != unix.CREAD|unix.CLOCAL {
			t.Errorf("%+v: not raw: %+v", c.mode, term)
		}
	}
}

// A pty keeps only the speed of a mode (it forces 8 bits, no parity), so
// this checks that Open reaches the driver.
func TestOpenSetsSpeed(t *testing.T) {
	_, path := openPair(t)
	p, err := Open(path, Mode{19200, 8, "none", 1}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	var got *unix.Termios
	err = p.control(func(fd int) (err error) {
		got, err = unix.IoctlGetTermios(fd, unix.TCGETS)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if got.Cflag&unix.CBAUD != unix.B19200 || got.Lflag&unix.ICANON != 0 {
		t.Errorf("cflag %#x lflag %#x: want B19200 in raw mode", got.Cflag, got.Lflag)
	}
}

func TestOpenRejectsUnsupportedMode(t *testing.T) {
	_, path := openPair(t)
	for _, m := range []Mode{{Baud: 12345, DataBits: 8, Parity: "none", StopBits: 1},
		{Baud: 9600, DataBits: 8, Parity: "mark", StopBits: 1}} {
		if p, err := Open(path, m, nil); err == nil {
			p.Close()
			t.Errorf("Open with %+v succeeded", m)
		}
	}
}

// A pty has no RS-485 driver: the port must still open and record why.
func TestRS485RefusalIsNotFatal(t *testing.T) {
	_, path := openPair(t)
	p, err := Open(path, mode8N1, &RS485{RTSOnSend: true})
	if err != nil {
		t.Fatalf("Open failed instead of recording the refusal: %v", err)
	}
	defer p.Close()
	if !errors.Is(p.RS485Err, unix.ENOTTY) {
		t.Errorf("RS485Err = %v, want ENOTTY from a pty", p.RS485Err)
	}
}

// Descriptors of 1024 and up break select(2)-based serial libraries; the
// runtime poller has no such limit.
func TestHighDescriptorNumbers(t *testing.T) {
	var held []*os.File

	defer func() {
		for _, f := range held {
			f.Close()
		}
	}()
	for len(held) < 1100 {
		f, err := os.Open(os.DevNull)
		if err != nil {
			t.Skipf("cannot hold 1100 descriptors: %v", err)
		}
		held = append(held, f)
	}

	master, path := openPair(t)
	p, err := Open(path, mode8N1, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()

	var fd int
	p.control(func(d int) error { fd = d; return nil })
	if fd < 1024 {
		t.Fatalf("port descriptor %d is below 1024; the test needs a high one", fd)
	}
	master.Write([]byte{7})
	p.SetReadDeadline(time.Now().Add(time.Second))
	buf := make([]byte, 1)
	if n, err := p.Read(buf); n != 1 || err != nil {
		t.Fatalf("read on descriptor %d: %d, %v", fd, n, err)
	}
}
