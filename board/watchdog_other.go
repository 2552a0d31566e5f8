//go:build !linux

package board

import (
	"errors"
	"os"
)

func setWatchdogTimeout(*os.File, int) (int, error) {
	return 0, errors.New("the hardware watchdog needs Linux")
}
