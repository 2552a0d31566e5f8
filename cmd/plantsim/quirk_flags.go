package main

import (
	"strconv"
	"strings"
	"time"
)

// quirkKind names one way in which a simulated device misbehaves.
type quirkKind string

const (
	quirkMaxRegisters quirkKind = "max-registers"
	quirkShortReply   quirkKind = "short-reply"
	quirkSlow         quirkKind = "slow"
	quirkLate         quirkKind = "late"
	quirkBusy         quirkKind = "busy"
	quirkCRCNoise     quirkKind = "crc-noise"
	quirkStrayBytes   quirkKind = "stray-bytes"
	quirkDead         quirkKind = "dead"
	quirkStaleReply   quirkKind = "stale-reply"
	quirkGatewayPath  quirkKind = "gateway-path"
)

// quirkKinds lists every quirk in the order of help text and status line.
var quirkKinds = []quirkKind{
	quirkMaxRegisters, quirkShortReply, quirkSlow, quirkLate,
	quirkBusy, quirkCRCNoise, quirkStrayBytes, quirkDead,
	quirkStaleReply, quirkGatewayPath,
}

// quirkExamples is a valid --quirk value for each quirk, shown in errors.
var quirkExamples = map[quirkKind]string{
	quirkMaxRegisters: "rtu/1:max-registers=4",
	quirkShortReply:   "rtu/1:short-reply=1",
	quirkSlow:         "rtu/1:slow=200ms",
	quirkLate:         "rtu/1:late=1500ms",
	quirkBusy:         "tcp/1:busy=3",
	quirkCRCNoise:     "rtu/1:crc-noise=0.1",
	quirkStrayBytes:   "rtu/1:stray-bytes=0.1",
	quirkDead:         "rtu/1:dead",
	quirkStaleReply:   "tcp/1:stale-reply",
	quirkGatewayPath:  "tcp/1:gateway-path",
}

// quirkTakesNoValue lists the quirks written without =VALUE.
var quirkTakesNoValue = map[quirkKind]bool{
	quirkDead: true, quirkStaleReply: true, quirkGatewayPath: true,
}

// quirk is one validated --quirk entry.
type quirk struct {
	spec        string // the entry as written, e.g. "rtu/1:busy=3"
	bus         busID
	unit        byte
	kind        quirkKind
	count       int           // max-registers, short-reply, busy
	delay       time.Duration // slow, late
	probability float64       // crc-noise, stray-bytes
}

// quirkListFlag collects the entries of every --quirk flag. Each flag may
// hold a comma-separated list.
type quirkListFlag []string

func (f *quirkListFlag) String() string { return strings.Join(*f, ",") }

func (f *quirkListFlag) Set(value string) error {
	for entry := range strings.SplitSeq(value, ",") {
		*f = append(*f, strings.TrimSpace(entry))
	}
	return nil
}

// parseQuirks validates every collected --quirk entry.
func parseQuirks(entries []string) ([]quirk, error) {
	var quirks []quirk
	for _, entry := range entries {
		q, err := parseQuirk(entry)
		if err != nil {
			return nil, err
		}
		quirks = append(quirks, q)
	}
	return quirks, nil
}

// parseQuirk parses one entry of the form rtu/N:QUIRK[=VALUE] or tcp/N:QUIRK[=VALUE].
func parseQuirk(entry string) (quirk, error) {
	unitSpec, quirkSpec, ok := strings.Cut(entry, ":")
	if !ok || quirkSpec == "" {
		return quirk{}, newUserError(nil, "invalid --quirk value %q: write UNIT:QUIRK such as rtu/1:busy=3 or tcp/2:slow=200ms", entry)
	}
	q := quirk{spec: entry}

	busName, unitText, _ := strings.Cut(unitSpec, "/")
	unit, err := strconv.ParseUint(unitText, 10, 8)
	switch {
	case busName == "rtu":
		q.bus = rtuBus
	case busName == "tcp":
		q.bus = tcpBus
	default:
		err = strconv.ErrSyntax
	}
	if err != nil || unit < 1 || unit > 247 {
		return quirk{}, newUserError(err, "invalid unit %q in --quirk value %q: write rtu/N or tcp/N with N from 1 to 247", unitSpec, entry)
	}
	q.unit = byte(unit)

	name, value, hasValue := strings.Cut(quirkSpec, "=")
	q.kind = quirkKind(name)
	example, known := quirkExamples[q.kind]
	if !known {
		return quirk{}, newUserError(nil, "unknown quirk %q in --quirk value %q: use one of %s", name, entry, quirkNames())
	}
	if err := checkQuirkBus(q.bus, q.kind, entry); err != nil {
		return quirk{}, err
	}
	if quirkTakesNoValue[q.kind] {
		if hasValue {
			return quirk{}, newUserError(nil, "invalid --quirk value %q: %s takes no value, write %s", entry, string(q.kind), example)
		}
		return q, nil
	}
	if err := parseQuirkValue(&q, value, example); err != nil {
		return quirk{}, err
	}
	return q, nil
}

// checkQuirkBus rejects the quirks that have no meaning on the bus: CRCs
// and stray bytes exist only on a serial line, and transaction ids and
// gateway exceptions only on Modbus TCP.
func checkQuirkBus(bus busID, kind quirkKind, entry string) error {
	switch {
	case bus == tcpBus && (kind == quirkCRCNoise || kind == quirkStrayBytes):
		return newUserError(nil, "quirk %s in --quirk value %q works only on Modbus RTU: write rtu/N instead of tcp/N", string(kind), entry)
	case bus == rtuBus && (kind == quirkStaleReply || kind == quirkGatewayPath):
		return newUserError(nil, "quirk %s in --quirk value %q works only on Modbus TCP: write tcp/N instead of rtu/N", string(kind), entry)
	}
	return nil
}

func parseQuirkValue(q *quirk, value, example string) error {
	switch q.kind {
	case quirkMaxRegisters, quirkShortReply, quirkBusy:
		const maxCount = maxReadBits
		count, err := strconv.Atoi(value)
		if err != nil || count < 1 || count > maxCount {
			return newUserError(err, "invalid value in --quirk value %q: %s needs a whole number from 1 to %s, e.g. %s", q.spec, string(q.kind), strconv.Itoa(maxCount), example)
		}
		q.count = count
	case quirkSlow, quirkLate:
		delay, err := time.ParseDuration(value)
		if err != nil || delay <= 0 {
			return newUserError(err, "invalid value in --quirk value %q: %s needs a duration greater than 0, e.g. %s", q.spec, string(q.kind), example)
		}
		q.delay = delay
	case quirkCRCNoise, quirkStrayBytes:
		probability, err := strconv.ParseFloat(value, 64)
		if err != nil || !(probability >= 0 && probability <= 1) {
			return newUserError(err, "invalid value in --quirk value %q: %s needs a probability from 0 to 1, e.g. %s", q.spec, string(q.kind), example)
		}
		q.probability = probability
	}
	return nil
}

func quirkNames() string {
	names := make([]string, len(quirkKinds))
	for i, kind := range quirkKinds {
		names[i] = string(kind)
	}
	return strings.Join(names, ", ")
}
