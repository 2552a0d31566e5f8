package web

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
)

// parseMetrics parses text with the Prometheus text parser, which
// rejects invalid names, escapes, values and repeated families.
func parseMetrics(t *testing.T, text string) map[string]*dto.MetricFamily {
	t.Helper()
	parser := expfmt.NewTextParser(model.LegacyValidation)
	families, err := parser.TextToMetricFamilies(strings.NewReader(text))
	if err != nil {
		t.Fatalf("metrics do not parse: %v\n%s", err, text)
	}
	return families
}

// metricValue returns the value of the series of family whose labels
// include want, or fails the test.
func metricValue(t *testing.T, families map[string]*dto.MetricFamily, family string, want map[string]string) float64 {
	t.Helper()
	f, ok := families[family]
	if !ok {
		t.Fatalf("no metric family %s", family)
	}
	for _, m := range f.Metric {
		got := map[string]string{}
		for _, l := range m.Label {
			got[l.GetName()] = l.GetValue()
		}
		match := true
		for k, v := range want {
			match = match && got[k] == v
		}
		if !match {
			continue
		}
		switch {
		case m.Counter != nil:
			return m.Counter.GetValue()
		case m.Gauge != nil:
			return m.Gauge.GetValue()
		}
		return m.Untyped.GetValue()
	}
	t.Fatalf("no %s series with labels %v", family, want)
	return 0
}

func TestMetricsForViewer(t *testing.T) {
	rg := newRig(t)
	viewer := rg.account(rg.installer(), "wang", Viewer)
	rg.plant.update(func(st *Status) {
		st.Alarms = []AlarmStatus{{Point: "GT-101", Level: "al2", Active: true}, {Point: "GT-102", Level: "al1"}, {Point: "GT-103", Level: "al1"}}
		st.Buffer = BufferStatus{LastSeq: 9041, Pending: map[string]int{"events": 3, "telemetry": 1200}}
		st.Uplink = UplinkStatus{Connected: true, SentRecords: 8000}
	})
	rg.client().expect(401, "GET", "/metrics", nil)
	r := viewer.expect(200, "GET", "/metrics", nil)
	if ct := r.header.Get("Content-Type"); ct != metricsContentType {
		t.Errorf("content type %q", ct)
	}
	fams := parseMetrics(t, r.raw)

	for _, tc := range []struct {
		family string
		labels map[string]string
		want   float64
	}{
		{"plantgw_bus_requests_total", map[string]string{"bus": "rtu-1"}, 120},
		{"plantgw_bus_timeouts_total", map[string]string{"bus": "rtu-1"}, 10},
		{"plantgw_bus_crc_errors_total", map[string]string{"bus": "rtu-1"}, 0},
		{"plantgw_device_requests_total", map[string]string{"device": "GT-101", "bus": "rtu-1", "unit": "1"}, 120},
		{"plantgw_device_timeouts_total", map[string]string{"device": "GT-101"}, 10},
		{"plantgw_device_comm_lost", map[string]string{"device": "GT-101"}, 1},
		{"plantgw_alarms_latched", map[string]string{"level": "al1"}, 2},
		{"plantgw_alarms_latched", map[string]string{"level": "al2"}, 1},
		{"plantgw_alarms_latched", map[string]string{"level": "hh"}, 0},
		{"plantgw_events_total", map[string]string{"kind": "alarm_raised"}, 3},
		{"plantgw_backlog_records", map[string]string{"lane": "telemetry"}, 1200},
		{"plantgw_backlog_records", map[string]string{"lane": "events"}, 3},
		{"plantgw_last_seq", nil, 9041},
		{"plantgw_uplink_connected", nil, 1},
		{"plantgw_uplink_sent_records_total", nil, 8000},
		{"plantgw_store_dropped_records_total", nil, 2},
		{"plantgw_web_streams", nil, 0},
	} {
		if got := metricValue(t, fams, tc.family, tc.labels); got != tc.want {
			t.Errorf("%s%v = %v, want %v", tc.family, tc.labels, got, tc.want)
		}
	}
	if fams["plantgw_bus_requests_total"].GetType() != dto.MetricType_COUNTER || fams["plantgw_device_comm_lost"].GetType() != dto.MetricType_GAUGE {
		t.Error("counter or gauge types wrong")
	}
	// A running test process has some megabytes resident and on the heap.
	if rss := metricValue(t, fams, "process_resident_memory_bytes", nil); rss < 1<<20 {
		t.Errorf("resident memory %v bytes", rss)
	}
	if heap := metricValue(t, fams, "go_memstats_heap_alloc_bytes", nil); heap < 1<<10 {
		t.Errorf("heap %v bytes", heap)
	}
}

func TestMetricsScrapeToken(t *testing.T) {
	rg := newRig(t)
	const secret = "3f9a0c1d2e4b5a6978d0e1f2a3b4c5d6"
	opts := rg.srv.opts
	opts.Web.MetricsToken = secret
	srv, err := New(opts)
	if err != nil {
		t.Fatal(err)
	}
	scraped := httptest.NewServer(srv.Handler())
	defer scraped.Close()

	for _, tc := range []struct {
		name, url, auth string
		want            int
	}{
		{"token", scraped.URL, "Bearer " + secret, 200},
		{"wrong token", scraped.URL, "Bearer " + secret[:len(secret)-1] + "0", 401},
		{"token prefix", scraped.URL, "Bearer " + secret[:16], 401},
		{"no token", scraped.URL, "", 401},
		{"token on a server without one", rg.http.URL, "Bearer " + secret, 401},
	} {
		req, _ := http.NewRequest("GET", tc.url+"/metrics", nil)
		if tc.auth != "" {
			req.Header.Set("Authorization", tc.auth)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != tc.want {
			t.Errorf("%s: status %d, want %d", tc.name, resp.StatusCode, tc.want)
		}
	}
}

func TestExpositionEscapesLabels(t *testing.T) {
	var buf bytes.Buffer
	e := &exposition{w: &buf}
	odd := "line \"one\"\\\nline two"
	e.family("plantgw_test_total", "counter", "Help with a \\ backslash\nand a line break.")
	e.sample("plantgw_test_total", labels{"bus", odd, "unit", "7"}, 1e21)
	fams := parseMetrics(t, buf.String())
	if got := metricValue(t, fams, "plantgw_test_total", map[string]string{"bus": odd, "unit": "7"}); got != 1e21 {
		t.Errorf("value %v", got)
	}
	if help := fams["plantgw_test_total"].GetHelp(); help != "Help with a \\ backslash\nand a line break." {
		t.Errorf("help %q", help)
	}
}
