package web

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/plantgw/plantgw/alarm"
	"github.com/plantgw/plantgw/record"
)

// Export limits.
const (
	// MaxExportSpan is the longest time range of one export. It bounds
	// how long one request reads the store beside the running gateway; a
	// longer range is exported in several requests.
	MaxExportSpan = 31 * 24 * time.Hour
	// maxExports is how many exports may run at once.
	maxExports = 2
)

// runLimit counts the requests of one kind that are running; its zero
// value is ready.
type runLimit struct {
	mu      sync.Mutex
	running int
}

// acquire takes a slot unless max requests run already.
func (l *runLimit) acquire(max int) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.running >= max {
		return false
	}
	l.running++
	return true
}

func (l *runLimit) release() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.running--
}

// ExportRequest selects what an export reads from the local store.
type ExportRequest struct {
	// From and To bound the records' times: From included, To excluded.
	From, To time.Time
	// Points lists the points to export, in this order. Empty means every
	// point of the configuration, in its order. With Events, only the
	// events of these points are exported.
	Points []string
	// Events exports the event log instead of the samples.
	Events bool
}

// ExportPoint is a point as an export writes it.
type ExportPoint struct {
	ID string
	// Unit is the point's engineering unit from the configuration.
	Unit string
}

// ExportOutput receives an export as it is read from the store. A
// samples export calls Begin, then for each point its samples in time
// order followed by PointDone. An events export calls Begin with no
// points, then Event for each event in time order. An error from any
// method ends the export with that error.
type ExportOutput interface {
	Begin(points []ExportPoint) error
	Sample(s record.Sample) error
	PointDone(point string) error
	Event(e record.Event) error
}

// Validate checks the time range: To after From, at most MaxExportSpan.
func (r ExportRequest) Validate() error {
	if !r.To.After(r.From) {
		return &ExportRangeError{From: r.From, To: r.To}
	}
	if r.To.Sub(r.From) > MaxExportSpan {
		return &ExportRangeError{From: r.From, To: r.To, TooLong: true}
	}
	return nil
}

// ExportRangeError is an export's invalid time range.
type ExportRangeError struct {
	From, To time.Time
	// TooLong is set when the range is valid but longer than
	// MaxExportSpan.
	TooLong bool
}

func (e *ExportRangeError) Error() string {
	if e.TooLong {
		return fmt.Sprintf("export range %s to %s is longer than %d days", e.From.Format(time.RFC3339), e.To.Format(time.RFC3339),
			int(MaxExportSpan/(24*time.Hour)))
	}
	return fmt.Sprintf("export range %s to %s: the end must be after the start", e.From.Format(time.RFC3339), e.To.Format(time.RFC3339))
}

// exportTimeLayouts are the local forms ParseExportTime accepts, besides
// RFC 3339.
var exportTimeLayouts = []string{
	"2006-01-02T15:04:05", "2006-01-02 15:04:05",
	"2006-01-02T15:04", "2006-01-02 15:04",
	"2006-01-02",
}

// ParseExportTime parses a time of an export: RFC 3339 with its offset,
// such as 2026-12-05T08:00:00+08:00, or a date with an optional time,
// such as 2026-12-05 08:00, in loc. A date alone is midnight.
func ParseExportTime(text string, loc *time.Location) (time.Time, error) {
	text = strings.TrimSpace(text)
	if t, err := time.Parse(time.RFC3339Nano, text); err == nil {
		return t, nil
	}
	for _, layout := range exportTimeLayouts {
		if t, err := time.ParseInLocation(layout, text, loc); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("invalid time %q: write RFC 3339, such as 2026-12-05T08:00:00+08:00, or a date and time such as 2026-12-05 08:00", text)
}

// export streams the stored samples, or the events, of a time range as
// CSV. Rows are written as the store is read, so memory does not grow
// with the range.
func (s *Server) export(w http.ResponseWriter, r *http.Request) {
	st := s.opts.Plant.Status()
	loc := siteLocation(st.Timezone)
	req, format, ok := s.exportParams(w, r, loc)
	if !ok {
		return
	}
	if !s.exports.acquire(maxExports) {
		s.fail(w, r, http.StatusServiceUnavailable, codeExportsBusy, maxExports)
		return
	}
	defer s.exports.release()

	out := &httpExport{w: w, csv: NewCSVExport(w, format), filename: exportFilename(st.Gateway, req, loc)}
	err := s.opts.Plant.Export(r.Context(), req, out)
	if err == nil {
		err = out.finish()
	}
	if err == nil {
		return
	}
	if !out.started {
		s.exportError(w, r, req, err)
		return
	}
	if !errors.Is(err, context.Canceled) {
		s.log.Error("export failed after it started; connection closed", "user", user(r).user, "records", out.csv.Records(), "err", err)
	}
	// The header is sent, so the status can no longer report the failure.
	// Ending the response without its last chunk shows the client that it
	// is incomplete.
	panic(http.ErrAbortHandler)
}

// exportParams reads an export's query parameters. It writes the error
// reply and returns false when one is invalid.
func (s *Server) exportParams(w http.ResponseWriter, r *http.Request, loc *time.Location) (ExportRequest, CSVFormat, bool) {
	q := r.URL.Query()
	format := CSVFormat{Location: loc, Events: isTrue(q.Get("events")), Excel: isTrue(q.Get("excel"))}
	req := ExportRequest{Events: format.Events, To: s.now()}
	if q.Get("from") == "" {
		s.fail(w, r, http.StatusBadRequest, codeBadTime, "from", "")
		return ExportRequest{}, CSVFormat{}, false
	}
	var err error
	if req.From, err = ParseExportTime(q.Get("from"), loc); err != nil {
		s.fail(w, r, http.StatusBadRequest, codeBadTime, "from", q.Get("from"))
		return ExportRequest{}, CSVFormat{}, false
	}
	if raw := q.Get("to"); raw != "" {
		if req.To, err = ParseExportTime(raw, loc); err != nil {
			s.fail(w, r, http.StatusBadRequest, codeBadTime, "to", raw)
			return ExportRequest{}, CSVFormat{}, false
		}
	}
	req.Points = SplitExportPoints(q["points"]...)
	if err := req.Validate(); err != nil {
		s.exportError(w, r, req, err)
		return ExportRequest{}, CSVFormat{}, false
	}
	return req, format, true
}

// SplitExportPoints splits lists of points at commas, in order, without
// blanks or repeats.
func SplitExportPoints(values ...string) []string {
	var out []string
	for _, v := range values {
		for _, id := range strings.Split(v, ",") {
			id = strings.TrimSpace(id)
			if id != "" && !slices.Contains(out, id) {
				out = append(out, id)
			}
		}
	}
	return out
}

func isTrue(v string) bool { return v == "1" || strings.EqualFold(v, "true") }

// exportError writes the reply to an export that failed before it
// started.
func (s *Server) exportError(w http.ResponseWriter, r *http.Request, req ExportRequest, err error) {
	var rangeErr *ExportRangeError
	switch {
	case errors.As(err, &rangeErr) && rangeErr.TooLong:
		s.fail(w, r, http.StatusBadRequest, codeRangeTooLong, formatExportTime(req.From, req.From.Location()),
			formatExportTime(req.To, req.To.Location()), int(MaxExportSpan/(24*time.Hour)))
	case errors.As(err, &rangeErr):
		s.fail(w, r, http.StatusBadRequest, codeBadRange, formatExportTime(req.From, req.From.Location()),
			formatExportTime(req.To, req.To.Location()))
	case errors.Is(err, alarm.ErrUnknownPoint):
		s.fail(w, r, http.StatusNotFound, codeNoPoint, unknownPointOf(err))
	case errors.Is(err, context.Canceled):
	default:
		s.log.Error("export failed", "user", user(r).user, "err", err)
		s.fail(w, r, http.StatusInternalServerError, codeInternal)
	}
}

// UnknownExportPointError names a requested point that the configuration
// lacks; it matches alarm.ErrUnknownPoint.
type UnknownExportPointError struct{ Point string }

func (e *UnknownExportPointError) Error() string {
	return fmt.Sprintf("no point %q in the configuration", e.Point)
}
func (e *UnknownExportPointError) Unwrap() error { return alarm.ErrUnknownPoint }

func unknownPointOf(err error) string {
	var u *UnknownExportPointError
	if errors.As(err, &u) {
		return u.Point
	}
	return ""
}

// siteLocation loads the site's time zone, or UTC when it is empty or
// unknown, so that an export still has times with their offset.
func siteLocation(zone string) *time.Location {
	if zone == "" {
		return time.UTC
	}
	loc, err := time.LoadLocation(zone)
	if err != nil {
		return time.UTC
	}
	return loc
}

// exportFilename names the downloaded file after the gateway and the
// range, such as plantgw-gw-01-20261205T0800-20261206T0800.csv.
func exportFilename(gateway string, req ExportRequest, loc *time.Location) string {
	const layout = "20060102T1504"
	kind := ""
	if req.Events {
		kind = "-events"
	}
	name := fmt.Sprintf("plantgw-%s%s-%s-%s.csv", gateway, kind, req.From.In(loc).Format(layout), req.To.In(loc).Format(layout))
	return strings.Map(func(r rune) rune {
		if r == '"' || r == '\\' || r == '/' || r < ' ' {
			return '_'
		}
		return r
	}, name)
}

// ExportPointsHeader lists an export's points, in order, each escaped as
// a URL query value and separated by commas, so that a client can show
// its progress point by point.
const ExportPointsHeader = "X-Export-Points"

// httpExport sends an export as the HTTP reply. Nothing is written before
// Begin, so an error found before it still gets a JSON error reply.
type httpExport struct {
	w        http.ResponseWriter
	csv      *CSVExport
	filename string
	started  bool
}

var _ ExportOutput = (*httpExport)(nil)

func (h *httpExport) Begin(points []ExportPoint) error {
	hdr := h.w.Header()
	hdr.Set("Content-Type", "text/csv; charset=utf-8")
	hdr.Set("Content-Disposition", `attachment; filename="`+h.filename+`"`)
	if !h.csv.format.Events {
		ids := make([]string, len(points))
		for i, p := range points {
			ids[i] = url.QueryEscape(p.ID)
		}
		hdr.Set(ExportPointsHeader, strings.Join(ids, ","))
	}
	h.w.WriteHeader(http.StatusOK)
	h.started = true
	if err := h.csv.Begin(points); err != nil {
		return err
	}
	// The header goes out at once, so the client learns the points
	// before the first point's rows.
	return h.flush()
}

func (h *httpExport) flush() error {
	if err := h.csv.Flush(); err != nil {
		return err
	}
	if f, ok := h.w.(http.Flusher); ok {
		f.Flush()
	}
	return nil
}

func (h *httpExport) Sample(s record.Sample) error { return h.csv.Sample(s) }
func (h *httpExport) Event(e record.Event) error   { return h.csv.Event(e) }

// PointDone sends the point's rows at once, so the client sees progress.
func (h *httpExport) PointDone(string) error { return h.flush() }

// finish sends what is buffered. An export that never began, because the
// plant found nothing to begin with, fails: every export begins.
func (h *httpExport) finish() error {
	if !h.started {
		return errors.New("export ended without output")
	}
	return h.csv.Flush()
}
