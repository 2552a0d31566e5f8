package board

import (
	"bytes"
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// nextInput waits for one input event.
func nextInput(t *testing.T, s *Sim) InputEvent {
	t.Helper()
	select {
	case e := <-s.Inputs():
		return e
	case <-time.After(3 * time.Second):
		t.Fatal("no input event within 3s")
	}
	return InputEvent{}
}

func runSim(t *testing.T, s *Sim) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Error(err)
		}
	})
}

func TestSimInputFilePressesButtons(t *testing.T) {
	path := filepath.Join(t.TempDir(), "buttons")
	// A line written before the start is not replayed.
	if err := os.WriteFile(path, []byte("reset\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	s, err := Open("sim", "", path, discardLog())
	if err != nil {
		t.Fatal(err)
	}
	runSim(t, s)
	time.Sleep(3 * inputFilePoll)

	f, err := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	// "rest" is a misspelled reset: ignored, so silence comes first.
	if _, err := f.WriteString("rest\nsilence\nxv-101-closed on\n"); err != nil {
		t.Fatal(err)
	}
	for _, want := range []InputEvent{{Name: "silence", Active: true}, {Name: "silence", Active: false}, {Name: "xv-101-closed", Active: true}} {
		if e := nextInput(t, s); e.Name != want.Name || e.Active != want.Active {
			t.Errorf("event %s active %v, want %s active %v", e.Name, e.Active, want.Name, want.Active)
		}
	}
	// An emptied file is read again from its start.
	if err := os.WriteFile(path, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	time.Sleep(3 * inputFilePoll)
	if err := os.WriteFile(path, []byte("acknowledge\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if e := nextInput(t, s); e.Name != InputAcknowledge || !e.Active {
		t.Errorf("event %s active %v after the file was emptied, want acknowledge pressed", e.Name, e.Active)
	}
}

func TestSimInputFIFO(t *testing.T) {
	path := filepath.Join(t.TempDir(), "buttons.fifo")
	if err := syscall.Mkfifo(path, 0o600); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
	s, err := Open("sim", "", path, discardLog())
	if err != nil {
		t.Fatal(err)
	}
	runSim(t, s)
	f, err := os.OpenFile(path, os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.WriteString("reset\n"); err != nil {
		t.Fatal(err)
	}
	f.Close()
	if e := nextInput(t, s); e.Name != InputReset || !e.Active {
		t.Errorf("event %s active %v, want reset pressed", e.Name, e.Active)
	}
}

func TestInputQueueCountsDrops(t *testing.T) {
	q := NewInputQueue(discardLog())
	for range InputQueueSize + 3 {
		q.Send(InputEvent{Name: "reset", Active: true})
	}
	if got := q.Dropped(); got != 3 {
		t.Errorf("Dropped = %d, want 3", got)
	}
	<-q.C()
	q.Send(InputEvent{Name: "silence", Active: true})
	for range InputQueueSize - 1 {
		<-q.C()
	}
	if e := <-q.C(); e.Name != "silence" || e.Dropped != 3 {
		t.Errorf("next event %s with Dropped %d, want silence with 3", e.Name, e.Dropped)
	}
}

// A bare word that is not a button is logged and ignored, so a typo
// presses nothing; NAME on|off still drives any input.
func TestSimInputIgnoresUnknownWords(t *testing.T) {
	var logged bytes.Buffer
	s := NewSim(simOutputs, "", slog.New(slog.NewTextHandler(&logged, nil)))
	cases := []struct {
		line       string
		didYouMean string
	}{
		{"rest", "did_you_mean=reset"},
		{"Silense", "did_you_mean=silence"},
		{"xv-101-closed", ""},
	}
	for _, c := range cases {
		logged.Reset()
		s.inputCommand(c.line)
		select {
		case e := <-s.Inputs():
			t.Errorf("line %q sent input event %s active %v; want none", c.line, e.Name, e.Active)
		default:
		}
		text := logged.String()
		for _, want := range []string{"level=WARN", "not a button", "acknowledge, reset and silence", "line=" + c.line} {
			if !strings.Contains(text, want) {
				t.Errorf("log of line %q lacks %q:\n%s", c.line, want, text)
			}
		}
		if c.didYouMean != "" && !strings.Contains(text, c.didYouMean) {
			t.Errorf("log of line %q lacks %q:\n%s", c.line, c.didYouMean, text)
		}
		if c.didYouMean == "" && strings.Contains(text, "did_you_mean") {
			t.Errorf("log of line %q suggests a button:\n%s", c.line, text)
		}
	}

	s.inputCommand("reset")
	s.inputCommand("xv-101-closed on")
	for _, want := range []InputEvent{{Name: "reset", Active: true}, {Name: "reset", Active: false}, {Name: "xv-101-closed", Active: true}} {
		if e := nextInput(t, s); e.Name != want.Name || e.Active != want.Active {
			t.Errorf("event %s active %v, want %s active %v", e.Name, e.Active, want.Name, want.Active)
		}
	}
}

func TestEditDistance(t *testing.T) {
	cases := []struct {
		a, b string
		want int
	}{
		{"rest", "reset", 1},
		{"reset", "reset", 0},
		{"", "ack", 3},
		{"silense", "silence", 1},
		{"acknowlegde", "acknowledge", 2},
	}
	for _, c := range cases {
		if got := editDistance(c.a, c.b); got != c.want {
			t.Errorf("editDistance(%q, %q) = %d, want %d", c.a, c.b, got, c.want)
		}
	}
}
