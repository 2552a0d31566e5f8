//go:build linux && !(386 || arm || mips || mipsle)

package buffer

import (
	"errors"
	"os"
	"syscall"
)

// lockedByOther reports whether another open Badger store holds the
// directory lock on path. Badger v4 takes an exclusive flock on the
// directory itself, so a non-blocking flock that fails with EWOULDBLOCK
// means the store is open elsewhere, in this process or another one.
func lockedByOther(path string) bool {
	dir, err := os.Open(path)
	if err != nil {
		return false
	}
	defer dir.Close()
	err = syscall.Flock(int(dir.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
	if err == nil {
		_ = syscall.Flock(int(dir.Fd()), syscall.LOCK_UN)
		return false
	}
	return errors.Is(err, syscall.EWOULDBLOCK)
}

// lockHeldElsewhere reports whether another open store holds path's lock.
// known is true: on Linux the lock can be tested.
func lockHeldElsewhere(path string) (held, known bool) {
	return lockedByOther(path), true
}
