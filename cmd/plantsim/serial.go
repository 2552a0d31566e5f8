package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"

	"github.com/creack/pty"
	"golang.org/x/sys/unix"
)

// rtuLine is the open RTU line: the port plantsim reads and writes, and
// for a pty the slave side that it keeps open.
type rtuLine struct {
	port *os.File
	// slave is the pty slave, held open for the whole run. Without it the
	// master read fails with EIO whenever the client closes its side, and the
	// raw mode set on the slave would be lost.
	slave *os.File
	// path is the device path for clients: the pty slave or the --rtu device.
	path string
}

// openPTYLine creates a pseudo-terminal in raw mode at 9600 baud 8N1.
func openPTYLine() (*rtuLine, error) {
	blockingMaster, slave, err := pty.Open()
	if err != nil {
		return nil, fmt.Errorf("open pty: %w", err)
	}
	master, err := pollableCopy(blockingMaster)
	blockingMaster.Close()
	if err != nil {
		slave.Close()
		return nil, fmt.Errorf("prepare pty master: %w", err)
	}
	line := &rtuLine{port: master, slave: slave, path: slave.Name()}
	if err := setRawMode(slave); err != nil {
		line.close()
		return nil, fmt.Errorf("set raw mode on %s: %w", line.path, err)
	}
	if err := setRawMode(master); err != nil {
		line.close()
		return nil, fmt.Errorf("set raw mode on pty master: %w", err)
	}
	return line, nil
}

// pollableCopy returns a non-blocking duplicate of f that the Go runtime
// polls, so that deadlines work and Close ends a pending Read. pty.Open
// (creack/pty v1.1.24) calls File.Fd, which leaves the master in blocking
// mode, where a Read ignores deadlines.
func pollableCopy(f *os.File) (*os.File, error) {
	conn, err := f.SyscallConn()
	if err != nil {
		return nil, fmt.Errorf("get raw descriptor: %w", err)
	}
	duplicate := -1
	var dupErr error
	err = conn.Control(func(fd uintptr) {
		duplicate, dupErr = unix.FcntlInt(fd, unix.F_DUPFD_CLOEXEC, 0)
	})
	if err == nil {
		err = dupErr
	}
	if err != nil {
		return nil, fmt.Errorf("duplicate descriptor: %w", err)
	}
	if err := unix.SetNonblock(duplicate, true); err != nil {
		unix.Close(duplicate)
		return nil, fmt.Errorf("set non-blocking mode: %w", err)
	}
	return os.NewFile(uintptr(duplicate), f.Name()), nil
}

// openSerialLine opens an existing serial device, such as one end of a
// socat pty pair, in raw mode at 9600 baud 8N1.
func openSerialLine(path string) (*rtuLine, error) {
	// O_NONBLOCK keeps open from waiting for carrier detect on a real port,
	// and lets the Go runtime poll the descriptor so that deadlines work.
	f, err := os.OpenFile(path, os.O_RDWR|unix.O_NOCTTY|unix.O_NONBLOCK, 0)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	if err := setRawMode(f); err != nil {
		f.Close()
		return nil, fmt.Errorf("set raw mode on %s: %w", path, err)
	}
	return &rtuLine{port: f, path: path}, nil
}

func (l *rtuLine) close() {
	l.port.Close()
	if l.slave != nil {
		l.slave.Close()
	}
}

// setRawMode sets f to raw mode, as cfmakeraw(3) does, at 9600 baud 8N1
// with the modem lines ignored. It uses SyscallConn because File.Fd would
// switch the descriptor to blocking mode and disable deadlines.
func setRawMode(f *os.File) error {
	conn, err := f.SyscallConn()
	if err != nil {
		return fmt.Errorf("get raw descriptor: %w", err)
	}
	var termErr error
	err = conn.Control(func(fd uintptr) {
		termErr = setRawTermios(int(fd))
	})
	if err != nil {
		return fmt.Errorf("access descriptor: %w", err)
	}
	return termErr
}

func setRawTermios(fd int) error {
	t, err := unix.IoctlGetTermios(fd, unix.TCGETS)
	if err != nil {
		return fmt.Errorf("get termios: %w", err)
	}
	t.Iflag &^= unix.IGNBRK | unix.BRKINT | unix.PARMRK | unix.ISTRIP | unix.INLCR |
		unix.IGNCR | unix.ICRNL | unix.IXON | unix.IXOFF
	t.Oflag &^= unix.OPOST
	t.Lflag &^= unix.ECHO | unix.ECHONL | unix.ICANON | unix.ISIG | unix.IEXTEN
	t.Cflag &^= unix.CSIZE | unix.PARENB | unix.CSTOPB | unix.CBAUD | unix.CRTSCTS
	t.Cflag |= unix.CS8 | unix.CREAD | unix.CLOCAL | unix.B9600
	t.Ispeed = unix.B9600
	t.Ospeed = unix.B9600
	t.Cc[unix.VMIN] = 1
	t.Cc[unix.VTIME] = 0
	if err := unix.IoctlSetTermios(fd, unix.TCSETS, t); err != nil {
		return fmt.Errorf("set termios: %w", err)
	}
	return nil
}

// errLinkNotSymlink is returned when --rtu-link names a file that is not a
// symbolic link, which plantsim refuses to replace.
var errLinkNotSymlink = errors.New("exists and is not a symbolic link")

// createLink makes link a symbolic link to target. It replaces an existing
// symbolic link atomically, such as one left behind by a killed run.
func createLink(link, target string) error {
	info, err := os.Lstat(link)
	switch {
	case err == nil && info.Mode()&fs.ModeSymlink == 0:
		return fmt.Errorf("%s %w", link, errLinkNotSymlink)
	case err != nil && !errors.Is(err, fs.ErrNotExist):
		return fmt.Errorf("inspect %s: %w", link, err)
	}

	temp := filepath.Join(filepath.Dir(link), "."+filepath.Base(link)+".tmp-"+strconv.Itoa(os.Getpid()))
	os.Remove(temp)
	if err := os.Symlink(target, temp); err != nil {
		return fmt.Errorf("create symbolic link: %w", err)
	}
	if err := os.Rename(temp, link); err != nil {
		os.Remove(temp)
		return fmt.Errorf("replace %s: %w", link, err)
	}
	return nil
}

// removeLink removes link if it still points to target, so that a link
// made by a newer run is left alone.
func removeLink(link, target string) error {
	current, err := os.Readlink(link)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil
		}
		return fmt.Errorf("read %s: %w", link, err)
	}
	if current != target {
		return nil
	}
	if err := os.Remove(link); err != nil {
		return fmt.Errorf("remove %s: %w", link, err)
	}
	return nil
}
