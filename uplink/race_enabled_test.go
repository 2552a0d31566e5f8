//go:build race

package uplink

// raceEnabled reports whether the test binary has the race detector,
// which slows the uplink's drain about 20-fold.
const raceEnabled = true
