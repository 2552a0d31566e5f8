package main

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/plantgw/plantgw/internal/testenv"
)

func TestParseFlagsQuirks(t *testing.T) {
	cfg, err := parseFlags([]string{
		"--quirk", "rtu/1:max-registers=4,rtu/2:short-reply=1", "--quirk=tcp/3:slow=200ms",
		"--quirk", "rtu/4:late=1.5s", "--quirk", "tcp/5:busy=2", "--quirk", "rtu/5:crc-noise=0.25",
		"--quirk", "rtu/3:stray-bytes=1", "--quirk", "tcp/6:dead",
	})
	if err != nil {
		t.Fatalf("parseFlags: %v", err)
	}
	want := []quirk{
		{spec: "rtu/1:max-registers=4", bus: rtuBus, unit: 1, kind: quirkMaxRegisters, count: 4},
		{spec: "rtu/2:short-reply=1", bus: rtuBus, unit: 2, kind: quirkShortReply, count: 1},
		{spec: "tcp/3:slow=200ms", bus: tcpBus, unit: 3, kind: quirkSlow, delay: 200 * time.Millisecond},
		{spec: "rtu/4:late=1.5s", bus: rtuBus, unit: 4, kind: quirkLate, delay: 1500 * time.Millisecond},
		{spec: "tcp/5:busy=2", bus: tcpBus, unit: 5, kind: quirkBusy, count: 2},
		{spec: "rtu/5:crc-noise=0.25", bus: rtuBus, unit: 5, kind: quirkCRCNoise, probability: 0.25},
		{spec: "rtu/3:stray-bytes=1", bus: rtuBus, unit: 3, kind: quirkStrayBytes, probability: 1},
		{spec: "tcp/6:dead", bus: tcpBus, unit: 6, kind: quirkDead},
	}
	if len(cfg.quirks) != len(want) {
		t.Fatalf("quirks = %+v, want %+v", cfg.quirks, want)
	}
	for i := range want {
		if cfg.quirks[i] != want[i] {
			t.Errorf("quirk %d = %+v, want %+v", i, cfg.quirks[i], want[i])
		}
	}
}

func TestRunRejectsBadQuirks(t *testing.T) {
	tests := []struct {
		value string
		want  string // part of stderr with --lang en
	}{
		{"busy=3", `invalid --quirk value "busy=3": write UNIT:QUIRK such as rtu/1:busy=3`},
		{"rtu/1:", `invalid --quirk value "rtu/1:": write UNIT:QUIRK`},
		{"modbus/1:dead", `invalid unit "modbus/1" in --quirk value "modbus/1:dead": write rtu/N or tcp/N with N from 1 to 247`},
		{"rtu/0:dead", `invalid unit "rtu/0"`},
		{"tcp/248:dead", `invalid unit "tcp/248"`},
		{"rtu/x:dead", `invalid unit "rtu/x"`},
		{"rtu/1:flaky", `unknown quirk "flaky" in --quirk value "rtu/1:flaky": use one of max-registers, short-reply`},
		{"rtu/1:max-registers=0", `invalid value in --quirk value "rtu/1:max-registers=0": max-registers needs a whole number from 1 to 2000, e.g. rtu/1:max-registers=4`},
		{"rtu/1:short-reply=abc", `short-reply needs a whole number from 1 to 2000`},
		{"tcp/1:busy", `invalid value in --quirk value "tcp/1:busy": busy needs a whole number`},
		{"rtu/1:slow=200", `invalid value in --quirk value "rtu/1:slow=200": slow needs a duration greater than 0, e.g. rtu/1:slow=200ms`},
		{"rtu/1:late=-1s", `late needs a duration greater than 0`},
		{"rtu/1:crc-noise=1.5", `invalid value in --quirk value "rtu/1:crc-noise=1.5": crc-noise needs a probability from 0 to 1, e.g. rtu/1:crc-noise=0.1`},
		{"rtu/1:stray-bytes=x", `stray-bytes needs a probability from 0 to 1`},
		{"rtu/1:dead=1", `invalid --quirk value "rtu/1:dead=1": dead takes no value, write rtu/1:dead`},
		{"tcp/1:crc-noise=0.5", `quirk crc-noise in --quirk value "tcp/1:crc-noise=0.5" works only on Modbus RTU: write rtu/N instead of tcp/N`},
		{"tcp/1:stray-bytes=0.5", `quirk stray-bytes in --quirk value "tcp/1:stray-bytes=0.5" works only on Modbus RTU`},
		{"rtu/1:stale-reply", `quirk stale-reply in --quirk value "rtu/1:stale-reply" works only on Modbus TCP: write tcp/N instead of rtu/N`},
		{"rtu/1:gateway-path", `quirk gateway-path in --quirk value "rtu/1:gateway-path" works only on Modbus TCP`},
		{"tcp/1:stale-reply=1", `invalid --quirk value "tcp/1:stale-reply=1": stale-reply takes no value, write tcp/1:stale-reply`},
		{"tcp/1:gateway-path=0.5", `gateway-path takes no value`},
		{"rtu/1:busy=2,tcp/1:stray-bytes=1", `quirk stray-bytes in --quirk value "tcp/1:stray-bytes=1"`},
	}
	for _, tt := range tests {
		var stdout, stderr testenv.SyncBuffer
		// A value that is wrongly accepted starts the simulator on a free
		// port, which the timeout stops.
		args := []string{"--quirk", tt.value, "--lang", "en", "--tcp", "127.0.0.1:0", "--rtu", ""}
		if code := runBriefly(args, &stdout, &stderr); code != 2 {
			t.Errorf("run(%q) exit code = %d, want 2", args, code)
		}
		if !strings.Contains(stderr.String(), tt.want) {
			t.Errorf("run(%q) stderr = %q, want it to contain %q", args, stderr.String(), tt.want)
		}
	}
}

func TestRunRejectsBadQuirkInChinese(t *testing.T) {
	tests := []struct {
		value string
		want  string
	}{
		{"rtu/0:dead", `--quirk 的值 "rtu/0:dead" 中的单元 "rtu/0" 无效`},
		{"rtu/1:flaky", `--quirk 的值 "rtu/1:flaky" 中的异常 "flaky" 不存在`},
		{"tcp/1:crc-noise=1", `--quirk 的值 "tcp/1:crc-noise=1" 中的异常 crc-noise 只适用于 Modbus RTU`},
	}
	for _, tt := range tests {
		var stdout, stderr testenv.SyncBuffer
		if code := runBriefly([]string{"--quirk", tt.value, "--tcp", "127.0.0.1:0", "--rtu", ""}, &stdout, &stderr); code != 2 {
			t.Errorf("--quirk %s: exit code = %d, want 2", tt.value, code)
		}
		if !strings.Contains(stderr.String(), tt.want) {
			t.Errorf("--quirk %s: stderr = %q, want it to contain %q", tt.value, stderr.String(), tt.want)
		}
	}
}

func TestRunRejectsBadQuirkFor(t *testing.T) {
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"--quirk", "tcp/1:dead", "--quirk-for", "20"}, `invalid --quirk-for value "20": write a duration such as 20s, or 0 to keep the quirks on`},
		{[]string{"--quirk", "tcp/1:dead", "--quirk-for", "-5s"}, `invalid --quirk-for value "-5s"`},
		{[]string{"--quirk-for", "20s"}, `--quirk-for needs at least one --quirk: add --quirk UNIT:QUIRK or remove --quirk-for`},
	}
	for _, tt := range tests {
		var stdout, stderr testenv.SyncBuffer
		args := append(tt.args, "--lang", "en", "--tcp", "127.0.0.1:0", "--rtu", "")
		if code := runBriefly(args, &stdout, &stderr); code != 2 {
			t.Errorf("run(%q) exit code = %d, want 2", args, code)
		}
		if !strings.Contains(stderr.String(), tt.want) {
			t.Errorf("run(%q) stderr = %q, want it to contain %q", args, stderr.String(), tt.want)
		}
	}
}

func TestParseFlagsQuirkFor(t *testing.T) {
	cfg, err := parseFlags([]string{"--quirk", "tcp/2:gateway-path,tcp/3:stale-reply", "--quirk-for", "1500ms"})
	if err != nil {
		t.Fatalf("parseFlags: %v", err)
	}
	if cfg.quirkFor != 1500*time.Millisecond {
		t.Errorf("quirkFor = %v, want 1.5s", cfg.quirkFor)
	}
	want := []quirk{
		{spec: "tcp/2:gateway-path", bus: tcpBus, unit: 2, kind: quirkGatewayPath},
		{spec: "tcp/3:stale-reply", bus: tcpBus, unit: 3, kind: quirkStaleReply},
	}
	if !slices.Equal(cfg.quirks, want) {
		t.Errorf("quirks = %+v, want %+v", cfg.quirks, want)
	}
}

// runBriefly calls run with a context that ends after 2 s, so that a
// command line that should be rejected but starts the simulator fails the
// test with exit code 0 instead of hanging it.
func runBriefly(args []string, stdout, stderr *testenv.SyncBuffer) int {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	return run(ctx, args, stdout, stderr)
}
