package main

import (
	"flag"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/plantgw/plantgw/locale"
)

// newFlagSet returns a flag set for the command name that reports errors
// to its caller only: parseCommandLine translates them. Every command
// takes --lang.
func newFlagSet(name string) *flag.FlagSet {
	fs := flag.NewFlagSet("gwctl "+name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	fs.String("lang", "", "")
	return fs
}

// parseCommandLine parses flags that may come before, between or after
// the positional arguments, and returns the positional arguments. After
// "--" every argument is positional.
func parseCommandLine(fs *flag.FlagSet, args []string) ([]string, error) {
	var positional []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, flagError(fs, err)
		}
		consumed := len(args) - fs.NArg()
		rest := fs.Args()
		if consumed > 0 && args[consumed-1] == "--" {
			positional = append(positional, rest...)
			break
		}
		if len(rest) == 0 {
			break
		}
		positional = append(positional, rest[0])
		args = rest[1:]
	}
	if lang := fs.Lookup("lang").Value.String(); lang != "" {
		if _, err := locale.Parse(lang); err != nil {
			return nil, usageError("invalid --lang %q: use zh-CN or en", lang)
		}
	}
	return positional, nil
}

// flagError turns the flag package's English parse errors into a
// translated usage error.
func flagError(fs *flag.FlagSet, err error) error {
	msg := err.Error()
	if name, ok := strings.CutPrefix(msg, "flag provided but not defined: "); ok {
		return usageError("unknown option %s; run %s --help for the options", "--"+strings.TrimLeft(name, "-"), fs.Name())
	}
	if name, ok := strings.CutPrefix(msg, "flag needs an argument: "); ok {
		return usageError("option %s needs a value", "--"+strings.TrimLeft(name, "-"))
	}
	return usageError("invalid command line: %v", msg)
}

// isSet reports whether the flag name was given on the command line.
func isSet(fs *flag.FlagSet, name string) bool {
	set := false
	fs.Visit(func(f *flag.Flag) { set = set || f.Name == name })
	return set
}

// parseDuration parses the value of a duration flag within lo..hi.
func parseDuration(flagName, value string, lo, hi time.Duration) (time.Duration, error) {
	d, err := time.ParseDuration(strings.TrimSpace(value))
	if err != nil || d < lo || d > hi {
		return 0, usageError("invalid %s %q: write a duration from %v to %v, such as 200ms or 1s", flagName, value, lo, hi)
	}
	return d, nil
}

// parseInt parses the value of a whole-number flag within lo..hi.
func parseInt(flagName, value string, lo, hi int) (int, error) {
	n, err := strconv.Atoi(strings.TrimSpace(value))
	if err != nil || n < lo || n > hi {
		return 0, usageError("invalid %s %q: write a whole number from %s to %s", flagName, value, strconv.Itoa(lo), strconv.Itoa(hi))
	}
	return n, nil
}

// parseFloat parses the value of a number flag.
func parseFloat(flagName, value string) (float64, error) {
	f, err := strconv.ParseFloat(strings.TrimSpace(value), 64)
	if err != nil {
		return 0, usageError("invalid %s %q: write a number such as 0.1", flagName, value)
	}
	return f, nil
}
