package gateway

import (
	"context"
	"fmt"
	"slices"

	"github.com/plantgw/plantgw/buffer"
	"github.com/plantgw/plantgw/config"
	"github.com/plantgw/plantgw/record"
	"github.com/plantgw/plantgw/web"
)

// Export reads the local store for the local API's CSV export.
func (p plant) Export(ctx context.Context, req web.ExportRequest, out web.ExportOutput) error {
	return ExportBuffer(ctx, p.g.buf, p.g.cfg, req, out)
}

// ExportBuffer reads the samples or events of req from buf into out, with
// the points and units of cfg. The local API exports through it while
// gatewayd runs, and gwctl on a buffer that no gatewayd holds. It reads
// each point's index in time order in bounded batches, so memory does not
// grow with the range, and stops when ctx ends.
func ExportBuffer(ctx context.Context, buf *buffer.Buffer, cfg *config.Config, req web.ExportRequest, out web.ExportOutput) error {
	if err := req.Validate(); err != nil {
		return err
	}
	if req.Events {
		return exportEvents(ctx, buf, req, out)
	}
	points, err := exportPoints(cfg, req.Points)
	if err != nil {
		return err
	}
	if err := out.Begin(points); err != nil {
		return err
	}
	for _, pt := range points {
		err := buf.History(pt.ID, req.From, req.To, func(r buffer.Record) error {
			if err := ctx.Err(); err != nil {
				return err
			}
			d, err := record.Decode(r.Payload)
			if err != nil || d.Sample == nil {
				// NOTE: an unreadable record is left out of the export
				// without a trace in the CSV, as in the trend chart.
				return nil
			}
			return out.Sample(*d.Sample)
		})
		if err != nil {
			return fmt.Errorf("export %s: %w", pt.ID, err)
		}
		if err := out.PointDone(pt.ID); err != nil {
			return err
		}
	}
	return nil
}

// exportPoints returns the requested points with their units, or every
// configured point when none is requested.
func exportPoints(cfg *config.Config, requested []string) ([]web.ExportPoint, error) {
	units := make(map[string]string, len(cfg.Points))
	var all []web.ExportPoint
	for _, pt := range cfg.Points {
		units[pt.ID] = pt.Unit
		all = append(all, web.ExportPoint{ID: pt.ID, Unit: pt.Unit})
	}
	if len(requested) == 0 {
		return all, nil
	}
	out := make([]web.ExportPoint, 0, len(requested))
	for _, id := range requested {
		unit, ok := units[id]
		if !ok {
			return nil, &web.UnknownExportPointError{Point: id}
		}
		out = append(out, web.ExportPoint{ID: id, Unit: unit})
	}
	return out, nil
}

// exportEvents reads the event index; with req.Points only the events of
// those points.
func exportEvents(ctx context.Context, buf *buffer.Buffer, req web.ExportRequest, out web.ExportOutput) error {
	if err := out.Begin(nil); err != nil {
		return err
	}
	err := buf.History(eventsIndex, req.From, req.To, func(r buffer.Record) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		d, err := record.Decode(r.Payload)
		if err != nil || d.Event == nil {
			return nil
		}
		if len(req.Points) > 0 && !slices.Contains(req.Points, d.Event.Point) {
			return nil
		}
		return out.Event(*d.Event)
	})
	if err != nil {
		return fmt.Errorf("export events: %w", err)
	}
	return nil
}
