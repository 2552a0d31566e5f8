// Command plantsim simulates the tank farm of a hazardous-chemical plant:
// gas detectors on a Modbus RTU line (a pty by default) and level,
// temperature, pressure and shutoff valves behind a Modbus TCP listener.
// It is an independent device model for testing the plantgw gateway and
// shares no code with it.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"golang.org/x/text/message"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// run executes plantsim with args and returns the exit code: 0 after a
// clean stop, 1 when the simulator fails, 2 for an invalid command line.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	printer := newPrinter(langFromArgs(args))
	cfg, err := parseFlags(args)
	if errors.Is(err, flag.ErrHelp) {
		fmt.Fprint(stdout, printer.Sprintf(helpText))
		return 0
	}
	if err != nil {
		printError(stderr, printer, err)
		return 2
	}

	printer = newPrinter(cfg.lang)
	logger := slog.New(slog.NewTextHandler(stderr, nil))
	ready := func(ep endpoints) {
		printEndpoints(stdout, ep)
		if ep.quirks != "" {
			fmt.Fprintln(stdout, printer.Sprintf("active quirks: %s", ep.quirks))
		}
		fmt.Fprintln(stdout, printer.Sprintf(
			"plantsim ready: Modbus TCP %s, Modbus RTU %s, scenarios %s. Press Ctrl-C to stop.",
			orOff(printer, ep.tcpAddr), orOff(printer, ep.rtuPath), strings.Join(ep.scenarios, ",")))
	}
	if err := simulate(ctx, cfg, stdout, printer, logger, ready); err != nil {
		printError(stderr, printer, err)
		return 1
	}
	return 0
}

// printEndpoints writes KEY=value lines that scripts read from stdout, in
// the same form in every language.
func printEndpoints(w io.Writer, ep endpoints) {
	if ep.tcpAddr != "" {
		fmt.Fprintf(w, "TCP_ADDR=%s\n", ep.tcpAddr)
	}
	switch {
	case ep.rtuIsPTY:
		fmt.Fprintf(w, "RTU_PTY=%s\n", ep.rtuPath)
	case ep.rtuPath != "":
		fmt.Fprintf(w, "RTU_DEVICE=%s\n", ep.rtuPath)
	}
	if ep.rtuLink != "" {
		fmt.Fprintf(w, "RTU_LINK=%s\n", ep.rtuLink)
	}
	if ep.stateFile != "" {
		fmt.Fprintf(w, "STATE_FILE=%s\n", ep.stateFile)
	}
}

func orOff(printer *message.Printer, value string) string {
	if value == "" {
		return printer.Sprintf("off")
	}
	return value
}
