package config

import "fmt"

// TextType is the point type of ASCII text packed two characters per
// register, such as a device's model, serial number or firmware version.
const TextType = "string"

// MaxTextRegisters is the longest string point, 64 registers or 128
// characters, which fits in one read (at most 125 registers).
const MaxTextRegisters = 64

// validateText checks a string point: a register table, a length, a byte
// order inside the register, and none of the keys that only a number has.
func (v *validator) validateText(p string, pt *Point) {
	if table := pt.Register.Table; table == string(Coils) || table == string(DiscreteInputs) {
		v.add(p+".type", "%s: type %s needs a register table (holding or input), not %q", p+".type", TextType, table)
	}
	if pt.Length == nil {
		v.add(p+".type", "%s is required for type string: the number of registers, two characters each, 1-64", p+".length")
	} else {
		v.intRange(p+".length", *pt.Length, 1, MaxTextRegisters)
		v.checkTextFitsRead(p, pt)
	}
	v.oneOf(p+".byte_order", pt.ByteOrder, "AB", "BA")

	if pt.Bit != nil {
		v.add(p+".type", "%s: %q is not one of %s", p+".type", pt.Type, "bool (a register bit is a contact)")
	}
	numberKeys := []struct {
		key string
		set bool
	}{
		{"scale", pt.Scale != nil},
		{"offset", pt.Offset != 0},
		{"unit", pt.Unit != ""},
		{"sentinels", len(pt.Sentinels) > 0},
		{"clamp", pt.Clamp != nil},
		{"current", pt.Current != nil},
		{"report.deadband", pt.Report != nil && pt.Report.Deadband != 0},
		{"report.deadband_percent", pt.Report != nil && pt.Report.DeadbandPercent != 0},
	}
	for _, k := range numberKeys {
		if k.set {
			v.add(p+"."+k.key, "%s: type %s has no numeric value; remove %s", p+"."+k.key, TextType, k.key)
		}
	}
	for _, alarm := range []struct {
		key string
		set bool
	}{{"gas", pt.Gas != nil}, {"limits", pt.Limits != nil}} {
		if alarm.set {
			v.add(p+"."+alarm.key, "%s: a point of type string is text and never raises alarms; remove %s", p+"."+alarm.key, alarm.key)
		}
	}
}

// checkTextFitsRead reports a string point longer than its device's
// max_registers, because the planner reads each point in one request.
func (v *validator) checkTextFitsRead(p string, pt *Point) {
	for _, d := range v.cfg.Devices {
		if d.Name != pt.Device || *pt.Length <= d.MaxRegisters || d.MaxRegisters < 1 {
			continue
		}
		v.add(p+".length", "%s: %s registers do not fit in one read of device %s (max_registers %s); raise max_registers or lower length",
			p+".length", fmt.Sprint(*pt.Length), d.Name, fmt.Sprint(d.MaxRegisters))
	}
}
