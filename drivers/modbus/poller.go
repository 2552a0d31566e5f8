package modbus

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"time"

	"github.com/plantgw/plantgw/config"
	"github.com/plantgw/plantgw/drivers/modbus/wire"
	"github.com/plantgw/plantgw/record"
)

// Sink receives what a bus produces. Its methods are called from the bus
// goroutine and must not block on I/O: the alarm path runs inside them.
type Sink interface {
	Sample(record.Sample)
	Event(record.Event)
}

// Clock gives the time to stamp readings with and whether the system clock
// is known to be synchronised.
type Clock func() (now time.Time, synced bool)

// maxProbeInterval caps the back-off between probes of a lost device, so a
// device that returns is seen again within this time.
const maxProbeInterval = 10 * time.Second

// Poller owns one bus: a single goroutine runs Run and is the only user of
// the bus's Conn.
type Poller struct {
	bus     config.Bus
	conn    Conn
	devices []*device
	sink    Sink
	clock   Clock
	writes  chan Write
	reads   chan readRequest
	log     *slog.Logger
	// reported is the line counters as last logged, reportedUnits each
	// unit's.
	reported      wire.Counts
	reportedUnits map[uint8]wire.UnitCounts
	reportedAt    time.Time
}

// lineReportInterval is how often at most the poller logs the line's
// fault counters, and only when they changed.
const lineReportInterval = time.Minute

// firstLineReport is when after the start the first report may come.
const firstLineReport = 10 * time.Second

// counter is a Conn that counts its traffic; the gateway's Conns do.
type counter interface {
	Stats() wire.Counts
	UnitStats(unit uint8) wire.UnitCounts
}

// link is the communication state of one physical device, shared by its
// poll groups, so a device is reported lost and restored once.
type link struct {
	lastGood time.Time
	failures int
	lost     bool
	// poll is the shortest period among the device's poll groups: comm
	// loss is judged at the rate the device is read most often, so a
	// group read once a minute does not declare it lost at its first
	// miss.
	poll time.Duration
}

// device is one poll group of a device: the points read at one period.
type device struct {
	// cfg is the device's config with Poll set to the group's period.
	cfg      config.Device
	link     *link
	blocks   []Block
	points   []config.Point
	decoders map[string]Decoder
	next     time.Time
	probe    time.Duration
	// sampled is when each point last produced a sample. A point whose
	// reads the device keeps rejecting as busy goes stale from then.
	sampled map[string]time.Time
}

// NewPoller plans the reads of every device of cfg on bus, one poll group
// per distinct period among its points.
func NewPoller(cfg *config.Config, bus config.Bus, conn Conn, sink Sink, clock Clock) (*Poller, error) {
	p := &Poller{bus: bus, conn: conn, sink: sink, clock: clock, writes: make(chan Write, writeQueueSize),
		reads: make(chan readRequest, readQueueSize), log: slog.New(slog.DiscardHandler), reportedUnits: map[uint8]wire.UnitCounts{}}
	for _, dc := range cfg.Devices {
		if dc.Bus != bus.Name {
			continue
		}
		l := &link{}
		for _, g := range pollGroups(dc, devicePoints(cfg, dc.Name)) {
			blocks, err := PlanDevice(g.points, dc.MaxRegisters, dc.MaxGap)
			if err != nil {
				return nil, fmt.Errorf("device %s: %w", dc.Name, err)
			}
			gc := dc
			gc.Poll = g.period
			if l.poll == 0 || g.period.D() < l.poll {
				l.poll = g.period.D()
			}
			d := &device{cfg: gc, link: l, blocks: blocks, points: g.points, decoders: map[string]Decoder{}, sampled: map[string]time.Time{}}
			for _, pt := range g.points {
				d.decoders[pt.ID] = NewDecoder(pt)
			}
			p.devices = append(p.devices, d)
		}
	}
	return p, nil
}

// Run polls until ctx ends, then closes the connection.
func (p *Poller) Run(ctx context.Context) error {
	start, _ := p.clock()
	// The first report comes after firstLineReport, while an installer
	// is still watching the start.
	p.reportedAt = start.Add(firstLineReport - lineReportInterval)
	for i, d := range p.devices {
		d.link.lastGood = start
		for _, pt := range d.points {
			d.sampled[pt.ID] = start
		}
		// Spread the first polls so devices do not all fall due together.
		d.next = start.Add(time.Duration(i) * 10 * time.Millisecond)
	}
	defer p.conn.Close()
	defer p.failPendingWrites()
	defer p.failPendingReads()
	for ctx.Err() == nil {
		d := p.nextDue()
		if d == nil {
			// A bus without devices still serves an installer's reads.
			p.wait(ctx, time.Duration(math.MaxInt64))
			break
		}
		now, _ := p.clock()
		if wait := d.next.Sub(now); wait > 0 {
			p.wait(ctx, wait)
			if ctx.Err() != nil {
				break
			}
		}
		p.pollDevice(ctx, d)
		p.schedule(d)
		p.serveQueued(ctx)
		p.reportLine(now, false)
	}
	now, _ := p.clock()
	p.reportLine(now, true)
	return nil
}

// SetLogger sets where the poller logs the line's fault counters.
func (p *Poller) SetLogger(log *slog.Logger) { p.log = log }

// LineCounts returns the bus's traffic and fault counters; any goroutine
// may call it. It is the zero Counts for a Conn that does not count.
func (p *Poller) LineCounts() wire.Counts {
	if c, ok := p.conn.(counter); ok {
		return c.Stats()
	}
	return wire.Counts{}
}

// reportLine logs the line counters when their faults changed, at most
// once per lineReportInterval, or at once when final is set.
func (p *Poller) reportLine(now time.Time, final bool) {
	if !final && now.Sub(p.reportedAt) < lineReportInterval {
		return
	}
	c := p.LineCounts()
	if c.Faults() == p.reported.Faults() && !final {
		return
	}
	p.reported, p.reportedAt = c, now
	p.log.Info("line counters", "bus", p.bus.Name, "requests", c.Requests, "replies", c.Replies,
		"exceptions", c.Exceptions, "timeouts", c.Timeouts, "crc_errors", c.Damaged, "stray_bytes", c.StrayBytes,
		"late_replies", c.Late, "stale_replies", c.Stale, "reconnects", c.Reconnects, "open_failures", c.OpenFailures)
	p.reportUnits()
}

// reportUnits logs the counters of each device whose faults changed since
// the last report, so that a line's faults can be traced to a device.
func (p *Poller) reportUnits() {
	conn, ok := p.conn.(counter)
	if !ok {
		return
	}
	for _, d := range p.devices {
		unit := uint8(d.cfg.Unit)
		u := conn.UnitStats(unit)
		if u.Faults() == p.reportedUnits[unit].Faults() {
			continue
		}
		p.reportedUnits[unit] = u
		p.log.Info("device counters", "bus", p.bus.Name, "device", d.cfg.Name, "unit", unit, "requests", u.Requests,
			"exceptions", u.Exceptions, "timeouts", u.Timeouts, "crc_errors", u.Damaged, "late_replies", u.Late,
			"stale_replies", u.Stale)
	}
}

func (p *Poller) nextDue() *device {
	var best *device
	for _, d := range p.devices {
		if best == nil || d.next.Before(best.next) {
			best = d
		}
	}
	return best
}

// schedule sets the device's next poll: its period while it replies, a
// doubling probe interval up to maxProbeInterval while it is lost.
func (p *Poller) schedule(d *device) {
	now, _ := p.clock()
	period := d.cfg.Poll.D()
	if d.link.lost {
		d.probe = min(max(2*d.probe, 2*period), maxProbeInterval)
		period = d.probe
	} else {
		d.probe = 0
	}
	d.next = d.next.Add(period)
	if d.next.Before(now) {
		d.next = now.Add(period)
	}
}

// pollResult collects one poll's replies per field.
type pollResult struct {
	regs map[Field][]uint16
	bits map[string]bool
	// exception holds the exception code of points whose read the device
	// rejected (0 for a reply shorter than asked).
	exception map[string]byte
	// busy marks points whose read got exception 06: no sample this poll.
	busy map[string]bool
}

func (p *Poller) pollDevice(ctx context.Context, d *device) {
	res := pollResult{regs: map[Field][]uint16{}, bits: map[string]bool{}, exception: map[string]byte{}, busy: map[string]bool{}}
	answered := false
	var commErr *CommError
	splits := map[int][]Block{}
	defer func() { d.blocks = applySplits(d.blocks, splits) }()
	for i, b := range d.blocks {
		err := p.readBlock(ctx, d, b, &res)
		if err == nil {
			answered = true
			continue
		}
		if !errors.As(err, &commErr) {
			commErr = &CommError{Cause: CommIO, Err: err}
		}
		if commErr.Cause == CommException {
			answered = true
			if commErr.Code == exceptionBusy {
				for _, f := range b.Fields {
					res.busy[f.Point] = true
				}
				continue
			}
			if commErr.missingRange() && len(b.Fields) > 1 {
				parts := splitBlock(b)
				splits[i] = parts
				p.readParts(ctx, d, parts, &res)
				continue
			}
			for _, f := range b.Fields {
				res.exception[f.Point] = commErr.Code
			}
			continue
		}
		// The device did not reply, so the rest of its reads would only
		// cost the other devices on the line more timeouts.
		answered = false
		break
	}
	now, synced := p.clock()
	if answered {
		p.deviceAnswered(d, now, synced)
		p.emitSamples(d, &res, now, synced)
		return
	}
	p.deviceFailed(d, commErr, now, synced)
}

// readParts reads the single-field blocks of a split read. A part that
// fails marks its point as an exception for this poll.
func (p *Poller) readParts(ctx context.Context, d *device, parts []Block, res *pollResult) {
	for _, part := range parts {
		if err := p.readBlock(ctx, d, part, res); err != nil {
			var ce *CommError
			errors.As(err, &ce)
			res.exception[part.Fields[0].Point] = ce.code()
		}
	}
}

func (p *Poller) readBlock(ctx context.Context, d *device, b Block, res *pollResult) error {
	unit := uint8(d.cfg.Unit)
	if b.Table == config.Coils || b.Table == config.DiscreteInputs {
		bits, err := p.conn.ReadBits(ctx, unit, b.Table, b.Start, b.Count)
		if err != nil {
			return err
		}
		if len(bits) < int(b.Count) {
			return &CommError{Cause: CommException, Partial: true, Err: fmt.Errorf("read %s: got %d bits, want %d", b, len(bits), b.Count)}
		}
		for _, f := range b.Fields {
			res.bits[f.Point] = bits[f.Address-b.Start]
		}
		return nil
	}
	regs, err := p.conn.ReadRegisters(ctx, unit, b.Table, b.Start, b.Count)
	if err != nil {
		return err
	}
	if len(regs) < int(b.Count) {
		return &CommError{Cause: CommException, Partial: true, Err: fmt.Errorf("read %s: got %d registers, want %d", b, len(regs), b.Count)}
	}
	for _, f := range b.Fields {
		off := f.Address - b.Start
		res.regs[f] = regs[off : off+f.Count]
	}
	return nil
}

func (p *Poller) deviceAnswered(d *device, now time.Time, synced bool) {
	d.link.lastGood = now
	d.link.failures = 0
	if d.link.lost {
		d.link.lost = false
		p.sink.Event(record.Event{Kind: record.CommRestored, Time: now, ClockSynced: synced, Device: d.cfg.Name,
			Source: record.SourceAuto, Text: fmt.Sprintf("device %s on %s answers again", d.cfg.Name, p.bus.Name)})
	}
}

// deviceFailed counts a poll without any reply. The device is reported
// lost once it has missed two polls in a row and its next poll would come
// later than CommLossAfter after its last reply. Checking against the next
// poll keeps the report from being up to one poll period late. From then
// on every failed probe sends bad samples, so consumers see the points as
// faulted.
func (p *Poller) deviceFailed(d *device, commErr *CommError, now time.Time, synced bool) {
	d.link.failures++
	deadline := d.link.lastGood.Add(d.cfg.CommLossAfter.D())
	if !d.link.lost && d.link.failures >= 2 && !now.Add(d.link.poll).Before(deadline) {
		d.link.lost = true
		text := fmt.Sprintf("device %s on %s: no reply for %v", d.cfg.Name, p.bus.Name, now.Sub(d.link.lastGood).Round(time.Second))
		if commErr != nil {
			text += ": " + commErr.Error()
		}
		cause, code := lostCause(commErr)
		p.sink.Event(record.Event{Kind: record.CommLost, Time: now, ClockSynced: synced, Device: d.cfg.Name,
			Source: record.SourceAuto, Text: text, Cause: cause, Code: code})
	}
	if !d.link.lost {
		return
	}
	for _, pt := range d.points {
		d.sampled[pt.ID] = now
		p.sink.Sample(record.Sample{Point: pt.ID, Time: now, ClockSynced: synced, IsBool: pt.Type == "bool",
			IsText: pt.Type == config.TextType, Quality: record.Bad, Cause: record.CauseCommLost})
	}
}

// lostCause returns the cause of a comm_lost event from the last failed
// request.
func lostCause(e *CommError) (record.Cause, byte) {
	switch {
	case e == nil:
		return record.CauseTimeout, 0
	case e.Code == 0x0A || e.Code == 0x0B:
		return record.CauseException, e.Code
	case e.Cause == CommTimeout:
		return record.CauseTimeout, 0
	case e.Cause == CommCRC:
		return record.CauseCRC, 0
	}
	return record.CauseNoConnection, 0
}

func (p *Poller) emitSamples(d *device, res *pollResult, now time.Time, synced bool) {
	for _, pt := range d.points {
		s := record.Sample{Point: pt.ID, Time: now, ClockSynced: synced, IsBool: pt.Type == "bool", IsText: pt.Type == config.TextType}
		if res.busy[pt.ID] {
			// A busy reply carries no reading: try again next poll, unless
			// the point has gone without one for too long.
			if now.Sub(d.sampled[pt.ID]) < d.cfg.CommLossAfter.D() {
				continue
			}
			s.Quality, s.Cause = record.Bad, record.CauseStale
			d.sampled[pt.ID] = now
			p.sink.Sample(s)
			continue
		}
		d.sampled[pt.ID] = now
		dec := d.decoders[pt.ID]
		r, err := p.decodePoint(pt, dec, res)
		code, rejected := res.exception[pt.ID]
		if err != nil || rejected {
			s.Quality, s.Cause, s.Code = record.Bad, record.CauseException, code
		} else {
			s.Value, s.Bool, s.Text, s.Quality, s.Cause = r.Value, r.Bool, r.Text, r.Quality, r.Cause
		}
		if raw, ok := res.regs[Field{Point: pt.ID, Address: mustWire(pt.Register), Count: dec.Registers()}]; ok {
			s.Raw = append([]uint16(nil), raw...)
		}
		p.sink.Sample(s)
	}
}

func (p *Poller) decodePoint(pt config.Point, dec Decoder, res *pollResult) (Reading, error) {
	table := config.Table(pt.Register.Table)
	if table == config.Coils || table == config.DiscreteInputs {
		on, ok := res.bits[pt.ID]
		if !ok {
			return Reading{}, fmt.Errorf("point %s: no reply", pt.ID)
		}
		return dec.DecodeBit(on), nil
	}
	addr := mustWire(pt.Register)
	regs, ok := res.regs[Field{Point: pt.ID, Address: addr, Count: dec.Registers()}]
	if !ok {
		return Reading{}, fmt.Errorf("point %s: no reply", pt.ID)
	}
	var status uint16
	if pt.Fault != nil {
		st, ok := res.regs[Field{Point: pt.ID, Address: mustWire(pt.Fault.Register), Count: 1, Status: true}]
		if !ok {
			return Reading{}, fmt.Errorf("point %s: no status reply", pt.ID)
		}
		status = st[0]
	}
	return dec.DecodeRegisters(regs, status)
}

// mustWire returns a validated register's wire address; config validation
// has already rejected addresses that do not convert.
func mustWire(r config.Register) uint16 {
	a, err := r.Wire()
	if err != nil {
		panic(fmt.Sprintf("modbus: unvalidated register %+v: %v", r, err))
	}
	return a
}

// Bus returns the name of the bus the poller owns.
func (p *Poller) Bus() string { return p.bus.Name }
