package modbus

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/plantgw/plantgw/config"
	"github.com/plantgw/plantgw/record"
)

// tableConn serves holding registers from image, starting at address 0,
// or times out every read while silent is set.
type tableConn struct {
	noWrites
	mu     sync.Mutex
	image  []uint16
	silent bool
}

func (c *tableConn) ReadRegisters(_ context.Context, _ uint8, _ config.Table, addr, count uint16) ([]uint16, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.silent {
		return nil, &CommError{Cause: CommTimeout, Err: errors.New("request timed out")}
	}
	if int(addr)+int(count) > len(c.image) {
		return nil, &CommError{Cause: CommException, Code: 0x02, Err: errors.New("illegal data address")}
	}
	return append([]uint16(nil), c.image[addr:addr+count]...), nil
}

func (c *tableConn) ReadBits(context.Context, uint8, config.Table, uint16, uint16) ([]bool, error) {
	return nil, errors.New("not used")
}

func (c *tableConn) Close() error { return nil }

// textBusConfig is device A with a 4-register firmware string at holding
// wire address 0 and an int16 level at address 4, so both come in one read.
func textBusConfig() *config.Config {
	cfg := testBusConfig(1, 50*time.Millisecond, 200*time.Millisecond)
	firmwareAt, levelAt, length := 0, 4, 4
	cfg.Points = []config.Point{
		{ID: "A.firmware", Device: "A", Type: config.TextType, Length: &length, ByteOrder: "AB",
			Register: config.Register{Table: "holding", WireAddr: &firmwareAt}},
		{ID: "A.level", Device: "A", Type: "int16", ByteOrder: "ABCD",
			Register: config.Register{Table: "holding", WireAddr: &levelAt}},
	}
	return cfg
}

func lastSample(t *testing.T, sink *collectSink, point string) record.Sample {
	t.Helper()
	sink.mu.Lock()
	defer sink.mu.Unlock()
	for i := len(sink.samples) - 1; i >= 0; i-- {
		if sink.samples[i].Point == point {
			return sink.samples[i]
		}
	}
	t.Fatalf("no sample of %s", point)
	return record.Sample{}
}

func TestPollerReadsText(t *testing.T) {
	// "V2.1.7" padded with NULs, then the level 1234.
	conn := &tableConn{image: []uint16{0x5632, 0x2E31, 0x2E37, 0x0000, 1234}}
	p, sink := runPoller(t, textBusConfig(), conn, 80*time.Millisecond)

	if n := len(p.devices[0].blocks); n != 1 {
		t.Errorf("reads = %d, want one read of string and level", n)
	}
	s := lastSample(t, sink, "A.firmware")
	if !s.IsText || s.Text != "V2.1.7" || s.Quality != record.Good {
		t.Errorf("firmware sample = %+v; want good text V2.1.7", s)
	}
	if len(s.Raw) != 4 {
		t.Errorf("firmware raw registers = %04X, want the 4 read", s.Raw)
	}
	if level := lastSample(t, sink, "A.level"); level.IsText || level.Value != 1234 {
		t.Errorf("level sample = %+v; want the number 1234", level)
	}
}

func TestPollerNonPrintableTextIsBad(t *testing.T) {
	conn := &tableConn{image: []uint16{0xFFFF, 0xFFFF, 0xFFFF, 0xFFFF, 1}}
	_, sink := runPoller(t, textBusConfig(), conn, 80*time.Millisecond)
	s := lastSample(t, sink, "A.firmware")
	if !s.IsText || s.Quality != record.Bad || s.Cause != record.CauseInvalidText || s.Text != "" {
		t.Errorf("erased firmware registers gave %+v; want bad/invalid_text without text", s)
	}
}

func TestPollerCommLossMarksTextSample(t *testing.T) {
	conn := &tableConn{silent: true}
	_, sink := runPoller(t, textBusConfig(), conn, 500*time.Millisecond)
	s := lastSample(t, sink, "A.firmware")
	if !s.IsText || s.Quality != record.Bad || s.Cause != record.CauseCommLost {
		t.Errorf("lost device gave %+v; want a bad/comm_lost text sample", s)
	}
}
