package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/plantgw/plantgw/web"
)

// Output test timing.
const (
	defaultTestSeconds = 3
	// maxTestSeconds is the gateway's limit (alarm.MaxOutputTest).
	maxTestSeconds = 30
	// testPoll is the interval at which gwctl reads whether a test has
	// ended.
	testPoll = 250 * time.Millisecond
	// testEndSlack is how long past its length gwctl waits for a test to
	// end: the gateway ends it at its next one-second tick.
	testEndSlack = 5 * time.Second
)

// outputTestPause separates the outputs of --all, so that the installer
// can tell one output's test from the next; tests shorten it.
var outputTestPause = time.Second

var outputsTestUsage = []string{
	"Usage: gwctl outputs test (--output NAME | --all) [--seconds N] [--yes] [--gateway ADDRESS]",
	"Lamp test for commissioning: drives one board output, or each in turn, to its active (tripped, de-energised) state",
	"for N seconds; then the gateway restores what its alarm logic wants. An ESD relay or the fire-panel contact really",
	"trips, and the equipment behind it shuts down: tell the control room first. An output that the alarm logic holds",
	"active stays active. gwctl lists what will happen and asks for confirmation unless --yes. Needs an installer login.",
	"  --output NAME      the output to test, such as horn, beacon or esd-1",
	"  --all              test every output of the board in turn; Ctrl-C stops before the next one",
	"  --seconds N        how long each output stays active, in seconds: 1 to 30 (default 3)",
	"  --yes              run without asking for confirmation",
	gatewayFlagUsage,
}

func init() {
	commands = append(commands,
		command{path: []string{"outputs", "test"}, summary: "drive outputs to their tripped state for a few seconds (lamp test)", usage: outputsTestUsage, run: runOutputsTest})
}

// outputTestPlan is the outputs to test, in order, and the seconds each
// stays active.
type outputTestPlan struct {
	targets []web.OutputStatus
	seconds int
}

func runOutputsTest(ctx context.Context, e *env, args []string) int {
	cl := newAPICommandLine("outputs test")
	output := cl.String("output", "", "")
	all := cl.Bool("all", false, "")
	secondsFlag := cl.String("seconds", strconv.Itoa(defaultTestSeconds), "")
	yes := cl.Bool("yes", false, "")
	var seconds int
	c, err := cl.client(e, args, func() (err error) {
		if (*output == "") != *all {
			return usageError("give either --output NAME or --all, such as gwctl outputs test --output horn")
		}
		seconds, err = parseInt("--seconds", *secondsFlag, 1, maxTestSeconds)
		return err
	})
	if err != nil {
		return e.fail(err)
	}
	// An account that may not test sees the rejection, not a plan it
	// cannot carry out.
	var me struct{ User, Role string }
	if err := c.call(ctx, "GET", "/api/me", nil, &me); err != nil {
		return e.fail(err)
	}
	if me.Role != "installer" {
		return e.fail(failure(nil, "account %s has the %s role; an output test needs an installer account", me.User, roleName(e, me.Role)))
	}
	plan, err := planOutputTest(ctx, c, *output, seconds)
	if err != nil {
		return e.fail(err)
	}

	printOutputTestPlan(e, c, plan)
	if !*yes {
		if err := confirmOutputTest(e); err != nil {
			return e.fail(err)
		}
	}
	return runOutputTestPlan(ctx, e, c, plan)
}

// outputs reads the board's outputs and the running test.
func (c *apiClient) outputs(ctx context.Context) (web.OutputList, error) {
	var list web.OutputList
	err := c.call(ctx, "GET", "/api/outputs", nil, &list)
	return list, err
}

// planOutputTest picks the outputs to test: the one named, or all when
// name is empty. It rejects a name the board lacks and a test while
// another runs.
func planOutputTest(ctx context.Context, c *apiClient, name string, seconds int) (outputTestPlan, error) {
	list, err := c.outputs(ctx)
	if err != nil {
		return outputTestPlan{}, err
	}
	if t := list.Test; t != nil {
		st, err := c.status(ctx)
		if err != nil {
			return outputTestPlan{}, err
		}
		return outputTestPlan{}, failure(nil, "output %s is under test by %s until %s; start the next test after it ends",
			t.Output, t.Operator, newSiteClock(st).clock(t.Until))
	}
	plan := outputTestPlan{seconds: seconds, targets: list.Outputs}
	if name == "" {
		return plan, nil
	}
	var names []string
	for _, o := range list.Outputs {
		if o.Name == name {
			plan.targets = []web.OutputStatus{o}
			return plan, nil
		}
		names = append(names, o.Name)
	}
	return outputTestPlan{}, failure(nil, "no output %q on this gateway's board; its outputs are: %s", name, strings.Join(names, ", "))
}

func printOutputTestPlan(e *env, c *apiClient, plan outputTestPlan) {
	e.printf("output test through %s, one output at a time:", c.base)
	for _, o := range plan.targets {
		fmt.Fprintln(e.stdout, "  "+outputTestEffect(e, o, plan.seconds))
	}
}

// outputTestEffect describes what testing o does to the plant.
func outputTestEffect(e *env, o web.OutputStatus, seconds int) string {
	pr := e.pr
	switch {
	case o.Held:
		return pr.Sprintf("%s is already active: the alarm logic holds it, and the test leaves it so", o.Name)
	case o.Name == "horn":
		return pr.Sprintf("%s will SOUND for %d s", o.Name, seconds)
	case o.Name == "beacon" || strings.Contains(o.Name, "lamp"):
		return pr.Sprintf("%s will LIGHT for %d s", o.Name, seconds)
	case strings.HasPrefix(o.Name, "esd"):
		return pr.Sprintf("%s will TRIP (de-energise) for %d s: downstream equipment will see a shutdown", o.Name, seconds)
	case o.Name == "fire-panel":
		return pr.Sprintf("%s will TRIP (open its contact) for %d s: the fire alarm panel will see an alarm", o.Name, seconds)
	}
	return pr.Sprintf("%s will go active (de-energise) for %d s", o.Name, seconds)
}

// confirmOutputTest prompts on the terminal and goes on only after a y.
// Without a terminal it cannot prompt, so --yes is needed.
func confirmOutputTest(e *env) error {
	if !isTerminalReader(stdin) {
		return usageError("standard input is not a terminal, so gwctl cannot ask for confirmation; add --yes to run the output test")
	}
	io.WriteString(e.stderr, e.pr.Sprintf("Start the output test? [y/N] "))
	line, err := bufio.NewReader(stdin).ReadString('\n')
	if err != nil && line == "" {
		return failure(err, "output test cancelled; nothing was changed")
	}
	switch strings.ToLower(strings.TrimSpace(line)) {
	case "y", "yes", "是", "好":
		return nil
	}
	return failure(nil, "output test cancelled; nothing was changed")
}

// runOutputTestPlan tests each output in turn and returns the exit code.
// Ctrl-C stops before the next output; the one under test ends by itself.
func runOutputTestPlan(ctx context.Context, e *env, c *apiClient, plan outputTestPlan) int {
	code := exitOK
	for i, o := range plan.targets {
		if i > 0 && !pauseBetweenTests(ctx) {
			e.printf("output test stopped by Ctrl-C; not tested: %s", outputNames(plan.targets[i:]))
			return exitFailure
		}
		after, err := testOneOutput(ctx, e, c, o.Name, plan.seconds)
		if errors.Is(err, context.Canceled) {
			e.printf("Ctrl-C: %s stays active until its test ends by itself within %d s; not tested: %s", o.Name, plan.seconds,
				outputNames(plan.targets[i+1:]))
			return exitFailure
		}
		if err != nil {
			return e.fail(err)
		}
		if !printTestResult(e, after, plan.seconds) {
			code = exitFailure
		}
	}
	e.printf("output test done: %d outputs tested", len(plan.targets))
	return code
}

// pauseBetweenTests waits outputTestPause; it returns false when ctx ends
// first.
func pauseBetweenTests(ctx context.Context) bool {
	t := time.NewTimer(outputTestPause)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}

// testOneOutput starts the test of name and waits until the gateway ends
// it. It returns the output's state after the test, and an error wrapping
// context.Canceled when ctx ends first.
func testOneOutput(ctx context.Context, e *env, c *apiClient, name string, seconds int) (web.OutputStatus, error) {
	var list web.OutputList
	body := map[string]any{"output": name, "seconds": seconds}
	if err := c.call(ctx, "POST", "/api/outputs/test", body, &list); err != nil {
		return web.OutputStatus{}, err
	}
	test := list.Test
	if test == nil || test.Output != name {
		return web.OutputStatus{}, failure(nil, "the gateway did not report the test of %s; check gwctl status", name)
	}
	e.printf("%s: active for %d s ...", name, seconds)
	deadline := time.Now().Add(time.Duration(seconds)*time.Second + testEndSlack)
	ticker := time.NewTicker(testPoll)
	defer ticker.Stop()
	for {
		select {
		case <-ctx.Done():
			return web.OutputStatus{}, ctx.Err()
		case <-ticker.C:
		}
		list, err := c.outputs(ctx)
		if err != nil {
			return web.OutputStatus{}, err
		}
		if t := list.Test; t == nil || t.Output != name || !t.Started.Equal(test.Started) {
			return findOutput(list, name), nil
		}
		if time.Now().After(deadline) {
			return web.OutputStatus{}, failure(nil, "the gateway did not end the test of %s within %d s; check gwctl status", name,
				seconds+int(testEndSlack/time.Second))
		}
	}
}

func findOutput(list web.OutputList, name string) web.OutputStatus {
	for _, o := range list.Outputs {
		if o.Name == name {
			return o
		}
	}
	return web.OutputStatus{Name: name, Failed: true}
}

// printTestResult prints the output's state after its test. It returns
// false when the output could not be driven.
func printTestResult(e *env, o web.OutputStatus, seconds int) bool {
	switch {
	case o.Failed:
		e.printf("%s: tested for %d s, but it could not be driven; see the gateway's log and gwctl status", o.Name, seconds)
		return false
	case o.Active:
		e.printf("%s: tested for %d s; it stays active because the alarm logic holds it", o.Name, seconds)
	default:
		e.printf("%s: tested for %d s; released again (energised)", o.Name, seconds)
	}
	return true
}

func outputNames(list []web.OutputStatus) string {
	if len(list) == 0 {
		return "-"
	}
	names := make([]string, len(list))
	for i, o := range list {
		names[i] = o.Name
	}
	return strings.Join(names, ", ")
}
