package web

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/plantgw/plantgw/record"
)

// fakeExportPoints are the points the fake plant exports, in the order of
// its configuration.
var fakeExportPoints = []ExportPoint{{ID: "GT-101", Unit: "%LEL"}, {ID: "XV-1.open"}, {ID: "AT-1.fw"}}

// fakeExport controls the fake plant's exports: block holds each export
// until it is closed, failAfter fails it after that many rows.
type fakeExport struct {
	mu        sync.Mutex
	block     chan struct{}
	failAfter int
	started   chan struct{}
}

func (p *fakePlant) exportControl() *fakeExport { return &p.export }

// Export writes, for each requested point, one reading a minute: GT-101
// the minute of the hour, XV-1.open on at even minutes, AT-1.fw a text,
// bad every fifth minute. The events are two per hour.
func (p *fakePlant) Export(ctx context.Context, req ExportRequest, out ExportOutput) error {
	ctl := p.exportControl()
	ctl.mu.Lock()
	block, failAfter, started := ctl.block, ctl.failAfter, ctl.started
	ctl.mu.Unlock()
	if started != nil {
		started <- struct{}{}
	}
	if block != nil {
		select {
		case <-block:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	if req.Events {
		return fakeEvents(req, out)
	}
	points := fakeExportPoints
	if len(req.Points) > 0 {
		points = nil
		for _, id := range req.Points {
			i := indexOfExportPoint(id)
			if i < 0 {
				return &UnknownExportPointError{Point: id}
			}
			points = append(points, fakeExportPoints[i])
		}
	}
	if err := out.Begin(points); err != nil {
		return err
	}
	rows := 0
	for _, pt := range points {
		for t := req.From.Truncate(time.Minute); t.Before(req.To); t = t.Add(time.Minute) {
			if t.Before(req.From) {
				continue
			}
			if failAfter > 0 && rows == failAfter {
				return errors.New("store read failed")
			}
			if err := out.Sample(fakeSample(pt.ID, t)); err != nil {
				return err
			}
			rows++
		}
		if err := out.PointDone(pt.ID); err != nil {
			return err
		}
	}
	return nil
}

func indexOfExportPoint(id string) int {
	for i, p := range fakeExportPoints {
		if p.ID == id {
			return i
		}
	}
	return -1
}

func fakeSample(point string, t time.Time) record.Sample {
	s := record.Sample{Point: point, Time: t, Quality: record.Good}
	switch point {
	case "GT-101":
		s.Value = float64(t.Minute())
	case "XV-1.open":
		s.IsBool, s.Bool = true, t.Minute()%2 == 0
	default:
		s.IsText, s.Text = true, "=HYPERLINK(\"x\")"
	}
	if t.Minute()%5 == 0 {
		s.Quality, s.Cause, s.Value, s.Bool, s.Text = record.Bad, record.CauseTimeout, 0, false, ""
	}
	return s
}

func fakeEvents(req ExportRequest, out ExportOutput) error {
	if err := out.Begin(nil); err != nil {
		return err
	}
	for t := req.From.Truncate(time.Hour); t.Before(req.To); t = t.Add(30 * time.Minute) {
		if t.Before(req.From) {
			continue
		}
		e := record.Event{Kind: record.AlarmRaised, Time: t, Point: "GT-101", Level: record.AL2, Value: 45.5, HasValue: true,
			Source: record.SourceAuto, Text: "GT-101 level 2 alarm, 45.5 %LEL"}
		if t.Minute() == 30 {
			e = record.Event{Kind: record.BypassOn, Time: t, Point: "XV-1.open", Source: record.SourceLocalUI, Operator: "liu",
				Reason: "标定, 用 \"标准气\"", Until: t.Add(2 * time.Hour), Text: "bypass"}
		}
		if len(req.Points) > 0 && req.Points[0] != e.Point {
			continue
		}
		if err := out.Event(e); err != nil {
			return err
		}
	}
	return nil
}

// exportCSV reads an export reply as CSV rows.
func exportCSV(t *testing.T, r reply) [][]string {
	t.Helper()
	rows, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(r.raw, utf8BOM))).ReadAll()
	if err != nil {
		t.Fatalf("export reply is not CSV: %v\n%s", err, r.raw)
	}
	return rows
}

func TestExportSamplesInSiteTime(t *testing.T) {
	rg := newRig(t)
	rg.plant.update(func(st *Status) { st.Timezone = "Asia/Shanghai" })
	viewer := rg.account(rg.installer(), "wang", Viewer)
	r := viewer.expect(200, "GET", "/api/export?from=2026-12-05+08:00&to=2026-12-05T08:10:00%2B08:00", nil)
	rows := exportCSV(t, r)

	if got := strings.Join(rows[0], ","); got != "time,point,value,unit,quality,cause" {
		t.Errorf("header %q", got)
	}
	// Three points, ten minutes each.
	if len(rows) != 1+3*10 {
		t.Fatalf("%d rows, want 31:\n%s", len(rows), r.raw)
	}
	if got := strings.Join(rows[1], ","); got != "2026-12-05T08:00:00.000+08:00,GT-101,,%LEL,bad,timeout" {
		t.Errorf("first row %q", got)
	}
	if got := strings.Join(rows[2], ","); got != "2026-12-05T08:01:00.000+08:00,GT-101,1,%LEL,good," {
		t.Errorf("second row %q", got)
	}
	if got := strings.Join(rows[13], ","); got != "2026-12-05T08:02:00.000+08:00,XV-1.open,1,,good," {
		t.Errorf("contact row %q", got)
	}
	if got := rows[22][2]; got != `=HYPERLINK("x")` {
		t.Errorf("text value %q, want it unchanged without --excel", got)
	}
	if got := r.header.Get(ExportPointsHeader); got != "GT-101,XV-1.open,AT-1.fw" {
		t.Errorf("%s = %q", ExportPointsHeader, got)
	}
	if got := r.header.Get("Content-Type"); got != "text/csv; charset=utf-8" {
		t.Errorf("Content-Type %q", got)
	}
	if got := r.header.Get("Content-Disposition"); got != `attachment; filename="plantgw-gw-test-20261205T0800-20261205T0810.csv"` {
		t.Errorf("Content-Disposition %q", got)
	}
}

func TestExportPointsAndExcel(t *testing.T) {
	rg := newRig(t)
	c := rg.installer()
	r := c.expect(200, "GET", "/api/export?from=2026-12-05T08:00:00Z&to=2026-12-05T08:03:00Z&points=AT-1.fw,GT-101&points=AT-1.fw&excel=1", nil)
	if !strings.HasPrefix(r.raw, utf8BOM+"time,point,value,unit,quality,cause\r\n") {
		t.Errorf("excel export starts %q, want the BOM, the header and CRLF", r.raw[:min(len(r.raw), 60)])
	}
	rows := exportCSV(t, r)
	if len(rows) != 1+2*3 || rows[1][1] != "AT-1.fw" || rows[4][1] != "GT-101" {
		t.Fatalf("rows %q; want AT-1.fw then GT-101, three each", rows)
	}
	// Without a site time zone the times are in UTC.
	if rows[2][0] != "2026-12-05T08:01:00.000Z" {
		t.Errorf("time %q", rows[2][0])
	}
	if got := rows[2][2]; got != `'=HYPERLINK("x")` {
		t.Errorf("text value for Excel %q, want a leading apostrophe", got)
	}
	if got := r.header.Get(ExportPointsHeader); got != "AT-1.fw,GT-101" {
		t.Errorf("%s = %q", ExportPointsHeader, got)
	}
}

func TestExportEvents(t *testing.T) {
	rg := newRig(t)
	rg.plant.update(func(st *Status) { st.Timezone = "Asia/Shanghai" })
	c := rg.installer()
	r := c.expect(200, "GET", "/api/export?events=1&from=2026-12-05&to=2026-12-05T02:00:00%2B08:00", nil)
	rows := exportCSV(t, r)
	if got := strings.Join(rows[0], ","); got != "time,kind,point,device,output,interlock,level,state,value,source,operator,reason,until,text" {
		t.Errorf("header %q", got)
	}
	if len(rows) != 1+4 {
		t.Fatalf("%d rows, want 4 events:\n%s", len(rows)-1, r.raw)
	}
	want := []string{"2026-12-05T00:30:00.000+08:00", "bypass_on", "XV-1.open", "", "", "", "", "", "", "local_ui", "liu",
		`标定, 用 "标准气"`, "2026-12-05T02:30:00.000+08:00", "bypass"}
	if strings.Join(rows[2], "|") != strings.Join(want, "|") {
		t.Errorf("bypass row %q, want %q", rows[2], want)
	}
	if rows[1][6] != "al2" || rows[1][8] != "45.5" {
		t.Errorf("alarm row %q", rows[1])
	}
	if r.header.Get(ExportPointsHeader) != "" {
		t.Errorf("an events export lists points: %q", r.header.Get(ExportPointsHeader))
	}
	r = c.expect(200, "GET", "/api/export?events=1&from=2026-12-05&to=2026-12-05T02:00:00%2B08:00&points=GT-101", nil)
	if rows := exportCSV(t, r); len(rows) != 1+2 || rows[1][1] != "alarm_raised" || rows[2][1] != "alarm_raised" {
		t.Errorf("events of GT-101: %q", rows)
	}
}

func TestExportParameterErrors(t *testing.T) {
	rg := newRig(t)
	c := rg.installer()
	c.lang = "en"
	cases := []struct {
		query  string
		status int
		code   code
		msg    string
	}{
		{"", 400, codeBadTime, `invalid from time ""`},
		{"from=yesterday", 400, codeBadTime, `invalid from time "yesterday": give RFC 3339`},
		{"from=2026-12-05&to=2026-13-01", 400, codeBadTime, `invalid to time "2026-13-01"`},
		{"from=2026-12-05&to=2026-12-04", 400, codeBadRange, "invalid range from 2026-12-05T00:00:00.000Z to 2026-12-04T00:00:00.000Z"},
		{"from=2026-11-01&to=2026-12-05", 400, codeRangeTooLong, "is longer than 31 days"},
		{"from=2026-12-05&to=2026-12-05T01:00:00Z&points=GT-101,GT-999", 404, codeNoPoint, `no point "GT-999" in the configuration`},
	}
	for _, tc := range cases {
		r := c.expect(tc.status, "GET", "/api/export?"+tc.query, nil)
		if r.body["error"] != string(tc.code) || !strings.Contains(r.body["message"].(string), tc.msg) {
			t.Errorf("%q: %s; want %s with %q", tc.query, r.raw, tc.code, tc.msg)
		}
	}
	c.lang = ""
	r := c.expect(400, "GET", "/api/export?from=2026-11-01&to=2026-12-05", nil)
	if !strings.Contains(r.body["message"].(string), "31 天") {
		t.Errorf("Chinese range error: %s", r.raw)
	}
	// Exactly 31 days is allowed.
	c.expect(200, "GET", "/api/export?from=2026-11-04T00:00:00Z&to=2026-12-05T00:00:00Z&points=GT-101", nil)
	rg.client().expect(401, "GET", "/api/export?from=2026-12-05", nil)
}

// A failure after the first rows cannot change the status any more; the
// reply ends without its last chunk, so the client sees it incomplete.
func TestExportFailureMidwayAbortsTheReply(t *testing.T) {
	rg := newRig(t)
	c := rg.installer()
	ctl := rg.plant.exportControl()
	ctl.mu.Lock()
	ctl.failAfter = 5
	ctl.mu.Unlock()

	req, _ := http.NewRequest("GET", rg.http.URL+"/api/export?from=2026-12-05T08:00:00Z&to=2026-12-05T09:00:00Z", nil)
	req.Header.Set("Authorization", "Bearer "+loginToken(t, rg))
	resp, err := c.h.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("status %d", resp.StatusCode)
	}
	data, err := io.ReadAll(resp.Body)
	if !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Errorf("reading an export that failed midway: %v, want io.ErrUnexpectedEOF; got %d bytes", err, len(data))
	}
}

// loginToken logs the setup installer in as gwctl does and returns the
// bearer token.
func loginToken(t *testing.T, rg *rig) string {
	t.Helper()
	r := rg.client().expect(200, "POST", "/api/login", map[string]any{"user": "zhang", "password": installerPassword, "cli": true})
	return r.body["token"].(string)
}

func TestExportsAreLimited(t *testing.T) {
	rg := newRig(t)
	c := rg.installer()
	ctl := rg.plant.exportControl()
	block, started := make(chan struct{}), make(chan struct{}, maxExports)
	ctl.mu.Lock()
	ctl.block, ctl.started = block, started
	ctl.mu.Unlock()

	var wg sync.WaitGroup
	for range maxExports {
		wg.Go(func() { c.do("GET", "/api/export?from=2026-12-05T08:00:00Z&to=2026-12-05T08:01:00Z", nil) })
	}
	for range maxExports {
		<-started
	}
	ctl.mu.Lock()
	ctl.started = nil
	ctl.mu.Unlock()
	r := c.expect(503, "GET", "/api/export?from=2026-12-05T08:00:00Z&to=2026-12-05T08:01:00Z", nil)
	if r.body["error"] != string(codeExportsBusy) {
		t.Errorf("third export: %s", r.raw)
	}
	close(block)
	wg.Wait()
	c.expect(200, "GET", "/api/export?from=2026-12-05T08:00:00Z&to=2026-12-05T08:01:00Z", nil)
}

func TestParseExportTime(t *testing.T) {
	shanghai, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		t.Fatal(err)
	}
	want := time.Date(2026, 12, 5, 8, 30, 0, 0, shanghai)
	for _, text := range []string{"2026-12-05T08:30:00+08:00", "2026-12-05T00:30:00Z", "2026-12-05 08:30", "2026-12-05T08:30",
		"2026-12-05 08:30:00", " 2026-12-05T08:30:00 "} {
		got, err := ParseExportTime(text, shanghai)
		if err != nil || !got.Equal(want) {
			t.Errorf("ParseExportTime(%q) = %v, %v; want %v", text, got, err, want)
		}
	}
	if got, err := ParseExportTime("2026-12-05", shanghai); err != nil || !got.Equal(time.Date(2026, 12, 5, 0, 0, 0, 0, shanghai)) {
		t.Errorf("a date alone: %v, %v; want its midnight in the site's zone", got, err)
	}
	for _, text := range []string{"", "now", "05.12.2026", "2026-12-05 08", "2026-12-05T08:30:00+8"} {
		if _, err := ParseExportTime(text, shanghai); err == nil {
			t.Errorf("ParseExportTime(%q) accepted", text)
		}
	}
}

func TestCSVExportNumbers(t *testing.T) {
	var buf bytes.Buffer
	x := NewCSVExport(&buf, CSVFormat{})
	if err := x.Begin([]ExportPoint{{ID: "P", Unit: "m³/h"}}); err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 12, 5, 8, 0, 0, 123456789, time.UTC)
	for _, v := range []float64{0.1, -3.5, 12345678.25, 1e20, 2.5e-7} {
		if err := x.Sample(record.Sample{Point: "P", Time: at, Value: v, Quality: record.Uncertain, Cause: record.CauseOverRange}); err != nil {
			t.Fatal(err)
		}
	}
	if err := x.Flush(); err != nil {
		t.Fatal(err)
	}
	want := "time,point,value,unit,quality,cause\n" +
		"2026-12-05T08:00:00.123Z,P,0.1,m³/h,uncertain,over_range\n" +
		"2026-12-05T08:00:00.123Z,P,-3.5,m³/h,uncertain,over_range\n" +
		"2026-12-05T08:00:00.123Z,P,12345678.25,m³/h,uncertain,over_range\n" +
		"2026-12-05T08:00:00.123Z,P,1e+20,m³/h,uncertain,over_range\n" +
		"2026-12-05T08:00:00.123Z,P,2.5e-07,m³/h,uncertain,over_range\n"
	if buf.String() != want {
		t.Errorf("CSV:\n%s\nwant:\n%s", buf.String(), want)
	}
	if x.Records() != 5 {
		t.Errorf("Records() = %d, want 5", x.Records())
	}
}

// runLimit's zero value admits max requests at once.
func TestRunLimitCounts(t *testing.T) {
	var l runLimit
	for i := range maxExports {
		if !l.acquire(maxExports) {
			t.Fatalf("request %d rejected", i+1)
		}
	}
	if l.acquire(maxExports) {
		t.Fatal("one request more than the maximum admitted")
	}
	l.release()
	if !l.acquire(maxExports) {
		t.Fatal("a released slot is not reused")
	}
}
