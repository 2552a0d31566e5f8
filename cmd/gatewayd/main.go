// Command gatewayd is the plantgw gateway daemon: it polls the plant's
// Modbus devices, raises alarms and drives outputs locally, stores every
// sample and event, and sends them to the platform.
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
	"time"
	_ "time/tzdata" // the gateway's root file system may have no zoneinfo

	"golang.org/x/text/message"

	"github.com/plantgw/plantgw/buffer"
	"github.com/plantgw/plantgw/config"
	"github.com/plantgw/plantgw/drivers/modbus"
	"github.com/plantgw/plantgw/gateway"
	"github.com/plantgw/plantgw/internal/cfgcheck"
	"github.com/plantgw/plantgw/internal/logpipe"
	"github.com/plantgw/plantgw/locale"
)

// Exit codes.
const (
	exitOK      = 0
	exitRuntime = 1
	exitUsage   = 2
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("gatewayd", flag.ContinueOnError)
	// The flag package's own messages are English; run prints its own.
	fs.SetOutput(io.Discard)
	configPath := fs.String("config", "/etc/plantgw/gateway.yaml", "")
	lang := fs.String("lang", "", "")
	check := fs.Bool("check", false, "")
	printPlan := fs.Bool("print-plan", false, "")
	logLevel := fs.String("log-level", "info", "")
	withConsole := fs.Bool("console", false, "")
	clearLatches := fs.Bool("clear-latches", false, "")
	pr := locale.Printer(langFromArgs(args))
	fs.Usage = func() {}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			usage(stdout, pr)
			return exitOK
		}
		fmt.Fprintln(stderr, flagError(pr, err))
		usage(stderr, pr)
		return exitUsage
	}
	if *lang != "" {
		if _, err := locale.Parse(*lang); err != nil {
			fmt.Fprintln(stderr, pr.Sprintf("invalid --lang %q: use zh-CN or en", *lang))
			return exitUsage
		}
	}
	if *clearLatches && (*check || *printPlan || *withConsole) {
		fmt.Fprintln(stderr, pr.Sprintf("--clear-latches cannot be combined with --check, --print-plan or --console"))
		return exitUsage
	}
	if fs.NArg() == 1 && !isFlagSet(fs, "config") {
		*configPath = fs.Arg(0)
	} else if fs.NArg() > 0 {
		fmt.Fprintln(stderr, pr.Sprintf("unexpected arguments: %v", fs.Args()))
		return exitUsage
	}

	cfg, err := config.Load(*configPath)
	if err != nil {
		if ce, ok := config.AsError(err); ok {
			if !langGiven(args) && ce.Lang != "" {
				pr = locale.Printer(ce.Lang)
			}
			fmt.Fprintln(stderr, ce.Render(pr))
		} else {
			fmt.Fprintln(stderr, err)
		}
		return exitUsage
	}
	if !langGiven(args) {
		pr = locale.Printer(cfg.Site.Lang)
	}
	switch {
	case *check:
		if problems := cfgcheck.Board(cfg, pr); len(problems) > 0 {
			for _, p := range problems {
				fmt.Fprintln(stderr, p)
			}
			return exitUsage
		}
		fmt.Fprintln(stdout, pr.Sprintf("config %s is valid: %d buses, %d devices, %d points, %d interlocks",
			cfg.File, len(cfg.Buses), len(cfg.Devices), len(cfg.Points), len(cfg.Interlocks)))
		warnings, err := cfgcheck.BusLoad(cfg, pr)
		if err != nil {
			fmt.Fprintln(stderr, err)
			return exitUsage
		}
		for _, w := range append(warnings, cfgcheck.Web(cfg, pr)...) {
			fmt.Fprintln(stdout, w)
		}
		return exitOK
	case *printPlan:
		plan, err := modbus.FormatPlan(cfg, pr)
		if err != nil {
			fmt.Fprintln(stderr, err)
			return exitUsage
		}
		fmt.Fprint(stdout, plan)
		return exitOK
	case *clearLatches:
		return runClearLatches(cfg, *logLevel, stdout, stderr, pr)
	}
	var consoleOut io.Writer
	if *withConsole {
		consoleOut = stdout
	}
	return serve(cfg, *logLevel, consoleOut, stderr, pr)
}

// newLogger returns the English log on stderr at level, or prints why
// level is invalid and returns nil.
func newLogger(level string, stderr io.Writer, pr *message.Printer) *slog.Logger {
	var lv slog.Level
	if err := lv.UnmarshalText([]byte(level)); err != nil {
		fmt.Fprintln(stderr, pr.Sprintf("invalid --log-level %q: use debug, info, warn or error", level))
		return nil
	}
	return slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: lv}))
}

// logQueueLines bounds the log and console lines waiting to be written.
const logQueueLines = 4096

func serve(cfg *config.Config, level string, consoleOut, stderr io.Writer, pr *message.Printer) int {
	// The alarm path logs every event: queue log and console lines so a
	// reader that stops reading cannot stall alarm evaluation.
	logOut := logpipe.New(stderr, logQueueLines)
	defer logOut.Close(2 * time.Second)
	if consoleOut != nil {
		queued := logpipe.New(consoleOut, logQueueLines)
		defer queued.Close(2 * time.Second)
		consoleOut = queued
	}
	log := newLogger(level, logOut, pr)
	if log == nil {
		return exitUsage
	}
	logMemoryLimit(log)

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	sigs := make(chan os.Signal, 2)
	signal.Notify(sigs, syscall.SIGINT, syscall.SIGTERM)
	defer signal.Stop(sigs)
	go func() {
		sig, ok := <-sigs
		if !ok {
			return
		}
		log.Info("signal received; stopping", "signal", sig.String())
		cancel()
		if _, ok := <-sigs; ok {
			log.Error("second signal; exiting at once")
			os.Exit(exitRuntime)
		}
	}()

	if err := gateway.Run(ctx, cfg, gateway.Options{Logger: log, Console: consoleOut, Printer: pr}); err != nil {
		log.Error("gateway failed", "err", err)
		// The log is English; the installer also gets the reason in the
		// configured language.
		fmt.Fprintln(stderr, pr.Sprintf("gatewayd stopped with an error: %v", err))
		return exitRuntime
	}
	log.Info("gateway stopped")
	return exitOK
}

// runClearLatches removes the latched alarms and trips that a stopped
// gateway keeps in its buffer and prints what it removed. It never runs
// beside a gateway: the buffer's lock makes it exit 1 while gatewayd runs.
func runClearLatches(cfg *config.Config, level string, stdout, stderr io.Writer, pr *message.Printer) int {
	log := newLogger(level, stderr, pr)
	if log == nil {
		return exitUsage
	}
	cleared, err := gateway.ClearLatches(cfg, log)
	switch {
	case errors.Is(err, buffer.ErrLocked):
		fmt.Fprintln(stderr, pr.Sprintf("buffer %s is locked by a running gatewayd; stop gatewayd, then run --clear-latches again", cfg.Buffer.Path))
		return exitRuntime
	case errors.Is(err, os.ErrNotExist):
		fmt.Fprintln(stderr, pr.Sprintf("buffer %s does not exist; check buffer.path in config %s", cfg.Buffer.Path, cfg.File))
		return exitRuntime
	case err != nil:
		fmt.Fprintln(stderr, pr.Sprintf("clearing latches failed: %v", err))
		return exitRuntime
	}
	for _, line := range cleared.Report(pr, cfg.Buffer.Path) {
		fmt.Fprintln(stdout, line)
	}
	return exitOK
}

// flagError turns the flag package's English parse errors into the
// printer's language.
func flagError(pr *message.Printer, err error) string {
	msg := err.Error()
	if name, ok := strings.CutPrefix(msg, "flag provided but not defined: "); ok {
		return pr.Sprintf("unknown option %s", name)
	}
	if name, ok := strings.CutPrefix(msg, "flag needs an argument: "); ok {
		return pr.Sprintf("option %s needs a value", name)
	}
	return pr.Sprintf("invalid command line: %v", msg)
}

// langFromArgs finds --lang before flags are parsed, so usage and flag
// errors already use it.
func langFromArgs(args []string) string {
	for i, a := range args {
		switch {
		case a == "--lang" || a == "-lang":
			if i+1 < len(args) {
				return args[i+1]
			}
		case len(a) > 7 && (a[:7] == "--lang=" || a[:6] == "-lang="):
			return a[len("--lang="):]
		}
	}
	if v := os.Getenv("PLANTGW_LANG"); v != "" {
		return v
	}
	return locale.Default
}

// langGiven reports whether the user chose a language by flag or
// environment, which then outranks the config's site.lang.
func langGiven(args []string) bool {
	for _, a := range args {
		if a == "--lang" || a == "-lang" || strings.HasPrefix(a, "--lang=") || strings.HasPrefix(a, "-lang=") {
			return true
		}
	}
	return os.Getenv("PLANTGW_LANG") != ""
}

func isFlagSet(fs *flag.FlagSet, name string) bool {
	set := false
	fs.Visit(func(f *flag.Flag) { set = set || f.Name == name })
	return set
}

func usage(w io.Writer, pr *message.Printer) {
	fmt.Fprintln(w, pr.Sprintf("Usage: gatewayd [flags] [CONFIG]"))
	fmt.Fprintln(w, pr.Sprintf("  --config PATH     gateway config file (default /etc/plantgw/gateway.yaml)"))
	fmt.Fprintln(w, pr.Sprintf("  --check           check the config and exit: 0 valid, 2 errors"))
	fmt.Fprintln(w, pr.Sprintf("  --print-plan      print the Modbus reads of every device and exit"))
	fmt.Fprintln(w, pr.Sprintf("  --lang LANG       language of messages: zh-CN (default) or en"))
	fmt.Fprintln(w, pr.Sprintf("  --log-level LVL   debug, info, warn or error (default info)"))
	fmt.Fprintln(w, pr.Sprintf("  --console         print every alarm, trip and output change on stdout for operators"))
	fmt.Fprintln(w, pr.Sprintf("  --clear-latches   with gatewayd stopped: clear the latched alarms and trips kept in the buffer and exit"))
	fmt.Fprintln(w, pr.Sprintf("Without --lang, the language is PLANTGW_LANG, then the config's site.lang, then zh-CN."))
}
