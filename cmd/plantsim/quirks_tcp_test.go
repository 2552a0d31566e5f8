package main

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/simonvetter/modbus"
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
	var stdout, stderr syncBuffer
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
func waitForOutput(t *testing.T, out *syncBuffer, prefix string) string {
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
