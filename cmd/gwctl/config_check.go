package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"

	"github.com/plantgw/plantgw/config"
	"github.com/plantgw/plantgw/internal/cfgcheck"
)

var configCheckUsage = []string{
	"Usage: gwctl config check FILE",
	"Checks the config file as gatewayd --check does: the syntax and every key, the board profile's outputs, and the load of each RS-485 bus.",
	"Every error is printed as FILE:LINE: what is wrong and how to fix it. Exit status 1 when the file has errors; bus-load warnings alone exit 0.",
}

func runConfigCheck(_ context.Context, e *env, args []string) int {
	path, err := configFileArg("config check", args)
	if err != nil {
		return e.fail(err)
	}
	cfg, code, ok := loadConfig(e, path)
	if !ok {
		return code
	}
	if problems := cfgcheck.Board(cfg, e.pr); len(problems) > 0 {
		e.printf("config %s has %d error(s)", cfg.File, len(problems))
		for _, p := range problems {
			fmt.Fprintln(e.stdout, "  "+p)
		}
		return exitFailure
	}
	warnings, err := cfgcheck.BusLoad(cfg, e.pr)
	if err != nil {
		return e.fail(failure(err, "checking the bus load of config %s failed: %v", cfg.File, err))
	}
	for _, w := range append(warnings, cfgcheck.Web(cfg, e.pr)...) {
		fmt.Fprintln(e.stdout, w)
	}
	e.printf("config %s is valid: %d buses, %d devices, %d points, %d interlocks",
		cfg.File, len(cfg.Buses), len(cfg.Devices), len(cfg.Points), len(cfg.Interlocks))
	return exitOK
}

// configFileArg returns the one FILE argument of a config command.
func configFileArg(name string, args []string) (string, error) {
	fs := newFlagSet(name)
	positional, err := parseCommandLine(fs, args)
	if err != nil {
		return "", err
	}
	switch len(positional) {
	case 0:
		return "", usageError("gwctl %s needs the config file: gwctl %s FILE", name, name)
	case 1:
		return positional[0], nil
	}
	return "", usageError("unexpected arguments: %v", positional[1:])
}

// loadConfig loads the config file at path and switches to its site.lang
// unless the user chose a language. When the file cannot be used it
// prints why and returns ok false with the exit code: exitUsage for a
// file that does not exist, exitFailure for one with errors.
func loadConfig(e *env, path string) (cfg *config.Config, code int, ok bool) {
	cfg, err := config.Load(path)
	if err == nil {
		e.useSiteLang(cfg.Site.Lang)
		return cfg, exitOK, true
	}
	ce, isConfigErr := config.AsError(err)
	if !isConfigErr {
		return nil, e.fail(failure(err, "cannot load config %s: %v", path, err)), false
	}
	e.useSiteLang(ce.Lang)
	if errors.Is(ce.Err, fs.ErrNotExist) {
		fmt.Fprintln(e.stderr, e.pr.Sprintf("config file %s does not exist; check the path", path))
		return nil, exitUsage, false
	}
	if ce.Err != nil {
		fmt.Fprintln(e.stderr, ce.Render(e.pr))
		return nil, exitFailure, false
	}
	fmt.Fprintln(e.stdout, ce.Render(e.pr))
	return nil, exitFailure, false
}
