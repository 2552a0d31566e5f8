package web

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"crypto/subtle"
	"fmt"
	"net/http"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"
)

// metricsContentType is the Prometheus text exposition format 0.0.4.
const metricsContentType = "text/plain; version=0.0.4; charset=utf-8"

// standardLevels always appear in plantgw_alarms_latched, at 0 when none
// is latched, so that an alert rule on a level finds its series.
var standardLevels = []string{"al1", "al2", "h", "hh", "l", "ll"}

// metrics serves the gateway's counters to a scraper with the configured
// token or to a logged-in viewer.
func (s *Server) metrics(w http.ResponseWriter, r *http.Request) {
	if s.scrapeTokenValid(r) {
		s.writeMetrics(w, r)
		return
	}
	s.need(Viewer, s.writeMetrics)(w, r)
}

// scrapeTokenValid reports whether the request carries web.metrics_token
// as its bearer token. Comparing SHA-256 digests keeps the comparison's
// time independent of the token's length too.
func (s *Server) scrapeTokenValid(r *http.Request) bool {
	want := s.opts.Web.MetricsToken
	h := r.Header.Get("Authorization")
	if want == "" || !strings.HasPrefix(h, "Bearer ") {
		return false
	}
	got := strings.TrimSpace(strings.TrimPrefix(h, "Bearer "))
	a, b := sha256.Sum256([]byte(want)), sha256.Sum256([]byte(got))
	return subtle.ConstantTimeCompare(a[:], b[:]) == 1
}

func (s *Server) writeMetrics(w http.ResponseWriter, r *http.Request) {
	var buf bytes.Buffer
	e := &exposition{w: &buf}
	m := s.opts.Plant.Metrics()
	st := s.opts.Plant.Status()
	writeBusMetrics(e, m.Lines)
	writeDeviceMetrics(e, m.Devices)
	writeAlarmMetrics(e, st.Alarms)
	writeEventMetrics(e, m.Events)
	writeStoreMetrics(e, st, m.StoreDropped)
	s.writeProcessMetrics(e)
	w.Header().Set("Content-Type", metricsContentType)
	w.WriteHeader(http.StatusOK)
	w.Write(buf.Bytes())
}

// busCounter is one per-bus counter family.
type busCounter struct {
	name, help string
	value      func(LineMetrics) uint64
}

var busCounters = []busCounter{
	{"plantgw_bus_requests_total", "Modbus requests sent on the bus.", func(l LineMetrics) uint64 { return l.Requests }},
	{"plantgw_bus_replies_total", "Valid Modbus replies received on the bus.", func(l LineMetrics) uint64 { return l.Replies }},
	{"plantgw_bus_exceptions_total", "Modbus exception replies on the bus.", func(l LineMetrics) uint64 { return l.Exceptions }},
	{"plantgw_bus_timeouts_total", "Modbus requests without a reply in time on the bus.", func(l LineMetrics) uint64 { return l.Timeouts }},
	{"plantgw_bus_crc_errors_total", "RTU frames for a request whose CRC failed, on the bus.", func(l LineMetrics) uint64 { return l.CRCErrors }},
	{"plantgw_bus_stray_bytes_total", "RTU bytes on the bus that were neither a reply nor a damaged frame.", func(l LineMetrics) uint64 { return l.Stray }},
	{"plantgw_bus_late_replies_total", "RTU replies on the bus that came after the timeout and were dropped.", func(l LineMetrics) uint64 { return l.Late }},
	{"plantgw_bus_stale_replies_total", "TCP replies on the bus with an old transaction id, dropped.", func(l LineMetrics) uint64 { return l.Stale }},
	{"plantgw_bus_reconnects_total", "Times the bus's port or connection was closed after a failure.", func(l LineMetrics) uint64 { return l.Reconnects }},
	{"plantgw_bus_open_failures_total", "Failed attempts to open the bus's port or connection.", func(l LineMetrics) uint64 { return l.OpenFailures }},
}

func writeBusMetrics(e *exposition, lines []LineMetrics) {
	for _, c := range busCounters {
		e.family(c.name, "counter", c.help)
		for _, l := range lines {
			e.sample(c.name, labels{"bus", l.Bus}, float64(c.value(l)))
		}
	}
}

type deviceCounter struct {
	name, help string
	value      func(DeviceMetrics) uint64
}

var deviceCounters = []deviceCounter{
	{"plantgw_device_requests_total", "Modbus requests sent to the device.", func(d DeviceMetrics) uint64 { return d.Requests }},
	{"plantgw_device_exceptions_total", "Modbus exception replies from the device.", func(d DeviceMetrics) uint64 { return d.Exceptions }},
	{"plantgw_device_timeouts_total", "Requests to the device without a reply in time.", func(d DeviceMetrics) uint64 { return d.Timeouts }},
	{"plantgw_device_crc_errors_total", "RTU frames from the device whose CRC failed.", func(d DeviceMetrics) uint64 { return d.CRCErrors }},
	{"plantgw_device_late_replies_total", "RTU replies from the device that came after the timeout and were dropped.", func(d DeviceMetrics) uint64 { return d.Late }},
	{"plantgw_device_stale_replies_total", "TCP replies from the device with an old transaction id, dropped.", func(d DeviceMetrics) uint64 { return d.Stale }},
}

func deviceLabels(d DeviceMetrics) labels {
	return labels{"bus", d.Bus, "device", d.Name, "unit", strconv.Itoa(d.Unit)}
}

func writeDeviceMetrics(e *exposition, devices []DeviceMetrics) {
	for _, c := range deviceCounters {
		e.family(c.name, "counter", c.help)
		for _, d := range devices {
			e.sample(c.name, deviceLabels(d), float64(c.value(d)))
		}
	}
	e.family("plantgw_device_comm_lost", "gauge", "1 while the gateway counts the device as lost, else 0.")
	for _, d := range devices {
		e.sample("plantgw_device_comm_lost", deviceLabels(d), boolValue(d.CommLost))
	}
}

func writeAlarmMetrics(e *exposition, alarms []AlarmStatus) {
	byLevel := map[string]int{}
	for _, lv := range standardLevels {
		byLevel[lv] = 0
	}
	for _, a := range alarms {
		byLevel[a.Level]++
	}
	e.family("plantgw_alarms_latched", "gauge", "Latched alarms by level, active or waiting for reset.")
	for _, lv := range sortedKeys(byLevel) {
		e.sample("plantgw_alarms_latched", labels{"level", lv}, float64(byLevel[lv]))
	}
}

func writeEventMetrics(e *exposition, events map[string]uint64) {
	e.family("plantgw_events_total", "counter", "Events recorded since the start, by kind.")
	for _, kind := range sortedKeys(events) {
		e.sample("plantgw_events_total", labels{"kind", kind}, float64(events[kind]))
	}
}

func writeStoreMetrics(e *exposition, st Status, dropped uint64) {
	e.family("plantgw_backlog_records", "gauge", "Stored records waiting for upload, by lane.")
	for _, lane := range sortedKeys(st.Buffer.Pending) {
		e.sample("plantgw_backlog_records", labels{"lane", lane}, float64(st.Buffer.Pending[lane]))
	}
	e.family("plantgw_last_seq", "gauge", "Sequence number of the newest stored record.")
	e.sample("plantgw_last_seq", nil, float64(st.Buffer.LastSeq))
	e.family("plantgw_store_dropped_records_total", "counter", "Records dropped because the store queue was full.")
	e.sample("plantgw_store_dropped_records_total", nil, float64(dropped))
	e.family("plantgw_uplink_connected", "gauge", "1 while the platform connection is up, else 0.")
	e.sample("plantgw_uplink_connected", nil, boolValue(st.Uplink.Connected))
	e.family("plantgw_uplink_sent_records_total", "counter", "Records the MQTT broker acknowledged (PUBACK) since the start; a record sent twice counts twice.")
	e.sample("plantgw_uplink_sent_records_total", nil, float64(st.Uplink.SentRecords))
}

func (s *Server) writeProcessMetrics(e *exposition) {
	if rss, err := residentBytes(); err == nil {
		e.family("process_resident_memory_bytes", "gauge", "Resident set size of gatewayd (VmRSS).")
		e.sample("process_resident_memory_bytes", nil, float64(rss))
	}
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	e.family("go_memstats_heap_alloc_bytes", "gauge", "Bytes of allocated Go heap objects.")
	e.sample("go_memstats_heap_alloc_bytes", nil, float64(ms.HeapAlloc))
	e.family("go_goroutines", "gauge", "Goroutines that currently exist.")
	e.sample("go_goroutines", nil, float64(runtime.NumGoroutine()))
	s.hub.mu.Lock()
	streams := len(s.hub.subs)
	s.hub.mu.Unlock()
	e.family("plantgw_web_streams", "gauge", "Pages following the live stream.")
	e.sample("plantgw_web_streams", nil, float64(streams))
}

// residentBytes reads VmRSS from /proc/self/status. It fails where there
// is no procfs, and /metrics then leaves the metric out.
func residentBytes() (uint64, error) {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return 0, fmt.Errorf("read resident memory: %w", err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		rest, ok := strings.CutPrefix(sc.Text(), "VmRSS:")
		if !ok {
			continue
		}
		kb, err := strconv.ParseUint(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 10, 64)
		if err != nil {
			return 0, fmt.Errorf("parse VmRSS %q: %w", rest, err)
		}
		return kb << 10, nil
	}
	if err := sc.Err(); err != nil {
		return 0, fmt.Errorf("read resident memory: %w", err)
	}
	return 0, fmt.Errorf("no VmRSS line in /proc/self/status")
}

func boolValue(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// labels are label name and value pairs in order.
type labels []string

// exposition writes the Prometheus text format: each family's HELP and
// TYPE lines, then its samples. The caller writes every sample of a
// family right after its family line.
type exposition struct {
	w *bytes.Buffer
}

var helpEscaper = strings.NewReplacer(`\`, `\\`, "\n", `\n`)
var labelEscaper = strings.NewReplacer(`\`, `\\`, "\n", `\n`, `"`, `\"`)

func (e *exposition) family(name, typ, help string) {
	fmt.Fprintf(e.w, "# HELP %s %s\n# TYPE %s %s\n", name, helpEscaper.Replace(help), name, typ)
}

func (e *exposition) sample(name string, l labels, v float64) {
	e.w.WriteString(name)
	if len(l) > 0 {
		e.w.WriteByte('{')
		for i := 0; i+1 < len(l); i += 2 {
			if i > 0 {
				e.w.WriteByte(',')
			}
			fmt.Fprintf(e.w, `%s="%s"`, l[i], labelEscaper.Replace(l[i+1]))
		}
		e.w.WriteByte('}')
	}
	e.w.WriteByte(' ')
	e.w.WriteString(strconv.FormatFloat(v, 'g', -1, 64))
	e.w.WriteByte('\n')
}
