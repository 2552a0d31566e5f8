package uplink

import (
	"runtime/debug"
	"time"
)

// earliestClock is a date that no correct clock can precede, because this
// code was written after it. A gateway without a battery-backed clock
// boots in 1970 until NTP sets the time.
var earliestClock = time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)

// processStart approximates the gateway process's start: package
// variables are set before main runs.
var processStart = time.Now()

// BuildReference returns the earliest time the system clock can show: the
// commit time recorded in the binary (vcs.time), or 2025-01-01 when the
// binary records none or an earlier one. Go records no build time, so the
// commit time is the closest lower bound available.
func BuildReference() time.Time {
	ref := earliestClock
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return ref
	}
	for _, s := range info.Settings {
		if s.Key != "vcs.time" {
			continue
		}
		if t, err := time.Parse(time.RFC3339, s.Value); err == nil && t.After(ref) {
			ref = t
		}
	}
	return ref
}

// BuildVersion returns the gateway's version from the binary's build
// information: the module version, or "devel+" and the commit for a build
// from a working tree. It returns "" when the binary records neither.
func BuildVersion() string {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return ""
	}
	if v := info.Main.Version; v != "" && v != "(devel)" {
		return v
	}
	revision, modified := "", false
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			revision = s.Value
		case "vcs.modified":
			modified = s.Value == "true"
		}
	}
	if revision == "" {
		return ""
	}
	v := "devel+" + revision[:min(12, len(revision))]
	if modified {
		v += "-dirty"
	}
	return v
}
