package main

import (
	"context"
	"errors"
	"io"
	"net"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/simonvetter/modbus"

	"github.com/plantgw/plantgw/internal/testenv"
)

// startQuirkTCPServer serves a plant in normal without noise with the given
// quirks on a free loopback port and returns its address.
func startQuirkTCPServer(t *testing.T, quirks *quirkSet) string {
	t.Helper()
	server, addr, err := startTCPServer(t.Context(), newTestPlant(t, "normal"), quirks, "127.0.0.1:0", discardLogger)
	if err != nil {
		t.Fatalf("startTCPServer: %v", err)
	}
	t.Cleanup(func() { server.Stop() })
	return addr
}

func TestTCPQuirkBusy(t *testing.T) {
	quirks := newTestQuirks(t, "tcp/3:busy=2")
	client := newTestClient(t, startQuirkTCPServer(t, quirks), 3)

	for i := 1; i <= 4; i++ {
		temp, err := client.ReadRegister(0, modbus.INPUT_REGISTER)
		if i%2 == 0 {
			if !errors.Is(err, modbus.ErrServerDeviceBusy) {
				t.Errorf("request %d: error %v, want %v", i, err, modbus.ErrServerDeviceBusy)
			}
			continue
		}
		if err != nil || temp != 0xFFDD {
			t.Errorf("request %d: TT-301 input 0 = 0x%04X, %v; want 0xFFDD", i, temp, err)
		}
	}
	if got := quirks.counters.busyReplies.Load(); got != 2 {
		t.Errorf("busy replies counted = %d, want 2", got)
	}
}

func TestTCPQuirkMaxRegisters(t *testing.T) {
	quirks := newTestQuirks(t, "tcp/4:max-registers=4")
	client := newTestClient(t, startQuirkTCPServer(t, quirks), 4)

	if _, err := client.ReadRegisters(0, 8, modbus.INPUT_REGISTER); !errors.Is(err, modbus.ErrIllegalDataValue) {
		t.Errorf("read of 8 registers: error %v, want %v", err, modbus.ErrIllegalDataValue)
	}
	channels, err := client.ReadRegisters(0, 4, modbus.INPUT_REGISTER)
	if want := []uint16{7500, 0, 0, 0}; err != nil || !slices.Equal(channels, want) {
		t.Errorf("read of 4 registers = %v, %v; want %v", channels, err, want)
	}
	if _, err := client.ReadRegisters(6, 4, modbus.INPUT_REGISTER); !errors.Is(err, modbus.ErrIllegalDataAddress) {
		t.Errorf("read of unmapped registers: error %v, want %v", err, modbus.ErrIllegalDataAddress)
	}
}

func TestTCPQuirkSlowAndDead(t *testing.T) {
	quirks := newTestQuirks(t, "tcp/1:slow=200ms", "tcp/2:dead")
	addr := startQuirkTCPServer(t, quirks)

	client := newTestClient(t, addr, 1)
	start := time.Now()
	if _, err := client.ReadRegisters(0, 2, modbus.HOLDING_REGISTER); err != nil {
		t.Errorf("slow LT-301 read: %v", err)
	}
	if elapsed := time.Since(start); elapsed < 200*time.Millisecond {
		t.Errorf("slow reply after %v, want at least 200 ms", elapsed)
	}

	dead := newTestClient(t, addr, 2)
	start = time.Now()
	if _, err := dead.ReadRegisters(0, 2, modbus.HOLDING_REGISTER); !errors.Is(err, modbus.ErrRequestTimedOut) {
		t.Errorf("dead LT-302 read: error %v after %v, want %v", err, time.Since(start), modbus.ErrRequestTimedOut)
	}
}

func TestRunReportsQuirks(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var stdout, stderr testenv.SyncBuffer
	exit := make(chan int, 1)
	go func() {
		exit <- run(ctx, []string{
			"--tcp", "127.0.0.1:0", "--rtu", "", "--noise", "0", "--print-every", "100ms",
			"--quirk", "tcp/3:busy=1,tcp/1:slow=10ms",
		}, &stdout, &stderr)
	}()

	addr := waitForOutput(t, &stdout, "TCP_ADDR=")
	if want := "已启用的设备异常模拟：tcp/3:busy=1, tcp/1:slow=10ms\n"; !strings.Contains(stdout.String(), want) {
		t.Errorf("stdout = %q, want it to contain %q", stdout.String(), want)
	}
	client := newTestClient(t, addr, 3)
	if _, err := client.ReadRegister(0, modbus.INPUT_REGISTER); !errors.Is(err, modbus.ErrServerDeviceBusy) {
		t.Errorf("TT-301 read: error %v, want %v", err, modbus.ErrServerDeviceBusy)
	}
	waitForOutput(t, &stdout, "异常模拟：慢应答 0, 忙应答（06） 1\n")

	cancel()
	select {
	case code := <-exit:
		if code != 0 {
			t.Errorf("run exit code = %d, want 0; stderr:\n%s", code, stderr.String())
		}
	case <-time.After(3 * time.Second):
		t.Fatal("run did not stop within 3 s of cancel")
	}
	if want := "quirk_busy=1"; !strings.Contains(stderr.String(), want) {
		t.Errorf("stderr = %q, want the stop line to contain %q", stderr.String(), want)
	}
}

// waitForOutput waits up to 2 s until out contains prefix and returns the
// rest of that line.
func waitForOutput(t *testing.T, out *testenv.SyncBuffer, prefix string) string {
	t.Helper()
	for deadline := time.Now().Add(2 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if _, rest, found := strings.Cut(out.String(), prefix); found {
			line, _, _ := strings.Cut(rest, "\n")
			return line
		}
	}
	t.Fatalf("output does not contain %q within 2 s:\n%s", prefix, out.String())
	return ""
}

// dialRaw opens a TCP connection to addr that the test closes at cleanup.
func dialRaw(t *testing.T, addr string) net.Conn {
	t.Helper()
	conn, err := net.DialTimeout("tcp", addr, time.Second)
	if err != nil {
		t.Fatalf("dial %s: %v", addr, err)
	}
	t.Cleanup(func() { conn.Close() })
	return conn
}

// rawExchange writes request, if any, and reads exactly n bytes within
// limit. It returns fewer bytes when the deadline passes or the server
// closes the connection.
func rawExchange(t *testing.T, conn net.Conn, request []byte, n int, limit time.Duration) []byte {
	t.Helper()
	if err := conn.SetDeadline(time.Now().Add(limit)); err != nil {
		t.Fatalf("set deadline: %v", err)
	}
	if request != nil {
		if _, err := conn.Write(request); err != nil {
			t.Fatalf("write request % X: %v", request, err)
		}
	}
	reply := make([]byte, n)
	got, _ := io.ReadFull(conn, reply)
	return reply[:got]
}

func TestTCPQuirkShortReplyBytes(t *testing.T) {
	quirks := newTestQuirks(t, "tcp/4:short-reply=2")
	conn := dialRaw(t, startQuirkTCPServer(t, quirks))

	// Read input registers 0..7 of AI-401: only channels 0 and 1 come back,
	// with byte count and MBAP length matching the 2 registers sent.
	reply := rawExchange(t, conn, mustHex(t, "00 07 00 00 00 06 04 04 00 00 00 08"), 13, time.Second)
	if want := mustHex(t, "00 07 00 00 00 07 04 04 04 1D 4C 00 00"); !slices.Equal(reply, want) {
		t.Fatalf("reply = % X, want % X", reply, want)
	}
	if extra := rawExchange(t, conn, nil, 1, 100*time.Millisecond); len(extra) != 0 {
		t.Errorf("extra bytes % X after the short reply, want none", extra)
	}

	// A read of at most 2 registers is complete.
	reply = rawExchange(t, conn, mustHex(t, "00 08 00 00 00 06 04 04 00 00 00 02"), 13, time.Second)
	if want := mustHex(t, "00 08 00 00 00 07 04 04 04 1D 4C 00 00"); !slices.Equal(reply, want) {
		t.Errorf("read of 2 registers = % X, want % X", reply, want)
	}
	if got := quirks.counters.shortReplies.Load(); got != 1 {
		t.Errorf("short replies counted = %d, want 1", got)
	}
}

func TestTCPQuirkStaleReplyBytes(t *testing.T) {
	quirks := newTestQuirks(t, "tcp/2:stale-reply")
	addr := startQuirkTCPServer(t, quirks)
	readLT301 := mustHex(t, "00 01 00 00 00 06 01 03 00 00 00 02")
	replyLT301 := mustHex(t, "00 01 00 00 00 07 01 03 04 40 00 45 9C")
	readLT302 := mustHex(t, "00 02 00 00 00 06 02 03 00 00 00 02")
	replyLT302 := mustHex(t, "00 02 00 00 00 07 02 03 04 80 00 45 3B")

	// The first request on a connection has no previous reply to repeat.
	first := dialRaw(t, addr)
	if reply := rawExchange(t, first, readLT302, 13, time.Second); !slices.Equal(reply, replyLT302) {
		t.Errorf("first request: reply = % X, want % X", reply, replyLT302)
	}

	conn := dialRaw(t, addr)
	if reply := rawExchange(t, conn, readLT301, 13, time.Second); !slices.Equal(reply, replyLT301) {
		t.Fatalf("unit 1 reply = % X, want % X", reply, replyLT301)
	}
	// Unit 2 gets unit 1's reply again, transaction 1 and all, and then
	// its own reply.
	reply := rawExchange(t, conn, readLT302, 26, time.Second)
	if want := slices.Concat(replyLT301, replyLT302); !slices.Equal(reply, want) {
		t.Errorf("unit 2 replies = % X, want % X", reply, want)
	}
	// The previous reply is now unit 2's own.
	readAgain := mustHex(t, "00 03 00 00 00 06 02 03 00 00 00 02")
	replyAgain := mustHex(t, "00 03 00 00 00 07 02 03 04 80 00 45 3B")
	reply = rawExchange(t, conn, readAgain, 26, time.Second)
	if want := slices.Concat(replyLT302, replyAgain); !slices.Equal(reply, want) {
		t.Errorf("second unit 2 replies = % X, want % X", reply, want)
	}
	if got := quirks.counters.staleCopies.Load(); got != 2 {
		t.Errorf("stale replies counted = %d, want 2", got)
	}
}

func TestTCPQuirkGatewayPathBytes(t *testing.T) {
	quirks := newTestQuirks(t, "tcp/3:gateway-path")
	conn := dialRaw(t, startQuirkTCPServer(t, quirks))

	reply := rawExchange(t, conn, mustHex(t, "12 34 00 00 00 06 03 04 00 00 00 01"), 9, time.Second)
	if want := mustHex(t, "12 34 00 00 00 03 03 84 0A"); !slices.Equal(reply, want) {
		t.Errorf("TT-301 reply = % X, want % X", reply, want)
	}
	reply = rawExchange(t, conn, mustHex(t, "12 35 00 00 00 06 01 03 00 00 00 02"), 13, time.Second)
	if want := mustHex(t, "12 35 00 00 00 07 01 03 04 40 00 45 9C"); !slices.Equal(reply, want) {
		t.Errorf("LT-301 reply on the same connection = % X, want % X", reply, want)
	}
	if got := quirks.counters.pathReplies.Load(); got != 1 {
		t.Errorf("0A replies counted = %d, want 1", got)
	}
}

func TestTCPQuirkBusyBytes(t *testing.T) {
	quirks := newTestQuirks(t, "tcp/3:busy=2")
	conn := dialRaw(t, startQuirkTCPServer(t, quirks))
	request := mustHex(t, "00 09 00 00 00 06 03 04 00 00 00 01")
	normal := mustHex(t, "00 09 00 00 00 05 03 04 02 FF DD")
	busy := mustHex(t, "00 09 00 00 00 03 03 84 06")

	for i, want := range [][]byte{normal, busy, normal} {
		if reply := rawExchange(t, conn, request, len(want), time.Second); !slices.Equal(reply, want) {
			t.Errorf("request %d: reply = % X, want % X", i+1, reply, want)
		}
	}
}

func TestTCPQuirkMaxRegistersBytes(t *testing.T) {
	quirks := newTestQuirks(t, "tcp/5:max-registers=1")
	conn := dialRaw(t, startQuirkTCPServer(t, quirks))

	reply := rawExchange(t, conn, mustHex(t, "00 01 00 00 00 06 05 02 00 00 00 02"), 9, time.Second)
	if want := mustHex(t, "00 01 00 00 00 03 05 82 03"); !slices.Equal(reply, want) {
		t.Errorf("read of 2 discrete inputs = % X, want % X", reply, want)
	}
	reply = rawExchange(t, conn, mustHex(t, "00 02 00 00 00 06 05 02 00 00 00 01"), 10, time.Second)
	if want := mustHex(t, "00 02 00 00 00 04 05 02 01 01"); !slices.Equal(reply, want) {
		t.Errorf("read of 1 discrete input = % X, want % X", reply, want)
	}
}

func TestTCPQuirkLateBytes(t *testing.T) {
	quirks := newTestQuirks(t, "tcp/1:late=300ms")
	conn := dialRaw(t, startQuirkTCPServer(t, quirks))
	lateReply := mustHex(t, "00 01 00 00 00 07 01 03 04 40 00 45 9C")
	otherReply := mustHex(t, "00 02 00 00 00 07 02 03 04 80 00 45 3B")

	start := time.Now()
	if reply := rawExchange(t, conn, mustHex(t, "00 01 00 00 00 06 01 03 00 00 00 02"), 1, 100*time.Millisecond); len(reply) != 0 {
		t.Fatalf("late unit 1 replied % X within 100 ms, want nothing", reply)
	}
	// A master that timed out and kept the connection sends its next
	// request: the late reply comes first, then the reply to the new one.
	reply := rawExchange(t, conn, mustHex(t, "00 02 00 00 00 06 02 03 00 00 00 02"), 26, time.Second)
	elapsed := time.Since(start)
	if want := slices.Concat(lateReply, otherReply); !slices.Equal(reply, want) {
		t.Errorf("replies = % X, want % X", reply, want)
	}
	if elapsed < 300*time.Millisecond {
		t.Errorf("late reply after %v, want at least 300 ms", elapsed)
	}
}

func TestTCPQuirkDeadBytes(t *testing.T) {
	quirks := newTestQuirks(t, "tcp/2:dead")
	addr := startQuirkTCPServer(t, quirks)

	conn := dialRaw(t, addr)
	if reply := rawExchange(t, conn, mustHex(t, "00 01 00 00 00 06 02 03 00 00 00 02"), 1, 200*time.Millisecond); len(reply) != 0 {
		t.Errorf("dead unit 2 replied % X, want nothing", reply)
	}
	// The connection goes on serving the other units, as behind a
	// TCP-to-RTU gateway whose device is silent.
	want := mustHex(t, "00 02 00 00 00 07 01 03 04 40 00 45 9C")
	if reply := rawExchange(t, conn, mustHex(t, "00 02 00 00 00 06 01 03 00 00 00 02"), 13, time.Second); !slices.Equal(reply, want) {
		t.Errorf("unit 1 on the same connection = % X, want % X", reply, want)
	}
	if got := quirks.counters.ignored.Load(); got != 1 {
		t.Errorf("ignored requests counted = %d, want 1", got)
	}
}

func TestTCPQuirksEnd(t *testing.T) {
	quirks := newTestQuirks(t, "tcp/3:gateway-path")
	quirks.endAfter(200 * time.Millisecond)
	conn := dialRaw(t, startQuirkTCPServer(t, quirks))
	request := mustHex(t, "00 01 00 00 00 06 03 04 00 00 00 01")

	if reply := rawExchange(t, conn, request, 9, time.Second); !slices.Equal(reply, mustHex(t, "00 01 00 00 00 03 03 84 0A")) {
		t.Errorf("reply while the quirk is on = % X, want exception 0A", reply)
	}
	time.Sleep(250 * time.Millisecond)
	if reply := rawExchange(t, conn, request, 11, time.Second); !slices.Equal(reply, mustHex(t, "00 01 00 00 00 05 03 04 02 FF DD")) {
		t.Errorf("reply after the quirk ended = % X, want TT-301's value", reply)
	}
}

func TestTCPStopEndsPendingReplies(t *testing.T) {
	quirks := newTestQuirks(t, "tcp/1:late=10s", "tcp/2:dead")
	server, addr, err := startTCPServer(t.Context(), newTestPlant(t, "normal"), quirks, "127.0.0.1:0", discardLogger)
	if err != nil {
		t.Fatalf("startTCPServer: %v", err)
	}
	late, dead := dialRaw(t, addr), dialRaw(t, addr)
	rawExchange(t, late, mustHex(t, "00 01 00 00 00 06 01 03 00 00 00 02"), 1, 50*time.Millisecond)
	rawExchange(t, dead, mustHex(t, "00 01 00 00 00 06 02 03 00 00 00 02"), 1, 50*time.Millisecond)

	stopped := make(chan struct{})
	start := time.Now()
	go func() {
		server.Stop()
		close(stopped)
	}()
	select {
	case <-stopped:
	case <-time.After(2 * time.Second):
		t.Fatal("Stop did not return within 2 s with a late reply pending")
	}
	t.Logf("Stop took %v", time.Since(start))
	for name, conn := range map[string]net.Conn{"late": late, "dead": dead} {
		if reply := rawExchange(t, conn, nil, 1, time.Second); len(reply) != 0 {
			t.Errorf("%s connection got % X after Stop, want it closed without a reply", name, reply)
		}
	}
}
