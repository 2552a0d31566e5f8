package main

import (
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/plantgw/plantgw/buffer"
	"github.com/plantgw/plantgw/config"
	"github.com/plantgw/plantgw/web"
)

var bufferExportUsage = []string{
	"Usage: gwctl buffer export --from TIME [--to TIME] [--points LIST] [--events] [--out FILE] [--excel] [--config FILE | --gateway ADDRESS]",
	"Writes the samples that the gateway stored, or with --events its event log, as CSV: one row per record, point by point,",
	"each point in time order. Times are in the site's time zone with its UTC offset. At most 31 days per export.",
	"While gatewayd runs, the export goes through its local API (a viewer login is enough). With --config and no gatewayd",
	"holding the buffer, gwctl opens the config's buffer itself; run it as the user that owns the buffer.",
	"  --from TIME        start, included: RFC 3339 such as 2026-12-05T08:00:00+08:00, or a date and time in the site's time zone, such as 2026-12-05 08:00 or 2026-12-05",
	"  --to TIME          end, excluded, in the same forms (default now)",
	"  --points LIST      the points, separated by commas (default every point of the config)",
	"  --events           export the event log instead: time, kind, point, device, level, value, operator, text and more; with --points, only the events of those points",
	"  --out FILE         write the CSV to FILE instead of standard output; FILE appears only once the export is complete",
	"  --excel            for Microsoft Excel: UTF-8 with a byte order mark, CRLF line ends, and text that starts with = + - @ kept as text",
	"  --config FILE      the gateway's config: its buffer when no gatewayd holds it, else the address of its local page",
	gatewayFlagUsage,
	"Progress goes to standard error: a bar on a terminal, else a line at every tenth of the points.",
}

func init() {
	commands = append(commands,
		command{path: []string{"buffer", "export"}, summary: "export stored samples or events as CSV, for Excel or an audit", usage: bufferExportUsage, run: runBufferExport},
	)
}

// exportIdle ends an export through the API when the gateway sends
// nothing for this long: it sends each point's rows as it reads them.
const exportIdle = time.Minute

var errExportIdle = errors.New("the gateway sent nothing")

// exportOptions is the parsed buffer export command line.
type exportOptions struct {
	// from and to are the times as written; to may be empty for now.
	from, to      string
	points        []string
	events, excel bool
	out           string
	config        string
	gateway       string
}

func parseExportFlags(args []string) (exportOptions, error) {
	fs := newFlagSet("buffer export")
	gateway := addGatewayFlag(fs)
	from := fs.String("from", "", "")
	to := fs.String("to", "", "")
	points := fs.String("points", "", "")
	events := fs.Bool("events", false, "")
	excel := fs.Bool("excel", false, "")
	out := fs.String("out", "", "")
	cfgPath := fs.String("config", "", "")

	positional, err := parseCommandLine(fs, args)
	if err != nil {
		return exportOptions{}, err
	}
	if len(positional) > 0 {
		return exportOptions{}, usageError("unexpected arguments: %v", positional)
	}
	o := exportOptions{from: *from, to: *to, points: web.SplitExportPoints(*points), events: *events, excel: *excel,
		out: *out, config: *cfgPath, gateway: *gateway}
	if o.from == "" {
		return exportOptions{}, usageError("give the start with --from, such as --from 2026-12-05 or --from 2026-12-05T08:00:00+08:00")
	}
	if o.config != "" && o.gateway != "" {
		return exportOptions{}, usageError("give --config or --gateway, not both: with --config gwctl finds the gateway's address in the config")
	}
	// The time zone is the site's, known to the gateway or the config:
	// here only the form is checked.
	for _, f := range [][2]string{{"--from", o.from}, {"--to", o.to}} {
		if f[1] == "" {
			continue
		}
		if _, err := web.ParseExportTime(f[1], time.UTC); err != nil {
			return exportOptions{}, usageError("invalid %s %q: write RFC 3339, such as 2026-12-05T08:00:00+08:00, or a date and time in the site's time zone, such as 2026-12-05 08:00", f[0], f[1])
		}
	}
	return o, nil
}

func runBufferExport(ctx context.Context, e *env, args []string) int {
	o, err := parseExportFlags(args)
	if err != nil {
		return e.fail(err)
	}
	var cfg *config.Config
	if o.config != "" {
		var code int
		var ok bool
		if cfg, code, ok = loadConfig(e, o.config); !ok {
			return code
		}
	}

	target, err := newExportTarget(e, o.out)
	if err != nil {
		return e.fail(err)
	}
	prog := newExportProgress(e)
	err = export(ctx, e, o, cfg, target.w, prog)
	prog.finish()
	if err == nil {
		err = target.commit()
	} else {
		target.discard()
	}

	if ctx.Err() != nil {
		return e.fail(failure(ctx.Err(), "export stopped by Ctrl-C after %d records; %s", prog.records, target.outcome()))
	}
	if err != nil {
		return e.fail(err)
	}
	printExportSummary(e, prog, target)
	return exitOK
}

// export writes the export to w: from the buffer of cfg when no gatewayd
// holds it, else through the gateway's local API. cfg is nil without
// --config.
func export(ctx context.Context, e *env, o exportOptions, cfg *config.Config, w io.Writer, prog *exportProgress) (err error) {
	if cfg == nil {
		return exportThroughAPI(ctx, e, o, o.gateway, w, prog)
	}
	buf, err := openExportBuffer(cfg.Buffer.Path)
	if errors.Is(err, buffer.ErrLocked) {
		fmt.Fprintln(e.stderr, e.pr.Sprintf("buffer %s is in use by gatewayd; the export goes through its local API", cfg.Buffer.Path))
		return exportThroughAPI(ctx, e, o, gatewayOfConfig(cfg), w, prog)
	}
	if err != nil {
		return err
	}
	defer func() {
		if closeErr := buf.Close(); closeErr != nil {
			err = errors.Join(err, failure(closeErr, "closing the buffer %s failed: %v", cfg.Buffer.Path, closeErr))
		}
	}()
	return exportFromBuffer(ctx, cfg, buf, o, w, prog)
}

// gatewayOfConfig returns the address of the config's local page for a
// client on the gateway, unless PLANTGW_GATEWAY names one. A wildcard
// listen address is reached on loopback.
func gatewayOfConfig(cfg *config.Config) string {
	if os.Getenv("PLANTGW_GATEWAY") != "" || cfg.Web.Listen == config.WebOff || cfg.Web.Listen == "" {
		return ""
	}
	host, port, err := net.SplitHostPort(cfg.Web.Listen)
	if err != nil {
		return ""
	}
	switch host {
	case "", "0.0.0.0":
		host = "127.0.0.1"
	case "::":
		host = "::1"
	}
	return net.JoinHostPort(host, port)
}

// exportThroughAPI streams the export from the gateway's local API into
// w, counting its rows for the progress.
func exportThroughAPI(ctx context.Context, e *env, o exportOptions, gateway string, w io.Writer, prog *exportProgress) error {
	c, err := newAPIClient(e, gateway)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	resp, err := c.openExport(ctx, exportQuery(o))
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	idle := time.AfterFunc(exportIdle, func() { cancel(errExportIdle) })
	defer idle.Stop()

	prog.begin(exportPointsOf(resp.Header))
	rows := csv.NewReader(io.TeeReader(&idleReader{r: resp.Body, reset: func() { idle.Reset(exportIdle) }}, w))
	rows.ReuseRecord = true
	rows.FieldsPerRecord = -1
	for header := true; ; header = false {
		rec, err := rows.Read()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil && errors.Is(context.Cause(ctx), errExportIdle) {
			return failure(err, "the gateway at %s sent nothing for %v, so the export stopped after %d records", c.base, exportIdle, prog.records)
		}
		if err != nil {
			return failure(err, "the export from %s stopped after %d records: %v; the gateway's log says why", c.base, prog.records, err)
		}
		if header {
			continue
		}
		point := ""
		if !o.events && len(rec) > 1 {
			point = rec[1]
		}
		prog.row(point)
	}
}

// exportQuery returns the query of GET /api/export.
func exportQuery(o exportOptions) url.Values {
	q := url.Values{"from": {o.from}}
	if o.to != "" {
		q.Set("to", o.to)
	}
	if len(o.points) > 0 {
		q.Set("points", strings.Join(o.points, ","))
	}
	if o.events {
		q.Set("events", "1")
	}
	if o.excel {
		q.Set("excel", "1")
	}
	return q
}

// openExport sends GET /api/export. The reply streams for as long as the
// export takes, so the request has no overall timeout.
func (c *apiClient) openExport(ctx context.Context, query url.Values) (*http.Response, error) {
	const path = "/api/export"
	req, err := http.NewRequestWithContext(ctx, "GET", c.base+path+"?"+query.Encode(), nil)
	if err != nil {
		return nil, usageError("invalid gateway address %q: %v", c.base, err)
	}
	req.Header.Set("Accept-Language", c.e.lang)
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	resp, err := (&http.Client{Transport: c.http.Transport}).Do(req)
	if err != nil {
		return nil, failure(err, "cannot reach the gateway's local API at %s: %v; is gatewayd running, and is web.listen this address?", c.base, err)
	}
	if resp.StatusCode != http.StatusOK {
		raw, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
		resp.Body.Close()
		return nil, replyError(path, resp.StatusCode, raw)
	}
	return resp, nil
}

// exportPointsOf returns the points that the export's reply lists.
func exportPointsOf(h http.Header) []string {
	raw := h.Get(web.ExportPointsHeader)
	if raw == "" {
		return nil
	}
	var out []string
	for _, id := range strings.Split(raw, ",") {
		if p, err := url.QueryUnescape(id); err == nil {
			out = append(out, p)
		}
	}
	return out
}

// exportTarget is the destination of the CSV: standard output, or a file
// that appears under its name only once the export is complete.
type exportTarget struct {
	w    io.Writer
	path string
	file *os.File
}

func newExportTarget(e *env, path string) (*exportTarget, error) {
	if path == "" {
		return &exportTarget{w: e.stdout}, nil
	}
	f, err := os.CreateTemp(filepath.Dir(path), filepath.Base(path)+".partial-*")
	if err != nil {
		return nil, failure(err, "cannot write %s: %v", path, err)
	}
	return &exportTarget{w: f, path: path, file: f}, nil
}

// commit gives the complete file its name.
func (t *exportTarget) commit() error {
	if t.file == nil {
		return nil
	}
	if err := t.file.Close(); err != nil {
		os.Remove(t.file.Name())
		return failure(err, "cannot write %s: %v", t.path, err)
	}
	if err := os.Rename(t.file.Name(), t.path); err != nil {
		os.Remove(t.file.Name())
		return failure(err, "cannot write %s: %v", t.path, err)
	}
	return nil
}

// discard removes the incomplete file.
func (t *exportTarget) discard() {
	if t.file != nil {
		t.file.Close()
		os.Remove(t.file.Name())
	}
}

// outcome describes what became of the output of an export that stopped.
func (t *exportTarget) outcome() phrase {
	if t.file == nil {
		return "the output is incomplete"
	}
	return "no file was written"
}

// printExportSummary prints the export's summary on stderr, so that it
// stays out of a CSV on standard output.
func printExportSummary(e *env, prog *exportProgress, t *exportTarget) {
	where := e.pr.Sprintf("standard output")
	if t.path != "" {
		where = t.path
	}
	if len(prog.points) == 0 {
		fmt.Fprintln(e.stderr, e.pr.Sprintf("exported %d events to %s", prog.records, where))
		return
	}
	fmt.Fprintln(e.stderr, e.pr.Sprintf("exported %d records of %d points to %s", prog.records, len(prog.points), where))
}
