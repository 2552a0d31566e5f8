package config

import (
	"strings"
	"testing"
)

// withValves is minimal plus a level transmitter, two contacts and a coil,
// and the given valves, level switches and interlocks sections.
func withValves(extra string) string {
	points := `  - {id: LT, device: D1, register: {table: input, address: "30002"}, type: int16, limits: {hh: 9000}, platform: {hazard_code: H1, point_code: L1}}
  - {id: XV.open, device: D1, register: {table: discrete, address: "10001"}, type: bool, platform: {hazard_code: H1, point_code: V1}}
  - {id: XV.closed, device: D1, register: {table: discrete, address: "10002"}, type: bool, platform: {hazard_code: H1, point_code: V2}}
  - {id: XV.command, device: D1, register: {table: coil, address: "00001"}, type: bool, platform: {hazard_code: H1, point_code: V3}}
uplink:`
	return strings.Replace(minimal, "uplink:", points, 1) + extra
}

func TestValveConfigLoads(t *testing.T) {
	cfg, cerr := parse(t, withValves(`valves:
  - {name: XV, command: XV.command, open_limit: XV.open, closed_limit: input:xv-closed}
level_switches:
  - {switch: XV.open, level: LT}
interlocks:
  - {name: overfill, when: {alarm: hh, points: [LT]}, do: [{valve: XV}]}
`))
	if cerr != nil {
		t.Fatalf("unexpected error:\n%s", english(cerr))
	}
	if cfg.Valves[0].StrokeTime != DefaultStrokeTime || cfg.LevelSwitches[0].Delay != DefaultSwitchDelay {
		t.Errorf("defaults: stroke %v, delay %v", cfg.Valves[0].StrokeTime.D(), cfg.LevelSwitches[0].Delay.D())
	}
	if ft := cfg.Interlocks[0].FaultTrips; ft == nil || !*ft {
		t.Error("fault_trips does not default to true")
	}
}

func TestValveConfigProblems(t *testing.T) {
	tests := []struct{ name, extra, message string }{
		{"stroke beyond 180 s", `valves:
  - {name: XV, command: XV.command, open_limit: XV.open, closed_limit: XV.closed, stroke_time: 5m}
`, "valves[0] (XV).stroke_time: 5m0s is out of range; use 1s-3m0s"},
		{"no way to close", `valves:
  - {name: XV, open_limit: XV.open, closed_limit: XV.closed}
`, "give output (the solenoid) or command (a coil point), or both"},
		{"command not a coil", `valves:
  - {name: XV, command: XV.open, open_limit: XV.open, closed_limit: XV.closed}
`, `point "XV.open" is in table discrete; a command must be a coil`},
		{"limit not a contact", `valves:
  - {name: XV, command: XV.command, open_limit: LT, closed_limit: XV.closed}
`, `point "LT" is int16; a valve or switch contact must be bool`},
		{"unknown valve in effect", `interlocks:
  - {name: overfill, when: {alarm: hh, points: [LT]}, do: [{valve: XV-9}]}
`, `no valve named "XV-9"`},
		{"switch level without hh", `level_switches:
  - {switch: XV.open, level: P1}
`, `point "P1" has no hh alarm`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, cerr := parse(t, withValves(tt.extra))
			if cerr == nil {
				t.Fatal("config loaded")
			}
			if !strings.Contains(english(cerr), tt.message) {
				t.Errorf("problems lack %q:\n%s", tt.message, english(cerr))
			}
		})
	}
}
