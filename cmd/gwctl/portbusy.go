package main

import (
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"

	"golang.org/x/sys/unix"
)

// errPortBusy marks the errors that mean another program uses the port.
var errPortBusy = errors.New("serial port in use")

// gatewaydName is the process name of the gateway daemon.
const gatewaydName = "gatewayd"

// gatewaydHolding returns the ids of the gatewayd processes that have the
// device at path open. It finds them in /proc, as fuser does, because
// gatewayd opens its ports without a lock. Processes whose /proc entries
// this user may not read are skipped, so only root finds every gatewayd.
func gatewaydHolding(path string) []int {
	dev, ok := charDevice(path)
	if !ok {
		return nil
	}
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return nil
	}
	self := os.Getpid()
	var pids []int
	for _, entry := range entries {
		pid, err := strconv.Atoi(entry.Name())
		if err != nil || pid == self || processName(pid) != gatewaydName {
			continue
		}
		if hasDeviceOpen(pid, dev) {
			pids = append(pids, pid)
		}
	}
	return pids
}

// charDevice returns the device number of the character device at path.
func charDevice(path string) (uint64, bool) {
	info, err := os.Stat(path)
	if err != nil || info.Mode()&fs.ModeCharDevice == 0 {
		return 0, false
	}
	st, ok := info.Sys().(*syscall.Stat_t)
	if !ok {
		return 0, false
	}
	return st.Rdev, true
}

// processName returns the command name of process pid, as ps shows it.
func processName(pid int) string {
	comm, err := os.ReadFile(filepath.Join("/proc", strconv.Itoa(pid), "comm"))
	if err != nil {
		return ""
	}
	return strings.TrimSpace(string(comm))
}

// hasDeviceOpen reports whether process pid has a descriptor open on the
// character device dev.
func hasDeviceOpen(pid int, dev uint64) bool {
	dir := filepath.Join("/proc", strconv.Itoa(pid), "fd")
	fds, err := os.ReadDir(dir)
	if err != nil {
		return false
	}
	for _, fd := range fds {
		d, ok := charDevice(filepath.Join(dir, fd.Name()))
		if ok && d == dev {
			return true
		}
	}
	return false
}

// lockPort takes an exclusive flock(2) on the serial port through a
// descriptor of its own, so that a second gwctl on the same port stops
// with a message instead of garbling the first one's frames. The lock
// lasts until the returned closer is closed.
func lockPort(path string) (io.Closer, error) {
	f, err := os.OpenFile(path, os.O_RDONLY|unix.O_NOCTTY|unix.O_NONBLOCK, 0)
	if err != nil {
		return nil, openError(path, err)
	}
	if err := unix.Flock(int(f.Fd()), unix.LOCK_EX|unix.LOCK_NB); err != nil {
		f.Close()
		if errors.Is(err, unix.EWOULDBLOCK) {
			return nil, failure(errPortBusy, "serial port %s is locked by another program, such as a second gwctl; wait until it ends, then try again", path)
		}
		return nil, failure(err, "cannot lock serial port %s: %v", path, err)
	}
	return f, nil
}

// openError explains why a serial port could not be opened.
func openError(path string, err error) error {
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return failure(err, "serial port %s does not exist; check the path, for example with ls /dev/ttyUSB* /dev/ttyS*", path)
	case errors.Is(err, fs.ErrPermission):
		return failure(err, "no permission to open serial port %s; run gwctl as root or add the user to the dialout group", path)
	case errors.Is(err, unix.EBUSY):
		return failure(errPortBusy, "serial port %s is busy: another program opened it for its own use only; stop that program, such as gatewayd, and try again", path)
	}
	return failure(err, "cannot open serial port %s: %v", path, err)
}
