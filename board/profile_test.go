package board

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func writeProfile(t *testing.T, text string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "board.yaml")
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestBuiltinProfileIsValid(t *testing.T) {
	p, err := LoadProfile(Generic4DO4DI)
	if err != nil {
		t.Fatalf("LoadProfile(%s): %v", Generic4DO4DI, err)
	}
	if len(p.Outputs) != 4 || len(p.Inputs) != 4 {
		t.Errorf("%d outputs and %d inputs, want 4 and 4", len(p.Outputs), len(p.Inputs))
	}
	for _, o := range p.Outputs {
		if o.EnergisedWhen(true) {
			t.Errorf("output %s is energised while active, want de-energise to trip", o.Name)
		}
	}
	if p.Watchdog != "/dev/watchdog" {
		t.Errorf("watchdog = %q, want /dev/watchdog", p.Watchdog)
	}
}

func TestProfileFileLoads(t *testing.T) {
	path := writeProfile(t, `name: test-board
watchdog: /dev/watchdog1
outputs:
  - {name: horn, line: RELAY_1}
  - {name: esd-1, chip: gpiochip1, offset: 3, active_low: true}
  - {name: run-lamp, line: LED_RUN, safety: false, active_energised: true}
inputs:
  - {name: reset, line: DI_1, active_low: true, debounce: 50ms, bias: pull-up}
  - {name: xv-101-closed, chip: gpiochip1, offset: 7}
`)
	p, err := LoadProfile(path)
	if err != nil {
		t.Fatalf("LoadProfile: %v", err)
	}
	if p.Name != "test-board" || p.Watchdog != "/dev/watchdog1" {
		t.Errorf("name %q watchdog %q", p.Name, p.Watchdog)
	}
	esd := p.Outputs[1]
	if esd.Chip != "gpiochip1" || esd.Offset != 3 || !esd.ActiveLow || !esd.Safety {
		t.Errorf("esd-1 = %+v", esd)
	}
	lamp := p.Outputs[2]
	if !lamp.EnergisedWhen(true) || lamp.EnergisedWhen(false) {
		t.Errorf("run-lamp energised when active %v, when inactive %v; want true, false", lamp.EnergisedWhen(true), lamp.EnergisedWhen(false))
	}
	reset := p.Inputs[0]
	if reset.Debounce != 50*time.Millisecond || reset.Bias != "pull-up" || !reset.ActiveLow {
		t.Errorf("reset = %+v", reset)
	}
	if d := p.Inputs[1].Debounce; d != DefaultDebounce {
		t.Errorf("default debounce = %v, want %v", d, DefaultDebounce)
	}
	if got := p.NonSafetyOutputs(); len(got) != 1 || got[0] != "run-lamp" {
		t.Errorf("non-safety outputs = %v, want [run-lamp]", got)
	}
}

func TestProfileFileErrorsNameTheLine(t *testing.T) {
	path := writeProfile(t, `name: bad
outputs:
  - name: horn
    line: RELAY_1
    polarity: low
  - name: esd-1
    safety: false
    active_energised: true
    line: RELAY_2
  - name: beacon
inputs:
  - name: reset
    line: DI_1
    debounce: 5s
`)
	_, err := LoadProfile(path)
	if err == nil {
		t.Fatal("LoadProfile of a bad profile succeeded")
	}
	msg := err.Error()
	for _, want := range []string{
		path + `:5: unknown key "polarity"`,
	} {
		if !strings.Contains(msg, want) {
			t.Errorf("error lacks %q:\n%s", want, msg)
		}
	}
	// The reader stops before validation when keys are wrong; fix the key
	// and the semantic problems show with their lines.
	path = writeProfile(t, strings.Replace(mustRead(t, path), "    polarity: low\n", "", 1))
	_, err = LoadProfile(path)
	if err == nil {
		t.Fatal("LoadProfile of a profile with safety problems succeeded")
	}
	msg = err.Error()
	for _, want := range []string{
		path + ":5: output esd-1 is a safety output",
		path + ":9: beacon: give line",
		path + ":11: input reset: debounce 5s is out of range",
	} {
		if !strings.Contains(msg, want) {
			t.Errorf("error lacks %q:\n%s", want, msg)
		}
	}
}

func mustRead(t *testing.T, path string) string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

func TestProfileActiveEnergisedNeedsNonSafety(t *testing.T) {
	p := &Profile{Name: "x", Outputs: []OutputLine{{Name: "run-lamp", LineRef: LineRef{Line: "L", Offset: -1}, Safety: true, ActiveEnergised: true}}}
	if err := p.Validate(); err == nil || !strings.Contains(err.Error(), "active_energised needs safety: false") {
		t.Errorf("Validate = %v, want the active_energised error", err)
	}
}

func TestLoadProfileUnknownName(t *testing.T) {
	_, err := LoadProfile("raspberry")
	if err == nil || !strings.Contains(err.Error(), `unknown board profile "raspberry"`) {
		t.Errorf("LoadProfile(raspberry) = %v", err)
	}
}
