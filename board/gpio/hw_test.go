//go:build hwtest

// These tests need the kernel's gpio-sim module and configfs mounted, and
// run inside the QEMU guest that scripts/hwtest/run.sh boots. They exercise
// the GPIO character device through go-gpiocdev and do not depend on this
// package's code.

package gpio_test

import (
	"testing"
	"time"

	"github.com/warthog618/go-gpiocdev"
	"github.com/warthog618/go-gpiosim"
)

// Offsets of the simulated output chip's lines, named as on a gateway.
const (
	hornLine   = 0
	beaconLine = 1
	esd1Line   = 2
	esd2Line   = 3
)

// Offsets of the simulated input chip's lines.
const (
	resetLine   = 0
	silenceLine = 1
)

// newBoard creates a simulator with an output chip and an input chip and
// removes it when the test ends.
func newBoard(t *testing.T) (outputs, inputs *gpiosim.Chip) {
	t.Helper()
	sim, err := gpiosim.NewSim(
		gpiosim.WithBank(gpiosim.NewBank("hwtest-outputs", 4,
			gpiosim.WithNamedLine(hornLine, "HORN"),
			gpiosim.WithNamedLine(beaconLine, "BEACON"),
			gpiosim.WithNamedLine(esd1Line, "ESD_RELAY_1"),
			gpiosim.WithNamedLine(esd2Line, "ESD_RELAY_2"))),
		gpiosim.WithBank(gpiosim.NewBank("hwtest-inputs", 2,
			gpiosim.WithNamedLine(resetLine, "RESET_BUTTON"),
			gpiosim.WithNamedLine(silenceLine, "SILENCE_BUTTON"))),
	)
	if err != nil {
		t.Fatalf("create gpio-sim chips (is gpio-sim loaded and configfs mounted?): %v", err)
	}
	t.Cleanup(sim.Close)
	return &sim.Chips[0], &sim.Chips[1]
}

// checkLevels compares the levels gpio-sim reads on offsets with want.
func checkLevels(t *testing.T, chip *gpiosim.Chip, offsets, want []int) {
	t.Helper()
	for i, offset := range offsets {
		level, err := chip.Level(offset)
		if err != nil {
			t.Fatalf("read level of line %d: %v", offset, err)
		}
		if level != want[i] {
			t.Errorf("line %d level = %d, want %d", offset, level, want[i])
		}
	}
}

func TestHWOutputInitialValues(t *testing.T) {
	outputs, _ := newBoard(t)
	offsets := []int{hornLine, beaconLine, esd1Line, esd2Line}

	// AsOutput sets the initial values in the request itself, not in a
	// later SetValues call.
	lines, err := gpiocdev.RequestLines(outputs.DevPath(), offsets,
		gpiocdev.AsOutput(0, 1, 1, 0), gpiocdev.WithConsumer("hwtest"))
	if err != nil {
		t.Fatalf("request output lines: %v", err)
	}
	defer lines.Close()
	checkLevels(t, outputs, offsets, []int{0, 1, 1, 0})

	if err := lines.SetValues([]int{1, 0, 0, 1}); err != nil {
		t.Fatalf("set values: %v", err)
	}
	checkLevels(t, outputs, offsets, []int{1, 0, 0, 1})

	got := make([]int, len(offsets))
	if err := lines.Values(got); err != nil {
		t.Fatalf("read values back: %v", err)
	}
	for i, want := range []int{1, 0, 0, 1} {
		if got[i] != want {
			t.Errorf("line %d value read back = %d, want %d", offsets[i], got[i], want)
		}
	}

	infos, err := lines.Info()
	if err != nil {
		t.Fatalf("line info: %v", err)
	}
	for _, info := range infos {
		if !info.Used || info.Consumer != "hwtest" {
			t.Errorf("line %d: used %v by %q, want used by \"hwtest\"", info.Offset, info.Used, info.Consumer)
		}
		if info.Config.Direction != gpiocdev.LineDirectionOutput {
			t.Errorf("line %d direction = %v, want output", info.Offset, info.Config.Direction)
		}
	}
}

func TestHWLineNameLookup(t *testing.T) {
	outputs, inputs := newBoard(t)

	for _, c := range []struct {
		name   string
		chip   *gpiosim.Chip
		offset int
	}{
		{"ESD_RELAY_2", outputs, esd2Line},
		{"SILENCE_BUTTON", inputs, silenceLine},
	} {
		chipName, offset, err := gpiocdev.FindLine(c.name)
		if err != nil {
			t.Errorf("FindLine(%q): %v", c.name, err)
			continue
		}
		if chipName != c.chip.ChipName() || offset != c.offset {
			t.Errorf("FindLine(%q) = %s line %d, want %s line %d", c.name, chipName, offset, c.chip.ChipName(), c.offset)
		}

		chip, err := gpiocdev.NewChip(c.chip.ChipName())
		if err != nil {
			t.Fatalf("open %s: %v", c.chip.ChipName(), err)
		}
		info, err := chip.LineInfo(c.offset)
		chip.Close()
		if err != nil {
			t.Fatalf("line info of %s line %d: %v", c.chip.ChipName(), c.offset, err)
		}
		if info.Name != c.name {
			t.Errorf("%s line %d is named %q, want %q", c.chip.ChipName(), c.offset, info.Name, c.name)
		}
	}

	if _, _, err := gpiocdev.FindLine("NO_SUCH_LINE"); err != gpiocdev.ErrNotFound {
		t.Errorf("FindLine of a missing name: err = %v, want ErrNotFound", err)
	}
}

func TestHWInputEdgeEvents(t *testing.T) {
	_, inputs := newBoard(t)
	const debounce = 100 * time.Millisecond
	if err := inputs.Pulldown(resetLine); err != nil {
		t.Fatalf("pull reset line down: %v", err)
	}

	events := make(chan gpiocdev.LineEvent, 16)
	line, err := gpiocdev.RequestLine(inputs.DevPath(), resetLine, gpiocdev.AsInput,
		gpiocdev.WithBothEdges, gpiocdev.WithDebounce(debounce),
		gpiocdev.WithEventHandler(func(e gpiocdev.LineEvent) { events <- e }))
	if err != nil {
		t.Fatalf("request input line with edge events: %v", err)
	}
	defer line.Close()

	info, err := line.Info()
	if err != nil {
		t.Fatalf("line info: %v", err)
	}
	if !info.Config.Debounced || info.Config.DebouncePeriod != debounce {
		t.Errorf("debounce = %v, %v; want true, %v", info.Config.Debounced, info.Config.DebouncePeriod, debounce)
	}

	// expectEvent waits for one event after the simulated input changed.
	expectEvent := func(step string, typ gpiocdev.LineEventType, seqno uint32, value int) {
		t.Helper()
		select {
		case e := <-events:
			if e.Type != typ || e.Offset != resetLine || e.Seqno != seqno || e.LineSeqno != seqno {
				t.Errorf("%s: event %v on line %d seqno %d/%d, want %v on line %d seqno %d",
					step, e.Type, e.Offset, e.Seqno, e.LineSeqno, typ, resetLine, seqno)
			}
		case <-time.After(5 * time.Second):
			t.Fatalf("%s: no event within 5s", step)
		}
		if v, err := line.Value(); err != nil || v != value {
			t.Errorf("%s: value = %d, %v; want %d", step, v, err, value)
		}
	}

	if err := inputs.Pullup(resetLine); err != nil {
		t.Fatal(err)
	}
	expectEvent("press", gpiocdev.LineEventRisingEdge, 1, 1)
	if err := inputs.Pulldown(resetLine); err != nil {
		t.Fatal(err)
	}
	expectEvent("release", gpiocdev.LineEventFallingEdge, 2, 0)

	// A bounce shorter than the debounce period leaves the line where it
	// was, so the kernel reports nothing.
	start := time.Now()
	if err := inputs.Pullup(resetLine); err != nil {
		t.Fatal(err)
	}
	if err := inputs.Pulldown(resetLine); err != nil {
		t.Fatal(err)
	}
	bounce := time.Since(start)
	// NOTE: under heavy host load the two writes may be too far apart to
	// count as a bounce; the filtering check is then skipped.
	checked := bounce < debounce/2
	select {
	case e := <-events:
		if checked {
			t.Errorf("bounce of %v: got event %v seqno %d, want none", bounce, e.Type, e.Seqno)
		}
	case <-time.After(3 * debounce):
	}
	if !checked {
		t.Logf("bounce took %v, too close to the debounce period %v to check filtering", bounce, debounce)
		time.Sleep(3 * debounce)
		for len(events) > 0 {
			<-events
		}
	}

	if err := inputs.Pullup(resetLine); err != nil {
		t.Fatal(err)
	}
	select {
	case e := <-events:
		if e.Type != gpiocdev.LineEventRisingEdge {
			t.Errorf("press after bounce: event %v, want rising edge", e.Type)
		}
		// Sequence numbers count delivered events only.
		if checked && e.Seqno != 3 {
			t.Errorf("press after bounce: seqno %d, want 3", e.Seqno)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("press after bounce: no event within 5s")
	}
}
