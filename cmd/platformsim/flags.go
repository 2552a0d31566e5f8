package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"strconv"
	"strings"
	"time"
)

// config contains the parsed and checked flags.
type config struct {
	listen       string
	allowRemote  bool
	topicPrefix  string
	summaryEvery time.Duration
	duration     time.Duration // 0 runs until a signal
	reportPath   string
	lang         string
	// ack makes platformsim acknowledge the records it receives on each
	// gateway's ack topic.
	ack bool
}

// errHelp means --help was given and the usage has been printed.
var errHelp = errors.New("help requested")

// flagError is an invalid command line. Its text is already localized.
type flagError struct {
	text string
}

func (e *flagError) Error() string {
	return e.text
}

// flagSpec describes one flag for the localized help text.
type flagSpec struct {
	name  string
	arg   string // placeholder of the value, empty for a boolean flag
	usage string // catalog key
}

var flagSpecs = []flagSpec{
	{"listen", "HOST:PORT", "TCP address of the MQTT broker (default 127.0.0.1:1883). Only a loopback address is accepted unless --allow-remote is given."},
	{"port", "N", "listen on port N of the --listen host, which is 127.0.0.1 unless --listen names another. 0 picks a free port."},
	{"allow-remote", "", "accept a --listen address that is not loopback, for checking a gateway on a site LAN. Any device on that network can then connect and publish without authentication."},
	{"topic-prefix", "PREFIX", "first topic level of the uplink topics, the gateway's uplink.mqtt.topic_prefix (default plantgw)"},
	{"summary-every", "D", "interval of the live summary lines, for example 2s or 1m (default 2s). 0 turns them off."},
	{"duration", "D", "stop after this time, for example 30s (default 0: run until Ctrl+C or SIGTERM)"},
	{"report", "FILE", "on exit, write the final counts per gateway as JSON to FILE"},
	{"ack", "", "acknowledge the records of every valid message on the gateway's ack topic, for gateways with uplink.ack: platform"},
	{"lang", "LANG", "language of terminal output: zh-CN (default) or en"},
}

// scanLang finds --lang before the flags are parsed, so that errors in
// other flags are already printed in the requested language. An invalid
// value is reported later by parseFlags.
func scanLang(args []string) string {
	lang := langChinese
	for i, arg := range args {
		if arg == "--" {
			break
		}
		name, value, hasValue := strings.Cut(strings.TrimLeft(arg, "-"), "=")
		if !strings.HasPrefix(arg, "-") || name != "lang" {
			continue
		}
		if !hasValue && i+1 < len(args) {
			value = args[i+1]
		}
		if normalized, ok := normalizeLang(value); ok {
			lang = normalized
		}
	}
	return lang
}

func normalizeLang(value string) (string, bool) {
	switch strings.ToLower(value) {
	case "zh", "zh-cn", "zh_cn", "zh-hans":
		return langChinese, true
	case "en", "en-us", "en_us", "en-gb":
		return langEnglish, true
	}
	return "", false
}

// parseFlags parses args (without the program name). It prints the usage to
// stdout and returns errHelp for --help, and returns a *flagError for an
// invalid command line.
func parseFlags(args []string, l *localizer, stdout io.Writer) (config, error) {
	fs := flag.NewFlagSet("platformsim", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}

	// Durations and the port are read as strings so that their errors are
	// ours and localized, not the flag package's English ones.
	listen := fs.String("listen", "127.0.0.1:1883", "")
	port := fs.String("port", "", "")
	allowRemote := fs.Bool("allow-remote", false, "")
	prefix := fs.String("topic-prefix", "plantgw", "")
	summaryEvery := fs.String("summary-every", "2s", "")
	duration := fs.String("duration", "0", "")
	reportPath := fs.String("report", "", "")
	ack := fs.Bool("ack", false, "")
	lang := fs.String("lang", langChinese, "")

	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			printUsage(l, stdout)
			return config{}, errHelp
		}
		return config{}, translateFlagError(l, err)
	}
	if fs.NArg() > 0 {
		return config{}, &flagError{l.text("unexpected argument %s: platformsim takes only flags", fs.Arg(0))}
	}

	cfg := config{allowRemote: *allowRemote, topicPrefix: *prefix, reportPath: *reportPath, ack: *ack}
	var ok bool
	if cfg.lang, ok = normalizeLang(*lang); !ok {
		return config{}, &flagError{l.text("invalid --lang %s: use zh-CN or en", strconv.Quote(*lang))}
	}

	var err error
	if cfg.listen, err = listenAddress(l, *listen, *port, *allowRemote); err != nil {
		return config{}, err
	}
	if err := checkTopicPrefix(l, *prefix); err != nil {
		return config{}, err
	}
	if cfg.summaryEvery, err = parseDuration(l, "summary-every", *summaryEvery); err != nil {
		return config{}, err
	}
	if cfg.duration, err = parseDuration(l, "duration", *duration); err != nil {
		return config{}, err
	}
	return cfg, nil
}

// listenAddress combines --listen and --port and rejects a host that is not
// loopback unless allowRemote. "localhost" becomes 127.0.0.1, because the
// name could resolve to another address.
func listenAddress(l *localizer, listen, port string, allowRemote bool) (string, error) {
	host, listenPort, err := net.SplitHostPort(listen)
	if err != nil {
		return "", &flagError{l.text("invalid --listen %s: use HOST:PORT, for example 127.0.0.1:1883", strconv.Quote(listen))}
	}
	if port != "" {
		listenPort = port
	}
	if number, err := strconv.Atoi(listenPort); err != nil || number < 0 || number > 65535 {
		return "", &flagError{l.text("invalid port %s: use a number from 0 to 65535", strconv.Quote(listenPort))}
	}

	if host == "localhost" {
		host = "127.0.0.1"
	}
	if !isLoopbackHost(host) && !allowRemote {
		hostText := host
		if hostText == "" {
			hostText = l.text("all interfaces")
		}
		return "", &flagError{l.text("--listen host %s is not a loopback address (127.0.0.1 or ::1). Add --allow-remote to listen on a site LAN.", hostText)}
	}
	return net.JoinHostPort(host, listenPort), nil
}

// isLoopbackHost reports whether host is a loopback IP address. Host names
// are not resolved, so only "localhost", which listenAddress replaces by
// 127.0.0.1, counts as loopback among them.
func isLoopbackHost(host string) bool {
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// checkTopicPrefix rejects a prefix that cannot start a topic filter: an
// empty level or an MQTT wildcard would subscribe to other topics.
func checkTopicPrefix(l *localizer, prefix string) error {
	if prefix == "" || strings.ContainsAny(prefix, "+#\x00") || strings.Contains("/"+prefix+"/", "//") {
		return &flagError{l.text("invalid --topic-prefix %s: use one or more non-empty topic levels without + or #, for example plantgw", strconv.Quote(prefix))}
	}
	return nil
}

func parseDuration(l *localizer, name, value string) (time.Duration, error) {
	if value == "0" {
		return 0, nil
	}
	d, err := time.ParseDuration(value)
	if err != nil || d < 0 {
		return 0, &flagError{l.text("invalid --%s %s: use a duration such as 2s, 500ms or 1m, or 0", name, strconv.Quote(value))}
	}
	return d, nil
}

// translateFlagError localizes the errors of flag.FlagSet.Parse, which are
// English text without a type to match.
func translateFlagError(l *localizer, err error) *flagError {
	message := err.Error()
	if name, found := strings.CutPrefix(message, "flag provided but not defined: "); found {
		return &flagError{l.text("unknown flag %s", name)}
	}
	if name, found := strings.CutPrefix(message, "flag needs an argument: "); found {
		return &flagError{l.text("flag %s needs a value", name)}
	}
	return &flagError{l.text("invalid flags: %s", message)}
}

func printUsage(l *localizer, w io.Writer) {
	var b strings.Builder
	b.WriteString(l.text("Usage: platformsim [flags]") + "\n\n")
	b.WriteString(l.text("platformsim is a local stand-in for the provincial monitoring platform. It runs an MQTT broker, checks every message a plantgw gateway sends against the uplink protocol (platform-json-v1) and counts records, alarms, seq gaps, duplicates and invalid messages.") + "\n")
	b.WriteString(l.text("The broker has no authentication and accepts every client. It is for demos and for checking a gateway on a laptop, not for production.") + "\n\n")
	b.WriteString(l.text("Flags:") + "\n")
	for _, spec := range flagSpecs {
		name := "--" + spec.name
		if spec.arg != "" {
			name += " " + spec.arg
		}
		fmt.Fprintf(&b, "  %-22s %s\n", name, l.text(spec.usage))
	}
	b.WriteString("\n" + l.text("Exit status: 0 after a normal stop, 1 when the broker cannot listen or the report cannot be written, 2 for invalid flags.") + "\n")
	_, _ = io.WriteString(w, b.String())
}
