package web

import (
	"encoding/csv"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/plantgw/plantgw/record"
)

// CSV columns of an export. The names are fixed English codes, so that
// scripts can rely on them whatever the site's language.
var (
	sampleColumns = []string{"time", "point", "value", "unit", "quality", "cause"}
	eventColumns  = []string{"time", "kind", "point", "device", "output", "interlock", "level", "state", "value",
		"source", "operator", "reason", "until", "text"}
)

// ExportTimeLayout is the layout of an export's times: RFC 3339 with
// milliseconds and the site's UTC offset.
const ExportTimeLayout = "2006-01-02T15:04:05.000Z07:00"

// utf8BOM starts a file for Excel, which otherwise reads UTF-8 CSV in the
// computer's legacy code page and garbles Chinese text.
const utf8BOM = "\ufeff"

// CSVFormat holds the options of an export's CSV.
type CSVFormat struct {
	// Location is the time zone of the times, the site's.
	Location *time.Location
	// Events selects the events columns instead of the samples columns.
	Events bool
	// Excel starts the file with a UTF-8 byte order mark, ends lines with
	// CRLF, and puts an apostrophe before text that Excel would run as a
	// formula (a leading = + - @).
	Excel bool
}

// CSVExport writes an export as CSV. It implements ExportOutput.
type CSVExport struct {
	out     io.Writer
	csv     *csv.Writer
	format  CSVFormat
	units   map[string]string
	records int
	row     []string
}

var _ ExportOutput = (*CSVExport)(nil)

// NewCSVExport returns a writer of an export to w in format.
func NewCSVExport(w io.Writer, format CSVFormat) *CSVExport {
	if format.Location == nil {
		format.Location = time.UTC
	}
	c := csv.NewWriter(w)
	c.UseCRLF = format.Excel
	return &CSVExport{out: w, csv: c, format: format, units: map[string]string{}}
}

// Records returns the rows written so far, without the header.
func (x *CSVExport) Records() int { return x.records }

// Begin writes the byte order mark for Excel and the header row.
func (x *CSVExport) Begin(points []ExportPoint) error {
	for _, p := range points {
		x.units[p.ID] = p.Unit
	}
	if x.format.Excel {
		if _, err := io.WriteString(x.out, utf8BOM); err != nil {
			return fmt.Errorf("write export: %w", err)
		}
	}
	header := sampleColumns
	if x.format.Events {
		header = eventColumns
	}
	return x.write(header)
}

// Sample writes one sample row. A sample without a valid reading has an
// empty value; a contact is 1 (on) or 0 (off).
func (x *CSVExport) Sample(s record.Sample) error {
	value := ""
	switch {
	case !s.Valid():
	case s.IsBool && s.Bool:
		value = "1"
	case s.IsBool:
		value = "0"
	case s.IsText:
		value = x.text(s.Text)
	default:
		value = formatExportNumber(s.Value)
	}
	x.records++
	return x.write(append(x.row[:0], x.time(s.Time), s.Point, value, x.units[s.Point], s.Quality.String(), string(s.Cause)))
}

// Event writes one event row.
func (x *CSVExport) Event(e record.Event) error {
	value, until := "", ""
	if e.HasValue {
		value = formatExportNumber(e.Value)
	}
	if !e.Until.IsZero() {
		until = x.time(e.Until)
	}
	x.records++
	return x.write(append(x.row[:0], x.time(e.Time), string(e.Kind), e.Point, e.Device, e.Output, e.Interlock, string(e.Level),
		e.State, value, string(e.Source), x.text(e.Operator), x.text(e.Reason), until, x.text(e.Text)))
}

// PointDone flushes the point's rows to the writer.
func (x *CSVExport) PointDone(string) error { return x.Flush() }

// Flush writes the buffered rows to the writer.
func (x *CSVExport) Flush() error {
	x.csv.Flush()
	if err := x.csv.Error(); err != nil {
		return fmt.Errorf("write export: %w", err)
	}
	return nil
}

func (x *CSVExport) write(row []string) error {
	if err := x.csv.Write(row); err != nil {
		return fmt.Errorf("write export: %w", err)
	}
	return nil
}

func (x *CSVExport) time(t time.Time) string { return formatExportTime(t, x.format.Location) }

// text returns free text for a cell. For Excel, text that starts like a
// formula gets a leading apostrophe, so that a device's string or an
// event text cannot run as a formula on the installer's computer.
func (x *CSVExport) text(s string) string {
	if x.format.Excel && s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

func formatExportTime(t time.Time, loc *time.Location) string {
	return t.In(loc).Format(ExportTimeLayout)
}

// formatExportNumber writes every digit a float64 needs to read back the
// same, in plain decimals except for very large and very small values.
func formatExportNumber(v float64) string {
	if a := math.Abs(v); a != 0 && (a >= 1e15 || a < 1e-6) {
		return strconv.FormatFloat(v, 'g', -1, 64)
	}
	return strconv.FormatFloat(v, 'f', -1, 64)
}
