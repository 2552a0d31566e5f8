// Package memlimit sets the Go runtime's soft memory limit for gatewayd.
//
// Without a limit the collector lets the heap grow to twice the live data
// (GOGC=100). The buffer's Badger store allocates and drops tens of
// megabytes per compaction, so while rssprobe wrote 1 million records
// without a limit, garbage not yet collected was a quarter or more of its
// RSS.
package memlimit

import (
	"math"
	"os"
	"runtime/debug"
)

// Default is the soft limit, in bytes, on the memory that the Go runtime
// maps: heap, stacks and runtime metadata. Memory-mapped files, such as
// Badger's tables, do not count. With it, rssprobe measured 55 to 63 MB
// of RSS after reopening a buffer of 1 million records on linux/amd64 (see
// docs/benchmarks.md).
//
// A process whose live heap grows past the limit collects continuously,
// and the runtime then caps the collector at about half of the CPU time.
// Full-speed appends hit that cap: BenchmarkAppendDurable ran at about
// 0.4 of its rate without a limit, still over 150 times the rate of a
// 500-point plant.
const Default = 48 << 20

// Source is the origin of the limit in force.
type Source string

// Sources of the limit.
const (
	// FromEnv is the GOMEMLIMIT environment variable, which the runtime
	// reads at start. GOMEMLIMIT=off removes the limit.
	FromEnv Source = "GOMEMLIMIT"
	// FromDefault is Default.
	FromDefault Source = "default"
)

// Apply sets the soft memory limit to Default unless GOMEMLIMIT is set,
// whose value the runtime has already applied. It returns the limit in
// force in bytes, math.MaxInt64 when there is none, and its source.
func Apply() (limit int64, src Source) {
	if os.Getenv("GOMEMLIMIT") != "" {
		return debug.SetMemoryLimit(-1), FromEnv
	}
	debug.SetMemoryLimit(Default)
	return Default, FromDefault
}

// Unlimited reports whether limit means that there is no limit.
func Unlimited(limit int64) bool { return limit == math.MaxInt64 }
