package memlimit

import (
	"math"
	"runtime/debug"
	"testing"
)

// restoreLimit puts back the process's memory limit after a test.
func restoreLimit(t *testing.T) {
	t.Helper()
	previous := debug.SetMemoryLimit(-1)
	t.Cleanup(func() { debug.SetMemoryLimit(previous) })
}

func TestApplyDefault(t *testing.T) {
	restoreLimit(t)
	t.Setenv("GOMEMLIMIT", "")

	limit, src := Apply()
	if src != FromDefault {
		t.Errorf("source = %q, want %q", src, FromDefault)
	}
	if limit != Default {
		t.Errorf("returned limit = %d, want %d", limit, Default)
	}
	if got := debug.SetMemoryLimit(-1); got != Default {
		t.Errorf("runtime limit = %d, want %d", got, Default)
	}
}

// The runtime reads GOMEMLIMIT only at start, so the test sets the
// runtime's limit itself, as the runtime would have, and checks that
// Apply keeps it.
func TestApplyKeepsEnvLimit(t *testing.T) {
	restoreLimit(t)
	t.Setenv("GOMEMLIMIT", "200MiB")
	debug.SetMemoryLimit(200 << 20)

	limit, src := Apply()
	if src != FromEnv {
		t.Errorf("source = %q, want %q", src, FromEnv)
	}
	if limit != 200<<20 {
		t.Errorf("returned limit = %d, want %d", limit, 200<<20)
	}
	if got := debug.SetMemoryLimit(-1); got != 200<<20 {
		t.Errorf("runtime limit = %d, want %d", got, 200<<20)
	}
}

func TestApplyEnvOff(t *testing.T) {
	restoreLimit(t)
	t.Setenv("GOMEMLIMIT", "off")
	debug.SetMemoryLimit(math.MaxInt64)

	limit, src := Apply()
	if src != FromEnv {
		t.Errorf("source = %q, want %q", src, FromEnv)
	}
	if !Unlimited(limit) {
		t.Errorf("limit = %d, want none", limit)
	}
}
