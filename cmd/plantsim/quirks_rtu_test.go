package main

import (
	"context"
	"slices"
	"testing"
	"time"
)

// newTestQuirks parses --quirk entries into a quirk set with seed 1.
func newTestQuirks(t *testing.T, entries ...string) *quirkSet {
	t.Helper()
	list, err := parseQuirks(entries)
	if err != nil {
		t.Fatalf("parseQuirks(%q): %v", entries, err)
	}
	return newQuirkSet(list, 1)
}

// startQuirkPTYSlave serves a plant in normal without noise on a new pty
// with the given quirks and returns the slave path.
func startQuirkPTYSlave(t *testing.T, quirks *quirkSet) string {
	t.Helper()
	line, err := openPTYLine()
	if err != nil {
		t.Fatalf("openPTYLine: %v", err)
	}
	slave := newRTUSlave(newTestPlant(t, "normal"), &rtuStats{})
	slave.quirks = quirks
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- slave.serve(ctx, line.port, line.path, discardLogger) }()
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("serve: %v", err)
			}
		case <-time.After(2 * time.Second):
			t.Error("serve did not stop within 2 s of cancel")
		}
		line.close()
	})
	return line.path
}

func TestRTUQuirksOverPTY(t *testing.T) {
	quirks := newTestQuirks(t, "rtu/1:max-registers=1", "rtu/2:short-reply=1", "rtu/3:busy=2",
		"rtu/4:crc-noise=1", "rtu/5:stray-bytes=1")
	tty := openClientTTY(t, startQuirkPTYSlave(t, quirks))

	t.Run("max-registers", func(t *testing.T) {
		reply := exchange(t, tty, appendCRC(mustHex(t, "01 04 00 00 00 02")), 5, time.Second)
		if want := appendCRC(mustHex(t, "01 84 03")); !slices.Equal(reply, want) {
			t.Errorf("read of 2 registers = % X, want % X", reply, want)
		}
		reply = exchange(t, tty, appendCRC(mustHex(t, "01 04 00 00 00 01")), 7, time.Second)
		if want := appendCRC(mustHex(t, "01 04 02 00 05")); !slices.Equal(reply, want) {
			t.Errorf("read of 1 register = % X, want % X", reply, want)
		}
		reply = exchange(t, tty, appendCRC(mustHex(t, "01 04 00 05 00 01")), 5, time.Second)
		if want := appendCRC(mustHex(t, "01 84 02")); !slices.Equal(reply, want) {
			t.Errorf("read of unmapped register = % X, want % X", reply, want)
		}
	})

	t.Run("short-reply", func(t *testing.T) {
		reply := exchange(t, tty, appendCRC(mustHex(t, "02 04 00 00 00 02")), 7, time.Second)
		if want := appendCRC(mustHex(t, "02 04 02 00 05")); !slices.Equal(reply, want) {
			t.Errorf("read of 2 registers = % X, want % X", reply, want)
		}
		if extra := exchange(t, tty, nil, 1, 100*time.Millisecond); len(extra) != 0 {
			t.Errorf("extra bytes % X after the short reply, want none", extra)
		}
	})

	t.Run("busy", func(t *testing.T) {
		request := appendCRC(mustHex(t, "03 04 00 00 00 02"))
		normal := appendCRC(mustHex(t, "03 04 04 00 05 00 00"))
		busy := appendCRC(mustHex(t, "03 84 06"))
		for i, want := range [][]byte{normal, busy, normal, busy} {
			if reply := exchange(t, tty, request, len(want), time.Second); !slices.Equal(reply, want) {
				t.Errorf("request %d: reply = % X, want % X", i+1, reply, want)
			}
		}
		if got := quirks.counters.busyReplies.Load(); got != 2 {
			t.Errorf("busy replies counted = %d, want 2", got)
		}
	})

	t.Run("crc-noise", func(t *testing.T) {
		reply := exchange(t, tty, appendCRC(mustHex(t, "04 04 00 00 00 02")), 9, time.Second)
		if len(reply) != 9 {
			t.Fatalf("reply = % X, want 9 bytes", reply)
		}
		if want := mustHex(t, "04 04 04 00 05 00 00"); !slices.Equal(reply[:7], want) {
			t.Errorf("reply data = % X, want % X", reply[:7], want)
		}
		if slices.Equal(appendCRC(slices.Clone(reply[:7])), reply) {
			t.Errorf("reply % X has a valid CRC, want a corrupted one", reply)
		}
		if got := quirks.counters.badCRCs.Load(); got != 1 {
			t.Errorf("corrupted CRCs counted = %d, want 1", got)
		}
	})

	t.Run("stray-bytes", func(t *testing.T) {
		// Up to 3 stray bytes and the 9-byte reply; stop at the deadline.
		reply := exchange(t, tty, appendCRC(mustHex(t, "05 04 00 00 00 02")), 13, 300*time.Millisecond)
		want := appendCRC(mustHex(t, "05 04 04 00 02 00 00"))
		stray := len(reply) - len(want)
		if stray < 1 || stray > 3 || !slices.Equal(reply[stray:], want) {
			t.Errorf("reply = % X, want 1 to 3 bytes followed by % X", reply, want)
		}
	})
}

func TestRTUQuirkDeadOverPTY(t *testing.T) {
	quirks := newTestQuirks(t, "rtu/1:dead")
	tty := openClientTTY(t, startQuirkPTYSlave(t, quirks))

	if reply := exchange(t, tty, appendCRC(mustHex(t, "01 04 00 00 00 02")), 1, 200*time.Millisecond); len(reply) != 0 {
		t.Errorf("dead unit 1 replied % X, want nothing within 200 ms", reply)
	}
	if got := quirks.counters.ignored.Load(); got != 1 {
		t.Errorf("ignored requests counted = %d, want 1", got)
	}
	want := appendCRC(mustHex(t, "02 04 04 00 05 00 00"))
	if reply := exchange(t, tty, appendCRC(mustHex(t, "02 04 00 00 00 02")), 9, time.Second); !slices.Equal(reply, want) {
		t.Errorf("unit 2 reply = % X, want % X", reply, want)
	}
}

func TestRTUQuirkLateOverPTY(t *testing.T) {
	quirks := newTestQuirks(t, "rtu/1:late=300ms")
	tty := openClientTTY(t, startQuirkPTYSlave(t, quirks))
	lateReply := appendCRC(mustHex(t, "01 04 04 00 05 00 00"))
	otherReply := appendCRC(mustHex(t, "02 04 04 00 05 00 00"))

	start := time.Now()
	if reply := exchange(t, tty, appendCRC(mustHex(t, "01 04 00 00 00 02")), 1, 100*time.Millisecond); len(reply) != 0 {
		t.Fatalf("late unit 1 replied % X within 100 ms, want nothing", reply)
	}
	// A master that timed out sends its next request, here to unit 2. Its
	// reply comes at once, and the late reply of unit 1 follows it.
	reply := exchange(t, tty, appendCRC(mustHex(t, "02 04 00 00 00 02")), len(otherReply), time.Second)
	if !slices.Equal(reply, otherReply) {
		t.Fatalf("unit 2 reply = % X, want % X", reply, otherReply)
	}
	reply = exchange(t, tty, nil, len(lateReply), time.Second)
	elapsed := time.Since(start)
	if !slices.Equal(reply, lateReply) {
		t.Fatalf("late reply = % X, want % X", reply, lateReply)
	}
	if elapsed < 300*time.Millisecond {
		t.Errorf("late reply arrived after %v, want at least 300 ms", elapsed)
	}
	if got := quirks.counters.lateReplies.Load(); got != 1 {
		t.Errorf("late replies counted = %d, want 1", got)
	}
}
