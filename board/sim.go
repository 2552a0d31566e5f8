package board

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/plantgw/plantgw/alarm"
)

// Sim is a simulated board: outputs are kept in memory, every change is
// logged, and a status file mirrors them for tests and installers.
type Sim struct {
	mu         sync.Mutex
	outputs    map[string]*output
	statusFile string
	log        *slog.Logger
	// dirty wakes the status writer; one pending wake is enough.
	dirty chan struct{}
	// inputFile is the control file or FIFO that Run reads button presses
	// from; empty means none.
	inputFile string
	inputs    *InputQueue
}

type output struct {
	Active    bool      `json:"active"`
	Energised bool      `json:"energised"`
	Changed   time.Time `json:"changed"`
	// Pattern is the rhythm of an active horn or lamp: steady, pulsed
	// or slow-pulse.
	Pattern string `json:"pattern,omitempty"`
}

var (
	_ InputBoard      = (*Sim)(nil)
	_ alarm.Patterned = (*Sim)(nil)
)

// NewSim returns a simulated board with the named outputs, all
// de-energised (tripped).
func NewSim(names []string, statusFile string, log *slog.Logger) *Sim {
	s := &Sim{outputs: map[string]*output{}, statusFile: statusFile, log: log, dirty: make(chan struct{}, 1),
		inputs: NewInputQueue(log)}
	now := time.Now()
	for _, n := range names {
		s.outputs[n] = &output{Active: true, Energised: false, Changed: now}
	}
	s.markDirty()
	return s
}

// Names lists the outputs.
func (s *Sim) Names() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return sortedNames(s.outputs)
}

// Set drives an output; active de-energises it.
func (s *Sim) Set(name string, active bool) error {
	s.mu.Lock()
	o, ok := s.outputs[name]
	if !ok {
		s.mu.Unlock()
		return fmt.Errorf("set output %q: no such output on board sim", name)
	}
	changed := o.Active != active
	o.Active, o.Energised = active, !active
	if !active {
		// A pattern describes an active output only.
		o.Pattern = ""
	}
	if changed {
		o.Changed = time.Now()
	}
	s.mu.Unlock()
	if changed {
		s.log.Info("output changed", "output", name, "active", active, "energised", !active)
		s.markDirty()
	}
	return nil
}

// SetPattern sets how an output is driven while active. The simulated
// board records it in the status file.
func (s *Sim) SetPattern(name string, p alarm.Pattern) error {
	s.mu.Lock()
	o, ok := s.outputs[name]
	if !ok {
		s.mu.Unlock()
		return fmt.Errorf("set pattern of %q: no such output on board sim", name)
	}
	changed := o.Pattern != p.String()
	o.Pattern = p.String()
	s.mu.Unlock()
	if changed {
		s.markDirty()
	}
	return nil
}

// State returns a copy of the outputs' states, keyed by name; true is
// active.
func (s *Sim) State() map[string]bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make(map[string]bool, len(s.outputs))
	for n, o := range s.outputs {
		out[n] = o.Active
	}
	return out
}

// Halt de-energises every output and writes the status file once more.
func (s *Sim) Halt() error {
	for _, n := range s.Names() {
		if err := s.Set(n, true); err != nil {
			return fmt.Errorf("halt: %w", err)
		}
	}
	return s.writeStatus()
}

func (s *Sim) markDirty() {
	select {
	case s.dirty <- struct{}{}:
	default:
	}
}

// Run writes the status file after each change until ctx ends. With an
// input file, it also reads button presses from it (see watchInputFile).
func (s *Sim) Run(ctx context.Context) error {
	if s.inputFile != "" {
		done := make(chan struct{})
		defer func() { <-done }()
		go func() {
			defer close(done)
			s.watchInputFile(ctx)
		}()
	}
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-s.dirty:
			if err := s.writeStatus(); err != nil {
				s.log.Warn("status file not written", "path", s.statusFile, "err", err)
			}
		}
	}
}

type statusDoc struct {
	Profile string             `json:"profile"`
	Updated time.Time          `json:"updated"`
	Outputs map[string]*output `json:"outputs"`
}

// writeStatus replaces the status file atomically: temp file, then rename.
func (s *Sim) writeStatus() error {
	if s.statusFile == "" {
		return nil
	}
	s.mu.Lock()
	doc := statusDoc{Profile: "sim", Updated: time.Now(), Outputs: map[string]*output{}}
	for n, o := range s.outputs {
		c := *o
		doc.Outputs[n] = &c
	}
	s.mu.Unlock()
	data, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		return fmt.Errorf("encode status: %w", err)
	}
	dir := filepath.Dir(s.statusFile)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("create status dir: %w", err)
	}
	tmp, err := os.CreateTemp(dir, ".outputs-*.json")
	if err != nil {
		return fmt.Errorf("create status file: %w", err)
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return fmt.Errorf("write status file: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("close status file: %w", err)
	}
	if err := os.Rename(tmp.Name(), s.statusFile); err != nil {
		return fmt.Errorf("replace status file: %w", err)
	}
	return nil
}
