package main

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/plantgw/plantgw/internal/testenv"
)

// GT-101 on the RTU line without noise: 0.5 %LEL × 10 and status 0.
func TestReadRTUInputRegisters(t *testing.T) {
	p := startPlant(t)
	code, out, errOut := runCLI("read", "--port", p.port, "--unit", "1", "--address", "30001", "--count", "2", "--type", "int16")
	if code != exitOK {
		t.Fatalf("exit %d, stderr:\n%s", code, errOut)
	}
	wantContains(t, "read", out,
		"站号 1, 输入寄存器 30001 (协议地址 0), 2 个 int16 ABCD",
		"地址   协议地址  原始值  数值",
		"30001  0         0005    5",
		"30002  1         0000    0")
}

// LT-301's level, 5000 mm, is a word-swapped float32 (CDAB).
func TestReadTCPFloatInEveryOrder(t *testing.T) {
	p := startPlant(t)
	cases := []struct{ order, value string }{
		{"CDAB", "5000"},
		// The same two registers in ABCD are 0x4000459C.
		{"ABCD", "2.0042486"},
	}
	for _, c := range cases {
		code, out, errOut := runCLI("read", "--tcp", p.tcp, "--unit", "1", "--address", "40001", "--type", "float32", "--order", c.order, "--lang", "en")
		if code != exitOK {
			t.Fatalf("%s: exit %d, stderr:\n%s", c.order, code, errOut)
		}
		wantContains(t, "read "+c.order, out, "1 value(s) of float32 "+c.order, "40001    0     4000 459C  "+c.value)
	}
}

// The firmware version "V2.1.7" of GT-101 is ASCII in holding registers
// 100 to 103, first character in the high byte.
func TestReadString(t *testing.T) {
	p := startPlant(t)
	code, out, errOut := runCLI("read", "--port", p.port, "--unit", "1", "--address", "40101", "--type", "string", "--length", "4")
	if code != exitOK {
		t.Fatalf("exit %d, stderr:\n%s", code, errOut)
	}
	wantContains(t, "read", out, "字符串 (4 个寄存器, AB)", `40101  100       5632 2E31 2E37 0000  "V2.1.7"`)

	_, out, _ = runCLI("read", "--port", p.port, "--unit", "1", "--address", "40101", "--type", "string", "--length", "4", "--order", "BA")
	// In BA the first character of each register is its low byte.
	wantContains(t, "read BA", out, `"2V1.7."`)
}

// TT-301 sends −3.5 °C as the int16 −35 in 0.1 °C.
func TestReadScalesLikeTheGateway(t *testing.T) {
	p := startPlant(t)
	_, out, _ := runCLI("read", "--tcp", p.tcp, "--unit", "3", "--address", "30001", "--type", "int16", "--scale", "0.1")
	wantContains(t, "read", out, "30001  0         FFDD    -3.5")
}

func TestReadCoilsAndDiscreteInputs(t *testing.T) {
	p := startPlant(t)
	code, out, errOut := runCLI("read", "--tcp", p.tcp, "--unit", "6", "--table", "discrete", "--wire", "0", "--count", "2", "--lang", "en")
	if code != exitOK {
		t.Fatalf("exit %d, stderr:\n%s", code, errOut)
	}
	// XV-102 starts open: open limit on, closed limit off.
	wantContains(t, "read", out, "unit 6, discrete input 10001 (wire 0), 2 value(s) of bool", "10001    0     1    true", "10002    1     0    false")
}

// A reference, a wire address and a register number of the same register
// read the same thing.
func TestReadAddressConventionsAgree(t *testing.T) {
	p := startPlant(t)
	var outputs []string
	for _, addr := range [][]string{{"--address", "40001"}, {"--table", "holding", "--wire", "0"}, {"--table", "holding", "--number", "1"}} {
		args := append([]string{"read", "--tcp", p.tcp, "--unit", "1", "--type", "float32", "--order", "CDAB"}, addr...)
		code, out, errOut := runCLI(args...)
		if code != exitOK {
			t.Fatalf("%v: exit %d, stderr:\n%s", addr, code, errOut)
		}
		outputs = append(outputs, out)
	}
	if outputs[0] != outputs[1] || outputs[1] != outputs[2] {
		t.Errorf("the three conventions read differently:\n%s\n%s\n%s", outputs[0], outputs[1], outputs[2])
	}
}

func TestReadErrorsExit1(t *testing.T) {
	p := startPlant(t)
	cases := []struct {
		args   []string
		zh, en string
	}{
		{[]string{"read", "--tcp", p.tcp, "--unit", "1", "--address", "40101"},
			"站号 1 回复异常 02 (非法数据地址), 请求的功能码为 03", "unit 1 replied with exception 02 (illegal data address) to function 03"},
		{[]string{"read", "--tcp", p.tcp, "--unit", "9", "--address", "30001"},
			"网关后面没有站号为 9 的设备应答", "no device answered as unit 9 behind it"},
		{[]string{"read", "--port", p.port, "--unit", "9", "--address", "30001", "--timeout", "50ms"},
			"站号 9 在 " + p.port + " 上 50ms 内无应答; 请检查站号、接线 (A 和 B)、波特率和校验位", "no reply from unit 9 on " + p.port + " within 50ms"},
		{[]string{"read", "--port", "/nonexistent/ttyUSB9", "--address", "30001"},
			"串口 /nonexistent/ttyUSB9 不存在", "serial port /nonexistent/ttyUSB9 does not exist"},
	}
	for _, c := range cases {
		wantMessages(t, c.args, exitFailure, c.zh, c.en)
	}
}

func TestReadUsageErrors(t *testing.T) {
	tcp := []string{"read", "--tcp", "127.0.0.1:502"}
	cases := []struct {
		args   []string
		zh, en string
	}{
		{append(tcp, "--address", "5"), `--address "5" 可能从 0 开始也可能从 1 开始; 协议地址请写 --wire 5, 第 5 号寄存器请写 --number 5 (协议地址 4)`,
			`--address "5" could be 0-based or 1-based; write --wire 5 for the protocol address, --number 5 for register 5 (wire 4)`},
		{append(tcp, "--table", "input", "--address", "40001"), `--address "40001" 是 holding 表的参考地址, 但 --table 为 input; 请写 --table holding 或 --address 30001`,
			`--address "40001" is a holding reference but --table is input; write --table holding or --address 30001`},
		{append(tcp, "--wire", "0"), "请用 --table 给出寄存器表", "give the table with --table"},
		{append(tcp, "--wire", "0", "--number", "1", "--table", "holding"), "--address、--wire 和 --number 只能给出一个", "give only one of --address, --wire and --number"},
		{tcp, "请给出地址: --address", "give the address with --address"},
		{append(tcp, "--address", "00001", "--type", "int16"), "coil 表存放单个位; 请使用 --type bool", "the coil table holds single bits; use --type bool"},
		{append(tcp, "--address", "40001", "--type", "bool"), "寄存器上的 --type bool 需要 --bit N", "--type bool on a register needs --bit N"},
		{append(tcp, "--address", "40001", "--type", "string"), "--type string 需要 --length N", "--type string needs --length N"},
		{append(tcp, "--address", "40001", "--type", "float16"), `无效的 --type "float16"`, `invalid --type "float16"`},
		{append(tcp, "--address", "40001", "--type", "float32", "--order", "BA"), `--type float32 的 --order "BA" 无效: 请使用 ABCD, CDAB, BADC, DCBA`, `invalid --order "BA" for --type float32`},
		{append(tcp, "--address", "40001", "--type", "float32", "--count", "63"), "--count 63 个 float32 共占 126 个寄存器或位, 但一次读取最多 125 个", "--count 63 of float32 spans 126 registers or bits, but one read takes at most 125"},
		{append(tcp, "--address", "465535", "--count", "3"), "从协议地址 65534 开始的 --count 3 超出了最后一个地址 65535", "--count 3 from wire address 65534 runs past the last address 65535"},
		{append(tcp, "--address", "40001", "--unit", "256"), `无效的 --unit "256": 请写 0 到 255 之间的整数`, `invalid --unit "256": write a whole number from 0 to 255`},
		{[]string{"read", "--port", "/dev/ttyUSB0", "--address", "40001", "--unit", "0"}, `无效的 --unit "0": 请写 1 到 247 之间的整数`, `invalid --unit "0": write a whole number from 1 to 247`},
		{[]string{"read", "--port", "/dev/ttyUSB0", "--address", "40001", "--baud", "9600,19200"}, "这里的 --baud 只能给一个值", "--baud takes one value here"},
		{append(tcp, "--address", "40001", "--poll", "1"), `无效的 --poll "1"`, `invalid --poll "1"`},
		{append(tcp, "--address", "40001", "--type", "string", "--length", "4", "--scale", "2"), "--scale 和 --offset 只用于数值", "--scale and --offset apply only to numbers"},
	}
	for _, c := range cases {
		wantMessages(t, c.args, exitUsage, c.zh, c.en)
	}
}

// --poll reads again every period until the context ends, each table with
// its time.
func TestReadPollRepeatsUntilStopped(t *testing.T) {
	p := startPlant(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var out, errOut testenv.SyncBuffer
	done := make(chan int, 1)
	go func() {
		done <- runContext(ctx, []string{"read", "--port", p.port, "--unit", "2", "--address", "30001", "--poll", "100ms", "--lang", "en"}, &out, &errOut)
	}()
	testenv.WaitFor(t, 5*time.Second, "three polls", func() bool { return strings.Count(out.String(), "unit 2, input register 30001") >= 3 })
	cancel()
	select {
	case code := <-done:
		if code != exitOK {
			t.Errorf("exit %d, want 0; stderr:\n%s", code, errOut.String())
		}
	case <-time.After(2 * time.Second):
		t.Fatal("read --poll did not stop after the context ended")
	}
	for _, line := range strings.Split(out.String(), "\n") {
		if strings.Contains(line, "unit 2, input register") && !strings.Contains(line[:12], ":") {
			t.Errorf("poll header %q lacks its time", line)
		}
	}
}
