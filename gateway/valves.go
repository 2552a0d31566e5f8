package gateway

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/plantgw/plantgw/config"
	"github.com/plantgw/plantgw/drivers/modbus"
	"github.com/plantgw/plantgw/record"
)

// valveQueueSize bounds the close commands waiting to be written. A trip
// closes a handful of valves; a full queue means the buses are stuck.
const valveQueueSize = 16

// valveRetries is how many times a close command that the valve does not
// confirm is written again, valveRetryWait apart.
const (
	valveRetries   = 3
	valveRetryWait = 2 * time.Second
)

// valveWriter writes valve close commands to the coils of their
// actuators through the pollers of their buses. It implements
// alarm.ValveCommander: CloseValve only queues.
type valveWriter struct {
	cfg     *config.Config
	pollers map[string]*modbus.Poller // by bus name
	queue   chan closeCommand
	log     *slog.Logger
	event   func(record.Event)
}

type closeCommand struct{ valve, point string }

func newValveWriter(cfg *config.Config, pollers []*modbus.Poller, log *slog.Logger, event func(record.Event)) *valveWriter {
	w := &valveWriter{cfg: cfg, pollers: map[string]*modbus.Poller{}, queue: make(chan closeCommand, valveQueueSize), log: log, event: event}
	for _, p := range pollers {
		w.pollers[p.Bus()] = p
	}
	return w
}

// CloseValve queues a close command. A full queue is logged and stored as
// an event; the valve's supervision then raises "failed to close".
func (w *valveWriter) CloseValve(valve, point string) {
	select {
	case w.queue <- closeCommand{valve: valve, point: point}:
	default:
		w.log.Error("valve close command dropped: queue full", "valve", valve, "queue", valveQueueSize)
		now, synced := wallClock()
		w.event(record.Event{Kind: record.WriteUnconfirmed, Time: now, ClockSynced: synced, Device: valve, Source: record.SourceAuto,
			Text: fmt.Sprintf("close command for valve %s dropped: %d commands already waiting", valve, valveQueueSize)})
	}
}

// run writes queued commands until ctx ends.
func (w *valveWriter) run(ctx context.Context) {
	for {
		select {
		case <-ctx.Done():
			return
		case c := <-w.queue:
			w.close(ctx, c)
		}
	}
}

// close writes false to the valve's command coil, again up to valveRetries
// times while the device does not confirm it.
func (w *valveWriter) close(ctx context.Context, c closeCommand) {
	write, poller, err := w.target(c.point)
	if err != nil {
		w.log.Error("valve close command not written", "valve", c.valve, "err", err)
		return
	}
	for attempt := 1; attempt <= valveRetries; attempt++ {
		wctx, cancel := context.WithTimeout(ctx, 10*time.Second)
		err = poller.Submit(wctx, write)
		cancel()
		if err == nil {
			w.log.Info("valve close command confirmed", "valve", c.valve, "point", c.point)
			return
		}
		w.log.Warn("valve close command not confirmed", "valve", c.valve, "attempt", attempt, "err", err)
		select {
		case <-ctx.Done():
			return
		case <-time.After(valveRetryWait):
		}
	}
}

// target returns the write of false to a coil point and the poller of its
// bus.
func (w *valveWriter) target(point string) (modbus.Write, *modbus.Poller, error) {
	for _, pt := range w.cfg.Points {
		if pt.ID != point {
			continue
		}
		addr, err := pt.Register.Wire()
		if err != nil {
			return modbus.Write{}, nil, fmt.Errorf("point %s: %w", point, err)
		}
		for _, d := range w.cfg.Devices {
			if d.Name == pt.Device {
				if p := w.pollers[d.Bus]; p != nil {
					return modbus.Write{Device: d.Name, Table: config.Coils, Addr: addr, Value: 0, Source: record.SourceAuto}, p, nil
				}
			}
		}
		return modbus.Write{}, nil, fmt.Errorf("point %s: no bus polls device %s", point, pt.Device)
	}
	return modbus.Write{}, nil, fmt.Errorf("no point named %s", point)
}
