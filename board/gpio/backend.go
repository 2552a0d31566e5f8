package gpio

import (
	"errors"
	"fmt"
	"time"

	"github.com/warthog618/go-gpiocdev"

	"github.com/plantgw/plantgw/board"
)

// backend is the part of the GPIO character device the board uses, so
// that unit tests can replace it.
type backend interface {
	// resolve returns the chip name and offset of a line reference.
	resolve(ref board.LineRef) (chip string, offset int, err error)
	// requestOutputs requests the lines of one chip as outputs with the
	// given initial levels, in one request.
	requestOutputs(chip string, offsets, levels []int, consumer string) (outputLines, error)
	// requestInput requests one input line with edge events on both
	// edges; handler runs on the backend's goroutine for each event.
	requestInput(chip string, offset int, in board.InputLine, consumer string, handler func(edge)) (inputLine, error)
}

type outputLines interface {
	SetValues(levels []int) error
	Close() error
}

type inputLine interface {
	Value() (int, error)
	Close() error
}

// edge is one line event as the kernel reported it.
type edge struct {
	rising bool
	// seqno counts the events of the request and lineSeqno those of the
	// line; a step of more than one means the kernel's buffer overflowed.
	seqno, lineSeqno uint32
	time             time.Time
}

// cdev is the backend of the real GPIO character device.
type cdev struct{}

func (cdev) resolve(ref board.LineRef) (string, int, error) {
	if ref.Line != "" && ref.Chip == "" {
		chip, offset, err := gpiocdev.FindLine(ref.Line)
		if errors.Is(err, gpiocdev.ErrNotFound) {
			return "", 0, fmt.Errorf("line %q not found on any GPIO chip", ref.Line)
		}
		return chip, offset, err
	}
	c, err := gpiocdev.NewChip(ref.Chip)
	if err != nil {
		return "", 0, fmt.Errorf("GPIO chip %s not found: %w", ref.Chip, err)
	}
	defer c.Close()
	if ref.Line != "" {
		offset, err := c.FindLine(ref.Line)
		if err != nil {
			return "", 0, fmt.Errorf("line %q not found on %s", ref.Line, ref.Chip)
		}
		return c.Name, offset, nil
	}
	if ref.Offset >= c.Lines() {
		return "", 0, fmt.Errorf("%s has no line at offset %d (it has %d lines)", ref.Chip, ref.Offset, c.Lines())
	}
	return c.Name, ref.Offset, nil
}

func (cdev) requestOutputs(chip string, offsets, levels []int, consumer string) (outputLines, error) {
	return gpiocdev.RequestLines(chip, offsets, gpiocdev.AsOutput(levels...), gpiocdev.WithConsumer(consumer))
}

func (cdev) requestInput(chip string, offset int, in board.InputLine, consumer string, handler func(edge)) (inputLine, error) {
	opts := []gpiocdev.LineReqOption{gpiocdev.AsInput, gpiocdev.WithBothEdges, gpiocdev.WithConsumer(consumer),
		gpiocdev.WithEventHandler(func(e gpiocdev.LineEvent) {
			handler(edge{rising: e.Type == gpiocdev.LineEventRisingEdge, seqno: e.Seqno, lineSeqno: e.LineSeqno, time: time.Now()})
		})}
	if in.Debounce > 0 {
		opts = append(opts, gpiocdev.WithDebounce(in.Debounce))
	}
	switch in.Bias {
	case "pull-up":
		opts = append(opts, gpiocdev.WithPullUp)
	case "pull-down":
		opts = append(opts, gpiocdev.WithPullDown)
	case "disabled":
		opts = append(opts, gpiocdev.WithBiasDisabled)
	}
	return gpiocdev.RequestLine(chip, offset, opts...)
}
