//go:build linux

package gateway

import (
	"fmt"

	"golang.org/x/sys/unix"
)

// kernelClockSynced reads the kernel's NTP state with adjtimex, which
// changes nothing when Modes is 0 and needs no privilege. STA_UNSYNC is
// set, and the call returns TIME_ERROR, until an NTP daemon (chrony,
// ntpd, systemd-timesyncd) disciplines the clock, and again when the
// daemon stops updating it for long.
func kernelClockSynced() (bool, error) {
	var tx unix.Timex
	state, err := unix.Adjtimex(&tx)
	if err != nil {
		return false, fmt.Errorf("adjtimex: %w", err)
	}
	return state != unix.TIME_ERROR && tx.Status&unix.STA_UNSYNC == 0, nil
}
