//go:build !linux && !(386 || arm || mips || mipsle)

package buffer

// lockedByOther cannot tell a held directory lock from other open errors
// outside Linux, so Open returns Badger's own error there.
func lockedByOther(string) bool { return false }

// lockHeldElsewhere cannot tell whether another process holds the lock
// outside Linux, so known is false and Open never moves a store aside
// there.
func lockHeldElsewhere(string) (held, known bool) { return false, false }
