package config

import (
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
	"time"
)

var pointTypes = []string{"bool", "int16", "uint16", "int32", "uint32", "float32", "int64", "uint64", "float64", "bcd16", "bcd32", TextType}

func (v *validator) validatePoints() {
	seen := map[string]string{}
	devices := map[string]bool{}
	for _, d := range v.cfg.Devices {
		devices[d.Name] = true
	}
	for i := range v.cfg.Points {
		pt := &v.cfg.Points[i]
		p := fmt.Sprintf("points[%d]", i)
		if v.require(p+".id", pt.ID) {
			v.unique(p+".id", pt.ID, seen)
		}
		if !devices[pt.Device] {
			v.add(p+".device", "%s: no device named %q; defined devices: %s", p+".device", pt.Device, v.names(deviceNames(v.cfg)))
		}
		v.checkRegister(p+".register", pt.Register)
		v.validateType(p, pt)
		// validateType reports every number key on a string point.
		isText := pt.Type == TextType
		if !isText {
			v.validateCurrent(p, pt)
			v.validateClamp(p, pt)
		}
		if pt.Fault != nil {
			v.checkRegister(p+".fault.register", pt.Fault.Register)
			if pt.Fault.Mask == 0 {
				v.add(p+".fault.mask", "%s: fault.mask must not be 0", p)
			}
		}
		if pt.Poll != 0 {
			v.durationRange(p+".poll", pt.Poll, 50*time.Millisecond, time.Hour)
		}
		v.validateReport(p, pt.Report)
		if !isText {
			v.validateGas(p, pt)
			v.validateLimits(p, pt.Limits)
		}
		v.require(p+".platform.hazard_code", pt.Platform.HazardCode)
		v.require(p+".platform.point_code", pt.Platform.PointCode)
	}
}

func (v *validator) validateType(p string, pt *Point) {
	if !v.oneOf(p+".type", pt.Type, pointTypes...) {
		return
	}
	if pt.Type == TextType {
		v.validateText(p, pt)
		return
	}
	if pt.Length != nil {
		v.add(p+".length", "%s: length applies only to type string; remove it", p+".length")
	}
	v.oneOf(p+".byte_order", pt.ByteOrder, "ABCD", "CDAB", "BADC", "DCBA")
	bitTable := pt.Register.Table == string(Coils) || pt.Register.Table == string(DiscreteInputs)
	switch {
	case bitTable && pt.Type != "bool":
		v.add(p+".type", "%s: table %q holds single bits; use type: bool", p+".type", pt.Register.Table)
	case !bitTable && pt.Type == "bool" && pt.Bit == nil:
		v.add(p+".type", "%s: type %s needs a register table (holding or input), not %q", p+".type", "bool (without bit)", pt.Register.Table)
	case bitTable && pt.Bit != nil:
		v.add(p+".bit", "%s: type %s needs a register table (holding or input), not %q", p+".bit", "bit", pt.Register.Table)
	}
	if pt.Bit != nil {
		v.intRange(p+".bit", *pt.Bit, 0, 15)
		if pt.Type != "bool" {
			v.add(p+".type", "%s: %q is not one of %s", p+".type", pt.Type, "bool (a register bit is a contact)")
		}
	}
	v.validateSentinels(p, pt)
}

// GB/T 50493-2019 caps combustible gas alarm set points at 25 %LEL
// (level 1) and 50 %LEL (level 2).
const (
	maxCombustibleAL1 = 25.0
	maxCombustibleAL2 = 50.0
)

func (v *validator) validateGas(p string, pt *Point) {
	g := pt.Gas
	if g == nil {
		return
	}
	v.oneOf(p+".gas.kind", g.Kind, "combustible", "toxic")
	if g.AL1 <= 0 {
		v.add(p+".gas.al1", "%s is required", p+".gas.al1")
	}
	if g.AL2 <= g.AL1 {
		v.add(p+".gas.al2", "%s: %s must be below %s (%v >= %v)", p+".gas", "al1", "al2", g.AL1, g.AL2)
	}
	if g.Kind == "combustible" && pt.Unit == "%LEL" {
		if g.AL1 > maxCombustibleAL1 {
			v.add(p+".gas.al1", "%s: combustible gas level 1 must be at most 25 %%LEL (GB/T 50493-2019), got %v", p+".gas.al1", g.AL1)
		}
		if g.AL2 > maxCombustibleAL2 {
			v.add(p+".gas.al2", "%s: combustible gas level 2 must be at most 50 %%LEL (GB/T 50493-2019), got %v", p+".gas.al2", g.AL2)
		}
	}
	if g.Kind == "toxic" {
		v.validateToxicLimits(p, g)
	}
	if g.Deadband < 0 {
		v.add(p+".gas.deadband", "%s: %v is out of range; use %s", p+".gas.deadband", g.Deadband, ">= 0")
	}
	v.durationRange(p+".gas.on_delay", g.OnDelay, 0, maxAlarmDelay)
	v.durationRange(p+".gas.off_delay", g.OffDelay, 0, maxAlarmDelay)
}

// maxAlarmDelay bounds the on and off delays: an alarm must still sound
// within a minute (GB/T 50493-2019).
const maxAlarmDelay = 30 * time.Second

// validateToxicLimits checks a toxic gas point's set points against its
// OEL, or its IDLH when only that is given (GB/T 50493-2019).
func (v *validator) validateToxicLimits(p string, g *Gas) {
	if g.OEL < 0 || g.IDLH < 0 {
		v.add(p+".gas.oel", "%s: oel and idlh must not be negative", p+".gas")
	}
	switch {
	case g.OEL > 0:
		if g.AL1 > g.OEL {
			v.add(p+".gas.al1", "%s: toxic gas level 1 must be at most 100 %% of OEL (%v), got %v (GB/T 50493-2019)", p+".gas.al1", g.OEL, g.AL1)
		}
		if g.AL2 > 2*g.OEL {
			v.add(p+".gas.al2", "%s: toxic gas level 2 must be at most 200 %% of OEL (%v), got %v (GB/T 50493-2019)", p+".gas.al2", 2*g.OEL, g.AL2)
		}
	case g.IDLH > 0:
		if g.AL1 > 0.05*g.IDLH {
			v.add(p+".gas.al1", "%s: toxic gas level 1 must be at most 5 %% of IDLH (%v), got %v (GB/T 50493-2019)", p+".gas.al1", 0.05*g.IDLH, g.AL1)
		}
		if g.AL2 > 0.1*g.IDLH {
			v.add(p+".gas.al2", "%s: toxic gas level 2 must be at most 10 %% of IDLH (%v), got %v (GB/T 50493-2019)", p+".gas.al2", 0.1*g.IDLH, g.AL2)
		}
	}
}

func (v *validator) validateLimits(p string, l *Limits) {
	if l == nil {
		return
	}
	order := []struct {
		name  string
		value *float64
	}{{"ll", l.LL}, {"l", l.L}, {"h", l.H}, {"hh", l.HH}}
	var prevName string
	var prev *float64
	for _, o := range order {
		if o.value == nil {
			continue
		}
		if prev != nil && *prev >= *o.value {
			v.add(p+".limits."+o.name, "%s: %s must be below %s (%v >= %v)", p+".limits", prevName, o.name, *prev, *o.value)
		}
		prevName, prev = o.name, o.value
	}
	if l.Deadband < 0 {
		v.add(p+".limits.deadband", "%s: %v is out of range; use %s", p+".limits.deadband", l.Deadband, ">= 0")
	}
	v.durationRange(p+".limits.on_delay", l.OnDelay, 0, maxAlarmDelay)
	v.durationRange(p+".limits.off_delay", l.OffDelay, 0, maxAlarmDelay)
}

var voteSyntax = regexp.MustCompile(`^([1-9][0-9]*)oo([1-9][0-9]*)$`)

func (v *validator) validateInterlocks() {
	seen := map[string]string{}
	points := map[string]*Point{}
	for i := range v.cfg.Points {
		points[v.cfg.Points[i].ID] = &v.cfg.Points[i]
	}
	for i, il := range v.cfg.Interlocks {
		p := fmt.Sprintf("interlocks[%d]", i)
		if v.require(p+".name", il.Name) {
			v.unique(p+".name", il.Name, seen)
		}
		v.oneOf(p+".when.alarm", il.When.Alarm, "al1", "al2", "h", "hh", "l", "ll")
		if len(il.When.Points) == 0 {
			v.add(p+".when.points", "%s is required", p+".when.points")
		}
		for j, id := range il.When.Points {
			pp := fmt.Sprintf("%s.when.points[%d]", p, j)
			pt, ok := points[id]
			if !ok {
				v.add(pp, "%s: no point named %q", pp, id)
				continue
			}
			if !HasAlarm(pt, il.When.Alarm) {
				v.add(pp, "%s: point %q has no %s alarm", pp, id, il.When.Alarm)
			}
		}
		// Without points the vote has no default, and the missing points
		// are already reported.
		if _, _, ok := ParseVote(il.When.Vote, len(il.When.Points)); !ok && (il.When.Vote != "" || len(il.When.Points) > 0) {
			v.add(p+".when.vote", "%s: vote %q is not MooN (1oo1, 1oo2, 2oo3...) with M <= N = %d points", p+".when.vote", il.When.Vote, len(il.When.Points))
		}
		if len(il.Do) == 0 {
			v.add(p+".do", "%s is required", p+".do")
		}

	}
}

// ParseVote parses an MooN vote and checks it against the number of
// points: N must equal points and M must not exceed N.
func ParseVote(vote string, points int) (m, n int, ok bool) {
	sub := voteSyntax.FindStringSubmatch(vote)
	if sub == nil {
		return 0, 0, false
	}
	m, _ = strconv.Atoi(sub[1])
	n, _ = strconv.Atoi(sub[2])
	return m, n, m <= n && n == points
}

// HasAlarm reports whether the point has a set point for level.
func HasAlarm(pt *Point, level string) bool {
	switch level {
	case "al1", "al2":
		return pt.Gas != nil
	case "h":
		return pt.Limits != nil && pt.Limits.H != nil
	case "hh":
		return pt.Limits != nil && pt.Limits.HH != nil
	case "l":
		return pt.Limits != nil && pt.Limits.L != nil
	case "ll":
		return pt.Limits != nil && pt.Limits.LL != nil
	}
	return false
}

func (v *validator) validateBuffer() {
	v.require("buffer.path", v.cfg.Buffer.Path)
	v.durationRange("buffer.sync_interval", v.cfg.Buffer.SyncInterval, 10*time.Millisecond, 10*time.Second)
	b := v.cfg.Buffer
	if b.MaxBytes < MinBufferMaxBytes || b.MaxBytes > MaxBufferMaxBytes {
		v.add("buffer.max_bytes", "%s: %v is out of range; use %s", "buffer.max_bytes", b.MaxBytes, fmt.Sprintf("%v-%v", MinBufferMaxBytes, MaxBufferMaxBytes))
	}
	if b.MinFree < 0 {
		v.add("buffer.min_free", "%s: %v is out of range; use %s", "buffer.min_free", b.MinFree, "0 or more")
	}
	switch {
	case b.MaxAge.D() < time.Hour || b.MaxAge.D() > 3650*24*time.Hour:
		v.durationRange("buffer.max_age", b.MaxAge, time.Hour, 3650*24*time.Hour)
	case b.MaxAge < DefaultBufferMaxAge && !b.AllowMaxAgeUnder30Days:
		v.add("buffer.max_age", "%s: %v is under the 30 days of local history that regulation asks for; use 30d or more, or set %s: true", "buffer.max_age", b.MaxAge.D(), "buffer.allow_max_age_under_30_days")
	}
}

// validateCurrent checks a 4–20 mA mapping. Input counts maps the raw
// register value, so it needs two different raw ends and neither scale nor
// offset.
func (v *validator) validateCurrent(p string, pt *Point) {
	c := pt.Current
	if c == nil {
		return
	}
	if pt.Type == "bool" {
		v.add(p+".current", "%s: type %s has no numeric value; remove %s", p+".current", "bool", "current")
		return
	}
	v.oneOf(p+".current.input", c.Input, "ua", "ma", "counts")
	if c.High <= c.Low {
		v.add(p+".current.high", "%s: %s must be below %s (%v >= %v)", p+".current", "low", "high", c.Low, c.High)
	}
	if c.Input == "ua" || c.Input == "ma" {
		if c.RawLow != 0 || c.RawHigh != 0 {
			v.add(p+".current.raw_low", "%s: raw_low and raw_high apply only to input counts; remove them or write input: counts", p+".current")
		}
		return
	}
	if c.Input != "counts" {
		return
	}
	if c.RawLow == c.RawHigh {
		v.add(p+".current.raw_high", "%s: raw_low and raw_high must differ for input counts (both are %v)", p+".current", c.RawLow)
	}
	if pt.Scale != nil && *pt.Scale != 1 {
		v.add(p+".scale", "%s: current.input counts maps the raw register value; remove %s", p+".scale", "scale")
	}
	if pt.Offset != 0 {
		v.add(p+".offset", "%s: current.input counts maps the raw register value; remove %s", p+".offset", "offset")
	}
}

func (v *validator) validateClamp(p string, pt *Point) {
	c := pt.Clamp
	if c == nil {
		return
	}
	if pt.Type == "bool" {
		v.add(p+".clamp", "%s: type %s has no numeric value; remove %s", p+".clamp", "bool", "clamp")
		return
	}
	switch {
	case c.Low == nil && c.High == nil:
		v.add(p+".clamp", "%s: give low, high or both", p+".clamp")
	case c.Low != nil && c.High != nil && *c.Low >= *c.High:
		v.add(p+".clamp.high", "%s: %s must be below %s (%v >= %v)", p+".clamp", "low", "high", *c.Low, *c.High)
	}
}

// validateSentinels checks each sentinel against the point's type, which
// validateType has already accepted, and names what to write instead.
func (v *validator) validateSentinels(p string, pt *Point) {
	if len(pt.Sentinels) == 0 {
		return
	}
	if pt.Type == "bool" {
		v.add(p+".sentinels", "%s: type %s has no numeric value; remove %s", p+".sentinels", "bool", "sentinels")
		return
	}
	// Numbers go in as text, so the printer does not group their digits
	// and the message shows them as they are to be written.
	width := registerTypeBits(pt.Type)
	pattern := fmt.Sprintf("0x%X", lowBitsMask(width))
	for i, text := range pt.Sentinels {
		if _, ok := ParseSentinel(pt.Type, text); ok {
			continue
		}
		path := fmt.Sprintf("%s.sentinels[%d]", p, i)
		switch pt.Type {
		case "float32", "float64":
			v.add(path, "%s: sentinel %q is not a valid %s value; write a decimal number such as -9999, NaN or a bit pattern from 0x0 to %s",
				path, text, pt.Type, pattern)
		case "bcd16", "bcd32":
			v.add(path, "%s: sentinel %q is not a valid %s value; write a reading from 0 to %s or a register pattern from 0x0 to %s",
				path, text, pt.Type, strconv.FormatUint(maxBCD(width), 10), pattern)
		default:
			low, high := integerRange(pt.Type)
			v.add(path, "%s: sentinel %q is not a valid %s value; write a whole number from %s to %s or a bit pattern from 0x0 to %s",
				path, text, pt.Type, strconv.FormatInt(low, 10), strconv.FormatUint(high, 10), pattern)
		}
	}
}

// ParseSentinel converts a sentinel as written in the config to the raw
// value it matches for pointType: the bits assembled from the registers by
// the byte order, before the type gives them a sign or a scale. A hex text
// such as "0x7FFF" is that bit pattern itself. A decimal text is a value of
// the type, so "-32768" for int16 is 0x8000, "9999" for bcd16 is 0x9999,
// "-9999" for float32 is 0xC61C3C00 and "NaN" is the float's quiet NaN.
// The decoder matches bit for bit, so a float sentinel "0" does not match
// -0. ok is false for bool, for unknown types and for a text that is no
// value of the type.
func ParseSentinel(pointType, text string) (bits uint64, ok bool) {
	width := registerTypeBits(pointType)
	if width == 0 {
		return 0, false
	}
	text = strings.TrimSpace(text)
	if digits, isHex := strings.CutPrefix(strings.ToLower(text), "0x"); isHex {
		pattern, err := strconv.ParseUint(digits, 16, width)
		return pattern, err == nil
	}
	switch pointType {
	case "int16", "int32", "int64":
		i, err := strconv.ParseInt(text, 10, width)
		return uint64(i) & lowBitsMask(width), err == nil
	case "uint16", "uint32", "uint64":
		u, err := strconv.ParseUint(text, 10, width)
		return u, err == nil
	case "float32":
		f, err := strconv.ParseFloat(text, 32)
		return uint64(math.Float32bits(float32(f))), err == nil
	case "float64":
		f, err := strconv.ParseFloat(text, 64)
		return math.Float64bits(f), err == nil
	case "bcd16", "bcd32":
		u, err := strconv.ParseUint(text, 10, 64)
		if err != nil || u > maxBCD(width) {
			return 0, false
		}
		return toBCD(u), true
	}
	return 0, false
}

// registerTypeBits returns the width on the wire of a register type, or 0
// for bool and unknown types.
func registerTypeBits(pointType string) int {
	switch pointType {
	case "int16", "uint16", "bcd16":
		return 16
	case "int32", "uint32", "float32", "bcd32":
		return 32
	case "int64", "uint64", "float64":
		return 64
	}
	return 0
}

// lowBitsMask returns a mask of the low width bits, all 64 for width 64.
func lowBitsMask(width int) uint64 {
	if width >= 64 {
		return math.MaxUint64
	}
	return 1<<width - 1
}

// integerRange returns the smallest and largest value of an integer type.
func integerRange(pointType string) (int64, uint64) {
	switch pointType {
	case "int16":
		return math.MinInt16, math.MaxInt16
	case "uint16":
		return 0, math.MaxUint16
	case "int32":
		return math.MinInt32, math.MaxInt32
	case "uint32":
		return 0, math.MaxUint32
	case "int64":
		return math.MinInt64, math.MaxInt64
	}
	return 0, math.MaxUint64
}

// maxBCD returns the largest reading of a BCD value width bits wide: 9999
// for 16 bits, 99999999 for 32.
func maxBCD(width int) uint64 {
	m := uint64(1)
	for range width / 4 {
		m *= 10
	}
	return m - 1
}

// toBCD packs a decimal number into BCD, one digit per 4 bits.
func toBCD(n uint64) uint64 {
	var bits uint64
	for shift := 0; n > 0; shift += 4 {
		bits |= (n % 10) << shift
		n /= 10
	}
	return bits
}

func (v *validator) validateReport(p string, r *Report) {
	if r == nil {
		return
	}
	if r.Deadband < 0 {
		v.add(p+".report.deadband", "%s: %v is out of range; use %s", p+".report.deadband", r.Deadband, ">= 0")
	}
	if r.DeadbandPercent < 0 || r.DeadbandPercent > 100 {
		v.add(p+".report.deadband_percent", "%s: %v is out of range; use %s", p+".report.deadband_percent", r.DeadbandPercent, "0-100")
	}
	v.durationRange(p+".report.max_interval", r.MaxInterval, time.Second, time.Hour)
}
