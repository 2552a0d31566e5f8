package main

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

func demoGateway() gatewayReport {
	return gatewayReport{
		GatewayID: "gw-demo-01", Status: "online",
		Records: 1234, Samples: 1200, Events: 34, Alarms: 3, MaxSeq: 1234,
	}
}

func TestSummaryLine(t *testing.T) {
	cases := []struct {
		lang string
		want string
	}{
		{langChinese, "[平台] gw-demo-01 在线 记录 1234 (遥测 1200, 事件 34) 报警 3 缺号 0 重复 0 格式错误 0 最新 seq 1234"},
		{langEnglish, "[platform] gw-demo-01 online records 1234 (telemetry 1200, events 34) alarms 3 gaps 0 duplicates 0 invalid 0 latest seq 1234"},
	}
	for _, tc := range cases {
		if got := summaryLine(newLocalizer(tc.lang), demoGateway()); got != tc.want {
			t.Errorf("%s summary line:\n got %q\nwant %q", tc.lang, got, tc.want)
		}
	}
}

func TestSummaryLineExtras(t *testing.T) {
	g := demoGateway()
	g.Trips, g.CommLosses, g.Historical = 1, 2, 30
	got := summaryLine(newLocalizer(langChinese), g)
	if !strings.HasSuffix(got, "最新 seq 1234 联锁跳车 1 通讯中断 2 补传 30") {
		t.Errorf("summary line = %q, want trips, comm losses and historical at the end", got)
	}
}

func TestFinalLines(t *testing.T) {
	tripped := demoGateway()
	tripped.Trips = 2
	cases := []struct {
		lang     string
		gateways []gatewayReport
		want     string
	}{
		{langChinese, []gatewayReport{demoGateway()}, "平台汇总: 网关 gw-demo-01 收到记录 1234 条, 报警 3 次, 联锁跳车 0 次, 缺号 0, 重复 0, 格式错误 0"},
		{langEnglish, []gatewayReport{demoGateway()}, "platform summary: gateway gw-demo-01 received 1234 records, 3 alarms, 0 trips, 0 gaps, 0 duplicates, 0 invalid"},
		{langChinese, []gatewayReport{tripped}, "平台汇总: 网关 gw-demo-01 收到记录 1234 条, 报警 3 次, 联锁跳车 2 次, 缺号 0, 重复 0, 格式错误 0"},
		{langEnglish, []gatewayReport{tripped}, "platform summary: gateway gw-demo-01 received 1234 records, 3 alarms, 2 trips, 0 gaps, 0 duplicates, 0 invalid"},
		{langChinese, nil, "平台汇总: 没有收到任何网关的消息"},
		{langEnglish, nil, "platform summary: no gateway sent any message"},
	}
	for _, tc := range cases {
		got := finalLines(newLocalizer(tc.lang), tc.gateways)
		if len(got) != 1 || got[0] != tc.want {
			t.Errorf("%s final lines = %q, want [%q]", tc.lang, got, tc.want)
		}
	}
}

func TestFinalLinesDoNotGroupDigits(t *testing.T) {
	g := demoGateway()
	g.Records = 1234567
	for _, lang := range []string{langChinese, langEnglish} {
		line := finalLines(newLocalizer(lang), []gatewayReport{g})[0]
		if !strings.Contains(line, "1234567") {
			t.Errorf("%s final line = %q, want 1234567 without separators", lang, line)
		}
	}
}

func TestEventLines(t *testing.T) {
	zh := newLocalizer(langChinese)
	cases := []struct {
		rec  record
		want string
	}{
		{record{seq: 7, kind: "event", event: "alarm_raised", pointID: "GT-102.conc", level: "al2", value: "41.5", ts: "2026-12-04T20:15:02+08:00"},
			"[平台] gw-demo-01 报警 GT-102.conc 级别 al2 值 41.5 时间 2026-12-04T20:15:02+08:00 seq 7"},
		{record{seq: 8, kind: "event", event: "trip", output: "DO-3", ts: "2026-12-04T20:15:03+08:00"},
			"[平台] gw-demo-01 联锁跳车 输出 DO-3 时间 2026-12-04T20:15:03+08:00 seq 8"},
		{record{seq: 9, kind: "event", event: "comm_lost", device: "rtu-1", ts: "2026-12-04T20:15:04+08:00", historical: true},
			"[平台] gw-demo-01 通讯中断 设备 rtu-1 时间 2026-12-04T20:15:04+08:00 seq 9 (补传)"},
		{record{seq: 11, kind: "event", event: "comm_restored", device: "rtu-1", ts: "2026-12-04T20:15:06+08:00"},
			"[平台] gw-demo-01 通讯恢复 设备 rtu-1 时间 2026-12-04T20:15:06+08:00 seq 11"},
		{record{seq: 10, kind: "event", event: "fault_raised", pointID: "LT-1", value: "null", ts: "2026-12-04T20:15:05+08:00"},
			"[平台] gw-demo-01 故障 LT-1 时间 2026-12-04T20:15:05+08:00 seq 10"},
	}
	for _, tc := range cases {
		if got := eventLine(zh, "gw-demo-01", tc.rec); got != tc.want {
			t.Errorf("event line:\n got %q\nwant %q", got, tc.want)
		}
	}
}

func TestValidationErrorLocalized(t *testing.T) {
	verr := invalidf("records[0].quality", "must be one of %s, got %s", "good, uncertain, bad", `"ok"`)
	want := `records[0].quality: 必须是 good, uncertain, bad 之一, 实际是 "ok"`
	if got := verr.localize(newLocalizer(langChinese)); got != want {
		t.Errorf("localized error = %q, want %q", got, want)
	}
	if got := verr.localize(newLocalizer(langEnglish)); got != verr.Error() {
		t.Errorf("English error = %q, want %q", got, verr.Error())
	}
}

// TestCatalogCoversEveryKey reads the package source and checks that every
// literal key passed to text or invalidf, and every flag usage, has a zh-CN
// entry with the same number of verbs.
func TestCatalogCoversEveryKey(t *testing.T) {
	keys := map[string]token.Position{}
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		file, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(file, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok {
				return true
			}
			if key, ok := catalogKey(call); ok {
				keys[key] = fset.Position(call.Pos())
			}
			return true
		})
	}
	for _, spec := range flagSpecs {
		keys[spec.usage] = token.Position{Filename: "flags.go"}
	}

	if len(keys) < 50 {
		t.Fatalf("found only %d keys, the source scan is broken", len(keys))
	}
	for key, pos := range keys {
		text, ok := chineseText[key]
		if !ok {
			t.Errorf("%s: no zh-CN text for %q", pos, key)
			continue
		}
		if strings.Count(text, "%") != strings.Count(key, "%") {
			t.Errorf("zh-CN text %q has other verbs than %q", text, key)
		}
	}
	for key := range chineseText {
		if _, used := keys[key]; !used {
			t.Errorf("zh-CN entry %q is not used", key)
		}
	}
}

// catalogKey returns the string literal key of a call to text(key, ...) or
// invalidf(path, key, ...).
func catalogKey(call *ast.CallExpr) (string, bool) {
	argIndex := -1
	switch fun := call.Fun.(type) {
	case *ast.SelectorExpr:
		if fun.Sel.Name == "text" {
			argIndex = 0
		}
	case *ast.Ident:
		if fun.Name == "invalidf" {
			argIndex = 1
		}
	}
	if argIndex < 0 || len(call.Args) <= argIndex {
		return "", false
	}
	literal, ok := call.Args[argIndex].(*ast.BasicLit)
	if !ok || literal.Kind != token.STRING {
		return "", false
	}
	key, err := strconv.Unquote(literal.Value)
	return key, err == nil
}
