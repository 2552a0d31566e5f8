package board

import (
	"bufio"
	"context"
	"errors"
	"io"
	"os"
	"regexp"
	"slices"
	"strings"
	"syscall"
	"time"
)

// simInputNames are the inputs of the simulated board: the operator's
// buttons. A line "NAME on" or "NAME off" in the input file drives any
// other input name.
var simInputNames = []string{InputAcknowledge, InputReset, InputSilence}

// Inputs returns the queue of input events read from the input file.
func (s *Sim) Inputs() <-chan InputEvent { return s.inputs.C() }

// InputNames lists the simulated buttons.
func (s *Sim) InputNames() []string { return append([]string(nil), simInputNames...) }

// inputFilePoll is how often a regular input file is checked for new
// lines.
const inputFilePoll = 100 * time.Millisecond

// watchInputFile reads commands from the input file until ctx ends, one
// per line:
//
//	reset | silence | acknowledge     press and release that button
//	NAME on | NAME off                set input NAME active or inactive
//
// Any other line, such as a misspelled button, is logged as a warning and
// ignored.
//
// A FIFO is read as written. A regular file is followed like tail -f from
// its size at start, so lines written before the gateway started are not
// replayed; append to it (echo reset >> FILE). A file that gets shorter
// than what was read is read again from its start. A missing file is
// created empty.
func (s *Sim) watchInputFile(ctx context.Context) {
	info, err := os.Stat(s.inputFile)
	if errors.Is(err, os.ErrNotExist) {
		if err := os.WriteFile(s.inputFile, nil, 0o644); err != nil {
			s.log.Error("input file not created; simulated buttons are off", "path", s.inputFile, "err", err)
			return
		}
		info, err = os.Stat(s.inputFile)
	}
	if err != nil {
		s.log.Error("input file not readable; simulated buttons are off", "path", s.inputFile, "err", err)
		return
	}
	s.log.Info("reading simulated button presses", "path", s.inputFile)
	if info.Mode()&os.ModeNamedPipe != 0 {
		s.readInputFIFO(ctx)
		return
	}
	s.followInputFile(ctx, info.Size())
}

// readInputFIFO opens the FIFO for reading and writing, so that a writer
// closing it causes no end of file, and reads it until ctx ends.
func (s *Sim) readInputFIFO(ctx context.Context) {
	f, err := os.OpenFile(s.inputFile, os.O_RDWR, 0)
	if err != nil {
		s.log.Error("input FIFO not opened; simulated buttons are off", "path", s.inputFile, "err", err)
		return
	}
	stop := context.AfterFunc(ctx, func() { f.Close() })
	defer stop()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		s.inputCommand(sc.Text())
	}
	if err := sc.Err(); err != nil && ctx.Err() == nil {
		s.log.Error("input FIFO read failed; simulated buttons are off", "path", s.inputFile, "err", err)
	}
	f.Close()
}

// followInputFile reads the lines appended to a regular file after offset.
// A file that shrinks is read again from its start.
// NOTE: a file rewritten with more bytes than were read between two polls
// is not noticed, as with tail -f; writers should append.
func (s *Sim) followInputFile(ctx context.Context, offset int64) {
	t := time.NewTicker(inputFilePoll)
	defer t.Stop()
	var partial string
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		data, size, err := readFrom(s.inputFile, offset)
		if err != nil {
			if !errors.Is(err, syscall.ENOENT) {
				s.log.Warn("input file not read", "path", s.inputFile, "err", err)
			}
			continue
		}
		if size < offset {
			offset, partial = 0, ""
			continue
		}
		offset += int64(len(data))
		lines := strings.Split(partial+string(data), "\n")
		partial = lines[len(lines)-1]
		for _, line := range lines[:len(lines)-1] {
			s.inputCommand(line)
		}
	}
}

// readFrom returns the bytes of path after offset and the file's size.
func readFrom(path string, offset int64) ([]byte, int64, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, 0, err
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return nil, 0, err
	}
	if info.Size() <= offset {
		return nil, info.Size(), nil
	}
	data, err := io.ReadAll(io.NewSectionReader(f, offset, info.Size()-offset))
	return data, info.Size(), err
}

var simInputName = regexp.MustCompile(`^[a-z0-9][a-z0-9_.-]{0,63}$`)

// inputCommand turns one line of the input file into input events.
func (s *Sim) inputCommand(line string) {
	fields := strings.Fields(line)
	if len(fields) == 0 || strings.HasPrefix(fields[0], "#") {
		return
	}
	name := strings.ToLower(fields[0])
	if !simInputName.MatchString(name) {
		s.log.Warn("input file line ignored: invalid input name", "line", line)
		return
	}
	now := time.Now()
	switch {
	case len(fields) == 1 && !slices.Contains(simInputNames, name):
		// A bare word is a button press, so a misspelled button such as
		// "rest" would otherwise press an input nothing listens to.
		s.warnNotButton(line, name)
	case len(fields) == 1:
		// A press is a press and a release, as a real button gives.
		s.log.Info("simulated button pressed", "input", name)
		s.inputs.Send(InputEvent{Name: name, Active: true, Time: now})
		s.inputs.Send(InputEvent{Name: name, Active: false, Time: now})
	case len(fields) == 2 && (fields[1] == "on" || fields[1] == "off"):
		active := fields[1] == "on"
		s.log.Info("simulated input changed", "input", name, "active", active)
		s.inputs.Send(InputEvent{Name: name, Active: active, Time: now})
	default:
		s.log.Warn("input file line ignored; write a button name (reset, silence, acknowledge) or NAME on|off", "line", line)
	}
}

// warnNotButton logs a bare word of the input file that names no button,
// with the button it is a misspelling of, if any.
func (s *Sim) warnNotButton(line, word string) {
	attrs := []any{"line", line}
	if button := closestButton(word); button != "" {
		attrs = append(attrs, "did_you_mean", button)
	}
	s.log.Warn("input file line ignored: not a button; the buttons are acknowledge, reset and silence, and other inputs take NAME on or NAME off", attrs...)
}

// closestButton returns the button name at most two single-letter edits
// from word, or "" when there is none.
func closestButton(word string) string {
	best, bestDistance := "", 3
	for _, name := range simInputNames {
		if d := editDistance(word, name); d < bestDistance {
			best, bestDistance = name, d
		}
	}
	return best
}

// editDistance is the Levenshtein distance between a and b, counted in
// bytes: input names are ASCII.
func editDistance(a, b string) int {
	previous := make([]int, len(b)+1)
	for j := range previous {
		previous[j] = j
	}
	for i := 1; i <= len(a); i++ {
		current := make([]int, len(b)+1)
		current[0] = i
		for j := 1; j <= len(b); j++ {
			substitution := previous[j-1]
			if a[i-1] != b[j-1] {
				substitution++
			}
			current[j] = min(previous[j]+1, current[j-1]+1, substitution)
		}
		previous = current
	}
	return previous[len(b)]
}
