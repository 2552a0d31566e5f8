package modbus

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/plantgw/plantgw/drivers/modbus/wire"
)

// countingConn is a fakeConn that reports fixed line counters.
type countingConn struct {
	fakeConn
	counts wire.Counts
}

func (c *countingConn) Stats() wire.Counts { return c.counts }

func (c *countingConn) UnitStats(unit uint8) wire.UnitCounts {
	if unit == 1 {
		return wire.UnitCounts{Requests: 9, Damaged: 1}
	}
	return wire.UnitCounts{}
}

func TestPollerLogsLineCountersAtStop(t *testing.T) {
	cfg := testBusConfig(1, 100*time.Millisecond, 5*time.Second)
	conn := &countingConn{fakeConn: fakeConn{reads: map[uint8]int{}}, counts: wire.Counts{Requests: 9, Replies: 7, Damaged: 1, StrayBytes: 13}}
	var out bytes.Buffer
	p, err := NewPoller(cfg, cfg.Buses[0], conn, &collectSink{}, realClock)
	if err != nil {
		t.Fatal(err)
	}
	p.SetLogger(slog.New(slog.NewTextHandler(&out, nil)))
	ctx, cancel := context.WithTimeout(context.Background(), 150*time.Millisecond)
	defer cancel()
	p.Run(ctx)
	line := out.String()
	for _, want := range []string{"line counters", "bus=b", "crc_errors=1", "stray_bytes=13", "requests=9",
		"device counters", "device=A", "unit=1"} {
		if !strings.Contains(line, want) {
			t.Errorf("log %q lacks %q", line, want)
		}
	}
	if got := p.LineCounts(); got != conn.counts {
		t.Errorf("LineCounts = %+v", got)
	}
}
