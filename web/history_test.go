package web

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
)

func decodeHistory(t *testing.T, r reply) historyReply {
	t.Helper()
	var h historyReply
	if err := json.Unmarshal([]byte(r.raw), &h); err != nil {
		t.Fatalf("history reply %s: %v", r.raw, err)
	}
	return h
}

func TestHistoryDefaultDay(t *testing.T) {
	rg := newRig(t)
	viewer := rg.account(rg.installer(), "wang", Viewer)
	h := decodeHistory(t, viewer.expect(200, "GET", "/api/history/GT-101", nil))
	now := rg.clock.now()
	// The fake stores one reading a minute: 24 h plus the reading at now.
	if len(h.Readings) != 24*60+1 || h.Scanned != len(h.Readings) || h.Downsampled {
		t.Fatalf("%d readings, %d scanned, downsampled %v", len(h.Readings), h.Scanned, h.Downsampled)
	}
	if !h.From.Equal(now.Add(-24*time.Hour)) || !h.To.Equal(now) {
		t.Errorf("window %v to %v, want the 24 h before %v", h.From, h.To, now)
	}
	if !h.Readings[0].Time.Equal(h.From) || !h.Readings[len(h.Readings)-1].Time.Equal(now) {
		t.Errorf("readings from %v to %v", h.Readings[0].Time, h.Readings[len(h.Readings)-1].Time)
	}
}

func TestHistoryDownsamplesKeepingPeaks(t *testing.T) {
	rg := newRig(t)
	c := rg.installer()
	h := decodeHistory(t, c.expect(200, "GET", "/api/history/GT-101?hours=48", nil))
	if h.Scanned != 48*60+1 {
		t.Errorf("scanned %d, want %d", h.Scanned, 48*60+1)
	}
	if !h.Downsampled || len(h.Readings) > maxReadings || len(h.Readings) < maxReadings/2 {
		t.Fatalf("downsampled %v to %d readings, want at most %d", h.Downsampled, len(h.Readings), maxReadings)
	}
	low, high := 100.0, -1.0
	for i, rd := range h.Readings {
		if i > 0 && rd.Time.Before(h.Readings[i-1].Time) {
			t.Fatalf("reading %d at %v is older than the one before", i, rd.Time)
		}
		low, high = min(low, *rd.Value), max(high, *rd.Value)
	}
	// The fake's value is the minute of the hour: 0 to 59.
	if low != 0 || high != 59 {
		t.Errorf("downsampled range %v to %v, want the peaks 0 and 59 kept", low, high)
	}
}

func TestHistoryReadsInBatches(t *testing.T) {
	rg := newRig(t)
	c := rg.installer()
	h := decodeHistory(t, c.expect(200, "GET", "/api/history/GT-101?hours=168", nil))
	// 7 days at one reading a minute need three calls of historyBatch.
	if want := 168*60 + 1; h.Scanned != want || h.Truncated {
		t.Errorf("scanned %d (truncated %v), want all %d", h.Scanned, h.Truncated, want)
	}
	if last := h.Readings[len(h.Readings)-1]; !last.Time.Equal(rg.clock.now()) {
		t.Errorf("newest reading at %v, want %v", last.Time, rg.clock.now())
	}
}

func TestHistoryParameterErrors(t *testing.T) {
	rg := newRig(t)
	c := rg.installer()
	for _, hours := range []string{"0", "169", "abc", "-1", "1.5"} {
		r := c.expect(400, "GET", "/api/history/GT-101?hours="+hours, nil)
		if r.body["error"] != string(codeBadHours) || !strings.Contains(r.body["message"].(string), "小时数") {
			t.Errorf("hours=%s: %s", hours, r.raw)
		}
	}
	c.lang = "en"
	r := c.expect(404, "GET", "/api/history/GT-999", nil)
	if r.body["message"] != `no point "GT-999" in the configuration` {
		t.Errorf("unknown point: %s", r.raw)
	}
	r = c.expect(400, "GET", "/api/history/GT-101?hours=200", nil)
	if r.body["message"] != `invalid hours "200": give a whole number from 1 to 168` {
		t.Errorf("English hours error: %s", r.raw)
	}
	rg.client().expect(401, "GET", "/api/history/GT-101", nil)
}

func TestDownsamplerKeepsGaps(t *testing.T) {
	from := time.Date(2026, 12, 5, 0, 0, 0, 0, time.UTC)
	to := from.Add(time.Hour)
	ds := newDownsampler(from, to, 30)
	on, off := true, false
	for i := range 3600 {
		rd := Reading{Time: from.Add(time.Duration(i) * time.Second), Quality: "good"}
		switch {
		case i >= 1800 && i < 1810:
			rd.Quality = "bad"
		case i%2 == 0:
			rd.Bool = &on
		default:
			rd.Bool = &off
		}
		ds.add(rd)
	}
	readings, scanned, downsampled := ds.result()
	if scanned != 3600 || !downsampled || len(readings) > 30 {
		t.Fatalf("scanned %d, downsampled %v, %d readings", scanned, downsampled, len(readings))
	}
	gaps := 0
	for _, rd := range readings {
		if _, ok := readingValue(rd); !ok {
			gaps++
			if rd.Time.Before(from.Add(1800*time.Second)) || !rd.Time.Before(from.Add(1810*time.Second)) {
				t.Errorf("gap kept at %v, outside the bad readings", rd.Time)
			}
		}
	}
	if gaps != 1 {
		t.Errorf("%d gaps kept, want 1", gaps)
	}
}

func TestEventsEndpoint(t *testing.T) {
	rg := newRig(t)
	viewer := rg.account(rg.installer(), "wang", Viewer)
	r := viewer.expect(200, "GET", "/api/events", nil)
	var list []Event
	if err := json.Unmarshal([]byte(r.raw), &list); err != nil {
		t.Fatal(err)
	}
	if len(list) != 2 || list[0].Seq != 7 || list[1].Seq != 5 {
		t.Fatalf("events %s", r.raw)
	}
	r = viewer.expect(200, "GET", "/api/events?hours=1&limit=1", nil)
	if err := json.Unmarshal([]byte(r.raw), &list); err != nil || len(list) != 1 {
		t.Fatalf("limit 1: %s", r.raw)
	}
	for _, q := range []string{"limit=0", "limit=1001", "limit=ten"} {
		if r := viewer.expect(400, "GET", "/api/events?"+q, nil); r.body["error"] != string(codeBadLimit) {
			t.Errorf("%s: %s", q, r.raw)
		}
	}
	if r := viewer.expect(400, "GET", "/api/events?hours=500", nil); r.body["error"] != string(codeBadHours) {
		t.Errorf("hours=500: %s", r.raw)
	}
	rg.client().expect(401, "GET", "/api/events", nil)
}
