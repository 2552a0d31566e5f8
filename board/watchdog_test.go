package board

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"
)

// fakeClock is a clock that tests move by hand.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Add(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

func discardLog() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// openFakeWatchdog opens a regular file as the device, with a timeout
// ioctl that accepts what it is given.
func openFakeWatchdog(t *testing.T, clock *fakeClock) (*Watchdog, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "watchdog")
	if err := os.WriteFile(path, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	var asked int
	w, err := openWatchdog(WatchdogOptions{Path: path, Timeout: 8 * time.Second, Log: discardLog(), Now: clock.Now},
		func(_ *os.File, s int) (int, error) { asked = s; return s, nil })
	if err != nil {
		t.Fatalf("open watchdog: %v", err)
	}
	if asked != 8 {
		t.Errorf("timeout set to %d s, want 8", asked)
	}
	return w, path
}

func fileSize(t *testing.T, path string) int64 {
	t.Helper()
	info, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	return info.Size()
}

func TestWatchdogFeedsWhileSourcesBeat(t *testing.T) {
	clock := &fakeClock{now: time.Unix(1000, 0)}
	w, path := openFakeWatchdog(t, clock)
	if got := fileSize(t, path); got != 1 {
		t.Fatalf("after open: %d bytes written, want 1 (the first feed)", got)
	}
	beatEngine := w.Register("engine", 10*time.Second)
	beatBus := w.Register("bus rs485-1", 30*time.Second)

	for i := range 5 {
		clock.Add(5 * time.Second)
		beatEngine()
		if i%2 == 0 {
			beatBus()
		}
		w.check()
	}
	if got := fileSize(t, path); got != 6 {
		t.Errorf("after 5 healthy checks: %d bytes written, want 6", got)
	}
	if s := w.Stalled(); s != "" {
		t.Errorf("stalled = %q, want none", s)
	}
}

func TestWatchdogStopsFeedingOnStall(t *testing.T) {
	clock := &fakeClock{now: time.Unix(1000, 0)}
	w, path := openFakeWatchdog(t, clock)
	beatEngine := w.Register("engine", 10*time.Second)
	w.Register("bus rs485-1", 30*time.Second)

	clock.Add(9 * time.Second)
	w.check()
	if got := fileSize(t, path); got != 2 {
		t.Fatalf("within the allowance: %d bytes written, want 2", got)
	}
	// The engine beats again, but the bus stays silent past 30 s.
	clock.Add(22 * time.Second)
	beatEngine()
	w.check()
	if s := w.Stalled(); s != "bus rs485-1" {
		t.Fatalf("stalled = %q, want bus rs485-1", s)
	}
	// Once stalled, a recovered source does not resume the feeding.
	w.Beat("bus rs485-1")
	clock.Add(time.Second)
	w.check()
	if got := fileSize(t, path); got != 2 {
		t.Errorf("after the stall: %d bytes written, want still 2", got)
	}
	// An orderly stop after a stall leaves the watchdog armed: no 'V'.
	if err := w.close(); err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(path)
	if len(data) != 2 || data[len(data)-1] == 'V' {
		t.Errorf("device written %q after a stall, want no magic close", data)
	}
}

func TestWatchdogUnregisteredSourceIsNotWatched(t *testing.T) {
	clock := &fakeClock{now: time.Unix(1000, 0)}
	w, _ := openFakeWatchdog(t, clock)
	w.Register("bus tcp-1", time.Second)
	w.Unregister("bus tcp-1")
	clock.Add(time.Minute)
	w.check()
	if s := w.Stalled(); s != "" {
		t.Errorf("stalled = %q after Unregister, want none", s)
	}
}

func TestWatchdogMagicCloseOnStop(t *testing.T) {
	clock := &fakeClock{now: time.Unix(1000, 0)}
	w, path := openFakeWatchdog(t, clock)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := w.Run(ctx); err != nil {
		t.Fatalf("Run: %v", err)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(data) == 0 || data[len(data)-1] != 'V' {
		t.Errorf("device written %q, want a last 'V' (magic close)", data)
	}
}

func TestWatchdogOpenErrors(t *testing.T) {
	clock := &fakeClock{now: time.Unix(1000, 0)}
	accept := func(_ *os.File, s int) (int, error) { return s, nil }
	if _, err := openWatchdog(WatchdogOptions{Path: filepath.Join(t.TempDir(), "missing"), Timeout: 10 * time.Second,
		Log: discardLog(), Now: clock.Now}, accept); err == nil {
		t.Error("open of a missing device succeeded")
	}
	path := filepath.Join(t.TempDir(), "watchdog")
	if err := os.WriteFile(path, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := openWatchdog(WatchdogOptions{Path: path, Timeout: 1500 * time.Millisecond, Log: discardLog()}, accept); err == nil {
		t.Error("open with a timeout of 1.5 s succeeded")
	}
	reject := func(*os.File, int) (int, error) { return 0, errors.New("inappropriate ioctl for device") }
	if _, err := openWatchdog(WatchdogOptions{Path: path, Timeout: 10 * time.Second, Log: discardLog()}, reject); err == nil {
		t.Error("open succeeded although WDIOC_SETTIMEOUT failed")
	}
	// The real ioctl on a regular file fails: it is not a watchdog.
	if _, err := OpenWatchdog(WatchdogOptions{Path: path, Timeout: 10 * time.Second, Log: discardLog()}); err == nil {
		t.Error("OpenWatchdog of a regular file succeeded")
	}
}
