package web

import (
	"errors"
	"net/http"
	"sort"
	"strconv"
	"time"

	"github.com/plantgw/plantgw/alarm"
)

// History and event log limits.
const (
	defaultHours = 24
	// maxHours is the longest window a request may read: a week, which
	// the trend can still show at one pixel per few minutes.
	maxHours = 7 * 24
	// maxReadings bounds a history reply. Past it the readings are
	// downsampled into maxReadings/readingsPerBucket equal time buckets.
	maxReadings       = 2000
	readingsPerBucket = 3
	// historyBatch is how many readings one Plant.History call returns;
	// maxHistoryBatches bounds the readings scanned for one reply.
	historyBatch      = 5000
	maxHistoryBatches = 200
	defaultEvents     = 200
	maxEvents         = 1000
)

// historyReply is a point's readings, oldest first.
type historyReply struct {
	Point    string    `json:"point"`
	From     time.Time `json:"from"`
	To       time.Time `json:"to"`
	Readings []Reading `json:"readings"`
	// Scanned counts the stored readings read; more than len(Readings)
	// means the reply was downsampled.
	Scanned     int  `json:"scanned"`
	Downsampled bool `json:"downsampled"`
	// Truncated means the window held more than historyBatch *
	// maxHistoryBatches readings and the newest were not read.
	Truncated bool `json:"truncated,omitempty"`
}

func (s *Server) history(w http.ResponseWriter, r *http.Request) {
	hours, ok := s.intParam(w, r, "hours", defaultHours, maxHours, codeBadHours)
	if !ok {
		return
	}
	point := r.PathValue("point")
	to := s.now()
	reply := historyReply{Point: point, From: to.Add(-time.Duration(hours) * time.Hour), To: to}
	ds := newDownsampler(reply.From, reply.To, maxReadings)
	from := reply.From
	for batch := 0; ; batch++ {
		if batch == maxHistoryBatches {
			reply.Truncated = true
			break
		}
		readings, err := s.opts.Plant.History(point, from, to, historyBatch)
		if err != nil {
			s.historyError(w, r, point, err)
			return
		}
		for _, rd := range readings {
			ds.add(rd)
		}
		if len(readings) < historyBatch {
			break
		}
		// NOTE: the next batch starts 1 ns after the last reading, so a
		// further reading with exactly the same timestamp is skipped.
		from = readings[len(readings)-1].Time.Add(time.Nanosecond)
	}
	reply.Readings, reply.Scanned, reply.Downsampled = ds.result()
	writeJSON(w, http.StatusOK, reply)
}

func (s *Server) historyError(w http.ResponseWriter, r *http.Request, point string, err error) {
	if errors.Is(err, alarm.ErrUnknownPoint) {
		s.fail(w, r, http.StatusNotFound, codeNoPoint, point)
		return
	}
	s.log.Error("read history failed", "point", point, "err", err)
	s.fail(w, r, http.StatusInternalServerError, codeInternal)
}

func (s *Server) events(w http.ResponseWriter, r *http.Request) {
	hours, ok := s.intParam(w, r, "hours", defaultHours, maxHours, codeBadHours)
	if !ok {
		return
	}
	limit, ok := s.intParam(w, r, "limit", defaultEvents, maxEvents, codeBadLimit)
	if !ok {
		return
	}
	to := s.now()
	list, err := s.opts.Plant.Events(to.Add(-time.Duration(hours)*time.Hour), to, limit)
	if err != nil {
		s.log.Error("read events failed", "err", err)
		s.fail(w, r, http.StatusInternalServerError, codeInternal)
		return
	}
	if list == nil {
		list = []Event{}
	}
	writeJSON(w, http.StatusOK, list)
}

// intParam reads the query parameter name as a whole number from 1 to
// max, def when absent. It writes the error reply and returns false when
// the value is invalid.
func (s *Server) intParam(w http.ResponseWriter, r *http.Request, name string, def, max int, c code) (int, bool) {
	raw := r.URL.Query().Get(name)
	if raw == "" {
		return def, true
	}
	n, err := strconv.Atoi(raw)
	if err != nil || n < 1 || n > max {
		s.fail(w, r, http.StatusBadRequest, c, raw, max)
		return 0, false
	}
	return n, true
}

// downsampler keeps every reading until there are more than limit, then
// folds them into limit/readingsPerBucket equal time buckets between from
// and to. Each bucket keeps its lowest and highest valued reading, so a
// short peak stays visible, and its first reading without a value, so the
// trend shows the gap.
type downsampler struct {
	from    time.Time
	width   time.Duration
	limit   int
	raw     []Reading
	buckets []bucket
	scanned int
}

type bucket struct {
	low, high, gap *Reading
}

func newDownsampler(from, to time.Time, limit int) *downsampler {
	n := limit / readingsPerBucket
	width := to.Sub(from) / time.Duration(n)
	return &downsampler{from: from, width: max(width, 1), limit: limit, raw: make([]Reading, 0, limit)}
}

func (d *downsampler) add(rd Reading) {
	d.scanned++
	if d.buckets == nil && len(d.raw) < d.limit {
		d.raw = append(d.raw, rd)
		return
	}
	if d.buckets == nil {
		d.buckets = make([]bucket, d.limit/readingsPerBucket)
		for _, old := range d.raw {
			d.fold(old)
		}
		d.raw = nil
	}
	d.fold(rd)
}

func (d *downsampler) fold(rd Reading) {
	i := int(rd.Time.Sub(d.from) / d.width)
	i = min(max(i, 0), len(d.buckets)-1)
	b := &d.buckets[i]
	v, ok := readingValue(rd)
	switch {
	case !ok:
		if b.gap == nil {
			b.gap = &rd
		}
	case b.low == nil:
		b.low, b.high = &rd, &rd
	default:
		if low, _ := readingValue(*b.low); v < low {
			b.low = &rd
		}
		if high, _ := readingValue(*b.high); v > high {
			b.high = &rd
		}
	}
}

// result returns the readings oldest first, how many were scanned and
// whether they were downsampled.
func (d *downsampler) result() ([]Reading, int, bool) {
	if d.buckets == nil {
		return d.raw, d.scanned, false
	}
	out := make([]Reading, 0, d.limit)
	for _, b := range d.buckets {
		picked := make([]Reading, 0, readingsPerBucket)
		if b.low != nil {
			picked = append(picked, *b.low)
		}
		// A bucket with one valued reading has it as both low and high.
		if b.high != nil && b.high != b.low {
			picked = append(picked, *b.high)
		}
		if b.gap != nil {
			picked = append(picked, *b.gap)
		}
		sort.Slice(picked, func(i, j int) bool { return picked[i].Time.Before(picked[j].Time) })
		out = append(out, picked...)
	}
	return out, d.scanned, true
}

// readingValue returns a reading's value for the trend: the number, or 0
// and 1 for a contact. It is false for a reading without a value.
func readingValue(rd Reading) (float64, bool) {
	switch {
	case rd.Value != nil:
		return *rd.Value, true
	case rd.Bool != nil && *rd.Bool:
		return 1, true
	case rd.Bool != nil:
		return 0, true
	}
	return 0, false
}
