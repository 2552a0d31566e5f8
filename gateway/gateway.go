package gateway

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/text/message"

	"github.com/plantgw/plantgw/alarm"
	"github.com/plantgw/plantgw/board"
	"github.com/plantgw/plantgw/buffer"
	"github.com/plantgw/plantgw/config"
	"github.com/plantgw/plantgw/drivers/modbus"
	"github.com/plantgw/plantgw/record"
	"github.com/plantgw/plantgw/reporter"
	"github.com/plantgw/plantgw/uplink"
	"github.com/plantgw/plantgw/web"
)

// Options are the run-time settings that do not come from the config.
type Options struct {
	Logger *slog.Logger
	// Board replaces the config's board profile, for tests.
	Board board.Board
	// DrainTimeout is how long the uplink may keep sending at shutdown.
	DrainTimeout time.Duration
	// Console, when set, receives one line per event in Printer's
	// language, for an operator watching the gateway.
	Console io.Writer
	Printer *message.Printer
	// RetentionInterval is the period of the buffer's eviction passes;
	// zero takes the buffer's default of a minute.
	RetentionInterval time.Duration
}

// Gateway is a running gateway.
type Gateway struct {
	cfg     *config.Config
	log     *slog.Logger
	board   board.Board
	buf     *buffer.Buffer
	engine  *alarm.Engine
	store   *storer
	report  *reporter.Filter
	up      *uplink.Uplink
	comm    *uplink.CommSummary
	console *console
	live    *live
	// pollers are set once before the local API starts.
	pollers []*modbus.Poller
	events  eventCounts
	// web is nil while the local API is off; event reads it from any
	// goroutine.
	web atomic.Pointer[web.Server]
	// watchdog is nil when the gateway runs without one; its methods
	// then do nothing.
	watchdog *watchdog
}

// Run builds the gateway from cfg, runs it until ctx ends and stops it in
// order. It returns an error when a component cannot start.
func Run(ctx context.Context, cfg *config.Config, opts Options) (err error) {
	log := opts.Logger
	if log == nil {
		log = slog.Default()
	}
	useClockSource(cfg.Site.Clock, log.With("component", "clock"))
	g := &Gateway{cfg: cfg, log: log, report: reporter.New(cfg), comm: uplink.NewCommSummary(len(cfg.Devices)), live: newLive(cfg)}
	if opts.Console != nil && opts.Printer != nil {
		if g.console, err = newConsole(cfg, opts.Console, opts.Printer); err != nil {
			return err
		}
	}

	g.board = opts.Board
	profileWatchdog := ""
	if g.board == nil {
		if g.board, profileWatchdog, err = openBoard(cfg, log.With("component", "board")); err != nil {
			return err
		}
	}
	// From here on, whatever happens, the board ends de-energised.
	defer func() { err = errors.Join(err, g.board.Halt()) }()
	boardCtx, stopBoard := context.WithCancel(context.Background())
	var boardDone sync.WaitGroup
	boardDone.Go(func() { g.logErr("board", g.board.Run(boardCtx)) })
	defer func() { stopBoard(); boardDone.Wait() }()

	g.buf, err = buffer.Open(buffer.Options{Path: cfg.Buffer.Path, SyncInterval: cfg.Buffer.SyncInterval.D(), Logger: log.With("component", "buffer"),
		Retention: bufferRetention(cfg, opts.RetentionInterval, g.evicted), ReplaceBroken: g.storeReplaced})
	if err != nil {
		return err
	}
	defer func() { err = errors.Join(err, g.buf.Close()) }()
	backlogUpTo := g.buf.Stats().LastSeq
	// The store exists before the buffer's Run, whose eviction passes
	// report through g.event.
	g.store = newStorer(g.buf, log.With("component", "store"))
	bufCtx, stopBuf := context.WithCancel(context.Background())
	var bufDone sync.WaitGroup
	bufDone.Go(func() { g.logErr("buffer", g.buf.Run(bufCtx)) })
	defer func() { stopBuf(); bufDone.Wait() }()

	storeCtx, stopStore := context.WithCancel(context.Background())
	var storeDone sync.WaitGroup
	storeDone.Go(func() { g.store.run(storeCtx) })
	defer g.stopStore(&storeDone, stopStore)
	defer g.startClockWatch(backlogUpTo)()

	now, _ := wallClock()
	g.console.line(now, "SAFE      all outputs de-energised (safe state) until every point has been read once")
	if g.engine, err = alarm.New(cfg, g.board, g.event, wallClock); err != nil {
		return err
	}
	restored, err := restoreLatches(g.engine, g.buf)
	if err != nil {
		log.Error("latched alarms not restored", "err", err)
	}
	keeper := newLatchKeeper(g.engine, g.buf, log.With("component", "latches"))
	keeperCtx, stopKeeper := context.WithCancel(context.Background())
	var keeperDone sync.WaitGroup
	keeperDone.Go(func() { keeper.run(keeperCtx) })
	if err := g.startWatchdog(watchdogPath(cfg, profileWatchdog)); err != nil {
		stopKeeper()
		keeperDone.Wait()
		return err
	}
	keeperDone.Go(func() { tickEngine(keeperCtx, g.engine, g.watchdog.engineBeat) })
	if inputs, ok := g.board.(board.InputBoard); ok {
		keeperDone.Go(func() { g.readInputs(keeperCtx, inputs) })
	}
	// The watchdog stops before the engine's tick, so an orderly stop
	// disarms it before its heartbeat ends.
	defer func() { stopKeeper(); keeperDone.Wait() }()
	defer g.watchdog.stop()

	return g.runAcquisitionAndUplink(ctx, opts, restored, backlogUpTo)
}

// tickEngine lets the alarm engine end expired bypasses every second until
// ctx ends, and beats the watchdog after each tick.
func tickEngine(ctx context.Context, e *alarm.Engine, beat func()) {
	t := time.NewTicker(time.Second)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			e.Tick()
			beat()
		}
	}
}

// runAcquisitionAndUplink runs pollers and uplink until ctx ends. Pollers
// stop first; the uplink gets the stop event and a bounded drain after.
func (g *Gateway) runAcquisitionAndUplink(ctx context.Context, opts Options, restored alarm.Latches, backlogUpTo uint64) error {
	pollers, err := g.buildPollers()
	if err != nil {
		return err
	}
	g.pollers = pollers
	enc, err := uplink.NewEncoder(g.cfg)
	if err != nil {
		return err
	}
	g.up = uplink.New(uplink.Options{MQTT: g.cfg.Uplink.MQTT, Encoder: enc, Store: g.buf, Logger: g.log.With("component", "uplink"),
		DrainTimeout: opts.DrainTimeout, BacklogUpTo: backlogUpTo, OnConnection: g.uplinkChanged,
		Clock: wallClock, Devices: g.comm.Summary, Delivery: uplink.DeliveryFromConfig(g.cfg.Uplink)}, g.cfg.Site)

	now, synced := wallClock()
	alarms, trips := restored.Count()
	g.event(record.Event{Kind: record.GatewayStarted, Time: now, ClockSynced: synced, Source: record.SourceAuto,
		Text: fmt.Sprintf("gateway %s started with %d devices on %d buses; %d latched alarms and %d trips kept from before the start",
			g.cfg.Site.GatewayID, len(g.cfg.Devices), len(g.cfg.Buses), alarms, trips)})
	g.console.started(now, g.cfg.Site.GatewayID, len(g.cfg.Devices), len(g.cfg.Buses), alarms, trips)
	g.console.kept(now, restored)

	upCtx, stopUp := context.WithCancel(context.Background())
	var upDone sync.WaitGroup
	upDone.Go(func() { g.logErr("uplink", g.up.Run(upCtx)) })
	if err := g.startWeb(upCtx, &upDone); err != nil {
		stopUp()
		upDone.Wait()
		return err
	}

	valves := newValveWriter(g.cfg, pollers, g.log.With("component", "valves"), g.event)
	g.engine.SetValveCommander(valves)
	var pollDone sync.WaitGroup
	pollDone.Go(func() { valves.run(ctx) })
	for _, p := range pollers {
		pollDone.Go(func() { g.logErr("poller", p.Run(ctx)) })
	}
	g.log.Info("gateway running", "gateway_id", g.cfg.Site.GatewayID, "buses", len(pollers))
	<-ctx.Done()

	g.log.Info("gateway stopping")
	pollDone.Wait()
	// An output test still running ends here, so its end is stored
	// before the stop event.
	g.engine.StopOutputTests()
	// The pollers have stopped in order: the drain below must not count as
	// a stall.
	g.watchdog.stopPolling()
	now, synced = wallClock()
	g.event(record.Event{Kind: record.GatewayStopped, Time: now, ClockSynced: synced, Source: record.SourceAuto,
		Text: "gateway stopped in order"})
	g.flushStore()
	stopUp()
	upDone.Wait()
	return nil
}

// flushStore waits until every queued record is in the buffer, so the
// uplink's drain sends the last ones. After 5 s it gives up: the rest is
// still written before the buffer closes and sent after the next start.
func (g *Gateway) flushStore() {
	if !g.store.flush(5 * time.Second) {
		g.log.Warn("store not flushed within 5 s; the last records go out after the next start")
	}
}

// stopStore lets the store writer finish the queue. A writer still
// retrying a failing disk after 10 s is cancelled.
func (g *Gateway) stopStore(done *sync.WaitGroup, cancel context.CancelFunc) {
	close(g.store.queue)
	finished := make(chan struct{})
	go func() { done.Wait(); close(finished) }()
	select {
	case <-finished:
	case <-time.After(10 * time.Second):
		cancel()
		<-finished
	}
	cancel()
}

func (g *Gateway) buildPollers() ([]*modbus.Poller, error) {
	var out []*modbus.Poller
	for _, bus := range g.cfg.Buses {
		conn, err := modbus.Dial(bus, g.cfg.Devices, g.log)
		if err != nil {
			return nil, err
		}
		p, err := modbus.NewPoller(g.cfg, bus, conn, sink{g: g, beat: g.watchdog.busBeat(g.cfg, bus.Name)}, wallClock)
		if err != nil {
			return nil, fmt.Errorf("bus %s: %w", bus.Name, err)
		}
		p.SetLogger(g.log)
		out = append(out, p)
	}
	return out, nil
}

// uplinkChanged shows the operator when the platform link comes and goes.
func (g *Gateway) uplinkChanged(connected bool) {
	now, _ := wallClock()
	if connected {
		g.console.line(now, "PLATFORM  connected to %s", g.cfg.Uplink.MQTT.URL)
		return
	}
	g.console.line(now, "PLATFORM  not connected to %s; records are kept on disk and sent when it returns", g.cfg.Uplink.MQTT.URL)
}

func (g *Gateway) logErr(component string, err error) {
	if err != nil {
		g.log.Error("component stopped with an error", "component", component, "err", err)
	}
}

// sink connects the pollers to the alarm engine and the store.
type sink struct {
	g *Gateway
	// beat records for the watchdog that the bus's poll and evaluate
	// loop made progress.
	beat func()
}

// Sample evaluates alarms on every sample first, synchronously, then
// queues the sample for storage if the point's report rule passes it.
func (s sink) Sample(x record.Sample) {
	s.g.engine.Process(x)
	s.beat()
	s.g.live.observe(x)
	if s.g.report.Pass(x) {
		s.g.store.enqueue(sampleEntry(x))
	}
}

func (s sink) Event(e record.Event) { s.g.event(e) }

// event logs an event and queues it for storage and upload. The alarm
// engine calls it synchronously, so nothing here may block: gatewayd
// hands the gateway log and console writers that queue (internal/logpipe),
// and the queue for storage never blocks.
func (g *Gateway) event(e record.Event) {
	attrs := []any{"event", string(e.Kind), "source", string(e.Source)}
	for _, kv := range [][2]string{{"point", e.Point}, {"device", e.Device}, {"output", e.Output}, {"level", string(e.Level)}, {"operator", e.Operator}} {
		if kv[1] != "" {
			attrs = append(attrs, kv[0], kv[1])
		}
	}
	g.log.Info(e.Text, attrs...)
	g.comm.Observe(e)
	g.events.add(e.Kind)
	if srv := g.web.Load(); srv != nil {
		srv.Publish(e)
	}
	g.console.print(e)
	g.store.enqueue(eventEntry(e))
}
