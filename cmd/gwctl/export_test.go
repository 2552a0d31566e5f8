package main

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/plantgw/plantgw/buffer"
	"github.com/plantgw/plantgw/record"
)

// exportStart is when the test buffers' records start: 08:00 in Shanghai.
var exportStart = time.Date(2026, 12, 5, 0, 0, 0, 0, time.UTC)

const exportConfigYAML = `site: {enterprise_code: E1, gateway_id: gw-1, timezone: Asia/Shanghai}
buses: [{name: tcp-1, tcp: {address: "127.0.0.1:502"}}]
devices: [{name: D1, bus: tcp-1, unit: 1}]
points:
  - {id: TT-1, device: D1, register: {table: input, address: "30001"}, type: int16, unit: "°C", platform: {hazard_code: H1, point_code: C1}}
  - {id: LS-1, device: D1, register: {table: discrete, address: "10001"}, type: bool, platform: {hazard_code: H1, point_code: C2}}
  - {id: PT-1, device: D1, register: {table: input, address: "30002"}, type: int16, unit: MPa, platform: {hazard_code: H1, point_code: C3}}
uplink: {mqtt: {url: "tcp://127.0.0.1:1883"}}
buffer: {path: %q}
web: {listen: "off"}
`

// exportBuffer writes a config whose buffer holds an hour from
// exportStart: TT-1 every minute (value = minute, bad at minute 30), LS-1
// every 10 minutes, PT-1 nothing, and two events. It returns the config's
// path and the buffer's directory.
func exportBuffer(t *testing.T) (cfgPath, bufDir string) {
	t.Helper()
	dir := t.TempDir()
	bufDir = filepath.Join(dir, "buf")
	buf, err := buffer.Open(buffer.Options{Path: bufDir, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	var entries []buffer.Entry
	for m := range 60 {
		at := exportStart.Add(time.Duration(m) * time.Minute)
		s := record.Sample{Point: "TT-1", Time: at, Value: float64(m) + 0.5, Quality: record.Good}
		if m == 30 {
			s.Quality, s.Cause = record.Bad, record.CauseTimeout
		}
		entries = append(entries, buffer.Entry{Lane: buffer.Telemetry, Payload: record.EncodeSample(s), Point: s.Point, Time: at})
		if m%10 == 0 {
			c := record.Sample{Point: "LS-1", Time: at, IsBool: true, Bool: m >= 30, Quality: record.Good}
			entries = append(entries, buffer.Entry{Lane: buffer.Telemetry, Payload: record.EncodeSample(c), Point: c.Point, Time: at})
		}
	}
	for _, e := range []record.Event{
		{Kind: record.AlarmRaised, Time: exportStart.Add(5 * time.Minute), Point: "TT-1", Level: record.H, Value: 5.5, HasValue: true, Source: record.SourceAuto, Text: "TT-1 high"},
		{Kind: record.ModbusWrite, Time: exportStart.Add(7 * time.Minute), Device: "tcp-1:7", Operator: "zhang", Value: 1, HasValue: true, Source: record.SourceLocalUI, Text: "=1+1"},
	} {
		entries = append(entries, buffer.Entry{Lane: buffer.Events, Payload: record.EncodeEvent(e), Point: "_events", Time: e.Time})
	}
	if _, err := buf.Append(entries); err != nil {
		t.Fatal(err)
	}
	if err := buf.Close(); err != nil {
		t.Fatal(err)
	}
	cfgPath = filepath.Join(dir, "gw.yaml")
	if err := os.WriteFile(cfgPath, fmt.Appendf(nil, exportConfigYAML, bufDir), 0o600); err != nil {
		t.Fatal(err)
	}
	return cfgPath, bufDir
}

func readCSV(t *testing.T, text string) [][]string {
	t.Helper()
	rows, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(text, "\ufeff"))).ReadAll()
	if err != nil {
		t.Fatalf("not CSV: %v\n%s", err, text)
	}
	return rows
}

func TestBufferExportFromTheBuffer(t *testing.T) {
	cfg, _ := exportBuffer(t)
	out := filepath.Join(t.TempDir(), "export.csv")
	code, stdout, stderr := runCLI("buffer", "export", "--config", cfg, "--from", "2026-12-05 08:00", "--to", "2026-12-05T08:20:00+08:00", "--out", out)
	if code != exitOK {
		t.Fatalf("exit %d, stderr:\n%s", code, stderr)
	}
	if stdout != "" {
		t.Errorf("stdout %q, want nothing with --out", stdout)
	}
	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	rows := readCSV(t, string(data))
	// 20 readings of TT-1 and 2 of LS-1; PT-1 has none.
	if len(rows) != 1+20+2 {
		t.Fatalf("%d rows, want 22:\n%s", len(rows)-1, data)
	}
	want := [][]string{
		{"time", "point", "value", "unit", "quality", "cause"},
		{"2026-12-05T08:00:00.000+08:00", "TT-1", "0.5", "°C", "good", ""},
	}
	for i, w := range want {
		if strings.Join(rows[i], "|") != strings.Join(w, "|") {
			t.Errorf("row %d: %q, want %q", i, rows[i], w)
		}
	}
	if got := strings.Join(rows[21], "|"); got != "2026-12-05T08:00:00.000+08:00|LS-1|0||good|" {
		t.Errorf("LS-1 row %q", got)
	}
	wantContains(t, "stderr", stderr, "进度: 已完成 3/3 个点位, 22 条记录", "已导出 3 个点位的 22 条记录到 "+out)
	if entries, _ := filepath.Glob(out + ".partial-*"); len(entries) != 0 {
		t.Errorf("partial files left: %v", entries)
	}
}

func TestBufferExportEventsAndExcel(t *testing.T) {
	cfg, _ := exportBuffer(t)
	code, stdout, stderr := runCLI("buffer", "export", "--config", cfg, "--from", "2026-12-05", "--to", "2026-12-06", "--events", "--excel", "--lang", "en")
	if code != exitOK {
		t.Fatalf("exit %d, stderr:\n%s", code, stderr)
	}
	if !strings.HasPrefix(stdout, "\ufefftime,kind,point,") || !strings.Contains(stdout, "\r\n") {
		t.Errorf("Excel export starts %q; want a byte order mark and CRLF", stdout[:min(40, len(stdout))])
	}
	rows := readCSV(t, stdout)
	if len(rows) != 3 || rows[1][1] != "alarm_raised" || rows[2][1] != "modbus_write" {
		t.Fatalf("events %q", rows)
	}
	if rows[2][3] != "tcp-1:7" || rows[2][10] != "zhang" || rows[2][13] != "'=1+1" {
		t.Errorf("modbus_write row %q; want its device, operator and the text kept from Excel's formulas", rows[2])
	}
	wantContains(t, "stderr", stderr, "exported 2 events to standard output")
}

func TestBufferExportChosenPoints(t *testing.T) {
	cfg, _ := exportBuffer(t)
	code, stdout, stderr := runCLI("buffer", "export", "--config", cfg, "--from", "2026-12-05T00:25:00Z", "--to", "2026-12-05T00:35:00Z", "--points", "LS-1, TT-1")
	if code != exitOK {
		t.Fatalf("exit %d, stderr:\n%s", code, stderr)
	}
	rows := readCSV(t, stdout)
	if len(rows) != 1+1+10 || rows[1][1] != "LS-1" || rows[2][1] != "TT-1" {
		t.Fatalf("rows %q; want LS-1's one reading, then TT-1's ten", rows)
	}
	if got := strings.Join(rows[7], "|"); got != "2026-12-05T08:30:00.000+08:00|TT-1||°C|bad|timeout" {
		t.Errorf("bad reading %q", got)
	}
}

func TestBufferExportErrors(t *testing.T) {
	cfg, bufDir := exportBuffer(t)
	out := filepath.Join(t.TempDir(), "x.csv")
	cases := []struct {
		args []string
		code int
		zh   string
		en   string
	}{
		{[]string{"--config", cfg}, exitUsage, "请用 --from 给出开始时间", "give the start with --from"},
		{[]string{"--config", cfg, "--from", "yesterday"}, exitUsage, `--from "yesterday" 无效`, `invalid --from "yesterday"`},
		{[]string{"--config", cfg, "--from", "2026-12-05", "--to", "2026-13-01"}, exitUsage, `--to "2026-13-01" 无效`, `invalid --to "2026-13-01"`},
		{[]string{"--config", cfg, "--from", "2026-11-01", "--to", "2026-12-05"}, exitUsage, "超过 31 天; 请分几次导出", "is longer than 31 days"},
		{[]string{"--config", cfg, "--from", "2026-12-05", "--to", "2026-12-04"}, exitUsage, "结束时间必须晚于开始时间", "the end must be after the start"},
		{[]string{"--config", cfg, "--from", "2026-12-05", "--points", "TT-9", "--out", out}, exitUsage, `配置 ` + cfg + ` 中没有点位 "TT-9"`, `no point "TT-9" in the config ` + cfg},
		{[]string{"--config", cfg + ".missing", "--from", "2026-12-05"}, exitUsage, "不存在", "does not exist"},
		{[]string{"--config", cfg, "--gateway", "127.0.0.1:1", "--from", "2026-12-05"}, exitUsage, "请给出 --config 或 --gateway, 不要同时给出", "give --config or --gateway, not both"},
	}
	for _, c := range cases {
		args := append([]string{"buffer", "export"}, c.args...)
		code, _, stderr := runCLI(args...)
		if code != c.code || !strings.Contains(stderr, c.zh) {
			t.Errorf("%v: exit %d, stderr %q; want %d and %q", c.args, code, stderr, c.code, c.zh)
		}
		code, _, stderr = runCLI(append(args, "--lang", "en")...)
		if code != c.code || !strings.Contains(stderr, c.en) {
			t.Errorf("%v --lang en: exit %d, stderr %q; want %d and %q", c.args, code, stderr, c.code, c.en)
		}
	}
	if _, err := os.Stat(out); err == nil {
		t.Error("a failed export left its --out file")
	}

	if err := os.RemoveAll(bufDir); err != nil {
		t.Fatal(err)
	}
	code, _, stderr := runCLI("buffer", "export", "--config", cfg, "--from", "2026-12-05", "--lang", "en")
	if code != exitFailure || !strings.Contains(stderr, "no buffer at "+bufDir) {
		t.Errorf("missing buffer: exit %d, stderr %q", code, stderr)
	}
	if _, err := os.Stat(bufDir); err == nil {
		t.Error("export created the missing buffer")
	}
}

// Progress lines count the points done, including those without rows,
// and the records.
func TestExportProgressLines(t *testing.T) {
	var stderr bytes.Buffer
	e := newEnv([]string{"--lang", "en"}, io.Discard, &stderr)
	p := newExportProgress(e)
	points := make([]string, 20)
	for i := range points {
		points[i] = fmt.Sprintf("P%02d", i)
	}
	p.begin(points)
	// Rows of P00, then of P05: P01 to P04 have none.
	p.row("P00")
	p.pointDone("P00")
	p.row("P05")
	p.row("P05")
	p.pointDone("P05")
	p.finish()
	// A line at every second point: P05's first row marks P00 to P04 done.
	want := "progress: 5 of 20 points, 2 records\nprogress: 20 of 20 points, 3 records\n"
	if stderr.String() != want {
		t.Errorf("progress lines:\n%s\nwant:\n%s", stderr.String(), want)
	}
}
