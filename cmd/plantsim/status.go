package main

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"golang.org/x/text/message"
)

// formatSummary returns the one-line status print. Numbers are formatted
// before translation, so no locale digit grouping is applied.
func formatSummary(printer *message.Printer, r readings, stats *rtuStats) string {
	var gas []string
	for i, tag := range gasTags {
		entry := fmt.Sprintf("%s %.1f", tag, r.gas[i].conc)
		if r.gas[i].status&statusLoopFault != 0 {
			entry += " " + printer.Sprintf("(loop fault)")
		}
		if i == 2 && r.gt103Silent {
			entry += " " + printer.Sprintf("(silent)")
		}
		gas = append(gas, entry)
	}
	valves := make([]string, len(valveTags))
	for i, tag := range valveTags {
		valves[i] = tag + " " + valveState(printer, r.valves[i])
	}

	return printer.Sprintf(
		"[%s] gas %s %%LEL | AT-201 %s ppm | LT-301 %s mm, LT-302 %s mm | TT-301 %s °C | PT-401 %s MPa (%s µA) | %s | RTU requests %s, CRC errors %s, stray bytes %s",
		r.scenario,
		strings.Join(gas, ", "),
		fmt.Sprintf("%.1f", r.h2s.conc),
		fmt.Sprintf("%.0f", r.level[0]),
		fmt.Sprintf("%.0f", r.level[1]),
		fmt.Sprintf("%.1f", r.temp),
		fmt.Sprintf("%.3f", r.pressure),
		fmt.Sprint(r.ai0Microamps),
		strings.Join(valves, ", "),
		fmt.Sprint(stats.requests.Load()),
		fmt.Sprint(stats.crcErrors.Load()),
		fmt.Sprint(stats.strayBytes.Load()),
	)
}

func valveState(printer *message.Printer, v valveReading) string {
	switch {
	case v.open:
		return printer.Sprintf("open")
	case v.closed:
		return printer.Sprintf("closed")
	case v.command:
		return printer.Sprintf("opening")
	default:
		return printer.Sprintf("closing")
	}
}

// runStatusPrinter prints the summary line, followed by the quirk counters
// when --quirk is set, to out every interval until ctx is done.
func runStatusPrinter(ctx context.Context, interval time.Duration, out io.Writer,
	printer *message.Printer, p *plant, stats *rtuStats, quirks *quirkSet) {
	ticker := time.NewTicker(interval)
	defer ticker.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-ticker.C:
			line := formatSummary(printer, p.snapshot(), stats)
			if summary := quirks.summary(printer); summary != "" {
				line += " | " + summary
			}
			fmt.Fprintln(out, line)
		}
	}
}
