package gateway

import (
	"bytes"
	"errors"
	"log/slog"
	"strings"
	"testing"
	"time"
)

// fakeKernel returns a fixed synchronisation state and counts its reads.
type fakeKernel struct {
	synced bool
	err    error
	reads  int
}

func (k *fakeKernel) read() (bool, error) {
	k.reads++
	return k.synced, k.err
}

// fakeWall is a settable wall clock without a monotonic reading.
type fakeWall struct{ now time.Time }

func (w *fakeWall) read() time.Time { return w.now }

var (
	bootTime  = time.Date(1970, 1, 1, 0, 0, 12, 0, time.UTC)
	ntpTime   = time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC)
	errNoAdjt = errors.New("adjtimex: operation not permitted")
)

func TestSyncClockState(t *testing.T) {
	tests := []struct {
		name     string
		wall     time.Time
		kernel   fakeKernel
		trustRTC bool
		want     bool
	}{
		{"ntp synced", ntpTime, fakeKernel{synced: true}, false, true},
		{"ntp not synced", ntpTime, fakeKernel{synced: false}, false, false},
		{"1970 although kernel synced", bootTime, fakeKernel{synced: true}, false, false},
		{"kernel state unknown, plausible", ntpTime, fakeKernel{err: errNoAdjt}, false, true},
		{"kernel state unknown, 1970", bootTime, fakeKernel{err: errNoAdjt}, false, false},
		{"rtc trusted without ntp", ntpTime, fakeKernel{synced: false}, true, true},
		{"rtc in 1970", bootTime, fakeKernel{synced: true}, true, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			wall := &fakeWall{now: tt.wall}
			c := newSyncClock(wall.read, tt.kernel.read)
			c.configure(tt.trustRTC, quietLog())
			now, synced := c.now()
			if !now.Equal(tt.wall) {
				t.Errorf("now = %v, want %v", now, tt.wall)
			}
			if synced != tt.want {
				t.Errorf("synced = %v, want %v", synced, tt.want)
			}
		})
	}
}

func TestSyncClockReadsKernelOnceASecond(t *testing.T) {
	wall := &fakeWall{now: ntpTime}
	kernel := &fakeKernel{synced: false}
	c := newSyncClock(wall.read, kernel.read)
	c.configure(false, quietLog())

	for _, after := range []time.Duration{0, 300 * time.Millisecond, 999 * time.Millisecond} {
		wall.now = ntpTime.Add(after)
		if _, synced := c.now(); synced {
			t.Errorf("synced at +%v, want false from the first read", after)
		}
	}
	if kernel.reads != 1 {
		t.Errorf("kernel read %d times within a second, want 1", kernel.reads)
	}

	kernel.synced = true
	wall.now = ntpTime.Add(time.Second)
	if _, synced := c.now(); !synced {
		t.Error("synced = false a second later, want the kernel's new state")
	}
	if kernel.reads != 2 {
		t.Errorf("kernel read %d times after a second, want 2", kernel.reads)
	}
}

func TestSyncClockLogsFallbackOnce(t *testing.T) {
	var logged bytes.Buffer
	wall := &fakeWall{now: ntpTime}
	kernel := &fakeKernel{err: errNoAdjt}
	c := newSyncClock(wall.read, kernel.read)
	c.configure(false, slog.New(slog.NewTextHandler(&logged, nil)))
	for i := range 3 {
		wall.now = ntpTime.Add(time.Duration(i) * 2 * time.Second)
		if _, synced := c.now(); !synced {
			t.Errorf("read %d: synced = false, want the plausibility fallback", i)
		}
	}
	if kernel.reads != 3 {
		t.Errorf("kernel read %d times, want 3: it is tried again every second", kernel.reads)
	}
	if n := strings.Count(logged.String(), "synchronisation state unavailable"); n != 1 {
		t.Errorf("fallback logged %d times, want once:\n%s", n, logged.String())
	}
	if !strings.Contains(logged.String(), errNoAdjt.Error()) {
		t.Errorf("log does not name the error %q:\n%s", errNoAdjt, logged.String())
	}
}

// TestKernelClockSynced reads this machine's kernel: adjtimex must work
// without privilege, whatever the NTP state is.
func TestKernelClockSynced(t *testing.T) {
	synced, err := kernelClockSynced()
	if err != nil {
		t.Fatalf("kernelClockSynced: %v", err)
	}
	t.Logf("kernel reports the clock synchronised: %v", synced)
}

func TestSyncStateLog(t *testing.T) {
	var logged bytes.Buffer
	l := syncStateLog{log: slog.New(slog.NewTextHandler(&logged, nil))}
	steps := []struct {
		synced bool
		after  time.Duration
		want   string
	}{
		{false, 0, "not synchronised"},
		{false, 2 * time.Minute, ""},
		{true, 2*time.Minute + time.Second, "clock synchronised"},
		{false, 2*time.Minute + 2*time.Second, ""},
		{false, 4 * time.Minute, "not synchronised"},
	}
	for i, s := range steps {
		logged.Reset()
		l.observe(s.synced, ntpTime.Add(s.after))
		got := logged.String()
		if s.want == "" && got != "" {
			t.Errorf("step %d: logged %q, want nothing", i, got)
		}
		if s.want != "" && !strings.Contains(got, s.want) {
			t.Errorf("step %d: logged %q, want %q", i, got, s.want)
		}
	}
}

func quietLog() *slog.Logger { return slog.New(slog.DiscardHandler) }
