package main

import (
	"strings"
	"testing"
)

// XV-102's command coil on plantsim takes a write and reads it back.
func TestWriteCoilReadsBack(t *testing.T) {
	p := startPlant(t)
	for _, value := range []string{"false", "true"} {
		code, out, errOut := runCLI("write", "--tcp", p.tcp, "--unit", "6", "--address", "00001", "--value", value)
		if code != exitOK {
			t.Fatalf("write %s: exit %d, stderr:\n%s", value, code, errOut)
		}
		wantContains(t, "write "+value, out,
			"已把 "+value+" 写入站号 6 的线圈 00001 (协议地址 0), 功能码 05",
			"读回 "+value+": 设备已保持写入的值")
	}
	_, out, _ := runCLI("read", "--tcp", p.tcp, "--unit", "6", "--address", "00001", "--lang", "en")
	wantContains(t, "read after write", out, "00001    0     1    true")
}

// The RTU units of plantsim have no coils and no writable registers, so
// both writes get exception 02.
func TestWriteRejectedOverRTU(t *testing.T) {
	p := startPlant(t)
	cases := []struct {
		args   []string
		zh, en string
	}{
		{[]string{"--address", "00001", "--value", "true"}, "站号 1 回复异常 02 (非法数据地址), 请求的功能码为 05", "unit 1 replied with exception 02 (illegal data address) to function 05"},
		{[]string{"--address", "40101", "--value", "7"}, "站号 1 回复异常 02 (非法数据地址), 请求的功能码为 06", "unit 1 replied with exception 02 (illegal data address) to function 06"},
	}
	for _, c := range cases {
		args := append([]string{"write", "--port", p.port, "--unit", "1"}, c.args...)
		code, _, errOut := runCLI(args...)
		if code != exitFailure || !strings.Contains(errOut, c.zh) {
			t.Errorf("%v: exit %d, stderr %q; want %d and %q", c.args, code, errOut, exitFailure, c.zh)
		}
		code, _, errOut = runCLI(append(args, "--lang", "en")...)
		if code != exitFailure || !strings.Contains(errOut, c.en) {
			t.Errorf("%v --lang en: exit %d, stderr %q; want %d and %q", c.args, code, errOut, exitFailure, c.en)
		}
	}
}

func TestWriteRegisterReadsBack(t *testing.T) {
	m := startMockSlave(t)
	cases := []struct {
		args []string
		want uint16
		row  string
	}{
		{[]string{"--value", "1234"}, 1234, "40011  10        04D2    1234"},
		{[]string{"--value", "-2", "--type", "int16"}, 0xFFFE, "40011  10        FFFE    -2"},
		{[]string{"--value", "0x00ff"}, 0x00FF, "40011  10        00FF    255"},
		{[]string{"--value", "1234", "--type", "bcd16"}, 0x1234, "40011  10        1234    1234"},
		{[]string{"--value", "1", "--order", "BADC"}, 0x0100, "40011  10        0100    1"},
	}
	for _, c := range cases {
		args := append([]string{"write", "--tcp", m.addr, "--unit", "1", "--address", "40011"}, c.args...)
		code, out, errOut := runCLI(args...)
		if code != exitOK {
			t.Fatalf("%v: exit %d, stderr:\n%s", c.args, code, errOut)
		}
		if got := m.register(10); got != c.want {
			t.Errorf("%v: register 10 = %#04x, want %#04x", c.args, got, c.want)
		}
		wantContains(t, "write", out, "功能码 06", c.row, "设备已保持写入的值")
	}
}

// A device that acknowledges a write but keeps its old value fails the
// read-back.
func TestWriteNotKeptExits1(t *testing.T) {
	m := startMockSlave(t, 20)
	code, out, errOut := runCLI("write", "--tcp", m.addr, "--unit", "1", "--table", "holding", "--wire", "20", "--value", "7")
	if code != exitFailure {
		t.Errorf("exit %d, want %d", code, exitFailure)
	}
	wantContains(t, "stdout", out, "40021  20        0000    0")
	wantContains(t, "stderr", errOut, "站号 1 没有保持写入的值: 写入 0x0007, 读回 0x0000")

	_, _, errOut = runCLI("write", "--tcp", m.addr, "--unit", "1", "--table", "holding", "--wire", "20", "--value", "7", "--lang", "en")
	wantContains(t, "stderr", errOut, "unit 1 did not keep the value: wrote 0x0007, read back 0x0000")
}

func TestWriteUsageErrors(t *testing.T) {
	tcp := []string{"write", "--tcp", "127.0.0.1:502", "--unit", "1"}
	cases := []struct {
		args   []string
		zh, en string
	}{
		{append(tcp, "--address", "40001", "--value", "1.5", "--type", "float32"), "--type float32 占多个寄存器, 需要功能码 16", "--type float32 spans more than one register and needs function 16"},
		{append(tcp, "--address", "40001", "--value", "1", "--type", "bool", "--order", "ABCD"), "写寄存器中的一个位需要先读再改再写", "writing one bit of a register needs a read-modify-write"},
		{append(tcp, "--address", "30001", "--value", "1"), "input 表是只读的", "the input table is read-only"},
		{append(tcp, "--address", "10001", "--value", "1"), "discrete 表是只读的", "the discrete table is read-only"},
		{append(tcp, "--address", "00001", "--value", "1", "--type", "uint16"), "线圈只是一个位", "a coil is a single bit"},
		{append(tcp, "--address", "00001"), "请用 --value 给出要写的值", "give the value to write with --value"},
		{append(tcp, "--address", "00001", "--value", "maybe"), `线圈的 --value "maybe" 无效`, `invalid --value "maybe" for a coil`},
		{append(tcp, "--address", "40001", "--value", "70000"), `--type uint16 的 --value "70000" 无效: 请写 0 到 65535 之间的整数`, `invalid --value "70000" for --type uint16`},
		{append(tcp, "--address", "40001", "--value", "1", "--count", "2"), "未知选项 --count; 运行 gwctl write --help", "unknown option --count; run gwctl write --help"},
	}
	for _, c := range cases {
		wantMessages(t, c.args, exitUsage, c.zh, c.en)
	}
}
