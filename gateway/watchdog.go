package gateway

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/plantgw/plantgw/board"
	"github.com/plantgw/plantgw/config"
)

// watchdog feeds the hardware watchdog while the alarm engine ticks and
// every bus keeps delivering samples. A nil *watchdog (no device) accepts
// every call and does nothing.
type watchdog struct {
	wd      *board.Watchdog
	stall   time.Duration
	log     *slog.Logger
	stopRun context.CancelFunc
	done    chan struct{}

	mu    sync.Mutex
	buses []string
}

// maxProbeInterval is the longest interval at which the poller probes a
// lost device (drivers/modbus doubles it up to 10 s).
const maxProbeInterval = 10 * time.Second

// startWatchdog opens the watchdog device at path and starts feeding it;
// an empty path runs the gateway without one.
func (g *Gateway) startWatchdog(path string) error {
	log := g.log.With("component", "watchdog")
	if path == "" {
		log.Info("no hardware watchdog configured")
		return nil
	}
	wd, err := board.OpenWatchdog(board.WatchdogOptions{Path: path, Timeout: g.cfg.Board.WatchdogTimeout.D(), Log: log})
	if err != nil {
		return err
	}
	w := &watchdog{wd: wd, stall: g.cfg.Board.WatchdogStall.D(), log: log, done: make(chan struct{})}
	wd.Register("engine", w.stall)
	ctx, cancel := context.WithCancel(context.Background())
	w.stopRun = cancel
	go func() {
		defer close(w.done)
		if err := wd.Run(ctx); err != nil {
			log.Error("watchdog stopped with an error", "err", err)
		}
	}()
	g.watchdog = w
	return nil
}

// engineBeat records one tick of the alarm engine.
func (w *watchdog) engineBeat() {
	if w == nil {
		return
	}
	w.wd.Beat("engine")
}

// busBeat registers a bus and returns the function its samples call. A
// bus may be silent for its longest poll period, plus the time until a
// device without replies is reported lost and its bad samples start, plus
// the stall allowance.
func (w *watchdog) busBeat(cfg *config.Config, bus string) func() {
	if w == nil {
		return func() {}
	}
	var poll, loss time.Duration
	for _, d := range cfg.Devices {
		if d.Bus != bus {
			continue
		}
		poll = max(poll, d.Poll.D())
		loss = max(loss, d.CommLossAfter.D())
	}
	allowance := w.stall + poll + loss + maxProbeInterval
	name := "bus " + bus
	w.mu.Lock()
	w.buses = append(w.buses, name)
	w.mu.Unlock()
	w.log.Info("watchdog watches bus", "bus", bus, "allowed_silence", allowance)
	return w.wd.Register(name, allowance)
}

// stopPolling removes the buses once their pollers have stopped in order.
func (w *watchdog) stopPolling() {
	if w == nil {
		return
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	for _, name := range w.buses {
		w.wd.Unregister(name)
	}
	w.buses = nil
}

// stop ends the feeding and disarms the device, unless a stall already
// stopped the feeding.
func (w *watchdog) stop() {
	if w == nil {
		return
	}
	w.stopRun()
	<-w.done
}
