package gateway

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/plantgw/plantgw/alarm"
	"github.com/plantgw/plantgw/buffer"
	"github.com/plantgw/plantgw/config"
	"github.com/plantgw/plantgw/record"
	"github.com/plantgw/plantgw/web"
)

// exportGateway is historyGateway with a second point, a contact read
// every 10 s and bad every minute, and GT-1.conc's unit.
func exportGateway(t *testing.T) (plant, time.Time) {
	t.Helper()
	p, start := historyGateway(t)
	var entries []buffer.Entry
	for i := 0; i < 3600; i += 10 {
		s := record.Sample{Point: "XV-1.open", Time: start.Add(time.Duration(i) * time.Second), IsBool: true, Bool: i%20 == 0, Quality: record.Good}
		if i%60 == 0 {
			s.Quality, s.Cause = record.Bad, record.CauseCommLost
		}
		entries = append(entries, sampleEntry(s))
	}
	entries = append(entries, eventEntry(record.Event{Kind: record.ModbusWrite, Time: start.Add(90 * time.Second), Device: "tcp-1:7",
		Source: record.SourceLocalUI, Operator: "zhang", Value: 1, HasValue: true, Text: "zhang wrote 1 (0x0001) to coil 0"}))
	if _, err := p.g.buf.Append(entries); err != nil {
		t.Fatal(err)
	}
	p.g.cfg = &config.Config{Points: []config.Point{{ID: "GT-1.conc", Unit: "%LEL"}, {ID: "XV-1.open"}}}
	return p, start
}

func exportRows(t *testing.T, p plant, req web.ExportRequest, loc *time.Location) [][]string {
	t.Helper()
	var buf bytes.Buffer
	out := web.NewCSVExport(&buf, web.CSVFormat{Location: loc, Events: req.Events})
	if err := p.Export(context.Background(), req, out); err != nil {
		t.Fatalf("export: %v", err)
	}
	if err := out.Flush(); err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(&buf).ReadAll()
	if err != nil {
		t.Fatalf("export is not CSV: %v", err)
	}
	return rows
}

func TestExportBufferSamples(t *testing.T) {
	p, start := exportGateway(t)
	shanghai, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		t.Fatal(err)
	}
	rows := exportRows(t, p, web.ExportRequest{From: start, To: start.Add(10 * time.Minute)}, shanghai)
	// 600 readings of GT-1.conc, then 60 of XV-1.open.
	if len(rows) != 1+600+60 {
		t.Fatalf("%d rows, want 661", len(rows))
	}
	if got := strings.Join(rows[1], ","); got != "2026-12-05T16:00:00.000+08:00,GT-1.conc,0,%LEL,good," {
		t.Errorf("first row %q", got)
	}
	if got := strings.Join(rows[600], ","); got != "2026-12-05T16:09:59.000+08:00,GT-1.conc,599,%LEL,good," {
		t.Errorf("last GT-1.conc row %q", got)
	}
	if got := strings.Join(rows[601], ","); got != "2026-12-05T16:00:00.000+08:00,XV-1.open,,,bad,comm_lost" {
		t.Errorf("first XV-1.open row %q", got)
	}
	if got := strings.Join(rows[602], ","); got != "2026-12-05T16:00:10.000+08:00,XV-1.open,0,,good," {
		t.Errorf("second XV-1.open row %q", got)
	}

	// The end is excluded, and the requested order kept.
	rows = exportRows(t, p, web.ExportRequest{From: start.Add(time.Minute), To: start.Add(2 * time.Minute), Points: []string{"XV-1.open", "GT-1.conc"}}, time.UTC)
	if len(rows) != 1+6+60 || rows[1][1] != "XV-1.open" || rows[7][1] != "GT-1.conc" {
		t.Fatalf("%d rows, first %q, seventh %q", len(rows), rows[1], rows[7])
	}
	if rows[len(rows)-1][0] != "2026-12-05T08:01:59.000Z" {
		t.Errorf("last row at %s, want 08:01:59", rows[len(rows)-1][0])
	}
}

func TestExportBufferEvents(t *testing.T) {
	p, start := exportGateway(t)
	rows := exportRows(t, p, web.ExportRequest{From: start, To: start.Add(time.Hour), Events: true}, time.UTC)
	// historyGateway stores a fault event every 10 minutes.
	if len(rows) != 1+6+1 {
		t.Fatalf("%d events, want 7", len(rows)-1)
	}
	write := rows[2]
	if write[1] != "modbus_write" || write[3] != "tcp-1:7" || write[8] != "1" || write[9] != "local_ui" || write[10] != "zhang" {
		t.Errorf("modbus_write row %q", write)
	}
	rows = exportRows(t, p, web.ExportRequest{From: start, To: start.Add(time.Hour), Events: true, Points: []string{"GT-1.conc"}}, time.UTC)
	if len(rows) != 1+6 {
		t.Errorf("events of GT-1.conc: %d, want the 6 faults", len(rows)-1)
	}
}

// recordingOutput records the calls an export makes.
type recordingOutput struct {
	calls []string
}

func (r *recordingOutput) Begin(points []web.ExportPoint) error {
	r.calls = append(r.calls, "begin")
	return nil
}
func (r *recordingOutput) Sample(record.Sample) error {
	r.calls = append(r.calls, "sample")
	return nil
}
func (r *recordingOutput) PointDone(p string) error { r.calls = append(r.calls, "done "+p); return nil }
func (r *recordingOutput) Event(record.Event) error { r.calls = append(r.calls, "event"); return nil }

func TestExportBufferErrors(t *testing.T) {
	p, start := exportGateway(t)
	out := &recordingOutput{}
	err := p.Export(context.Background(), web.ExportRequest{From: start, To: start.Add(time.Hour), Points: []string{"GT-1.conc", "GT-9"}}, out)
	if !errors.Is(err, alarm.ErrUnknownPoint) || len(out.calls) != 0 {
		t.Errorf("unknown point: %v after %q; want ErrUnknownPoint before Begin", err, out.calls)
	}
	var rangeErr *web.ExportRangeError
	err = p.Export(context.Background(), web.ExportRequest{From: start, To: start.Add(32 * 24 * time.Hour)}, out)
	if !errors.As(err, &rangeErr) || !rangeErr.TooLong || len(out.calls) != 0 {
		t.Errorf("32 days: %v after %q; want a range that is too long", err, out.calls)
	}
	err = p.Export(context.Background(), web.ExportRequest{From: start, To: start}, out)
	if !errors.As(err, &rangeErr) || rangeErr.TooLong {
		t.Errorf("empty range: %v", err)
	}

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	err = p.Export(ctx, web.ExportRequest{From: start, To: start.Add(time.Hour)}, out)
	if !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled export: %v, want context.Canceled", err)
	}
	if len(out.calls) != 1 || out.calls[0] != "begin" {
		t.Errorf("cancelled export made the calls %q; want only begin", out.calls)
	}
}

// BenchmarkExportBuffer measures CSV export from Badger: one point of
// 100 000 readings.
func BenchmarkExportBuffer(b *testing.B) {
	buf, err := buffer.Open(buffer.Options{Path: b.TempDir(), Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		b.Fatal(err)
	}
	defer buf.Close()
	start := time.Date(2026, 12, 5, 0, 0, 0, 0, time.UTC)
	const n = 100000
	entries := make([]buffer.Entry, 0, 500)
	for i := range n {
		entries = append(entries, sampleEntry(record.Sample{Point: "GT-1.conc", Time: start.Add(time.Duration(i) * time.Second), Value: float64(i) / 10, Quality: record.Good}))
		if len(entries) == cap(entries) {
			if _, err := buf.Append(entries); err != nil {
				b.Fatal(err)
			}
			entries = entries[:0]
		}
	}
	cfg := &config.Config{Points: []config.Point{{ID: "GT-1.conc", Unit: "%LEL"}}}
	req := web.ExportRequest{From: start, To: start.Add(n * time.Second)}
	b.ResetTimer()
	for range b.N {
		out := web.NewCSVExport(io.Discard, web.CSVFormat{})
		if err := ExportBuffer(context.Background(), buf, cfg, req, out); err != nil {
			b.Fatal(err)
		}
		if out.Records() != n {
			b.Fatalf("%d records exported, want %d", out.Records(), n)
		}
	}
	b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "records/s")
}
