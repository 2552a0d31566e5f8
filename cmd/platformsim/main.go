// Command platformsim is a local stand-in for the provincial monitoring
// platform. It runs an in-process MQTT broker, validates every uplink
// message from plantgw gateways against docs/uplink-protocol.md and prints
// live and final counts per gateway. See docs/platformsim.md.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/signal"
	"syscall"
	"time"
)

// Exit statuses.
const (
	exitOK       = 0
	exitFailure  = 1 // the broker could not listen, or the report could not be written
	exitBadFlags = 2
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// run is the whole program. It returns the exit status when ctx is done or
// --duration has passed.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	text := newLocalizer(scanLang(args))
	cfg, err := parseFlags(args, text, stdout)
	if errors.Is(err, errHelp) {
		return exitOK
	}
	if err != nil {
		fmt.Fprintln(stderr, text.text("platformsim: %s", err.Error()))
		fmt.Fprintln(stderr, text.text("Run platformsim --help for the list of flags."))
		return exitBadFlags
	}
	text = newLocalizer(cfg.lang)

	if host, _, _ := net.SplitHostPort(cfg.listen); !isLoopbackHost(host) {
		fmt.Fprintln(stderr, text.text("[platform] warning: the broker accepts any client on %s without authentication. Use --allow-remote only on a trusted site LAN.", cfg.listen))
	}

	startedAt := time.Now()
	printer := newLinePrinter(stdout)
	recv := newReceiver(cfg.topicPrefix, text, printer.print)
	var acks *acker
	if cfg.ack {
		acks = newAcker()
		recv.ack = acks.enqueue
	}

	mqttBroker, err := startBroker(cfg.listen, cfg.topicPrefix, recv, text, printer.print, stderr)
	if err != nil {
		if acks != nil {
			acks.close()
		}
		printer.close()
		fmt.Fprintln(stderr, text.text("platformsim: the MQTT broker cannot listen on %s: %s", cfg.listen, errorCause(err)))
		fmt.Fprintln(stderr, listenHint(text, err))
		return exitFailure
	}

	printer.print(text.text("[platform] MQTT broker listening on %s, topic prefix %s. Any client can connect and publish without authentication.",
		mqttBroker.addr, cfg.topicPrefix))
	printer.print(text.text("[platform] press Ctrl+C to stop and print the summary"))
	if acks != nil {
		acks.start(func(topic string, payload []byte) error { return mqttBroker.server.Publish(topic, payload, false, 1) })
		printer.print(text.text("[platform] acknowledging received records on each gateway's %s topic", topicAck))
	}

	var summary *summaryLoop
	if cfg.summaryEvery > 0 {
		summary = startSummaryLoop(cfg.summaryEvery, text, recv, printer.print)
	}

	waitForStop(ctx, cfg.duration)

	// Stop publishing acks while the broker still runs. Then stop the
	// broker, so that no message is handled after the final snapshot.
	// Then stop the goroutines that print, so that the final lines come
	// last.
	if acks != nil {
		acks.close()
	}
	mqttBroker.close()
	suppressed := recv.stop()
	if summary != nil {
		summary.close()
	}
	printer.close()

	gateways := recv.snapshot()
	if suppressed > 0 {
		fmt.Fprintln(stdout, text.text("[platform] %s more invalid messages were not shown", itoa(suppressed)))
	}
	if dropped := printer.dropped.Load(); dropped > 0 {
		fmt.Fprintln(stdout, text.text("[platform] %s output lines were dropped because the terminal could not keep up", itoa(dropped)))
	}
	for _, line := range finalLines(text, gateways) {
		fmt.Fprintln(stdout, line)
	}

	if cfg.reportPath == "" {
		return exitOK
	}
	err = writeReport(cfg.reportPath, report{
		Format:             reportFormat,
		Listen:             mqttBroker.addr,
		TopicPrefix:        cfg.topicPrefix,
		StartedAt:          startedAt,
		StoppedAt:          time.Now(),
		OutputLinesDropped: printer.dropped.Load(),
		Gateways:           reportMap(gateways),
	})
	if err != nil {
		fmt.Fprintln(stderr, text.text("platformsim: cannot write the report: %s", err.Error()))
		return exitFailure
	}
	return exitOK
}

func waitForStop(ctx context.Context, duration time.Duration) {
	if duration <= 0 {
		<-ctx.Done()
		return
	}
	timer := time.NewTimer(duration)
	defer timer.Stop()
	select {
	case <-ctx.Done():
	case <-timer.C:
	}
}

// errorCause returns the innermost error text, such as "address already in
// use", without the "listen tcp ..." wrapping that repeats the address.
func errorCause(err error) string {
	for {
		inner := errors.Unwrap(err)
		if inner == nil {
			return err.Error()
		}
		err = inner
	}
}

func reportMap(gateways []gatewayReport) map[string]gatewayReport {
	byID := make(map[string]gatewayReport, len(gateways))
	for _, g := range gateways {
		byID[g.GatewayID] = g
	}
	return byID
}
