package board

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"
)

// Profile maps a board's logical outputs and inputs to GPIO lines.
type Profile struct {
	Name string
	// File is the file the profile was loaded from; empty for a built-in
	// profile.
	File string
	// Watchdog is the board's hardware watchdog device, used when the
	// config's board.watchdog is not set; empty means none.
	Watchdog string
	Outputs  []OutputLine
	Inputs   []InputLine
}

// LineRef names a GPIO line: by its line name (on Chip, or on any chip
// when Chip is empty), or by Chip and Offset.
type LineRef struct {
	Chip string
	Line string
	// Offset is the line's offset on Chip; it is used only when Line is
	// empty, and -1 means not given.
	Offset int
}

func (r LineRef) String() string {
	switch {
	case r.Line != "" && r.Chip != "":
		return fmt.Sprintf("line %q on %s", r.Line, r.Chip)
	case r.Line != "":
		return fmt.Sprintf("line %q", r.Line)
	}
	return fmt.Sprintf("%s offset %d", r.Chip, r.Offset)
}

// OutputLine is one relay or lamp output.
type OutputLine struct {
	Name string
	LineRef
	// ActiveLow inverts the line: the output is energised while the line
	// is low.
	ActiveLow bool
	// Safety outputs are de-energised while active (tripped, sounding).
	// Only a non-safety output may set ActiveEnergised.
	Safety bool
	// ActiveEnergised energises the output while it is active.
	ActiveEnergised bool
	// Where is the profile file and line, for error messages.
	Where string
}

// EnergisedWhen returns whether the output is energised in the given
// logical state.
func (o OutputLine) EnergisedWhen(active bool) bool {
	if o.ActiveEnergised {
		return active
	}
	return !active
}

// InputLine is one digital input: a button, a limit switch, a contact.
type InputLine struct {
	Name string
	LineRef
	// ActiveLow makes the input active while the line is low, as for a
	// button that pulls the line to ground.
	ActiveLow bool
	// Debounce is the time the line must hold a level before the kernel
	// reports it; 0 turns debouncing off.
	Debounce time.Duration
	// Bias is pull-up, pull-down, disabled, or empty to leave the line's
	// bias as it is.
	Bias  string
	Where string
}

// MaxDebounce is the longest debounce period a profile may set.
const MaxDebounce = time.Second

// DefaultDebounce is the debounce period of an input that sets none.
const DefaultDebounce = 20 * time.Millisecond

var logicalName = regexp.MustCompile(`^[a-z0-9][a-z0-9_.-]{0,63}$`)

// safetyOutput reports whether name is an output that must de-energise to
// trip, whatever the profile sets: the alarm annunciators, the fire-panel
// contact and the ESD relays.
func safetyOutput(name string) bool {
	switch name {
	case "horn", "beacon", "fault-lamp", "fire-panel":
		return true
	}
	return strings.HasPrefix(name, "esd")
}

// NonSafetyOutputs lists the outputs that the profile marks safety: false.
func (p *Profile) NonSafetyOutputs() []string {
	var out []string
	for _, o := range p.Outputs {
		if !o.Safety {
			out = append(out, o.Name)
		}
	}
	return out
}

// OutputNames lists the outputs in profile order.
func (p *Profile) OutputNames() []string {
	out := make([]string, len(p.Outputs))
	for i, o := range p.Outputs {
		out[i] = o.Name
	}
	return out
}

// Validate checks what can be checked without the hardware: names, line
// references, debounce, bias and the safety rules. Each problem starts
// with the entry's file and line when the profile came from a file.
func (p *Profile) Validate() error {
	var problems []string
	add := func(where, format string, args ...any) {
		msg := fmt.Sprintf(format, args...)
		if where != "" {
			msg = where + ": " + msg
		}
		problems = append(problems, msg)
	}
	if len(p.Outputs) == 0 {
		add(p.File, "board profile %s has no outputs", p.Name)
	}
	seen := map[string]string{}
	checkName := func(kind, name, where string) {
		if !logicalName.MatchString(name) {
			add(where, "%s name %q is invalid; use lower-case letters, digits and - _ . (at most 64)", kind, name)
			return
		}
		if first, dup := seen[name]; dup {
			add(where, "%s name %q is used twice (first at %s)", kind, name, first)
			return
		}
		seen[name] = where
	}
	for _, o := range p.Outputs {
		checkName("output", o.Name, o.Where)
		checkRef(o.Name, o.LineRef, o.Where, add)
		if !o.Safety && safetyOutput(o.Name) {
			add(o.Where, "output %s is a safety output and must de-energise to trip; remove safety: false", o.Name)
		}
		if o.ActiveEnergised && o.Safety {
			add(o.Where, "output %s: active_energised needs safety: false, because a safety output must de-energise to trip", o.Name)
		}
	}
	for _, in := range p.Inputs {
		checkName("input", in.Name, in.Where)
		checkRef(in.Name, in.LineRef, in.Where, add)
		if in.Debounce < 0 || in.Debounce > MaxDebounce {
			add(in.Where, "input %s: debounce %v is out of range; use 0s-%v", in.Name, in.Debounce, MaxDebounce)
		}
		if !slices.Contains([]string{"", "as-is", "pull-up", "pull-down", "disabled"}, in.Bias) {
			add(in.Where, "input %s: bias %q is not one of as-is, pull-up, pull-down, disabled", in.Name, in.Bias)
		}
	}
	if len(problems) > 0 {
		return &ProfileError{Profile: p.Name, Problems: problems}
	}
	return nil
}

func checkRef(name string, r LineRef, where string, add func(where, format string, args ...any)) {
	switch {
	case r.Line == "" && r.Chip == "":
		add(where, "%s: give line (a line name) or chip and offset", name)
	case r.Line == "" && r.Offset < 0:
		add(where, "%s: chip %s needs an offset (0 or more) or a line name", name, r.Chip)
	case r.Line != "" && r.Offset >= 0:
		add(where, "%s: give line or offset, not both", name)
	}
}

// ProfileError lists every problem of a board profile.
type ProfileError struct {
	Profile  string
	Problems []string
}

func (e *ProfileError) Error() string {
	return fmt.Sprintf("board profile %s has %d error(s):\n%s", e.Profile, len(e.Problems), strings.Join(e.Problems, "\n"))
}

// Generic4DO4DI is the name of the built-in profile for an ARM gateway
// with four relay outputs and four digital inputs.
const Generic4DO4DI = "generic-4do4di"

// builtinProfiles returns the built-in GPIO profiles, keyed by name.
//
// generic-4do4di expects the board's device tree to name the lines DO1 to
// DO4 and DI1 to DI4 on gpiochip0, relays energised by a high line and
// opto-isolated inputs that pull their line low when active.
// NOTE: these line names and polarities are a common arrangement, not a
// particular vendor's board. Check them against the board's schematic, and
// copy the profile into a file when they differ.
func builtinProfiles() map[string]*Profile {
	out := func(name, line string) OutputLine {
		return OutputLine{Name: name, LineRef: LineRef{Chip: "gpiochip0", Line: line, Offset: -1}, Safety: true, Where: Generic4DO4DI + " " + name}
	}
	in := func(name, line string) InputLine {
		return InputLine{Name: name, LineRef: LineRef{Chip: "gpiochip0", Line: line, Offset: -1}, ActiveLow: true,
			Debounce: DefaultDebounce, Where: Generic4DO4DI + " " + name}
	}
	return map[string]*Profile{
		Generic4DO4DI: {
			Name:     Generic4DO4DI,
			Watchdog: "/dev/watchdog",
			Outputs:  []OutputLine{out("horn", "DO1"), out("beacon", "DO2"), out("esd-1", "DO3"), out("fire-panel", "DO4")},
			Inputs: []InputLine{in(InputReset, "DI1"), in(InputSilence, "DI2"), in(InputAcknowledge, "DI3"),
				in("lightning-warning", "DI4")},
		},
	}
}

// LoadProfile returns a built-in GPIO profile by name, or loads the
// profile file at a path ending in .yaml, .yml or .json. The profile is
// validated; its lines are checked against the hardware only when the
// board is opened.
func LoadProfile(nameOrPath string) (*Profile, error) {
	if p, ok := builtinProfiles()[nameOrPath]; ok {
		return p, p.Validate()
	}
	if isProfileFile(nameOrPath) {
		return loadProfileFile(nameOrPath)
	}
	return nil, fmt.Errorf("unknown board profile %q; use one of %s, or the path of a profile file ending in .yaml, .yml or .json",
		nameOrPath, strings.Join(Profiles(), ", "))
}

func isProfileFile(name string) bool {
	for _, ext := range []string{".yaml", ".yml", ".json"} {
		if strings.HasSuffix(name, ext) {
			return true
		}
	}
	return false
}
