package gateway

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"

	"github.com/plantgw/plantgw/alarm"
	"github.com/plantgw/plantgw/buffer"
)

// latchesKey names the latched-alarm document in the buffer.
const latchesKey = "alarm/latches"

// latchKeeper saves the alarm engine's latches after every change, so a
// restart or a crash does not clear a trip: only a reset does. The engine
// only signals; the disk write happens here, off the alarm path.
type latchKeeper struct {
	engine *alarm.Engine
	buf    *buffer.Buffer
	log    *slog.Logger
	dirty  chan struct{}
}

// restoreLatches loads the saved latches into the engine and returns
// them.
func restoreLatches(engine *alarm.Engine, buf *buffer.Buffer) (alarm.Latches, error) {
	data, err := buf.GetMeta(latchesKey)
	if err != nil || data == nil {
		return alarm.Latches{}, err
	}
	var l alarm.Latches
	if err := json.Unmarshal(data, &l); err != nil {
		// NOTE: unreadable latches are reported and ignored. Outputs are
		// still safe until the first complete scan re-evaluates alarms.
		return alarm.Latches{}, fmt.Errorf("saved latches unreadable: %w", err)
	}
	engine.Restore(l)
	return l, nil
}

func newLatchKeeper(engine *alarm.Engine, buf *buffer.Buffer, log *slog.Logger) *latchKeeper {
	k := &latchKeeper{engine: engine, buf: buf, log: log, dirty: make(chan struct{}, 1)}
	engine.OnLatchChange(func() {
		select {
		case k.dirty <- struct{}{}:
		default:
		}
	})
	return k
}

// run saves after each change until ctx ends, then saves once more.
func (k *latchKeeper) run(ctx context.Context) {
	for {
		select {
		case <-ctx.Done():
			k.save()
			return
		case <-k.dirty:
			k.save()
		}
	}
}

func (k *latchKeeper) save() {
	data, err := json.Marshal(k.engine.Latches())
	if err != nil {
		k.log.Error("latches not encoded", "err", err)
		return
	}
	if err := k.buf.PutMeta(latchesKey, data); err != nil {
		k.log.Error("latches not saved; a restart now would clear them", "err", err)
	}
}
