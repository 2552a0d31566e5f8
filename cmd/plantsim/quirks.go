package main

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/text/message"
)

// unitQuirks contains the quirks of one unit. A zero field turns its quirk off.
type unitQuirks struct {
	maxRegisters int
	shortReply   int
	busyEvery    int
	slow         time.Duration
	late         time.Duration
	crcNoise     float64
	strayBytes   float64
	dead         bool
	staleReply   bool
	gatewayPath  bool

	requests atomic.Uint64 // requests seen, for busyEvery
}

type unitKey struct {
	bus  busID
	unit byte
}

// quirkCounters counts the effects of the quirks on all units.
type quirkCounters struct {
	tooLong      atomic.Uint64 // reads rejected with exception 03 by max-registers
	shortReplies atomic.Uint64
	slowReplies  atomic.Uint64
	lateReplies  atomic.Uint64
	busyReplies  atomic.Uint64
	badCRCs      atomic.Uint64
	strayBursts  atomic.Uint64 // replies with stray bytes in front
	ignored      atomic.Uint64 // requests to dead units
	staleCopies  atomic.Uint64 // previous replies sent again by stale-reply
	pathReplies  atomic.Uint64 // exception 0A replies by gateway-path
}

// quirkSet contains the active quirks and their counters. A nil *quirkSet has no quirks.
type quirkSet struct {
	list     []quirk
	units    map[unitKey]*unitQuirks
	counters quirkCounters
	// until is when the quirks end (--quirk-for); zero keeps them on.
	// It is set before the buses start serving and not changed after.
	until time.Time

	// rng is seeded from --seed, separately from the noise generator, so
	// that the request timing does not change the process values.
	mu  sync.Mutex
	rng *rand.Rand
}

func newQuirkSet(list []quirk, seed uint64) *quirkSet {
	if len(list) == 0 {
		return nil
	}
	q := &quirkSet{list: list, units: map[unitKey]*unitQuirks{}, rng: rand.New(rand.NewPCG(seed, 1))}
	for _, entry := range list {
		key := unitKey{entry.bus, entry.unit}
		u := q.units[key]
		if u == nil {
			u = &unitQuirks{}
			q.units[key] = u
		}
		switch entry.kind {
		case quirkMaxRegisters:
			u.maxRegisters = entry.count
		case quirkShortReply:
			u.shortReply = entry.count
		case quirkBusy:
			u.busyEvery = entry.count
		case quirkSlow:
			u.slow = entry.delay
		case quirkLate:
			u.late = entry.delay
		case quirkCRCNoise:
			u.crcNoise = entry.probability
		case quirkStrayBytes:
			u.strayBytes = entry.probability
		case quirkDead:
			u.dead = true
		case quirkStaleReply:
			u.staleReply = true
		case quirkGatewayPath:
			u.gatewayPath = true
		}
	}
	return q
}

// forUnit returns the quirks of one unit, or nil when it has none or the
// quirks have ended.
func (q *quirkSet) forUnit(bus busID, unit byte) *unitQuirks {
	if q == nil || q.ended() {
		return nil
	}
	return q.units[unitKey{bus, unit}]
}

// endAfter makes every quirk end d from now. It must be called before the
// buses start serving.
func (q *quirkSet) endAfter(d time.Duration) {
	q.until = time.Now().Add(d)
}

func (q *quirkSet) ended() bool {
	return !q.until.IsZero() && !time.Now().Before(q.until)
}

// ignore reports whether the unit is dead, and counts the ignored request.
func (q *quirkSet) ignore(u *unitQuirks) bool {
	if u == nil || !u.dead {
		return false
	}
	q.counters.ignored.Add(1)
	return true
}

// busy counts a request and reports whether it gets exception 06.
func (q *quirkSet) busy(u *unitQuirks) bool {
	if u == nil || u.busyEvery == 0 {
		return false
	}
	if u.requests.Add(1)%uint64(u.busyEvery) != 0 {
		return false
	}
	q.counters.busyReplies.Add(1)
	return true
}

// pathUnavailable reports whether the request gets exception 0A, and
// counts it.
func (q *quirkSet) pathUnavailable(u *unitQuirks) bool {
	if u == nil || !u.gatewayPath {
		return false
	}
	q.counters.pathReplies.Add(1)
	return true
}

// staleCopy reports whether the previous reply on the connection is sent
// again before the reply to this request, and counts it. There is no copy
// to send when the connection has no previous reply.
func (q *quirkSet) staleCopy(u *unitQuirks, previous []byte) bool {
	if u == nil || !u.staleReply || previous == nil {
		return false
	}
	q.counters.staleCopies.Add(1)
	return true
}

// chance returns true with the given probability.
func (q *quirkSet) chance(probability float64) bool {
	if probability <= 0 {
		return false
	}
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.rng.Float64() < probability
}

// strayBytes returns 1 to 3 random bytes.
func (q *quirkSet) strayBytes() []byte {
	q.mu.Lock()
	defer q.mu.Unlock()
	stray := make([]byte, 1+q.rng.IntN(3))
	for i := range stray {
		stray[i] = byte(q.rng.UintN(256))
	}
	return stray
}

// corruptRTUFrame applies crc-noise and stray-bytes to an RTU reply frame
// and returns the bytes to write.
func (q *quirkSet) corruptRTUFrame(u *unitQuirks, frame []byte) []byte {
	if u == nil {
		return frame
	}
	if q.chance(u.crcNoise) {
		// Any change to the last byte makes the CRC check fail.
		frame[len(frame)-1] ^= 0xFF
		q.counters.badCRCs.Add(1)
	}
	if q.chance(u.strayBytes) {
		frame = append(q.strayBytes(), frame...)
		q.counters.strayBursts.Add(1)
	}
	return frame
}

// wait sleeps for the slow and late delays of u and counts them. It returns
// false when ctx ends first.
func (q *quirkSet) wait(ctx context.Context, u *unitQuirks) bool {
	if u == nil || u.slow+u.late == 0 {
		return true
	}
	if u.slow > 0 {
		q.counters.slowReplies.Add(1)
	}
	if u.late > 0 {
		q.counters.lateReplies.Add(1)
	}
	return sleepContext(ctx, u.slow+u.late)
}

func sleepContext(ctx context.Context, d time.Duration) bool {
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-timer.C:
		return true
	case <-ctx.Done():
		return false
	}
}

// wrap returns dev with the max-registers and short-reply quirks of u.
func (q *quirkSet) wrap(dev device, u *unitQuirks) device {
	if u == nil || (u.maxRegisters == 0 && u.shortReply == 0) {
		return dev
	}
	return quirkDevice{device: dev, quirks: u, counters: &q.counters}
}

// quirkDevice is a device that rejects long reads or returns short ones.
type quirkDevice struct {
	device
	quirks   *unitQuirks
	counters *quirkCounters
}

func (d quirkDevice) readBits(table bitTable, addr, count uint16) ([]bool, error) {
	if err := d.checkCount(count); err != nil {
		return nil, err
	}
	bits, err := d.device.readBits(table, addr, count)
	return shorten(d, bits, err), err
}

func (d quirkDevice) readRegisters(table registerTable, addr, count uint16) ([]uint16, error) {
	if err := d.checkCount(count); err != nil {
		return nil, err
	}
	registers, err := d.device.readRegisters(table, addr, count)
	return shorten(d, registers, err), err
}

func (d quirkDevice) checkCount(count uint16) error {
	if d.quirks.maxRegisters > 0 && int(count) > d.quirks.maxRegisters {
		d.counters.tooLong.Add(1)
		return exIllegalDataValue
	}
	return nil
}

func shorten[T any](d quirkDevice, values []T, err error) []T {
	if err != nil || d.quirks.shortReply == 0 || len(values) <= d.quirks.shortReply {
		return values
	}
	d.counters.shortReplies.Add(1)
	return values[:d.quirks.shortReply]
}

// quirkCount is the counter of one quirk with its status line label.
type quirkCount struct {
	kind  quirkKind
	label string // English catalog key
	value uint64
}

func (q *quirkSet) quirkCounts() []quirkCount {
	return []quirkCount{
		{quirkMaxRegisters, "reads rejected with 03", q.counters.tooLong.Load()},
		{quirkShortReply, "short replies", q.counters.shortReplies.Load()},
		{quirkSlow, "slow replies", q.counters.slowReplies.Load()},
		{quirkLate, "late replies", q.counters.lateReplies.Load()},
		{quirkBusy, "busy replies", q.counters.busyReplies.Load()},
		{quirkCRCNoise, "corrupted CRCs", q.counters.badCRCs.Load()},
		{quirkStrayBytes, "replies after stray bytes", q.counters.strayBursts.Load()},
		{quirkDead, "requests ignored", q.counters.ignored.Load()},
		{quirkStaleReply, "stale replies", q.counters.staleCopies.Load()},
		{quirkGatewayPath, "path unavailable replies (0A)", q.counters.pathReplies.Load()},
	}
}

func (q *quirkSet) active(kind quirkKind) bool {
	for _, entry := range q.list {
		if entry.kind == kind {
			return true
		}
	}
	return false
}

// summary returns the counters of the active quirks for the status line,
// or "" without quirks.
func (q *quirkSet) summary(printer *message.Printer) string {
	if q == nil {
		return ""
	}
	var items []string
	for _, c := range q.quirkCounts() {
		if q.active(c.kind) {
			items = append(items, printer.Sprintf(c.label)+" "+fmt.Sprint(c.value))
		}
	}
	return printer.Sprintf("quirks: %s", strings.Join(items, ", "))
}

// logAttrs returns every counter as slog key-value pairs.
func (q *quirkSet) logAttrs() []any {
	if q == nil {
		return nil
	}
	var attrs []any
	for _, c := range q.quirkCounts() {
		attrs = append(attrs, "quirk_"+strings.ReplaceAll(string(c.kind), "-", "_"), c.value)
	}
	return attrs
}

// specs returns the quirks as written on the command line.
func (q *quirkSet) specs() string {
	specs := make([]string, len(q.list))
	for i, entry := range q.list {
		specs[i] = entry.spec
	}
	return strings.Join(specs, ", ")
}
