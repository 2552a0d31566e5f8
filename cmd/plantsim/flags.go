package main

import (
	"flag"
	"io"
	"math"
	"net"
	"strconv"
	"strings"
	"time"
)

// config is the validated command line.
type config struct {
	tcpAddr    string // "" turns Modbus TCP off
	rtu        string // "pty", a serial device path, or "" to turn RTU off
	rtuLink    string
	steps      []scenarioStep
	speed      float64
	noise      float64
	seed       uint64
	stateFile  string
	printEvery time.Duration
	lang       string
	quirks     []quirk
	quirkFor   time.Duration // 0 keeps the quirks on for the whole run
}

const (
	defaultTCPAddr = "127.0.0.1:15020"
	rtuPTY         = "pty"
	maxSpeed       = 100 // above this one 50 ms tick covers more than 5 simulated seconds
)

// langFromArgs returns the language for messages about args, found before
// the full parse so that even errors in other flags are translated. An
// invalid or missing --lang gives zh-CN.
func langFromArgs(args []string) string {
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
		if lang, ok := normalizeLang(value); ok {
			return lang
		}
	}
	return langChinese
}

// parseFlags parses and validates the command line. It returns flag.ErrHelp
// for --help and a *userError for every invalid input.
func parseFlags(args []string) (config, error) {
	fs := flag.NewFlagSet("plantsim", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	tcp := fs.String("tcp", defaultTCPAddr, "")
	rtu := fs.String("rtu", rtuPTY, "")
	rtuLink := fs.String("rtu-link", "", "")
	scenarioList := fs.String("scenario", "normal", "")
	scenarioFile := fs.String("scenario-file", "", "")
	speed := fs.String("speed", "1", "")
	noise := fs.String("noise", "1", "")
	seed := fs.String("seed", "1", "")
	stateFile := fs.String("state-file", "", "")
	printEvery := fs.String("print-every", "5s", "")
	lang := fs.String("lang", langChinese, "")
	var quirkEntries quirkListFlag
	fs.Var(&quirkEntries, "quirk", "")
	quirkFor := fs.String("quirk-for", "0", "")

	if err := fs.Parse(args); err != nil {
		return config{}, translateFlagError(err)
	}
	if fs.NArg() > 0 {
		return config{}, newUserError(nil, "unexpected argument %q: plantsim takes only flags, run plantsim --help", fs.Arg(0))
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })

	cfg := config{tcpAddr: *tcp, rtu: *rtu, rtuLink: *rtuLink, stateFile: *stateFile}
	var err error
	var ok bool
	if cfg.lang, ok = normalizeLang(*lang); !ok {
		return config{}, newUserError(nil, "invalid --lang value %q: write zh-CN or en", *lang)
	}
	if err = validateTCPAddr(cfg.tcpAddr); err != nil {
		return config{}, err
	}
	if cfg.rtuLink != "" && cfg.rtu != rtuPTY {
		return config{}, newUserError(nil, "--rtu-link needs --rtu pty, because the link points to the pty that plantsim creates")
	}
	if cfg.tcpAddr == "" && cfg.rtu == "" {
		return config{}, newUserError(nil, "both Modbus TCP and Modbus RTU are off: set --tcp or --rtu")
	}

	if cfg.speed, err = parseSpeed(*speed); err != nil {
		return config{}, err
	}
	if cfg.noise, err = parseNoise(*noise); err != nil {
		return config{}, err
	}
	if cfg.seed, err = strconv.ParseUint(*seed, 10, 64); err != nil {
		return config{}, newUserError(err, "invalid --seed value %q: write a whole number of 0 or more, e.g. --seed 1", *seed)
	}
	if cfg.printEvery, err = parsePrintEvery(*printEvery); err != nil {
		return config{}, err
	}
	if cfg.quirks, err = parseQuirks(quirkEntries); err != nil {
		return config{}, err
	}
	if cfg.quirkFor, err = parseQuirkFor(*quirkFor, len(cfg.quirks) > 0); err != nil {
		return config{}, err
	}

	switch {
	case set["scenario"] && set["scenario-file"]:
		return config{}, newUserError(nil, "--scenario and --scenario-file cannot be used together: keep one of them")
	case set["scenario-file"]:
		cfg.steps, err = loadScenarioFile(*scenarioFile)
	default:
		cfg.steps, err = parseScenarioList(*scenarioList)
	}
	if err != nil {
		return config{}, err
	}
	return cfg, nil
}

// translateFlagError turns an error of the flag package into a *userError.
// The flag package returns plain English strings, so this matches their
// prefixes as worded in Go 1.26.
func translateFlagError(err error) error {
	if err == flag.ErrHelp {
		return err
	}
	text := err.Error()
	if name, ok := strings.CutPrefix(text, "flag provided but not defined: "); ok {
		return newUserError(err, "unknown flag %s: run plantsim --help to list the flags", "--"+strings.TrimLeft(name, "-"))
	}
	if name, ok := strings.CutPrefix(text, "flag needs an argument: "); ok {
		return newUserError(err, "flag %s needs a value: run plantsim --help for examples", "--"+strings.TrimLeft(name, "-"))
	}
	if arg, ok := strings.CutPrefix(text, "bad flag syntax: "); ok {
		return newUserError(err, "invalid flag syntax %s: write --name value or --name=value", arg)
	}
	return newUserError(err, "invalid command line: %v", err)
}

func validateTCPAddr(addr string) error {
	if addr == "" {
		return nil
	}
	_, port, err := net.SplitHostPort(addr)
	if err == nil {
		_, err = strconv.ParseUint(port, 10, 16)
	}
	if err != nil {
		return newUserError(err, `invalid --tcp value %q: write host:port such as 127.0.0.1:15020, or "" to turn Modbus TCP off`, addr)
	}
	return nil
}

func parseSpeed(value string) (float64, error) {
	speed, err := strconv.ParseFloat(value, 64)
	if err != nil || !(speed > 0 && speed <= maxSpeed) {
		return 0, newUserError(err, "invalid --speed value %q: write a number greater than 0 and at most 100, e.g. --speed 2", value)
	}
	return speed, nil
}

func parseNoise(value string) (float64, error) {
	noise, err := strconv.ParseFloat(value, 64)
	if err != nil || !(noise >= 0) || math.IsInf(noise, 1) {
		return 0, newUserError(err, "invalid --noise value %q: write a number of 0 or more, e.g. --noise 0", value)
	}
	return noise, nil
}

func parseQuirkFor(value string, haveQuirks bool) (time.Duration, error) {
	if value == "0" {
		return 0, nil
	}
	d, err := time.ParseDuration(value)
	if err != nil || d <= 0 {
		return 0, newUserError(err, "invalid --quirk-for value %q: write a duration such as 20s, or 0 to keep the quirks on", value)
	}
	if !haveQuirks {
		return 0, newUserError(nil, "--quirk-for needs at least one --quirk: add --quirk UNIT:QUIRK or remove --quirk-for")
	}
	return d, nil
}

func parsePrintEvery(value string) (time.Duration, error) {
	if value == "0" {
		return 0, nil
	}
	interval, err := time.ParseDuration(value)
	if err != nil || interval < 0 {
		return 0, newUserError(err, "invalid --print-every value %q: write a duration such as 5s or 500ms, or 0 to turn the status line off", value)
	}
	return interval, nil
}
