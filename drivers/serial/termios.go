package serial

import (
	"fmt"

	"golang.org/x/sys/unix"
)

// bauds maps the supported rates to their termios speed codes.
var bauds = map[int]uint32{
	1200: unix.B1200, 2400: unix.B2400, 4800: unix.B4800, 9600: unix.B9600,
	19200: unix.B19200, 38400: unix.B38400, 57600: unix.B57600, 115200: unix.B115200,
}

// setMode puts the tty into raw mode, as cfmakeraw(3) does, with mode m,
// the receiver on and the modem control lines ignored.
func setMode(fd int, m Mode) error {
	t, err := unix.IoctlGetTermios(fd, unix.TCGETS)
	if err != nil {
		return fmt.Errorf("get termios: %w", err)
	}
	if err := makeRaw(t, m); err != nil {
		return err
	}
	if err := unix.IoctlSetTermios(fd, unix.TCSETS, t); err != nil {
		return fmt.Errorf("set termios: %w", err)
	}
	return nil
}

// makeRaw changes t to raw mode with mode m.
func makeRaw(t *unix.Termios, m Mode) error {
	speed, ok := bauds[m.Baud]
	if !ok {
		return fmt.Errorf("unsupported baud rate %d", m.Baud)
	}

	t.Iflag &^= unix.IGNBRK | unix.BRKINT | unix.PARMRK | unix.ISTRIP | unix.INLCR |
		unix.IGNCR | unix.ICRNL | unix.IXON | unix.IXOFF | unix.IXANY | unix.INPCK
	t.Oflag &^= unix.OPOST
	t.Lflag &^= unix.ECHO | unix.ECHONL | unix.ICANON | unix.ISIG | unix.IEXTEN
	t.Cflag &^= unix.CSIZE | unix.PARENB | unix.PARODD | unix.CSTOPB | unix.CBAUD | unix.CRTSCTS
	t.Cflag |= unix.CREAD | unix.CLOCAL | speed

	switch m.DataBits {
	case 7:
		t.Cflag |= unix.CS7
	case 8:
		t.Cflag |= unix.CS8
	default:
		return fmt.Errorf("unsupported data bits %d", m.DataBits)
	}

	switch m.Parity {
	case "none":
	case "even":
		t.Cflag |= unix.PARENB
		// INPCK makes the driver check parity; a character with a parity
		// error then arrives as NUL, which fails the frame's CRC.
		t.Iflag |= unix.INPCK
	case "odd":
		t.Cflag |= unix.PARENB | unix.PARODD
		t.Iflag |= unix.INPCK
	default:
		return fmt.Errorf("unsupported parity %q", m.Parity)
	}

	switch m.StopBits {
	case 1:
	case 2:
		t.Cflag |= unix.CSTOPB
	default:
		return fmt.Errorf("unsupported stop bits %d", m.StopBits)
	}

	t.Ispeed, t.Ospeed = speed, speed
	t.Cc[unix.VMIN] = 1
	t.Cc[unix.VTIME] = 0
	return nil
}
