package main

import (
	"context"
	"errors"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"os/user"
	"strconv"
	"syscall"
	"time"

	"github.com/plantgw/plantgw/buffer"
	"github.com/plantgw/plantgw/config"
	"github.com/plantgw/plantgw/gateway"
	"github.com/plantgw/plantgw/record"
	"github.com/plantgw/plantgw/web"
)

// openExportBuffer opens the buffer at path for an export while no
// gatewayd runs. It returns an error matching buffer.ErrLocked when a
// gatewayd holds it. The buffer has no read-only mode, so Open takes its
// lock and Badger may add files. Those must stay the owner's, so that
// gatewayd can use them after: gwctl refuses a buffer that another user
// owns.
func openExportBuffer(path string) (*buffer.Buffer, error) {
	info, err := os.Stat(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil, failure(err, "no buffer at %s: gatewayd has stored nothing with this config yet, or buffer.path names another directory", path)
	case err != nil:
		return nil, failure(err, "cannot read the buffer %s: %v", path, err)
	case !info.IsDir():
		return nil, failure(nil, "buffer %s is not a directory; check buffer.path in the config", path)
	}
	if st, ok := info.Sys().(*syscall.Stat_t); ok && int(st.Uid) != os.Geteuid() {
		owner := strconv.Itoa(int(st.Uid))
		if u, err := user.LookupId(owner); err == nil {
			owner = u.Username
		}
		return nil, failure(nil, "buffer %s belongs to user %s; run gwctl as that user, such as sudo -u %s gwctl buffer export ..., so that the files the buffer adds stay that user's", path, owner, owner)
	}
	buf, err := buffer.Open(buffer.Options{Path: path, Logger: slog.New(slog.DiscardHandler)})
	switch {
	case errors.Is(err, buffer.ErrLocked):
		return nil, err
	case errors.Is(err, fs.ErrPermission):
		return nil, failure(err, "no permission to open the buffer %s: %v; run gwctl as the user that owns it", path, err)
	case err != nil:
		return nil, failure(err, "cannot open the buffer %s: %v", path, err)
	}
	return buf, nil
}

// exportFromBuffer writes the export from buf to w, as the local API
// writes it.
func exportFromBuffer(ctx context.Context, cfg *config.Config, buf *buffer.Buffer, o exportOptions, w io.Writer, prog *exportProgress) error {
	loc, err := time.LoadLocation(cfg.Site.Timezone)
	if err != nil {
		return failure(err, "unknown site.timezone %q: %v", cfg.Site.Timezone, err)
	}
	req := web.ExportRequest{Points: o.points, Events: o.events, To: time.Now()}
	if req.From, err = web.ParseExportTime(o.from, loc); err != nil {
		return usageError("invalid %s %q: write RFC 3339, such as 2026-12-05T08:00:00+08:00, or a date and time in the site's time zone, such as 2026-12-05 08:00", "--from", o.from)
	}
	if o.to != "" {
		if req.To, err = web.ParseExportTime(o.to, loc); err != nil {
			return usageError("invalid %s %q: write RFC 3339, such as 2026-12-05T08:00:00+08:00, or a date and time in the site's time zone, such as 2026-12-05 08:00", "--to", o.to)
		}
	}
	out := web.NewCSVExport(w, web.CSVFormat{Location: loc, Events: o.events, Excel: o.excel})
	err = gateway.ExportBuffer(ctx, buf, cfg, req, &countedExport{ExportOutput: out, prog: prog})
	if err == nil {
		err = out.Flush()
	}
	return localExportError(err, req, loc, o.config)
}

// localExportError explains an export from the buffer that failed.
func localExportError(err error, req web.ExportRequest, loc *time.Location, cfgPath string) error {
	var rangeErr *web.ExportRangeError
	var unknown *web.UnknownExportPointError
	switch {
	case err == nil:
		return nil
	case errors.As(err, &rangeErr) && rangeErr.TooLong:
		return usageError("the range from %s to %s is longer than %d days; export it in several parts",
			req.From.In(loc).Format(web.ExportTimeLayout), req.To.In(loc).Format(web.ExportTimeLayout), int(web.MaxExportSpan/(24*time.Hour)))
	case errors.As(err, &rangeErr):
		return usageError("invalid range from %s to %s: the end must be after the start",
			req.From.In(loc).Format(web.ExportTimeLayout), req.To.In(loc).Format(web.ExportTimeLayout))
	case errors.As(err, &unknown):
		return usageError("no point %q in the config %s", unknown.Point, cfgPath)
	case errors.Is(err, context.Canceled):
		return err
	}
	var u *userError
	if errors.As(err, &u) {
		return err
	}
	return failure(err, "the export from the buffer failed: %v", err)
}

// countedExport passes an export on and counts it for the progress.
type countedExport struct {
	web.ExportOutput
	prog *exportProgress
}

func (c *countedExport) Begin(points []web.ExportPoint) error {
	ids := make([]string, len(points))
	for i, p := range points {
		ids[i] = p.ID
	}
	c.prog.begin(ids)
	return c.ExportOutput.Begin(points)
}

func (c *countedExport) Sample(s record.Sample) error {
	c.prog.row(s.Point)
	return c.ExportOutput.Sample(s)
}

func (c *countedExport) PointDone(point string) error {
	c.prog.pointDone(point)
	return c.ExportOutput.PointDone(point)
}

func (c *countedExport) Event(e record.Event) error {
	c.prog.row("")
	return c.ExportOutput.Event(e)
}
