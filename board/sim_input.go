package board

import (
	"bufio"
	"context"
	"errors"
	"io"
	"os"
	"regexp"
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
