package modbus

import (
	"testing"
	"time"

	"github.com/plantgw/plantgw/config"
	"github.com/plantgw/plantgw/record"
)

// A silent device with a fast and a slow poll group is declared lost when
// its fast group has missed for comm_loss_after, not at the slow group's
// first miss.
func TestSlowPollGroupDoesNotHastenCommLoss(t *testing.T) {
	const commLoss = 600 * time.Millisecond
	cfg := testBusConfig(1, 100*time.Millisecond, commLoss)
	slow := cfg.Points[0]
	slow.ID, slow.Poll = "A.firmware", config.Duration(time.Minute)
	cfg.Points = append(cfg.Points, slow)
	conn := &fakeConn{timeout: 20 * time.Millisecond, silent: map[uint8]bool{1: true}, reads: map[uint8]int{}}

	start := time.Now()
	_, sink := runPoller(t, cfg, conn, 1200*time.Millisecond)

	sink.mu.Lock()
	defer sink.mu.Unlock()
	var lostAt time.Time
	for _, e := range sink.events {
		if e.Kind == record.CommLost {
			lostAt = e.Time
		}
	}
	if lostAt.IsZero() {
		t.Fatal("no comm_lost within twice comm_loss_after")
	}
	// The fast group's next poll passes the deadline one period early.
	if d := lostAt.Sub(start); d < commLoss-150*time.Millisecond {
		t.Errorf("comm_lost %v after start, want about comm_loss_after (%v)", d.Round(time.Millisecond), commLoss)
	}
}

func TestLostCause(t *testing.T) {
	cases := []struct {
		err   *CommError
		cause record.Cause
		code  byte
	}{
		{&CommError{Cause: CommTimeout}, record.CauseTimeout, 0},
		{&CommError{Cause: CommTimeout, Code: 0x0B}, record.CauseException, 0x0B},
		{&CommError{Cause: CommCRC}, record.CauseCRC, 0},
		{&CommError{Cause: CommIO}, record.CauseNoConnection, 0},
		{nil, record.CauseTimeout, 0},
	}
	for _, c := range cases {
		if cause, code := lostCause(c.err); cause != c.cause || code != c.code {
			t.Errorf("%+v: %s %02X, want %s %02X", c.err, cause, code, c.cause, c.code)
		}
	}
}
