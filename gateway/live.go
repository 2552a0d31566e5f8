package gateway

import (
	"sync"

	"github.com/plantgw/plantgw/config"
	"github.com/plantgw/plantgw/record"
	"github.com/plantgw/plantgw/web"
)

// live keeps each point's last sample for the local page. Its size is
// fixed by the configured points.
type live struct {
	mu     sync.RWMutex
	order  []config.Point
	latest map[string]record.Sample
}

func newLive(cfg *config.Config) *live {
	return &live{order: cfg.Points, latest: make(map[string]record.Sample, len(cfg.Points))}
}

func (l *live) observe(s record.Sample) {
	s.Raw = nil
	l.mu.Lock()
	l.latest[s.Point] = s
	l.mu.Unlock()
}

// points returns every configured point in config order with its last
// reading; faults names the points in fault.
func (l *live) points(faults []string) []web.PointStatus {
	inFault := map[string]bool{}
	for _, f := range faults {
		inFault[f] = true
	}
	l.mu.RLock()
	defer l.mu.RUnlock()
	out := make([]web.PointStatus, 0, len(l.order))
	for _, p := range l.order {
		ps := web.PointStatus{ID: p.ID, Unit: p.Unit, Quality: "none", Fault: inFault[p.ID]}
		if s, ok := l.latest[p.ID]; ok {
			ps.Quality, ps.Time = s.Quality.String(), s.Time
			switch {
			case !s.Valid():
			case s.IsText:
				ps.Text = s.Text
			case s.IsBool:
				b := s.Bool
				ps.Bool = &b
			default:
				v := s.Value
				ps.Value = &v
			}
		}
		out = append(out, ps)
	}
	return out
}
