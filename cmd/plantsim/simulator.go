package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"sync"

	"golang.org/x/text/message"
)

// endpoints lists the addresses of the running simulator. An empty field
// means that part is turned off.
type endpoints struct {
	tcpAddr   string
	rtuPath   string
	rtuIsPTY  bool
	rtuLink   string
	stateFile string
	scenarios []string
	quirks    string // active --quirk entries, "" without quirks
}

// simulate runs the plant and its buses until ctx is done or the RTU line
// fails. It calls ready once everything listens, and removes the
// --rtu-link symlink before it returns.
func simulate(ctx context.Context, cfg config, out io.Writer, printer *message.Printer,
	logger *slog.Logger, ready func(endpoints)) error {
	sched, err := newSchedule(cfg.steps)
	if err != nil {
		return err
	}
	p := newPlant(sched, cfg.noise, cfg.seed, logger)
	stats := &rtuStats{}
	quirks := newQuirkSet(cfg.quirks, cfg.seed)
	ep := endpoints{stateFile: cfg.stateFile}
	for _, step := range cfg.steps {
		ep.scenarios = append(ep.scenarios, step.Name)
	}
	if quirks != nil {
		ep.quirks = quirks.specs()
		if cfg.quirkFor > 0 {
			quirks.endAfter(cfg.quirkFor)
		}
	}

	runCtx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)

	var line *rtuLine
	if cfg.rtu != "" {
		line, err = openRTULine(cfg.rtu)
		if err != nil {
			return err
		}
		defer line.close()
		ep.rtuPath, ep.rtuIsPTY = line.path, cfg.rtu == rtuPTY
	}
	if cfg.rtuLink != "" {
		if err := createLink(cfg.rtuLink, line.path); err != nil {
			return newUserError(err, "cannot create symbolic link %s: %v", cfg.rtuLink, err)
		}
		ep.rtuLink = cfg.rtuLink
		defer func() {
			if err := removeLink(cfg.rtuLink, line.path); err != nil {
				logger.Error("symbolic link not removed", "link", cfg.rtuLink, "error", err)
			}
		}()
	}

	if cfg.tcpAddr != "" {
		server, addr, err := startTCPServer(runCtx, p, quirks, cfg.tcpAddr, logger)
		if err != nil {
			return newUserError(err, "cannot start Modbus TCP server on %s: %v", cfg.tcpAddr, err)
		}
		defer server.Stop()
		ep.tcpAddr = addr
	}

	if cfg.stateFile != "" {
		if err := writeStateFile(cfg.stateFile, stateDocument(p.snapshotWithChanges())); err != nil {
			return newUserError(err, "cannot write state file %s: %v", cfg.stateFile, err)
		}
	}

	var wg sync.WaitGroup
	wg.Go(func() { p.run(runCtx, cfg.speed) })
	if line != nil {
		slave := newRTUSlave(p, stats)
		slave.quirks = quirks
		wg.Go(func() {
			if err := slave.serve(runCtx, line.port, line.path, logger); err != nil {
				logger.Error("Modbus RTU line failed", "path", line.path, "error", err)
				cancel(newUserError(err, "Modbus RTU line %s failed: %v", line.path, err))
			}
		})
	}
	if cfg.stateFile != "" {
		wg.Go(func() { runStateWriter(runCtx, cfg.stateFile, p, logger) })
	}
	if cfg.quirkFor > 0 {
		wg.Go(func() {
			if sleepContext(runCtx, cfg.quirkFor) {
				logger.Info("quirks ended", "after", cfg.quirkFor)
				fmt.Fprintln(out, printer.Sprintf("quirks ended after %s: every unit behaves normally again", cfg.quirkFor))
			}
		})
	}
	if cfg.printEvery > 0 {
		wg.Go(func() { runStatusPrinter(runCtx, cfg.printEvery, out, printer, p, stats, quirks) })
	}

	logger.Info("plantsim started", "tcp", ep.tcpAddr, "rtu", ep.rtuPath, "rtu_link", ep.rtuLink,
		"scenarios", ep.scenarios, "speed", cfg.speed, "noise", cfg.noise, "seed", cfg.seed, "quirks", ep.quirks)
	ready(ep)

	<-runCtx.Done()
	logger.Info("plantsim stopping")
	wg.Wait()
	counters := []any{
		"rtu_requests", stats.requests.Load(), "rtu_crc_errors", stats.crcErrors.Load(),
		"rtu_stray_bytes", stats.strayBytes.Load(),
	}
	logger.Info("plantsim stopped", append(counters, quirks.logAttrs()...)...)

	if ctx.Err() != nil {
		return nil
	}
	return context.Cause(runCtx)
}

// openRTULine opens the line that --rtu names.
func openRTULine(rtu string) (*rtuLine, error) {
	if rtu == rtuPTY {
		line, err := openPTYLine()
		if err != nil {
			return nil, newUserError(err, "cannot create pseudo-terminal for Modbus RTU: %v", err)
		}
		return line, nil
	}
	line, err := openSerialLine(rtu)
	if err != nil {
		return nil, newUserError(err, "cannot open serial device %s for Modbus RTU: %v", rtu, err)
	}
	return line, nil
}
