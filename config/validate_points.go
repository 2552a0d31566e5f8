package config

import (
	"fmt"
	"net/url"
	"regexp"
	"strconv"
	"time"
)

var pointTypes = []string{"bool", "int16", "uint16", "int32", "uint32", "float32"}

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
		if pt.Current != nil {
			v.oneOf(p+".current.input", pt.Current.Input, "ua", "ma")
			if pt.Current.High <= pt.Current.Low {
				v.add(p+".current.high", "%s: %s must be below %s (%v >= %v)", p+".current", "low", "high", pt.Current.Low, pt.Current.High)
			}
		}
		if pt.Fault != nil {
			v.checkRegister(p+".fault.register", pt.Fault.Register)
			if pt.Fault.Mask == 0 {
				v.add(p+".fault.mask", "%s: fault.mask must not be 0", p)
			}
		}
		v.validateGas(p, pt)
		v.validateLimits(p, pt.Limits)
		v.require(p+".platform.hazard_code", pt.Platform.HazardCode)
		v.require(p+".platform.point_code", pt.Platform.PointCode)
	}
}

func (v *validator) validateType(p string, pt *Point) {
	if !v.oneOf(p+".type", pt.Type, pointTypes...) {
		return
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
	if g.Deadband < 0 {
		v.add(p+".gas.deadband", "%s: %v is out of range; use %s", p+".gas.deadband", g.Deadband, ">= 0")
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
		if _, _, ok := ParseVote(il.When.Vote, len(il.When.Points)); !ok {
			v.add(p+".when.vote", "%s: vote %q is not MooN (1oo1, 1oo2, 2oo3...) with M <= N = %d points", p+".when.vote", il.When.Vote, len(il.When.Points))
		}
		if len(il.Do) == 0 {
			v.add(p+".do", "%s is required", p+".do")
		}
		for j, e := range il.Do {
			v.require(fmt.Sprintf("%s.do[%d].output", p, j), e.Output)
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

func (v *validator) validateUplink() {
	m := v.cfg.Uplink.MQTT
	if v.require("uplink.mqtt.url", m.URL) {
		u, err := url.Parse(m.URL)
		switch {
		case err != nil:
			v.add("uplink.mqtt.url", "%s: invalid URL %q: %v", "uplink.mqtt.url", m.URL, err)
		case u.Scheme != "tcp" && u.Scheme != "mqtt" && u.Scheme != "ssl" && u.Scheme != "mqtts" && u.Scheme != "tls":
			v.add("uplink.mqtt.url", "%s: unsupported URL scheme %q; use tcp://, mqtt://, ssl:// or mqtts://", "uplink.mqtt.url", u.Scheme)
		}
	}
	v.oneOf("uplink.format", v.cfg.Uplink.Format, DefaultFormat)
	v.intRange("uplink.mqtt.max_records", m.MaxRecords, 1, 1000)
	v.durationRange("uplink.mqtt.keep_alive", m.KeepAlive, 5*time.Second, 10*time.Minute)
}

func (v *validator) validateBuffer() {
	v.require("buffer.path", v.cfg.Buffer.Path)
	v.durationRange("buffer.sync_interval", v.cfg.Buffer.SyncInterval, 10*time.Millisecond, 10*time.Second)
}
