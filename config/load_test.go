package config

import (
	"os"
	"strings"
	"testing"

	"github.com/plantgw/plantgw/locale"
)

const minimal = `site:
  enterprise_code: "E1"
  gateway_id: gw-1
buses:
  - name: tcp-1
    tcp: {address: "127.0.0.1:502"}
devices:
  - {name: D1, bus: tcp-1, unit: 1}
points:
  - id: P1
    device: D1
    register: {table: input, address: "30001"}
    type: int16
    scale: 0.1
    unit: "%LEL"
    gas: {kind: combustible, al1: 20, al2: 40}
    platform: {hazard_code: H1, point_code: C1}
uplink:
  mqtt: {url: "tcp://127.0.0.1:1883"}
buffer:
  path: /tmp/x
`

func parse(t *testing.T, text string) (*Config, *Error) {
	t.Helper()
	cfg, err := Parse("plant.yaml", []byte(text), func(string) (string, bool) { return "", false })
	if err == nil {
		return cfg, nil
	}
	ce, ok := AsError(err)
	if !ok {
		t.Fatalf("Parse error is %T, want *Error: %v", err, err)
	}
	return nil, ce
}

// replaceCase is a broken config: minimal with old replaced by new, and
// the problem it must report on line.
type replaceCase struct {
	name    string
	old     string
	new     string
	line    int
	message string
}

// runReplaceCases checks that each case's config fails with its problem.
func runReplaceCases(t *testing.T, tests []replaceCase) {
	t.Helper()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			text := strings.Replace(minimal, tt.old, tt.new, 1)
			if text == minimal {
				t.Fatalf("test setup: %q not found in the base config", tt.old)
			}
			_, cerr := parse(t, text)
			if cerr == nil {
				t.Fatal("config loaded; want an error")
			}
			expectProblem(t, cerr, tt.message, tt.line)
		})
	}
}

func english(e *Error) string { return e.Render(locale.Printer("en")) }

// expectProblem fails unless cerr has a problem whose English text
// contains message, on line.
func expectProblem(t *testing.T, cerr *Error, message string, line int) {
	t.Helper()
	found := false
	for _, p := range cerr.Problems {
		msg := p.Render(locale.Printer("en"))
		if strings.Contains(msg, message) {
			found = true
			if p.Line != line {
				t.Errorf("line = %d, want %d (%s)", p.Line, line, msg)
			}
		}
	}
	if !found {
		t.Errorf("no problem contains %q; got:\n%s", message, english(cerr))
	}
}

func TestMinimalConfigLoads(t *testing.T) {
	cfg, cerr := parse(t, minimal)
	if cerr != nil {
		t.Fatalf("unexpected error:\n%s", english(cerr))
	}
	if got, want := cfg.Devices[0].Poll, DefaultPoll; got != want {
		t.Errorf("default poll = %v, want %v", got.D(), want.D())
	}
	if got := cfg.Uplink.MQTT.ClientID; got != "gw-1" {
		t.Errorf("client id = %q, want gateway id gw-1", got)
	}
	wire, err := cfg.Points[0].Register.Wire()
	if err != nil || wire != 0 {
		t.Errorf("30001 wire address = %d, %v; want 0", wire, err)
	}
}

func TestDemoConfigLoads(t *testing.T) {
	if _, err := Load("examples/demo.yaml"); err != nil {
		t.Fatalf("demo config: %v", err)
	}
}

func TestConfigProblems(t *testing.T) {
	tests := []replaceCase{
		{"misspelled key", "    device: D1\n", "    devise: D1\n", 11, `unknown key "devise" in points[0] (P1); did you mean "device"?`},
		{"wrong type", "unit: 1}", "unit: one}", 8, `devices[0] (D1).unit: expected a whole number, got "one"`},
		{"unit out of range", "unit: 1}", "unit: 300}", 8, "devices[0] (D1).unit: 300 is out of range; use 0-255"},
		{"bad duration", "unit: 1}", "unit: 1, poll: fast}", 8, `devices[0] (D1).poll: expected a duration such as 500ms, 2s or 1m, got "fast"`},
		{"comm loss beyond 100 s", "unit: 1}", "unit: 1, comm_loss_after: 2m}", 8, "devices[0] (D1).comm_loss_after: 2m0s is out of range; use 1s-1m40s"},
		{"reference in wrong table", `address: "30001"`, `address: "40001"`, 12, `points[0] (P1).register.address: address "40001" is a holding reference but table is "input"; write table: holding or address: "30001"`},
		{"gas level 1 above limit", "al1: 20", "al1: 30", 16, "points[0] (P1).gas.al1: combustible gas level 1 must be at most 25 %LEL (GB/T 50493-2019), got 30"},
		{"levels reversed", "al2: 40", "al2: 10", 16, "points[0] (P1).gas: al1 must be below al2 (20 >= 10)"},
		{"toxic level 1 above OEL", "kind: combustible, al1: 20, al2: 40", "kind: toxic, oel: 10, al1: 20, al2: 40", 16,
			"points[0] (P1).gas.al1: toxic gas level 1 must be at most 100 % of OEL (10), got 20 (GB/T 50493-2019)"},
		{"toxic level 2 above OEL", "kind: combustible, al1: 20, al2: 40", "kind: toxic, oel: 10, al1: 10, al2: 25", 16,
			"points[0] (P1).gas.al2: toxic gas level 2 must be at most 200 % of OEL (20), got 25 (GB/T 50493-2019)"},
		{"toxic level 2 above IDLH share", "kind: combustible, al1: 20, al2: 40", "kind: toxic, idlh: 300, al1: 15, al2: 40", 16,
			"points[0] (P1).gas.al2: toxic gas level 2 must be at most 10 % of IDLH (30), got 40 (GB/T 50493-2019)"},
		{"alarm delay too long", "al2: 40", "al2: 40, on_delay: 2m", 16, "points[0] (P1).gas.on_delay: 2m0s is out of range; use 0s-30s"},
		{"unknown bus", "bus: tcp-1", "bus: tcp-2", 8, "devices[0] (D1).bus: no bus named \"tcp-2\"; defined buses: tcp-1"},
		{"missing gateway id", "  gateway_id: gw-1\n", "", 1, "site.gateway_id is required"},
		{"unset variable", "path: /tmp/x", "path: ${NOPE}", 21, "environment variable NOPE is not set; set it or write ${NOPE:-default}"},
		{"syntax error", "  gateway_id: gw-1\n", "  gateway_id: [gw-1\n", 4, "YAML syntax error"},
		{"topic character in enterprise code", `enterprise_code: "E1"`, `enterprise_code: "E/1"`, 2, `site.enterprise_code: "E/1" is not one of`},
		{"ambiguous short address", `address: "30001"`, `address: "5"`, 12, `points[0] (P1).register.address: address "5" could be 0-based or 1-based; write wire: 5 for the protocol address, number: 5 for register 5 (wire 4), or a reference such as "30005"`},
		{"two conventions", `address: "30001"}`, `address: "30001", wire: 0}`, 12, "give only one of address, wire and number"},
		{"report interval too long", "    platform: {hazard_code: H1, point_code: C1}\n", "    platform: {hazard_code: H1, point_code: C1}\n    report: {max_interval: 2h}\n", 18, "points[0] (P1).report.max_interval: 2h0m0s is out of range; use 1s-1h0m0s"},
		{"bad scheme", "tcp://127.0.0.1:1883", "http://127.0.0.1:1883", 19, `uplink.mqtt.url: unsupported URL scheme "http"`},
	}
	runReplaceCases(t, tests)
}

func TestAllProblemsReportedAtOnce(t *testing.T) {
	text := strings.Replace(minimal, "    device: D1\n", "    devise: D1\n", 1)
	text = strings.Replace(text, "unit: 1}", "unit: one}", 1)
	_, cerr := parse(t, text)
	if cerr == nil {
		t.Fatal("config loaded; want two problems")
	}
	if got := len(cerr.Problems); got != 2 {
		t.Errorf("problems = %d, want 2:\n%s", got, english(cerr))
	}
}

func TestDecodeAndValidationProblemsTogether(t *testing.T) {
	text := strings.Replace(minimal, "unit: 1}", "unit: 1, poll: fast}", 1)
	text = strings.Replace(text, "al1: 20", "al1: 30", 1)
	_, cerr := parse(t, text)
	if cerr == nil {
		t.Fatal("config loaded; want two problems")
	}
	if got := len(cerr.Problems); got != 2 {
		t.Errorf("problems = %d, want the bad duration and the gas limit:\n%s", got, english(cerr))
	}
}

func TestMissingPointCodeNamed(t *testing.T) {
	_, cerr := parse(t, strings.Replace(minimal, ", point_code: C1", "", 1))
	if cerr == nil || len(cerr.Problems) != 1 {
		t.Fatalf("want one problem, got %v", cerr)
	}
	if got := english(cerr); !strings.Contains(got, "points[0] (P1).platform.point_code is required") {
		t.Errorf("message = %s", got)
	}
}

func TestErrorCarriesSiteLanguage(t *testing.T) {
	text := strings.Replace(minimal, "  gateway_id: gw-1\n", "  gateway_id: gw-1\n  lang: en\n", 1)
	text = strings.Replace(text, "unit: 1}", "unit: 900}", 1)
	_, cerr := parse(t, text)
	if cerr == nil || cerr.Lang != "en" {
		t.Fatalf("error %v, lang %q; want site.lang en carried", cerr, cerr.Lang)
	}
}

func TestProblemsInChinese(t *testing.T) {
	text := strings.Replace(minimal, "    device: D1\n", "    devise: D1\n", 1)
	_, cerr := parse(t, text)
	if cerr == nil {
		t.Fatal("config loaded; want an error")
	}
	got := cerr.Render(locale.Printer("zh-CN"))
	for _, want := range []string{"plant.yaml:11:", "未知的键", `"device"`} {
		if !strings.Contains(got, want) {
			t.Errorf("Chinese rendering lacks %q:\n%s", want, got)
		}
	}
}

func TestEnvironmentDefaults(t *testing.T) {
	text := strings.Replace(minimal, "path: /tmp/x", "path: ${BUF_DIR:-/var/buf}", 1)
	cfg, cerr := parse(t, text)
	if cerr != nil {
		t.Fatalf("unexpected error:\n%s", english(cerr))
	}
	if cfg.Buffer.Path != "/var/buf" {
		t.Errorf("buffer path = %q, want /var/buf", cfg.Buffer.Path)
	}
}

func TestMissingFile(t *testing.T) {
	_, err := Load("testdata/does-not-exist.yaml")
	ce, ok := AsError(err)
	if !ok || ce.Err == nil {
		t.Fatalf("error = %v, want *Error wrapping the read error", err)
	}
	if !os.IsNotExist(ce.Err) {
		t.Errorf("wrapped error = %v, want not-exist", ce.Err)
	}
}

func FuzzParse(f *testing.F) {
	f.Add([]byte(minimal))
	if demo, err := os.ReadFile("examples/demo.yaml"); err == nil {
		f.Add(demo)
	}
	f.Add([]byte("site: [\n"))
	f.Add([]byte("a: &x {b: *x}\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		cfg, err := Parse("fuzz.yaml", data, func(string) (string, bool) { return "", false })
		if (cfg == nil) == (err == nil) {
			t.Fatalf("Parse returned cfg=%v err=%v; want exactly one", cfg != nil, err)
		}
	})
}

func TestPointTypeMatrixProblems(t *testing.T) {
	const typeLine = "    type: int16\n"
	tests := []struct {
		name    string
		new     string
		line    int
		message string
	}{
		{"unknown type", "    type: int8\n", 13,
			`points[0] (P1).type: "int8" is not one of bool, int16, uint16, int32, uint32, float32, int64, uint64, float64, bcd16, bcd32, string`},
		{"int16 sentinel out of range", typeLine + "    sentinels: [\"0x7FFF\", \"65535\"]\n", 14,
			`points[0] (P1).sentinels[1]: sentinel "65535" is not a valid int16 value; write a whole number from -32768 to 32767 or a bit pattern from 0x0 to 0xFFFF`},
		{"sentinel pattern too wide", typeLine + "    sentinels:\n      - \"0x7FFF\"\n      - \"0x1FFFF\"\n", 16,
			`points[0] (P1).sentinels[1]: sentinel "0x1FFFF" is not a valid int16 value`},
		{"uint64 sentinel negative", "    type: uint64\n    sentinels: [\"-1\"]\n", 14,
			`points[0] (P1).sentinels[0]: sentinel "-1" is not a valid uint64 value; write a whole number from 0 to 18446744073709551615 or a bit pattern from 0x0 to 0xFFFFFFFFFFFFFFFF`},
		{"float32 sentinel not a number", "    type: float32\n    sentinels: [\"n/a\"]\n", 14,
			`points[0] (P1).sentinels[0]: sentinel "n/a" is not a valid float32 value; write a decimal number such as -9999, NaN or a bit pattern from 0x0 to 0xFFFFFFFF`},
		{"float32 sentinel beyond range", "    type: float32\n    sentinels: [\"1e39\"]\n", 14,
			`points[0] (P1).sentinels[0]: sentinel "1e39" is not a valid float32 value`},
		{"bcd16 sentinel too large", "    type: bcd16\n    sentinels: [\"10000\"]\n", 14,
			`points[0] (P1).sentinels[0]: sentinel "10000" is not a valid bcd16 value; write a reading from 0 to 9999 or a register pattern from 0x0 to 0xFFFF`},
		{"int32 sentinel with a fraction", "    type: int32\n    sentinels: [\"1.5\"]\n", 14,
			`points[0] (P1).sentinels[0]: sentinel "1.5" is not a valid int32 value; write a whole number from -2147483648 to 2147483647 or a bit pattern from 0x0 to 0xFFFFFFFF`},
		{"bool sentinels", "    type: bool\n    bit: 3\n    sentinels: [\"1\"]\n", 15,
			"points[0] (P1).sentinels: type bool has no numeric value; remove sentinels"},
		{"clamp low not below high", typeLine + "    clamp: {low: 5, high: 5}\n", 14,
			"points[0] (P1).clamp: low must be below high (5 >= 5)"},
		{"clamp empty", typeLine + "    clamp: {}\n", 14,
			"points[0] (P1).clamp: give low, high or both"},
		{"bool clamp", "    type: bool\n    bit: 3\n    clamp: {high: 1}\n", 15,
			"points[0] (P1).clamp: type bool has no numeric value; remove clamp"},
		{"current input unknown", typeLine + "    current: {input: v, low: 0, high: 100}\n", 14,
			`points[0] (P1).current.input: "v" is not one of ua, ma, counts`},
		{"current range reversed", typeLine + "    current: {input: ua, low: 100, high: 0}\n", 14,
			"points[0] (P1).current: low must be below high (100 >= 0)"},
		{"counts with equal raw ends", typeLine + "    current: {input: counts, low: 0, high: 100, raw_low: 100, raw_high: 100}\n", 14,
			"points[0] (P1).current: raw_low and raw_high must differ for input counts (both are 100)"},
		{"counts with scale", typeLine + "    current: {input: counts, low: 0, high: 100, raw_high: 27648}\n", 15,
			"points[0] (P1).scale: current.input counts maps the raw register value; remove scale"},
		{"raw ends without counts", typeLine + "    current: {input: ua, low: 0, high: 100, raw_high: 27648}\n", 14,
			"points[0] (P1).current: raw_low and raw_high apply only to input counts; remove them or write input: counts"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			text := strings.Replace(minimal, typeLine, tt.new, 1)
			_, cerr := parse(t, text)
			if cerr == nil {
				t.Fatal("config loaded; want an error")
			}
			expectProblem(t, cerr, tt.message, tt.line)
		})
	}
}

func TestPointTypeMatrixLoads(t *testing.T) {
	tests := []struct {
		name   string
		old    string
		new    string
		points func(Point) bool
	}{
		{"int64 with sentinels and clamp", "    type: int16\n",
			"    type: int64\n    byte_order: CDAB\n    sentinels: [\"-9223372036854775808\", \"0x7FFFFFFFFFFFFFFF\"]\n    clamp: {low: 0}\n",
			func(p Point) bool { return p.Clamp != nil && p.Clamp.Low != nil && p.Clamp.High == nil }},
		{"uint64", "    type: int16\n", "    type: uint64\n    sentinels: [\"18446744073709551615\"]\n", nil},
		{"float64 NaN sentinel", "    type: int16\n", "    type: float64\n    sentinels: [\"NaN\", \"-9999.5\"]\n", nil},
		{"bcd16", "    type: int16\n", "    type: bcd16\n    sentinels: [\"9999\", \"0xFFFF\"]\n", nil},
		{"bcd32 unquoted sentinels", "    type: int16\n", "    type: bcd32\n    sentinels: [0xFFFFFFFF, 99999999]\n", nil},
		{"counts", "    scale: 0.1\n", "    current: {input: counts, raw_low: 0, raw_high: 27648, low: 0, high: 100}\n",
			func(p Point) bool { return p.Current != nil && p.Current.RawHigh == 27648 }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			text := strings.Replace(minimal, tt.old, tt.new, 1)
			if text == minimal {
				t.Fatalf("test setup: %q not found in the base config", tt.old)
			}
			cfg, cerr := parse(t, text)
			if cerr != nil {
				t.Fatalf("unexpected error:\n%s", english(cerr))
			}
			if tt.points != nil && !tt.points(cfg.Points[0]) {
				t.Errorf("point decoded as %+v", cfg.Points[0])
			}
		})
	}
}

func TestParseSentinel(t *testing.T) {
	tests := []struct {
		pointType string
		text      string
		bits      uint64
		ok        bool
	}{
		{"int16", "0x7FFF", 0x7FFF, true},
		{"int16", "0x7fff", 0x7FFF, true},
		{"int16", " -32768 ", 0x8000, true},
		{"int16", "-1", 0xFFFF, true},
		{"int16", "32768", 0, false},
		{"int16", "0x10000", 0, false},
		{"int16", "0x", 0, false},
		{"int16", "1.0", 0, false},
		{"uint16", "65535", 0xFFFF, true},
		{"uint16", "-1", 0, false},
		{"int32", "-2", 0xFFFF_FFFE, true},
		{"uint32", "4294967295", 0xFFFF_FFFF, true},
		{"int64", "-1", 0xFFFF_FFFF_FFFF_FFFF, true},
		{"int64", "0x8000000000000000", 0x8000_0000_0000_0000, true},
		{"uint64", "18446744073709551615", 0xFFFF_FFFF_FFFF_FFFF, true},
		{"uint64", "18446744073709551616", 0, false},
		// float32 -9999: sign 1, exponent 13+127 = 0x8C, fraction 0x1C3C00
		{"float32", "-9999", 0xC61C_3C00, true},
		{"float32", "NaN", 0x7FC0_0000, true},
		{"float32", "1e39", 0, false},
		{"float32", "0x7F800000", 0x7F80_0000, true},
		{"float64", "1.5", 0x3FF8_0000_0000_0000, true},
		{"float64", "NaN", 0x7FF8_0000_0000_0001, true},
		{"bcd16", "1234", 0x1234, true},
		{"bcd16", "0", 0, true},
		{"bcd16", "9999", 0x9999, true},
		{"bcd16", "10000", 0, false},
		{"bcd16", "0xFFFF", 0xFFFF, true},
		{"bcd16", "-1", 0, false},
		{"bcd32", "12345678", 0x1234_5678, true},
		{"bcd32", "100000000", 0, false},
		{"bool", "1", 0, false},
		{"int8", "1", 0, false},
	}
	for _, tt := range tests {
		bits, ok := ParseSentinel(tt.pointType, tt.text)
		if ok != tt.ok {
			t.Errorf("ParseSentinel(%s, %q) ok = %v, want %v", tt.pointType, tt.text, ok, tt.ok)
			continue
		}
		if ok && bits != tt.bits {
			t.Errorf("ParseSentinel(%s, %q) = %#x, want %#x", tt.pointType, tt.text, bits, tt.bits)
		}
	}
}

func TestSentinelProblemInChinese(t *testing.T) {
	text := strings.Replace(minimal, "    type: int16\n", "    type: int16\n    sentinels: [\"65535\"]\n", 1)
	_, cerr := parse(t, text)
	if cerr == nil {
		t.Fatal("config loaded; want an error")
	}
	got := cerr.Render(locale.Printer("zh-CN"))
	for _, want := range []string{"plant.yaml:14:", "无效值标记", `"65535"`, "-32768", "0xFFFF"} {
		if !strings.Contains(got, want) {
			t.Errorf("Chinese rendering lacks %q:\n%s", want, got)
		}
	}
}

// textPoint is minimal's point P1 as a 4-register string point: the firmware
// version of a device, with no number keys and no alarm.
const textPoint = `  - id: P1
    device: D1
    register: {table: holding, address: "40101"}
    type: string
    length: 4
    platform: {hazard_code: H1, point_code: C1}
`

// textConfig returns minimal with P1 replaced by textPoint, with extra
// lines appended to the point.
func textConfig(t *testing.T, old, new, extra string) string {
	t.Helper()
	start := strings.Index(minimal, "  - id: P1\n")
	end := strings.Index(minimal, "uplink:\n")
	point := strings.Replace(textPoint, old, new, 1)
	if old != "" && point == textPoint {
		t.Fatalf("test setup: %q not found in the text point", old)
	}
	return minimal[:start] + point + extra + minimal[end:]
}

func TestTextPointLoads(t *testing.T) {
	cfg, cerr := parse(t, textConfig(t, "", "", ""))
	if cerr != nil {
		t.Fatalf("unexpected error:\n%s", english(cerr))
	}
	p := cfg.Points[0]
	if p.Type != TextType || p.Length == nil || *p.Length != 4 {
		t.Errorf("point decoded as type %q length %v; want string, 4", p.Type, p.Length)
	}
	if p.ByteOrder != "AB" {
		t.Errorf("default byte order = %q, want AB", p.ByteOrder)
	}

	cfg, cerr = parse(t, textConfig(t, "", "", "    byte_order: BA\n    poll: 1m\n    report: {max_interval: 1h}\n"))
	if cerr != nil {
		t.Fatalf("unexpected error with BA, poll and report:\n%s", english(cerr))
	}
	if got := cfg.Points[0].ByteOrder; got != "BA" {
		t.Errorf("byte order = %q, want BA", got)
	}
}

func TestTextPointProblems(t *testing.T) {
	tests := []struct {
		name    string
		old     string
		new     string
		extra   string
		device  string // keys added to device D1
		line    int
		message string
	}{
		{"length missing", "    length: 4\n", "", "", "", 13,
			"points[0] (P1).length is required for type string: the number of registers, two characters each, 1-64"},
		{"length zero", "length: 4", "length: 0", "", "", 14, "points[0] (P1).length: 0 is out of range; use 1-64"},
		{"length too long", "length: 4", "length: 65", "", "", 14, "points[0] (P1).length: 65 is out of range; use 1-64"},
		{"length beyond max_registers", "", "", "", ", max_registers: 2", 14,
			"points[0] (P1).length: 4 registers do not fit in one read of device D1 (max_registers 2); raise max_registers or lower length"},
		{"numeric byte order", "", "", "    byte_order: ABCD\n", "", 16, `points[0] (P1).byte_order: "ABCD" is not one of AB, BA`},
		{"coil table", "table: holding, address: \"40101\"", "table: coil, address: \"00001\"", "", "", 13,
			`points[0] (P1).type: type string needs a register table (holding or input), not "coil"`},
		{"scale", "", "", "    scale: 0.1\n", "", 16, "points[0] (P1).scale: type string has no numeric value; remove scale"},
		{"offset", "", "", "    offset: 3\n", "", 16, "points[0] (P1).offset: type string has no numeric value; remove offset"},
		{"unit", "", "", "    unit: mm\n", "", 16, "points[0] (P1).unit: type string has no numeric value; remove unit"},
		{"sentinels", "", "", "    sentinels: [\"0xFFFF\"]\n", "", 16, "points[0] (P1).sentinels: type string has no numeric value; remove sentinels"},
		{"clamp", "", "", "    clamp: {high: 1}\n", "", 16, "points[0] (P1).clamp: type string has no numeric value; remove clamp"},
		{"current", "", "", "    current: {input: ua, low: 0, high: 1}\n", "", 16, "points[0] (P1).current: type string has no numeric value; remove current"},
		{"report deadband", "", "", "    report: {deadband: 1}\n", "", 16,
			"points[0] (P1).report.deadband: type string has no numeric value; remove report.deadband"},
		{"report percent", "", "", "    report: {deadband_percent: 5}\n", "", 16,
			"points[0] (P1).report.deadband_percent: type string has no numeric value; remove report.deadband_percent"},
		{"gas alarm", "", "", "    gas: {kind: toxic, al1: 1, al2: 2}\n", "", 16,
			"points[0] (P1).gas: a point of type string is text and never raises alarms; remove gas"},
		{"process limits", "", "", "    limits: {h: 5}\n", "", 16,
			"points[0] (P1).limits: a point of type string is text and never raises alarms; remove limits"},
		{"register bit", "", "", "    bit: 2\n", "", 13, `points[0] (P1).type: "string" is not one of bool (a register bit is a contact)`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			text := textConfig(t, tt.old, tt.new, tt.extra)
			text = strings.Replace(text, "unit: 1}", "unit: 1"+tt.device+"}", 1)
			_, cerr := parse(t, text)
			if cerr == nil {
				t.Fatal("config loaded; want an error")
			}
			expectProblem(t, cerr, tt.message, tt.line)
			if got := len(cerr.Problems); got != 1 {
				t.Errorf("problems = %d, want 1:\n%s", got, english(cerr))
			}
		})
	}
}

func TestLengthOnNumberTypeRejected(t *testing.T) {
	_, cerr := parse(t, strings.Replace(minimal, "    type: int16\n", "    type: int16\n    length: 2\n", 1))
	if cerr == nil {
		t.Fatal("config loaded; want an error")
	}
	expectProblem(t, cerr, "points[0] (P1).length: length applies only to type string; remove it", 14)
}

func TestTextByteOrderOnNumberRejected(t *testing.T) {
	_, cerr := parse(t, strings.Replace(minimal, "    type: int16\n", "    type: int16\n    byte_order: AB\n", 1))
	if cerr == nil {
		t.Fatal("config loaded; want an error")
	}
	expectProblem(t, cerr, `points[0] (P1).byte_order: "AB" is not one of ABCD, CDAB, BADC, DCBA`, 14)
}

func TestTextProblemInChinese(t *testing.T) {
	_, cerr := parse(t, textConfig(t, "    length: 4\n", "", "    gas: {kind: toxic, al1: 1, al2: 2}\n"))
	if cerr == nil {
		t.Fatal("config loaded; want an error")
	}
	got := cerr.Render(locale.Printer("zh-CN"))
	for _, want := range []string{"plant.yaml:13:", "类型 string 必须填写", "plant.yaml:15:", "不会产生报警", "请删除 gas"} {
		if !strings.Contains(got, want) {
			t.Errorf("Chinese rendering lacks %q:\n%s", want, got)
		}
	}
}
