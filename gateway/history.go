package gateway

import (
	"fmt"
	"slices"
	"time"

	"github.com/plantgw/plantgw/alarm"
	"github.com/plantgw/plantgw/buffer"
	"github.com/plantgw/plantgw/config"
	"github.com/plantgw/plantgw/record"
	"github.com/plantgw/plantgw/web"
)

// eventsIndex is the history index name under which every event is
// stored, for the page's event log.
const eventsIndex = "_events"

// History returns at most limit readings of point between from and to,
// oldest first. A longer series is thinned to the last reading in each of
// limit equal time slots, so memory stays bounded by limit.
func (p plant) History(point string, from, to time.Time, limit int) ([]web.Reading, error) {
	if !slices.ContainsFunc(p.g.cfg.Points, func(pt config.Point) bool { return pt.ID == point }) {
		return nil, fmt.Errorf("%w: %q", alarm.ErrUnknownPoint, point)
	}
	if limit <= 0 || !to.After(from) {
		return nil, nil
	}
	slots := make([]web.Reading, limit)
	filled := make([]bool, limit)
	span := to.Sub(from)
	err := p.g.buf.History(point, from, to, func(r buffer.Record) error {
		d, err := record.Decode(r.Payload)
		if err != nil || d.Sample == nil {
			// An unreadable record is left out of the chart.
			return nil
		}
		i := int(int64(d.Sample.Time.Sub(from)) * int64(limit) / int64(span))
		i = min(max(i, 0), limit-1)
		slots[i], filled[i] = readingOf(*d.Sample), true
		return nil
	})
	if err != nil {
		return nil, err
	}
	out := make([]web.Reading, 0, limit)
	for i, ok := range filled {
		if ok {
			out = append(out, slots[i])
		}
	}
	return out, nil
}

func readingOf(s record.Sample) web.Reading {
	r := web.Reading{Time: s.Time, Quality: s.Quality.String()}
	switch {
	case !s.Valid() || s.IsText:
	case s.IsBool:
		b := s.Bool
		r.Bool = &b
	default:
		v := s.Value
		r.Value = &v
	}
	return r
}

// Events returns at most limit events between from and to, newest first.
func (p plant) Events(from, to time.Time, limit int) ([]web.Event, error) {
	if limit <= 0 {
		return nil, nil
	}
	// A ring of the newest limit events seen so far, oldest first.
	ring := make([]web.Event, 0, limit)
	next := 0
	err := p.g.buf.History(eventsIndex, from, to, func(r buffer.Record) error {
		d, err := record.Decode(r.Payload)
		if err != nil || d.Event == nil {
			return nil
		}
		e := web.EventOf(*d.Event, r.Seq)
		if len(ring) < limit {
			ring = append(ring, e)
			return nil
		}
		ring[next] = e
		next = (next + 1) % limit
		return nil
	})
	if err != nil {
		return nil, err
	}
	out := make([]web.Event, 0, len(ring))
	for i := len(ring) - 1; i >= 0; i-- {
		out = append(out, ring[(next+i)%len(ring)])
	}
	return out, nil
}
