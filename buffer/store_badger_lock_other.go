//go:build !linux && !(386 || arm || mips || mipsle)

package buffer

// lockedByOther cannot tell a held directory lock from other open errors
// outside Linux, so Open returns Badger's own error there.
func lockedByOther(string) bool { return false }
