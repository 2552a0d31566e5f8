package gateway

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/plantgw/plantgw/config"
	"github.com/plantgw/plantgw/locale"
	"github.com/plantgw/plantgw/record"
)

func TestConsoleLinesInChineseAndEnglish(t *testing.T) {
	cfg := &config.Config{Site: config.Site{Timezone: "Asia/Shanghai"}, Points: []config.Point{{ID: "GT-102.conc", Unit: "%LEL"}}}
	at := time.Date(2026, 12, 4, 2, 3, 4, 0, time.UTC)
	events := []record.Event{
		{Kind: record.AlarmRaised, Time: at, Point: "GT-102.conc", Level: record.AL2, Value: 42.5, HasValue: true},
		{Kind: record.OutputChanged, Time: at, Output: "esd-1", State: "active"},
		{Kind: record.CommLost, Time: at, Device: "GT-103", Cause: record.CauseTimeout},
		{Kind: record.CommLost, Time: at, Device: "GT-104", Cause: record.CauseCRC},
		{Kind: record.CommLost, Time: at, Device: "LT-301", Cause: record.CauseException, Code: 0x0A},
		{Kind: record.CommLost, Time: at, Device: "GT-201", Cause: record.CauseNoConnection, Text: "open /dev/ttyS9: no such file or directory"},
		{Kind: record.Trip, Time: at, Interlock: "gas-esd", Output: "esd-1", Level: record.AL2, Cause: record.CauseFaultVote, Device: "XV-101"},
		{Kind: record.TripReset, Time: at, Interlock: "gas-esd", Output: "esd-1", Device: "XV-101"},
		{Kind: record.AlarmSilenced, Time: at, Operator: "liu"},
		{Kind: record.AlarmReset, Time: at, Point: "GT-102.conc", Level: record.AL2, Operator: "liu"},
		{Kind: record.BypassOn, Time: at, Point: "GT-102.conc", Operator: "liu", Reason: "更换探头", Until: at.Add(2 * time.Hour)},
		{Kind: record.LightningWarning, Time: at, Point: "input:lightning-warning", State: "orange"},
		{Kind: record.OutputTestStarted, Time: at, Output: "esd-1", Operator: "zhang", Until: at.Add(3 * time.Second)},
		{Kind: record.OutputTestEnded, Time: at, Output: "esd-1", Operator: "zhang"},
	}
	tests := []struct {
		lang string
		want []string
	}{
		{"zh-CN", []string{"10:03:04 报警      GT-102.conc 二级报警, 数值 42.5 %LEL", "输出      esd-1 动作 (失电)", "通讯中断  设备 GT-103 在超时时间内无应答",
			"设备 GT-104 的应答损坏 (CRC 错误)", "设备 LT-301 前面的 TCP 网关回复异常 0A (路径不可用", "设备 GT-201 的串口或连接无法使用 (open /dev/ttyS9",
			"原因: 二级报警或输入故障; 关闭阀门 XV-101", "阀门 XV-101 保持关闭, 需在现场手动开阀",
			"liu 已消音", "复位      GT-102.conc 二级报警, 操作人 liu", "旁路      GT-102.conc 已由 liu 旁路至 12:03:04, 原因: 更换探头", "雷电预警  预警等级: 橙色 (来自 input:lightning-warning)",
			"输出测试  输出 esd-1 由 zhang 测试, 动作 (失电) 至 10:03:07", "测试结束  输出 esd-1: zhang 的测试已结束, 恢复由报警逻辑控制"}},
		{"en", []string{"10:03:04 ALARM     GT-102.conc level 2 alarm, value 42.5 %LEL", "OUTPUT    esd-1 active (de-energised)", "COMM LOST device GT-103 does not reply within its timeout",
			"device GT-104: its replies arrive damaged (CRC errors)", "exception 0A (path unavailable", "device GT-201: the port or connection cannot be used",
			"horn silenced by liu", "RESET     GT-102.conc level 2 alarm by liu", "BYPASS    GT-102.conc bypassed by liu until 12:03:04: 更换探头", "LIGHTNING warning level orange (from input:lightning-warning)",
			"TEST      output esd-1 driven active (de-energised) by zhang for a test until 10:03:07", "TEST END  output esd-1: test by zhang ended"}},
	}
	for _, tt := range tests {
		var out bytes.Buffer
		c, err := newConsole(cfg, &out, locale.Printer(tt.lang))
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range events {
			c.print(e)
		}
		for _, want := range tt.want {
			if !strings.Contains(out.String(), want) {
				t.Errorf("%s console lacks %q:\n%s", tt.lang, want, out.String())
			}
		}
	}
}

func TestConsoleCoversEveryEventKind(t *testing.T) {
	c, err := newConsole(&config.Config{Site: config.Site{Timezone: "UTC"}}, &bytes.Buffer{}, locale.Printer("zh-CN"))
	if err != nil {
		t.Fatal(err)
	}
	kinds := []record.EventKind{record.AlarmRaised, record.AlarmCleared, record.AlarmReset, record.AlarmSilenced,
		record.FaultRaised, record.FaultCleared, record.CommLost, record.CommRestored, record.Trip, record.TripReset,
		record.OutputChanged, record.GatewayStopped, record.WriteUnconfirmed, record.ModbusWrite, record.AlarmAcknowledged, record.BypassOn, record.BypassOff,
		record.ValveFailed, record.ValveUncommanded, record.ValveReset, record.SwitchDisagree, record.SwitchAgree, record.LightningWarning,
		record.OutputTestStarted, record.OutputTestEnded}
	for _, k := range kinds {
		if line := c.describe(record.Event{Kind: k, State: "inactive"}); line == "" || strings.Contains(line, "%!") {
			t.Errorf("%s: console line %q", k, line)
		}
	}
	for _, cause := range []record.Cause{record.CauseTimeout, record.CauseCRC, record.CauseException, record.CauseNoConnection} {
		if line := c.describe(record.Event{Kind: record.CommLost, Cause: cause, Code: 0x0B}); strings.Contains(line, "%!") {
			t.Errorf("comm_lost %s: console line %q", cause, line)
		}
	}
}
