package main

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/plantgw/plantgw/config"
	"github.com/plantgw/plantgw/locale"
)

func TestParseUnits(t *testing.T) {
	cases := []struct {
		value string
		want  []int
	}{
		{"1-5", []int{1, 2, 3, 4, 5}},
		{"7", []int{7}},
		{" 3 , 1-2 ,2", []int{1, 2, 3}},
		{"245-247", []int{245, 246, 247}},
		{"010", []int{10}},
	}
	for _, c := range cases {
		got, err := parseUnits(c.value, 1, 247)
		if err != nil || !slices.Equal(got, c.want) {
			t.Errorf("parseUnits(%q) = %v, %v; want %v", c.value, got, err, c.want)
		}
	}
}

func TestParseUnitsRejects(t *testing.T) {
	cases := []struct{ value, zh, en string }{
		{"0-5", `"0-5" 不是 1 到 247 之间的站号`, `"0-5" is not a unit id from 1 to 247`},
		{"248", `"248" 不是 1 到 247 之间的站号`, `"248" is not a unit id from 1 to 247`},
		{"10-1", `范围 "10-1" 从大到小; 请写 1-10`, `the range "10-1" runs backwards; write 1-10`},
		{"1,,2", "列表为空或有空项", "the list is empty or has an empty item"},
		{"", "列表为空或有空项", "the list is empty or has an empty item"},
		{"-3", `"-3" 不是`, `"-3" is not`},
		{"+3", `"+3" 不是`, `"+3" is not`},
		{"1-2-3", `"1-2-3" 不是`, `"1-2-3" is not`},
		{"a", `"a" 不是`, `"a" is not`},
	}
	for _, c := range cases {
		_, err := parseUnits(c.value, 1, 247)
		checkMessages(t, "parseUnits("+c.value+")", err, c.zh, c.en)
	}
}

// checkMessages fails unless err is a usage error whose Chinese and
// English texts contain zh and en.
func checkMessages(t *testing.T, what string, err error, zh, en string) {
	t.Helper()
	var u *userError
	if !errors.As(err, &u) {
		t.Errorf("%s: error %v, want a usage error", what, err)
		return
	}
	if u.code != exitUsage {
		t.Errorf("%s: exit code %d, want %d", what, u.code, exitUsage)
	}
	for lang, want := range map[string]string{"zh-CN": zh, "en": en} {
		e := &env{pr: locale.Printer(lang)}
		if got := e.message(u); !strings.Contains(got, want) {
			t.Errorf("%s in %s: %q lacks %q", what, lang, got, want)
		}
	}
}

func TestParseBaudsAndParities(t *testing.T) {
	bauds, err := parseBauds("19200, 9600,19200")
	if err != nil || !slices.Equal(bauds, []int{19200, 9600}) {
		t.Errorf("parseBauds = %v, %v; want [19200 9600] in the order given", bauds, err)
	}
	_, err = parseBauds("9601")
	checkMessages(t, "parseBauds(9601)", err, `不支持波特率 "9601"`, `"9601" is not a supported baud rate`)

	parities, err := parseParities("e,N,none,o")
	if err != nil || !slices.Equal(parities, []parity{"even", "none", "odd"}) {
		t.Errorf("parseParities = %v, %v; want [even none odd]", parities, err)
	}
	_, err = parseParities("M")
	checkMessages(t, "parseParities(M)", err, `"M" 不是校验位`, `"M" is not a parity`)
}

func TestParseRegisterSpec(t *testing.T) {
	cases := []struct {
		spec string
		want location
	}{
		{"40001", location{config.HoldingRegisters, 0}},
		{"30010", location{config.InputRegisters, 9}},
		{"400101", location{config.HoldingRegisters, 100}},
		{"00001", location{config.Coils, 0}},
		{"10002", location{config.DiscreteInputs, 1}},
		{"input:wire=0", location{config.InputRegisters, 0}},
		{"holding:number=1", location{config.HoldingRegisters, 0}},
		{"COIL:wire=65535", location{config.Coils, 65535}},
	}
	for _, c := range cases {
		got, err := parseRegisterSpec(c.spec)
		if err != nil || got != c.want {
			t.Errorf("parseRegisterSpec(%q) = %+v, %v; want %+v", c.spec, got, err, c.want)
		}
	}
	rejects := []struct{ spec, zh, en string }{
		{"5", "可能从 0 开始也可能从 1 开始; 协议地址请写 --wire 5", "could be 0-based or 1-based; write --wire 5"},
		{"50001", "参考地址的首位应为 0 (线圈)", "a reference starts with 0 (coil)"},
		{"40000", "首位之后的数字必须在 1 到 65536 之间", "the number after the first digit must be from 1 to 65536"},
		{"4000001", "参考地址为 5 位或 6 位数字", "a reference has 5 or 6 digits"},
		{"4x001", "参考地址只能由数字组成", "a reference has only digits"},
		{"input:0", `无效的 --register "input:0"`, `invalid --register "input:0"`},
		{"lamp:wire=0", `无效的 --register "lamp:wire=0"`, `invalid --register "lamp:wire=0"`},
		{"input:number=0", `无效的 --register number "0"`, `invalid --register number "0"`},
	}
	for _, c := range rejects {
		_, err := parseRegisterSpec(c.spec)
		checkMessages(t, "parseRegisterSpec("+c.spec+")", err, c.zh, c.en)
	}
}

func TestParseRegisterValue(t *testing.T) {
	cases := []struct {
		typ, order, text string
		want             uint16
	}{
		{"uint16", "ABCD", "1234", 1234},
		{"uint16", "ABCD", "0x00ff", 0x00FF},
		{"int16", "ABCD", "-2", 0xFFFE},
		{"int16", "ABCD", "0x8000", 0x8000},
		{"bcd16", "ABCD", "1234", 0x1234},
		{"bcd16", "ABCD", "9999", 0x9999},
		{"uint16", "BADC", "0x1234", 0x3412},
		{"uint16", "DCBA", "1", 0x0100},
	}
	for _, c := range cases {
		got, err := parseRegisterValue(valueSpec{typ: c.typ, order: c.order}, c.text)
		if err != nil || got != c.want {
			t.Errorf("parseRegisterValue(%s %s %q) = %#04x, %v; want %#04x", c.typ, c.order, c.text, got, err, c.want)
		}
	}
	rejects := []struct{ typ, text, zh, en string }{
		{"int16", "32768", "请写 -32768 到 32767 之间的整数", "write a whole number from -32768 to 32767"},
		{"uint16", "-1", "请写 0 到 65535 之间的整数", "write a whole number from 0 to 65535"},
		{"uint16", "0x10000", "请写 0 到 65535 之间的整数", "write a whole number from 0 to 65535"},
		{"bcd16", "10000", "请写 0 到 9999 之间的整数", "write a whole number from 0 to 9999"},
		{"bcd16", "0x12", "请写 0 到 9999 之间的整数", "write a whole number from 0 to 9999"},
	}
	for _, c := range rejects {
		_, err := parseRegisterValue(valueSpec{typ: c.typ, order: "ABCD"}, c.text)
		checkMessages(t, "parseRegisterValue("+c.typ+" "+c.text+")", err, c.zh, c.en)
	}
}

// A written register value must read back as the same number through the
// gateway's decoder, in every byte order.
func TestRegisterValueReadsBackThroughDecoder(t *testing.T) {
	for _, typ := range []string{"int16", "uint16", "bcd16"} {
		for _, order := range numericOrders {
			v := valueSpec{typ: typ, order: order, bit: -1, scale: 1}
			raw, err := parseRegisterValue(v, "1234")
			if err != nil {
				t.Fatal(err)
			}
			r, err := v.decoder().DecodeRegisters([]uint16{raw}, 0)
			if err != nil || r.Value != 1234 {
				t.Errorf("%s %s: wrote %#04x, decoded %v, %v; want 1234", typ, order, raw, r.Value, err)
			}
		}
	}
}

func TestParseBool(t *testing.T) {
	for text, want := range map[string]bool{"true": true, "ON": true, "1": true, "false": false, "off": false, " 0 ": false} {
		got, err := parseBool(text)
		if err != nil || got != want {
			t.Errorf("parseBool(%q) = %v, %v; want %v", text, got, err, want)
		}
	}
	_, err := parseBool("yes")
	checkMessages(t, "parseBool(yes)", err, `线圈的 --value "yes" 无效`, `invalid --value "yes" for a coil`)
}

func FuzzParseUnits(f *testing.F) {
	for _, seed := range []string{"1-247", "1,3,10-20", "5", " 2 , 4-6", "10-1", "0", "1,,2", "-", "1-", "99999999999999999999"} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, value string) {
		units, err := parseUnits(value, 1, 247)
		if err != nil {
			checkUsageError(t, err, value)
			return
		}
		if len(units) == 0 || !slices.IsSorted(units) || len(slices.Compact(slices.Clone(units))) != len(units) {
			t.Fatalf("parseUnits(%q) = %v: want a non-empty sorted list without repeats", value, units)
		}
		if units[0] < 1 || units[len(units)-1] > 247 {
			t.Fatalf("parseUnits(%q) = %v: outside 1-247", value, units)
		}
	})
}

func FuzzParseBaudsAndParities(f *testing.F) {
	for _, seed := range []string{"9600", "9600,19200", "N,E,O", "none", ",", "115200,1200,e"} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, value string) {
		if bauds, err := parseBauds(value); err != nil {
			checkUsageError(t, err, value)
		} else {
			for _, b := range bauds {
				if !slices.Contains(standardBauds, b) {
					t.Fatalf("parseBauds(%q) = %v: %d is no standard rate", value, bauds, b)
				}
			}
		}
		if ps, err := parseParities(value); err != nil {
			checkUsageError(t, err, value)
		} else {
			for _, p := range ps {
				if p != "none" && p != "even" && p != "odd" {
					t.Fatalf("parseParities(%q) = %v", value, ps)
				}
			}
		}
	})
}

func FuzzParseRegisterSpec(f *testing.F) {
	for _, seed := range []string{"40001", "400001", "5", "input:wire=0", "holding:number=1", "coil:wire=70000", ":", "input:number=", "30000"} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, spec string) {
		loc, err := parseRegisterSpec(spec)
		if err != nil {
			checkUsageError(t, err, spec)
			return
		}
		if !slices.Contains(tables, loc.table) {
			t.Fatalf("parseRegisterSpec(%q) = %+v: unknown table", spec, loc)
		}
		// A reference must name the address it was parsed from.
		trimmed := strings.TrimSpace(spec)
		if !strings.Contains(trimmed, ":") && reference(loc.table, loc.wire) != trimmed {
			if n := len(trimmed); n != 6 || reference(loc.table, loc.wire) != trimmed[:1]+trimmed[2:] {
				t.Fatalf("parseRegisterSpec(%q) = %+v, whose reference is %s", spec, loc, reference(loc.table, loc.wire))
			}
		}
	})
}

func FuzzParseRegisterValue(f *testing.F) {
	for _, seed := range []string{"1234", "-1", "0xFFFF", "0x", "65536", "9999", " 7 "} {
		f.Add(seed, "uint16")
		f.Add(seed, "int16")
		f.Add(seed, "bcd16")
	}
	f.Fuzz(func(t *testing.T, text, typ string) {
		if typ != "uint16" && typ != "int16" && typ != "bcd16" {
			return
		}
		v := valueSpec{typ: typ, order: "ABCD", bit: -1, scale: 1}
		raw, err := parseRegisterValue(v, text)
		if err != nil {
			checkUsageError(t, err, text)
			return
		}
		r, err := v.decoder().DecodeRegisters([]uint16{raw}, 0)
		if err != nil {
			t.Fatalf("decode %#04x as %s: %v", raw, typ, err)
		}
		if strings.HasPrefix(strings.ToLower(strings.TrimSpace(text)), "0x") {
			return
		}
		if got := formatNumber(r.Value); got != strings.TrimLeft(strings.TrimSpace(text), "+") && !equalDecimal(got, text) {
			t.Fatalf("%s %q wrote %#04x, which reads back as %s", typ, text, raw, got)
		}
	})
}

// equalDecimal reports whether a decimal text, perhaps with leading zeros
// or a plus sign, names the number got.
func equalDecimal(got, text string) bool {
	text = strings.TrimSpace(text)
	sign := ""
	if strings.HasPrefix(text, "-") || strings.HasPrefix(text, "+") {
		if text[0] == '-' {
			sign = "-"
		}
		text = text[1:]
	}
	text = strings.TrimLeft(text, "0")
	if text == "" {
		return got == "0"
	}
	return got == sign+text
}

// checkUsageError fails unless err is a usage error whose messages format
// without a missing or extra argument in both languages. input is the
// fuzzed text, which may itself contain "%!".
func checkUsageError(t *testing.T, err error, input string) {
	t.Helper()
	var u *userError
	if !errors.As(err, &u) || u.code != exitUsage {
		t.Fatalf("error %v is not a usage error", err)
	}
	if strings.Contains(input, "%!") {
		return
	}
	for _, lang := range []string{"zh-CN", "en"} {
		if msg := (&env{pr: locale.Printer(lang)}).message(u); strings.Contains(msg, "%!") {
			t.Fatalf("message in %s is malformed: %q", lang, msg)
		}
	}
}
