package main

import (
	"context"
	"fmt"
	"time"

	"github.com/plantgw/plantgw/drivers/modbus"
)

var scanUsage = []string{
	"Usage: gwctl scan (--port PATH | --tcp HOST:PORT) [flags]",
	"Asks every unit id for one register, at every baud rate and parity given, and lists those that answer.",
	"A unit that replies with a Modbus exception is present too. Ctrl-C stops the scan and lists what it found so far.",
	"  --port PATH        serial port of the RS-485 line, such as /dev/ttyUSB0",
	"  --tcp HOST:PORT    Modbus TCP server or TCP-to-RTU gateway, such as 192.0.2.10:502",
	"  --baud LIST        baud rates to try, such as 9600,19200 (default 9600)",
	"  --parity LIST      parities to try: N (none), E (even), O (odd), such as N,E (default N)",
	"  --stop-bits N      stop bits, 1 or 2 (default 1)",
	"  --units LIST       unit ids to ask, such as 1-247 or 1,3,10-20 (default 1-247; 0-255 on TCP)",
	"  --register REF     register to ask for: a reference such as 40001 (default), or TABLE:wire=N or TABLE:number=N",
	"  --timeout D        time to wait for each reply, such as 100ms (default 100ms); an RTU line adds the reply's time on the wire",
	"A unit that does not answer costs twice the timeout, because the gateway's Modbus master listens one more timeout for a late reply.",
}

// scanOptions is the parsed scan command line.
type scanOptions struct {
	line  line
	units []int
	probe location
}

func parseScanFlags(args []string) (scanOptions, error) {
	fs := newFlagSet("scan")
	lf := addLineFlags(fs, "100ms")
	units := fs.String("units", "", "")
	register := fs.String("register", "40001", "")
	positional, err := parseCommandLine(fs, args)
	if err != nil {
		return scanOptions{}, err
	}
	if len(positional) > 0 {
		return scanOptions{}, usageError("unexpected arguments: %v", positional)
	}
	var o scanOptions
	if o.line, err = lf.parse(true); err != nil {
		return scanOptions{}, err
	}
	lo, hi := o.line.unitRange()
	if *units == "" {
		*units = fmt.Sprintf("%d-%d", max(lo, 1), min(hi, 247))
	}
	if o.units, err = parseUnits(*units, lo, hi); err != nil {
		return scanOptions{}, err
	}
	if o.probe, err = parseRegisterSpec(*register); err != nil {
		return scanOptions{}, err
	}
	return o, nil
}

func runScan(ctx context.Context, e *env, args []string) int {
	o, err := parseScanFlags(args)
	if err != nil {
		return e.fail(err)
	}
	claim, err := o.line.claim()
	if err != nil {
		return e.fail(err)
	}
	defer claim.Close()

	s := &scanner{opts: o, env: e}
	start := time.Now()
	scanErr := s.run(ctx)
	s.progress.finish()
	interrupted := ctx.Err() != nil
	s.report(time.Since(start), interrupted)
	switch {
	case scanErr != nil:
		return e.fail(scanErr)
	case s.present() == 0:
		return exitFailure
	}
	return exitOK
}

// scanner runs one scan and keeps its results.
type scanner struct {
	opts     scanOptions
	env      *env
	progress *progress
	results  []probeResult
	probes   int
}

// settings returns the serial settings to try, or one empty setting for
// TCP.
func (s *scanner) settings() []serialSetting {
	if s.opts.line.tcp != "" {
		return []serialSetting{{}}
	}
	return s.opts.line.settings
}

// run probes every unit at every setting until done, the context ends or
// the line fails.
func (s *scanner) run(ctx context.Context) error {
	settings := s.settings()
	s.progress = newProgress(s.env, len(settings)*len(s.opts.units))
	for _, setting := range settings {
		if ctx.Err() != nil {
			return nil
		}
		if err := s.scanSetting(ctx, setting); err != nil {
			return err
		}
	}
	return nil
}

// scanSetting probes every unit at one setting over a fresh connection.
func (s *scanner) scanSetting(ctx context.Context, setting serialSetting) error {
	label := s.settingLabel(setting)
	conn, err := s.opts.line.dial(setting, probeReplyBytes(s.opts.probe))
	if err != nil {
		return failure(err, "cannot use %s: %v", s.opts.line.where(), err)
	}
	defer conn.Close()
	s.progress.begin(label, len(s.opts.units))
	for _, unit := range s.opts.units {
		s.progress.asking(label, unit, s.present())
		res, err := probe(ctx, conn, uint8(unit), s.opts.probe)
		if ctx.Err() != nil {
			// A probe cut short by Ctrl-C is no evidence about the unit.
			return nil
		}
		if err != nil {
			return commError(err, s.opts.line, uint8(unit))
		}
		res.setting = setting
		s.probes++
		if res.outcome != outcomeAbsent {
			s.results = append(s.results, res)
			s.progress.note(s.foundLine(res, label))
		}
		s.progress.step(s.present())
	}
	return nil
}

// settingLabel names a setting in progress and results: "9600 8N1" on a
// serial line, the address on TCP.
func (s *scanner) settingLabel(setting serialSetting) string {
	if s.opts.line.tcp != "" {
		return s.opts.line.tcp
	}
	return setting.format(s.opts.line.stopBits)
}

// present returns how many probes found a unit.
func (s *scanner) present() int {
	n := 0
	for _, r := range s.results {
		if r.outcome == outcomeReply || r.outcome == outcomeException {
			n++
		}
	}
	return n
}

// probeReplyBytes returns the size of the RTU reply to a probe of loc.
func probeReplyBytes(loc location) int {
	_, reply := modbus.RTUReadFrameBytes(modbus.Block{Table: loc.table, Start: loc.wire, Count: 1})
	return reply
}
