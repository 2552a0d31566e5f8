package alarm

import (
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/plantgw/plantgw/record"
)

// Output test limits. A test lasts from its start until the first Tick at
// or after its end, so up to a second longer than asked with the
// gateway's 1 s tick.
const (
	MinOutputTest = time.Second
	MaxOutputTest = 30 * time.Second
)

// Errors of TestOutput.
var (
	ErrUnknownOutput = errors.New("no such output on the board")
	// ErrOutputTestDuration rejects a test shorter than MinOutputTest or
	// longer than MaxOutputTest.
	ErrOutputTestDuration = errors.New("output test duration out of range")
	// ErrOutputTestRunning rejects a test while another one runs: one
	// output at a time, so the installer can tell which one moved.
	// TestOutput returns it as an *OutputTestRunningError.
	ErrOutputTestRunning = errors.New("another output test is running")
	// ErrOutputTestsStopped rejects a test once the gateway is stopping.
	ErrOutputTestsStopped = errors.New("output tests are stopped: the gateway is stopping")
)

// OutputTestRunningError is ErrOutputTestRunning with the test that
// runs.
type OutputTestRunningError struct {
	Running OutputTest
}

func (e *OutputTestRunningError) Error() string {
	return fmt.Sprintf("%v: %s by %s until %s", ErrOutputTestRunning, e.Running.Output, e.Running.Operator,
		e.Running.Until.Format(time.RFC3339))
}

func (e *OutputTestRunningError) Is(target error) bool { return target == ErrOutputTestRunning }

// outputTest is a commissioning test that holds one output active.
type outputTest struct {
	output, operator string
	started, until   time.Time
}

// OutputTest is the running output test: the output, the installer who
// started it, its start and its planned end.
type OutputTest struct {
	Output, Operator string
	Started, Until   time.Time
}

// TestOutput drives the named output to its active (tripped,
// de-energised) state for d, on behalf of operator, so that an installer
// can check its wiring. Only one test runs at a time. A test only ever
// adds the active state: an output that the alarm logic holds active stays
// as the logic wants it, so a test cannot release a tripped ESD relay. Tick
// ends the test once d has passed, and the output then follows the alarm
// logic again. A remote command cannot test outputs.
func (e *Engine) TestOutput(name, operator string, d time.Duration, source record.Source) error {
	if source == record.SourceRemote {
		return ErrRemote
	}
	if d < MinOutputTest || d > MaxOutputTest {
		return fmt.Errorf("%w: %v outside %v..%v", ErrOutputTestDuration, d, MinOutputTest, MaxOutputTest)
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	if !slices.Contains(e.outputs.Names(), name) {
		return fmt.Errorf("%w: %q", ErrUnknownOutput, name)
	}
	if e.testsStopped {
		return ErrOutputTestsStopped
	}
	if e.test != nil {
		return &OutputTestRunningError{Running: e.test.public()}
	}
	// The gateway's clock carries a monotonic reading, so a clock step
	// during the test does not stretch or cut it.
	now, synced := e.clock()
	e.test = &outputTest{output: name, operator: operator, started: now, until: now.Add(d)}
	e.emit(record.Event{Kind: record.OutputTestStarted, Time: now, ClockSynced: synced, Output: name, Source: source, Operator: operator,
		Until: e.test.until, Text: fmt.Sprintf("output %s driven active for a %v test by %s", name, d, operator)})
	e.update(now, synced, source)
	return nil
}

// RunningOutputTest returns the running output test; ok is false when none
// runs.
func (e *Engine) RunningOutputTest() (test OutputTest, ok bool) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.test == nil {
		return OutputTest{}, false
	}
	return e.test.public(), true
}

func (t *outputTest) public() OutputTest {
	return OutputTest{Output: t.output, Operator: t.operator, Started: t.started, Until: t.until}
}

// StopOutputTests ends the running output test, if any, and rejects
// further tests. The gateway calls it when it stops, so the stored events
// show every test's end.
func (e *Engine) StopOutputTests() {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.testsStopped = true
	if e.test == nil {
		return
	}
	now, synced := e.clock()
	e.endOutputTest(now, synced, "the gateway is stopping")
	e.update(now, synced, record.SourceAuto)
}

// expireOutputTest ends the running test once its time is up. Tick calls
// it before it drives the outputs.
func (e *Engine) expireOutputTest(now time.Time, synced bool) {
	if e.test != nil && !now.Before(e.test.until) {
		e.endOutputTest(now, synced, "its time is up")
	}
}

func (e *Engine) endOutputTest(now time.Time, synced bool, reason string) {
	t := e.test
	e.test = nil
	e.emit(record.Event{Kind: record.OutputTestEnded, Time: now, ClockSynced: synced, Output: t.output, Source: record.SourceAuto,
		Operator: t.operator, Text: fmt.Sprintf("output test of %s by %s ended because %s; the output follows the alarm logic again",
			t.output, t.operator, reason)})
}

// applyOutputTest makes the output under test active in want. An output
// the logic already wants active keeps the logic's state and pattern.
func (e *Engine) applyOutputTest(want map[string]outputState) {
	if e.test == nil {
		return
	}
	if cur, ok := want[e.test.output]; ok && cur.active {
		return
	}
	want[e.test.output] = outputState{active: true, pattern: Steady}
}
