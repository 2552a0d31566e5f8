package board

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"sort"
	"sync"
	"time"
)

// Watchdog feeds the hardware watchdog (/dev/watchdog) while every
// registered source of progress keeps beating. The gateway registers the
// alarm engine's tick and each bus's poll cycle. When one of them has not
// beaten within its allowance, the watchdog stops feeding for good, so the
// hardware resets the gateway within its timeout and the outputs drop to
// their de-energised state. If the whole process hangs or dies, the feeds
// stop as well: the kernel closes the device without the magic character
// and the timer runs out.
type Watchdog struct {
	path    string
	dev     *os.File
	timeout time.Duration
	log     *slog.Logger
	now     func() time.Time

	mu      sync.Mutex
	sources map[string]*heartbeat
	// stalled is the source that stopped the feeding; empty while fed.
	stalled string
}

type heartbeat struct {
	allowance time.Duration
	last      time.Time
}

// WatchdogOptions configure OpenWatchdog.
type WatchdogOptions struct {
	// Path is the watchdog device, such as /dev/watchdog.
	Path string
	// Timeout is set on the device with WDIOC_SETTIMEOUT, in whole
	// seconds.
	Timeout time.Duration
	Log     *slog.Logger
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

// OpenWatchdog opens the device, which arms the hardware timer, sets its
// timeout and feeds it once. From then on Run must feed it, or the
// hardware resets the gateway.
func OpenWatchdog(opts WatchdogOptions) (*Watchdog, error) {
	return openWatchdog(opts, setWatchdogTimeout)
}

func openWatchdog(opts WatchdogOptions, setTimeout func(*os.File, int) (int, error)) (*Watchdog, error) {
	if opts.Timeout < time.Second || opts.Timeout%time.Second != 0 {
		return nil, fmt.Errorf("watchdog %s: timeout %v is not a whole number of seconds", opts.Path, opts.Timeout)
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	dev, err := os.OpenFile(opts.Path, os.O_WRONLY, 0)
	if err != nil {
		return nil, fmt.Errorf("open watchdog: %w; set board.watchdog to the device, or \"\" to run without one", err)
	}
	want := int(opts.Timeout / time.Second)
	got, err := setTimeout(dev, want)
	if err != nil {
		// Closing without the magic character leaves the timer running
		// where the driver cannot stop it; that reset is the safe outcome.
		dev.Close()
		return nil, fmt.Errorf("set timeout of watchdog %s to %d s: %w", opts.Path, want, err)
	}
	w := &Watchdog{path: opts.Path, dev: dev, timeout: time.Duration(got) * time.Second, log: opts.Log, now: opts.Now,
		sources: map[string]*heartbeat{}}
	if got != want {
		w.log.Warn("watchdog timeout differs from the one requested", "device", opts.Path, "requested_s", want, "timeout_s", got)
	}
	if err := w.feed(); err != nil {
		dev.Close()
		return nil, err
	}
	w.log.Info("watchdog armed", "device", opts.Path, "timeout_s", got)
	return w, nil
}

// Timeout returns the timeout the device accepted.
func (w *Watchdog) Timeout() time.Duration { return w.timeout }

// Register adds a source of progress that must beat at least once per
// allowance, counted from now. It returns the function that beats it,
// which is safe to call from any goroutine.
func (w *Watchdog) Register(name string, allowance time.Duration) func() {
	w.mu.Lock()
	w.sources[name] = &heartbeat{allowance: allowance, last: w.now()}
	w.mu.Unlock()
	return func() { w.Beat(name) }
}

// Unregister removes a source, for a component that stopped in order.
func (w *Watchdog) Unregister(name string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	delete(w.sources, name)
}

// Beat records progress of a registered source.
func (w *Watchdog) Beat(name string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if h, ok := w.sources[name]; ok {
		h.last = w.now()
	}
}

// Stalled returns the source that stopped the feeding, or "".
func (w *Watchdog) Stalled() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.stalled
}

// FeedInterval is how often Run checks the sources and feeds: a quarter
// of the timeout, so one late check never lets the timer run out.
func (w *Watchdog) FeedInterval() time.Duration { return w.timeout / 4 }

// Run feeds the watchdog every FeedInterval while all sources are healthy,
// until ctx ends. Then it disarms the watchdog with the magic character
// 'V', unless a stall stopped the feeding: that reset still comes.
func (w *Watchdog) Run(ctx context.Context) error {
	t := time.NewTicker(w.FeedInterval())
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return w.close()
		case <-t.C:
			w.check()
		}
	}
}

// check feeds the device if every source beat within its allowance. The
// first stale source stops the feeding for good and is logged once.
func (w *Watchdog) check() {
	w.mu.Lock()
	if w.stalled != "" {
		w.mu.Unlock()
		return
	}
	now := w.now()
	names := make([]string, 0, len(w.sources))
	for n := range w.sources {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		h := w.sources[n]
		if silent := now.Sub(h.last); silent > h.allowance {
			w.stalled = n
			w.mu.Unlock()
			w.log.Error("no progress; watchdog no longer fed, the hardware resets the gateway",
				"source", n, "silent_for", silent.Round(time.Millisecond), "allowed", h.allowance, "reset_within", w.timeout)
			return
		}
	}
	w.mu.Unlock()
	if err := w.feed(); err != nil {
		w.log.Error("watchdog feed failed", "device", w.path, "err", err)
	}
}

func (w *Watchdog) feed() error {
	if _, err := w.dev.Write([]byte{0}); err != nil {
		return fmt.Errorf("feed watchdog %s: %w", w.path, err)
	}
	return nil
}

// close disarms the watchdog by writing 'V' before closing, on drivers
// with magic close and without nowayout. After a stall it closes without
// 'V', so the reset still comes.
func (w *Watchdog) close() error {
	if w.Stalled() != "" {
		w.log.Warn("watchdog closed after a stall; the hardware reset follows", "device", w.path)
		return w.dev.Close()
	}
	_, err := w.dev.Write([]byte("V"))
	err = errors.Join(err, w.dev.Close())
	if err != nil {
		return fmt.Errorf("disarm watchdog %s: %w", w.path, err)
	}
	w.log.Info("watchdog disarmed", "device", w.path)
	return nil
}
