//go:build !linux

package gateway

import "errors"

// kernelClockSynced reports that the kernel's NTP state is unknown:
// adjtimex exists only on Linux.
func kernelClockSynced() (bool, error) {
	return false, errors.New("adjtimex is only available on Linux")
}
