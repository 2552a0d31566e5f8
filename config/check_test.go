package config

import (
	"strings"
	"testing"

	"github.com/plantgw/plantgw/locale"
)

// expectNoProblem fails if cerr has a problem whose English text contains
// message.
func expectNoProblem(t *testing.T, cerr *Error, message string) {
	t.Helper()
	for _, p := range cerr.Problems {
		if msg := p.Render(locale.Printer("en")); strings.Contains(msg, message) {
			t.Errorf("unexpected problem %q", msg)
		}
	}
}

// rtuBus puts minimal's device D1 on an RTU bus with the given timeout
// line and adds a second device, D2, on that bus.
func rtuBus(t *testing.T, timeout, d2 string) string {
	t.Helper()
	text := strings.Replace(minimal, "buses:\n",
		"buses:\n  - name: rs485-1\n    rtu: {port: /dev/ttyS1}\n"+timeout, 1)
	text = strings.Replace(text, "  - {name: D1, bus: tcp-1, unit: 1}\n",
		"  - {name: D1, bus: rs485-1, unit: 1}\n  - {name: D2, bus: rs485-1, unit: 2"+d2+"}\n", 1)
	if text == minimal {
		t.Fatal("test setup: minimal has changed")
	}
	return text
}

func TestBusTimeoutReportedOnlyOnBus(t *testing.T) {
	_, cerr := parse(t, rtuBus(t, "    timeout: 20s\n", ""))
	if cerr == nil {
		t.Fatal("config loaded; want an error")
	}
	expectProblem(t, cerr, "buses[0] (rs485-1).timeout: 20s is out of range; use 10ms-10s", 7)
	expectNoProblem(t, cerr, "devices[")
	if got := len(cerr.Problems); got != 1 {
		t.Errorf("problems = %d, want 1:\n%s", got, english(cerr))
	}
}

func TestDeviceTimeoutCheckedWhereWritten(t *testing.T) {
	_, cerr := parse(t, rtuBus(t, "    timeout: 20s\n", ", timeout: 15s"))
	if cerr == nil {
		t.Fatal("config loaded; want an error")
	}
	expectProblem(t, cerr, "buses[0] (rs485-1).timeout: 20s is out of range", 7)
	expectProblem(t, cerr, "devices[1] (D2).timeout: 15s is out of range; use 10ms-10s", 12)
	expectNoProblem(t, cerr, "devices[0]")
}

func TestDeviceTimeoutInheritsBus(t *testing.T) {
	cfg, cerr := parse(t, rtuBus(t, "    timeout: 300ms\n", ", timeout: 2s"))
	if cerr != nil {
		t.Fatalf("unexpected error:\n%s", english(cerr))
	}
	if got := cfg.Devices[0].Timeout.D().String(); got != "300ms" {
		t.Errorf("D1 timeout = %s, want the bus's 300ms", got)
	}
	if got := cfg.Devices[1].Timeout.D().String(); got != "2s" {
		t.Errorf("D2 timeout = %s, want its own 2s", got)
	}
}

func TestDeviceTimeoutOnUnknownBusChecked(t *testing.T) {
	_, cerr := parse(t, strings.Replace(minimal, "bus: tcp-1, unit: 1}", "bus: tcp-9, unit: 1, timeout: 1ms}", 1))
	if cerr == nil {
		t.Fatal("config loaded; want an error")
	}
	expectProblem(t, cerr, `devices[0] (D1).bus: no bus named "tcp-9"`, 8)
	expectProblem(t, cerr, "devices[0] (D1).timeout: 1ms is out of range", 8)
}

func TestInterlockWithoutPointsReportedOnce(t *testing.T) {
	text := strings.Replace(minimal, "uplink:\n", "interlocks:\n  - name: I1\n    when: {alarm: al1}\n    do: [{output: horn}]\nuplink:\n", 1)
	_, cerr := parse(t, text)
	if cerr == nil {
		t.Fatal("config loaded; want an error")
	}
	expectProblem(t, cerr, "interlocks[0] (I1).when.points is required", 20)
	expectNoProblem(t, cerr, "vote")
}

func TestUnknownKeySuggestions(t *testing.T) {
	tests := []replaceCase{
		{"key with a suffix", "tcp: {address:", "tcp: {addr:", 6, `unknown key "addr" in buses[0] (tcp-1).tcp; did you mean "address"?`},
		{"slave id", "unit: 1}", "slave_id: 1}", 8, `unknown key "slave_id" in devices[0] (D1); did you mean "unit"?`},
		{"slave", "unit: 1}", "slave: 1}", 8, `unknown key "slave" in devices[0] (D1); did you mean "unit"?`},
		{"unit id", "unit: 1}", "unit_id: 1}", 8, `unknown key "unit_id" in devices[0] (D1); did you mean "unit"?`},
		{"swapped letters", "unit: 1}", "uint: 1}", 8, `unknown key "uint" in devices[0] (D1); did you mean "unit"?`},
		{"timeout in ms", "unit: 1}", "unit: 1, timeout_ms: 300}", 8, `unknown key "timeout_ms" in devices[0] (D1); did you mean "timeout"?`},
		{"poll interval", "unit: 1}", "unit: 1, poll_interval: 1s}", 8, `unknown key "poll_interval" in devices[0] (D1); did you mean "poll"?`},
		{"short misspelling", "unit: 1}", "unit: 1, pol: 1s}", 8, `unknown key "pol" in devices[0] (D1); did you mean "poll"?`},
		{"point name", "  - id: P1\n", "  - name: P1\n", 10, `unknown key "name" in points[0]; did you mean "id"?`},
	}
	runReplaceCases(t, tests)
}

func TestRTUKeySuggestions(t *testing.T) {
	rtu := []string{"port", "baud", "parity", "data_bits", "stop_bits", "frame_gap", "turnaround", "rs485"}
	tests := map[string]string{
		"baudrate":   "baud",
		"baud_rate":  "baud",
		"BaudRate":   "baud",
		"speed":      "baud",
		"stopbits":   "stop_bits",
		"stop-bits":  "stop_bits",
		"stopbit":    "stop_bits",
		"databits":   "data_bits",
		"parity_bit": "parity",
		"serial":     "port",
	}
	for word, want := range tests {
		if got := closest(word, rtu); got != want {
			t.Errorf("closest(%q) = %q, want %q", word, got, want)
		}
	}
}

func TestNoSuggestionForUnrelatedKeys(t *testing.T) {
	device := []string{"name", "bus", "unit", "poll", "timeout", "comm_loss_after", "max_registers", "max_gap", "template", "points"}
	point := []string{"id", "device", "register", "poll", "type", "length", "byte_order", "bit", "scale", "offset", "unit",
		"sentinels", "clamp", "current", "fault", "gas", "limits", "platform", "report"}
	limits := []string{"h", "hh", "l", "ll", "deadband"}
	for _, word := range []string{"description", "comment", "location", "model", "enabled", "vendor", "remark", "x", "max"} {
		if got := closest(word, device); got != "" {
			t.Errorf("closest(%q, device keys) = %q, want none", word, got)
		}
		if got := closest(word, point); got != "" {
			t.Errorf("closest(%q, point keys) = %q, want none", word, got)
		}
	}
	for _, word := range []string{"alarm", "value", "set_point"} {
		if got := closest(word, limits); got != "" {
			t.Errorf("closest(%q, limits keys) = %q, want none", word, got)
		}
	}
}

func TestSyntaxErrorHints(t *testing.T) {
	tests := []struct {
		name    string
		old     string
		new     string
		line    int
		message string
		chinese string
	}{
		{"tab in indentation", "  gateway_id: gw-1\n", "\tgateway_id: gw-1\n", 3,
			"YAML syntax error: a tab character is used for indentation; indent with spaces, not tabs", "请用空格缩进, 不要用 Tab"},
		{"tab before a list item", "  - name: tcp-1\n", "\t- name: tcp-1\n", 5,
			"indent with spaces, not tabs", "请用空格缩进"},
		{"unclosed double quote", `enterprise_code: "E1"`, `enterprise_code: "E1`, 2,
			`YAML syntax error: the value in double quotes that starts here has no closing "`, "双引号值缺少结尾的"},
		{"unclosed single quote", `enterprise_code: "E1"`, `enterprise_code: 'E1`, 2,
			"YAML syntax error: the value in single quotes that starts here has no closing '", "单引号值缺少结尾的"},
		{"no space after colon", "  gateway_id: gw-1\n", "  gateway_id:gw-1\n", 3,
			"YAML syntax error: this line is not a key and value; write a colon and a space after the key", "请在键后写英文冒号和一个空格"},
		{"missing colon", "  gateway_id: gw-1\n", "  gateway_id gw-1\n", 3,
			"write a colon and a space after the key", "英文冒号"},
		{"deeper indentation", "  gateway_id: gw-1\n", "   gateway_id: gw-1\n", 3,
			"YAML syntax error: unexpected text after the value, or wrong indentation", "缩进不对"},
		{"colon in a value", "path: /tmp/x", "path: /tmp/x: y", 21,
			`YAML syntax error: unexpected ": " on this line or the next; put a value that contains ": " in quotes`, "请加引号"},
		{"unclosed flow mapping", `rtu: {port: /dev/ttyS1}`, `rtu: {port: /dev/ttyS1`, 0, "", ""},
		{"duplicate key", "  gateway_id: gw-1\n", "  gateway_id: gw-1\n  gateway_id: gw-2\n", 4,
			`YAML syntax error: key "gateway_id" appears twice in this block (first at line 3); remove one of them`, "出现了两次 (首次出现在第 3 行)"},
		{"reserved character", "  gateway_id: gw-1\n", "  gateway_id: @gw-1\n", 3,
			"YAML syntax error: a value cannot start with '@'; put the value in quotes", "请给这个值加上引号"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.message == "" {
				t.Skip("minimal has no flow mapping spanning lines")
			}
			text := strings.Replace(minimal, tt.old, tt.new, 1)
			if text == minimal {
				t.Fatalf("test setup: %q not found in the base config", tt.old)
			}
			_, cerr := parse(t, text)
			if cerr == nil {
				t.Fatal("config loaded; want an error")
			}
			expectProblem(t, cerr, tt.message, tt.line)
			zh := cerr.Render(locale.Printer("zh-CN"))
			if !strings.Contains(zh, tt.chinese) {
				t.Errorf("Chinese rendering lacks %q:\n%s", tt.chinese, zh)
			}
			if strings.Contains(zh, "YAML syntax error") {
				t.Errorf("Chinese rendering has English text:\n%s", zh)
			}
		})
	}
}

func TestUnclosedFlowHints(t *testing.T) {
	tests := []struct {
		name, text, message string
	}{
		{"mapping", "site: {enterprise_code: E1, gateway_id: gw-1\nbuses: []\n", "a mapping in { } on this line or above is not closed"},
		{"list", "site:\n  enterprise_code: E1\nbuses: [a, b\nuplink: {}\n", "a list in [ ] on this line or above is not closed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, cerr := parse(t, tt.text)
			if cerr == nil {
				t.Fatal("config loaded; want an error")
			}
			if got := english(cerr); !strings.Contains(got, tt.message) {
				t.Errorf("message lacks %q:\n%s", tt.message, got)
			}
		})
	}
}

func TestSyntaxHintsTranslated(t *testing.T) {
	zh := locale.Printer("zh-CN")
	for _, h := range syntaxHints {
		if zh.Sprintf(h.format) == h.format {
			t.Errorf("no zh-CN translation for %q", h.format)
		}
	}
}

func TestTCPAddressMessage(t *testing.T) {
	tests := []struct {
		address string
		message string
	}{
		{"127.0.0.1", `buses[0] (tcp-1).tcp.address: "127.0.0.1" is not a valid address; write HOST:PORT, such as 192.0.2.10:502`},
		{":502", `"":502" is not a valid address`},
		{"127.0.0.1:", `"127.0.0.1:" is not a valid address`},
		{"127.0.0.1:70000", `"127.0.0.1:70000" is not a valid address`},
		{"", "buses[0] (tcp-1).tcp.address is required"},
	}
	for _, tt := range tests {
		t.Run(tt.address, func(t *testing.T) {
			_, cerr := parse(t, strings.Replace(minimal, `"127.0.0.1:502"`, `"`+tt.address+`"`, 1))
			if cerr == nil {
				t.Fatal("config loaded; want an error")
			}
			expectProblem(t, cerr, strings.ReplaceAll(tt.message, `"":502"`, `":502"`), 6)
		})
	}

	_, cerr := parse(t, strings.Replace(minimal, `"127.0.0.1:502"`, `"192.0.2.10"`, 1))
	if cerr == nil {
		t.Fatal("config loaded; want an error")
	}
	got := cerr.Render(locale.Printer("zh-CN"))
	want := `plant.yaml:6: buses[0] (tcp-1).tcp.address: "192.0.2.10" 不是有效的地址; 需要 主机:端口, 例如 192.0.2.10:502`
	if !strings.Contains(got, want) {
		t.Errorf("Chinese rendering lacks %q:\n%s", want, got)
	}
	if strings.Contains(got, "不是可选值之一") || strings.Contains(got, "such as") {
		t.Errorf("Chinese rendering mixes in the choice message or English:\n%s", got)
	}
}

func TestUnsetVariableReportedOnce(t *testing.T) {
	tests := []struct {
		name string
		old  string
		new  string
		line int
	}{
		{"quoted tcp address", `"127.0.0.1:502"`, `"${SIM_ADDR}"`, 6},
		{"tcp address with a port", `"127.0.0.1:502"`, `"${SIM_HOST}:502"`, 6},
		{"plain unit in a flow mapping", "unit: 1}", "unit: ${UNIT}}", 8},
		{"quoted unit", "unit: 1}", `unit: "${UNIT}"}`, 8},
		{"block value", "  gateway_id: gw-1\n", "  gateway_id: ${GATEWAY_ID}\n", 3},
	}
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
			expectProblem(t, cerr, "is not set; set it or write", tt.line)
			if got := len(cerr.Problems); got != 1 {
				t.Errorf("problems = %d, want only the unset variable:\n%s", got, english(cerr))
			}
		})
	}
}

func TestUnsetVariableKeepsOtherKeysOnLine(t *testing.T) {
	_, cerr := parse(t, strings.Replace(minimal, "{name: D1, bus: tcp-1, unit: 1}", "{name: ${TAG}, bus: tcp-1, unit: 900}", 1))
	if cerr == nil {
		t.Fatal("config loaded; want an error")
	}
	expectProblem(t, cerr, "environment variable TAG is not set", 8)
	expectProblem(t, cerr, "unit: 900 is out of range; use 0-255", 8)
	expectNoProblem(t, cerr, "name is required")
}

func TestLimitKeySuggestions(t *testing.T) {
	limits := []string{"h", "hh", "l", "ll", "deadband"}
	tests := map[string]string{"high": "h", "HiHi": "hh", "high_high": "hh", "low": "l", "lolo": "ll", "dead_band": "deadband"}
	for word, want := range tests {
		if got := closest(word, limits); got != want {
			t.Errorf("closest(%q) = %q, want %q", word, got, want)
		}
	}
}

func TestOpenQuoteAtEnd(t *testing.T) {
	tests := map[string]byte{
		`  enterprise_code: "E1`:           '"',
		`  enterprise_code: 'E1`:           '\'',
		`  enterprise_code: "E1"`:          0,
		`  note: it's fine`:                0,
		`  a: 'it''s'`:                     0,
		`  a: "say \"hi\""`:                0,
		`  - {a: "x", b: "y}`:              '"',
		`  a: b # the "quote in a comment`: 0,
	}
	for line, want := range tests {
		if got := openQuoteAtEnd(line); got != want {
			t.Errorf("openQuoteAtEnd(%q) = %q, want %q", line, got, want)
		}
	}
}
