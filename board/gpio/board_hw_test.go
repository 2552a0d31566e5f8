//go:build hwtest

// These tests run the GPIO board against the kernel's gpio-sim inside the
// QEMU guest that scripts/hwtest/run.sh boots. They need configfs mounted
// and the gpio-sim module loaded.

package gpio

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/warthog618/go-gpiosim"

	"github.com/plantgw/plantgw/alarm"
	"github.com/plantgw/plantgw/board"
)

// newSimChips creates an output chip with the lines PGW_DO1..PGW_DO3 and
// an input chip with PGW_DI1..PGW_DI2, removed when the test ends. The
// names differ from hw_test.go's, so a leftover chip cannot match them.
func newSimChips(t *testing.T) (outputs, inputs *gpiosim.Chip) {
	t.Helper()
	sim, err := gpiosim.NewSim(
		gpiosim.WithBank(gpiosim.NewBank("pgw-outputs", 3,
			gpiosim.WithNamedLine(0, "PGW_DO1"),
			gpiosim.WithNamedLine(1, "PGW_DO2"),
			gpiosim.WithNamedLine(2, "PGW_DO3"))),
		gpiosim.WithBank(gpiosim.NewBank("pgw-inputs", 2,
			gpiosim.WithNamedLine(0, "PGW_DI1"),
			gpiosim.WithNamedLine(1, "PGW_DI2"))),
	)
	if err != nil {
		t.Fatalf("create gpio-sim chips (is gpio-sim loaded and configfs mounted?): %v", err)
	}
	t.Cleanup(sim.Close)
	return &sim.Chips[0], &sim.Chips[1]
}

func hwProfile(inputs *gpiosim.Chip) *board.Profile {
	return &board.Profile{Name: "hwtest", Outputs: []board.OutputLine{
		{Name: "horn", LineRef: ref("PGW_DO1"), Safety: true},
		{Name: "esd-1", LineRef: ref("PGW_DO2"), Safety: true, ActiveLow: true},
		{Name: "run-lamp", LineRef: ref("PGW_DO3"), ActiveEnergised: true},
	}, Inputs: []board.InputLine{
		{Name: "reset", LineRef: ref("PGW_DI1"), ActiveLow: true, Debounce: 50 * time.Millisecond},
		{Name: "xv-101-closed", LineRef: board.LineRef{Chip: inputs.ChipName(), Offset: 1}, Debounce: 10 * time.Millisecond},
	}}
}

func simLevel(t *testing.T, chip *gpiosim.Chip, offset int) int {
	t.Helper()
	v, err := chip.Level(offset)
	if err != nil {
		t.Fatalf("read level of line %d: %v", offset, err)
	}
	return v
}

func openHW(t *testing.T) (*Board, *gpiosim.Chip, *gpiosim.Chip) {
	t.Helper()
	outputs, inputs := newSimChips(t)
	// The reset button is released (its active-low line is high) and the
	// limit switch open.
	if err := inputs.Pullup(0); err != nil {
		t.Fatal(err)
	}
	if err := inputs.Pulldown(1); err != nil {
		t.Fatal(err)
	}
	b, err := Open(hwProfile(inputs), discardLog())
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() {
		if err := b.Halt(); err != nil {
			t.Errorf("Halt: %v", err)
		}
	})
	return b, outputs, inputs
}

func TestHWBoardOutputsStartDeEnergised(t *testing.T) {
	b, outputs, inputs := openHW(t)
	for offset, want := range []int{0, 1, 0} {
		if got := simLevel(t, outputs, offset); got != want {
			t.Errorf("line %d level at start = %d, want %d (de-energised)", offset, got, want)
		}
	}
	if err := b.Set("esd-1", false); err != nil {
		t.Fatal(err)
	}
	if err := b.Set("run-lamp", true); err != nil {
		t.Fatal(err)
	}
	if got := simLevel(t, outputs, 1); got != 0 {
		t.Errorf("esd-1 energised: level %d, want 0 (active low)", got)
	}
	if got := simLevel(t, outputs, 2); got != 1 {
		t.Errorf("run-lamp active: level %d, want 1", got)
	}
	if err := b.Halt(); err != nil {
		t.Fatal(err)
	}
	// Halt releases the lines, so a second board can request them.
	again, err := Open(hwProfile(inputs), discardLog())
	if err != nil {
		t.Fatalf("Open after Halt: %v", err)
	}
	if err := again.Halt(); err != nil {
		t.Error(err)
	}
}

func TestHWBoardPulsedHornToggles(t *testing.T) {
	b, outputs, _ := openHW(t)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- b.Run(ctx) }()
	defer func() { cancel(); <-done }()

	if err := b.Set("horn", false); err != nil {
		t.Fatal(err)
	}
	if got := simLevel(t, outputs, 0); got != 1 {
		t.Fatalf("silent horn: level %d, want 1 (energised)", got)
	}
	if err := b.SetPattern("horn", alarm.Pulsed); err != nil {
		t.Fatal(err)
	}
	if err := b.Set("horn", true); err != nil {
		t.Fatal(err)
	}
	// Over 2.2 s a 1 Hz pulse changes level at least 4 times.
	changes, last := 0, simLevel(t, outputs, 0)
	for end := time.Now().Add(2200 * time.Millisecond); time.Now().Before(end); time.Sleep(20 * time.Millisecond) {
		if v := simLevel(t, outputs, 0); v != last {
			changes, last = changes+1, v
		}
	}
	if changes < 4 {
		t.Errorf("pulsed horn changed level %d times in 2.2 s, want at least 4", changes)
	}
	if err := b.SetPattern("horn", alarm.Steady); err != nil {
		t.Fatal(err)
	}
	time.Sleep(100 * time.Millisecond)
	if got := simLevel(t, outputs, 0); got != 0 {
		t.Errorf("steady horn: level %d, want 0 (de-energised, sounding)", got)
	}
}

func nextHWInput(t *testing.T, b *Board, step string) board.InputEvent {
	t.Helper()
	select {
	case e := <-b.Inputs():
		return e
	case <-time.After(5 * time.Second):
		t.Fatalf("%s: no input event within 5s", step)
	}
	return board.InputEvent{}
}

func TestHWBoardInputEvents(t *testing.T) {
	b, _, inputs := openHW(t)
	for _, name := range []string{"reset", "xv-101-closed"} {
		if e := nextHWInput(t, b, "start"); e.Name != name || e.Active || !e.Initial {
			t.Errorf("initial event %+v, want %s inactive and initial", e, name)
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- b.Run(ctx) }()
	defer func() { cancel(); <-done }()

	if err := inputs.Pulldown(0); err != nil {
		t.Fatal(err)
	}
	if e := nextHWInput(t, b, "press"); e.Name != "reset" || !e.Active || e.Initial {
		t.Errorf("press: %+v, want reset active", e)
	}
	if err := inputs.Pullup(0); err != nil {
		t.Fatal(err)
	}
	if e := nextHWInput(t, b, "release"); e.Name != "reset" || e.Active {
		t.Errorf("release: %+v, want reset inactive", e)
	}

	// A bounce shorter than the 50 ms debounce produces no event.
	start := time.Now()
	if err := inputs.Pulldown(0); err != nil {
		t.Fatal(err)
	}
	if err := inputs.Pullup(0); err != nil {
		t.Fatal(err)
	}
	bounce := time.Since(start)
	select {
	case e := <-b.Inputs():
		// NOTE: on a loaded host the two writes may be too far apart to
		// count as a bounce; the check is then skipped.
		if bounce < 25*time.Millisecond {
			t.Errorf("bounce of %v delivered %+v, want nothing", bounce, e)
		}
	case <-time.After(200 * time.Millisecond):
	}

	if err := inputs.Pullup(1); err != nil {
		t.Fatal(err)
	}
	if e := nextHWInput(t, b, "limit switch"); e.Name != "xv-101-closed" || !e.Active {
		t.Errorf("limit switch: %+v, want xv-101-closed active", e)
	}
	if g := b.Gaps(); g != 0 {
		t.Errorf("%d sequence gaps, want 0", g)
	}
}

func TestHWBoardUnknownLineFailsOpen(t *testing.T) {
	_, inputs := newSimChips(t)
	p := hwProfile(inputs)
	p.Outputs[0].LineRef = ref("PGW_NO_SUCH_LINE")
	_, err := Open(p, discardLog())
	if err == nil {
		t.Fatal("Open with an unknown line name succeeded")
	}
	if !strings.Contains(err.Error(), `output horn: line "PGW_NO_SUCH_LINE" not found`) {
		t.Errorf("error does not name the line: %v", err)
	}
	p = hwProfile(inputs)
	p.Inputs[1].LineRef = board.LineRef{Chip: inputs.ChipName(), Offset: 9}
	if _, err := Open(p, discardLog()); err == nil || !strings.Contains(err.Error(), "input xv-101-closed") {
		t.Errorf("Open with an offset past the chip's lines: %v", err)
	}
}
