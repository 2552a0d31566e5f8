package main

import (
	"context"
	"fmt"

	"github.com/plantgw/plantgw/drivers/modbus"
)

var planUsage = []string{
	"Usage: gwctl plan FILE",
	"Prints the Modbus reads the gateway makes for each device of the config file, as gatewayd --print-plan does,",
	"and for each RS-485 bus the share of the line's time they take. A config with errors prints them and exits 1.",
}

func runPlan(_ context.Context, e *env, args []string) int {
	path, err := configFileArg("plan", args)
	if err != nil {
		return e.fail(err)
	}
	cfg, code, ok := loadConfig(e, path)
	if !ok {
		return code
	}
	plan, err := modbus.FormatPlan(cfg, e.pr)
	if err != nil {
		return e.fail(failure(err, "planning the reads of config %s failed: %v", cfg.File, err))
	}
	fmt.Fprint(e.stdout, plan)
	return exitOK
}
