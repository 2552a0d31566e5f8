// Command gwctl is the installer's command-line tool for commissioning a
// plantgw gateway. It checks a config file and prints its read plan. It
// scans an RS-485 line or a Modbus TCP server for devices, and reads and
// writes single registers and coils, decoded as the gateway decodes them.
//
// Commands are "gwctl <group> <command> [flags]" or "gwctl <command>
// [flags]"; commands.go lists them. Output is in Chinese by default and in
// English with --lang en.
package main

import (
	"context"
	"io"
	"os"
	"os/signal"
	"syscall"
)

// Exit codes, the same for every command.
const (
	exitOK      = 0
	exitFailure = 1 // the command ran and found a problem
	exitUsage   = 2 // the command line is invalid
)

func main() {
	os.Exit(runWithSignals(os.Args[1:]))
}

// runWithSignals runs the command line on the process's stdout and
// stderr. The first Ctrl-C or SIGTERM ends the context, so that a long
// command stops and prints what it has.
func runWithSignals(args []string) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	return runContext(ctx, args, os.Stdout, os.Stderr)
}

// run runs one gwctl command line and returns its exit code.
func run(args []string, stdout, stderr io.Writer) int {
	return runContext(context.Background(), args, stdout, stderr)
}

// runContext is run with a context whose end, on Ctrl-C, stops a long
// command such as scan or read --poll, which then prints what it has.
func runContext(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	e := newEnv(args, stdout, stderr)
	return dispatch(ctx, e, args)
}
