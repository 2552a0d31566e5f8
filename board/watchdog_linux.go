package board

import (
	"os"

	"golang.org/x/sys/unix"
)

// setWatchdogTimeout sets the device's timeout in seconds with
// WDIOC_SETTIMEOUT and returns the timeout the driver chose, which may be
// rounded to what the hardware supports.
func setWatchdogTimeout(f *os.File, seconds int) (int, error) {
	fd := int(f.Fd())
	if err := unix.IoctlSetPointerInt(fd, unix.WDIOC_SETTIMEOUT, seconds); err != nil {
		return 0, err
	}
	return unix.IoctlGetInt(fd, unix.WDIOC_GETTIMEOUT)
}
