package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"strings"
)

// effects is the change that the running scenario makes to the plant at one moment.
type effects struct {
	leak        bool
	leakLEL     float64 // GT-102 concentration in %LEL while leak is true
	filling     bool    // T-301 inflow through XV-101 is on
	holdLevel   bool    // LT-301 stays where it is instead of draining back to base
	loopFault   bool    // AI-401 channel 0 and GT-104 have a failed loop
	gt103Silent bool    // GT-103 sends no reply at all
}

// scenario is one named disturbance of the plant.
type scenario struct {
	name           string
	defaultSeconds float64
	phases         []float64 // times within a step at which the effects change
	effects        func(t float64) effects
}

// Leak profile of GT-102: ramp over 20 s to 60 %LEL, hold 10 s, fall over 15 s.
const (
	leakPeakLEL     = 60.0
	leakRampEnd     = 20.0
	leakHoldEnd     = 30.0
	leakFallEnd     = 45.0
	overfillFillEnd = 30.0
	faultSeconds    = 20.0
)

var scenarios = []scenario{
	{name: "normal", defaultSeconds: 10, effects: func(float64) effects { return effects{} }},
	{
		name: "leak", defaultSeconds: leakFallEnd,
		phases:  []float64{leakRampEnd, leakHoldEnd, leakFallEnd},
		effects: leakEffects,
	},
	{
		name: "overfill", defaultSeconds: 45,
		phases: []float64{overfillFillEnd},
		effects: func(t float64) effects {
			return effects{filling: t < overfillFillEnd, holdLevel: true}
		},
	},
	{
		name: "loopfault", defaultSeconds: 30,
		phases:  []float64{faultSeconds},
		effects: func(t float64) effects { return effects{loopFault: t < faultSeconds} },
	},
	{
		name: "silent", defaultSeconds: 30,
		phases:  []float64{faultSeconds},
		effects: func(t float64) effects { return effects{gt103Silent: t < faultSeconds} },
	},
}

func leakEffects(t float64) effects {
	span := leakPeakLEL - gasBaseLEL
	switch {
	case t < leakRampEnd:
		return effects{leak: true, leakLEL: gasBaseLEL + span*t/leakRampEnd}
	case t < leakHoldEnd:
		return effects{leak: true, leakLEL: leakPeakLEL}
	case t < leakFallEnd:
		return effects{leak: true, leakLEL: leakPeakLEL - span*(t-leakHoldEnd)/(leakFallEnd-leakHoldEnd)}
	default:
		return effects{}
	}
}

func lookupScenario(name string) (scenario, bool) {
	for _, s := range scenarios {
		if s.name == name {
			return s, true
		}
	}
	return scenario{}, false
}

func scenarioNames() string {
	names := make([]string, len(scenarios))
	for i, s := range scenarios {
		names[i] = s.name
	}
	return strings.Join(names, ", ")
}

// scenarioStep is one entry of --scenario or --scenario-file. Seconds is the
// step's length in simulated seconds; 0 selects the scenario's default length.
type scenarioStep struct {
	Name    string  `json:"name"`
	Seconds float64 `json:"seconds"`
}

// parseScenarioList parses the comma-separated --scenario value.
func parseScenarioList(list string) ([]scenarioStep, error) {
	var steps []scenarioStep
	for name := range strings.SplitSeq(list, ",") {
		name = strings.TrimSpace(name)
		if _, ok := lookupScenario(name); !ok {
			return nil, newUserError(nil,
				"unknown scenario %q in --scenario: write a comma-separated list of %s",
				name, scenarioNames())
		}
		steps = append(steps, scenarioStep{Name: name})
	}
	return steps, nil
}

// loadScenarioFile reads a JSON list of {"name", "seconds"} steps.
func loadScenarioFile(path string) ([]scenarioStep, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, newUserError(err, "cannot read scenario file %s: %v", path, err)
	}

	var steps []scenarioStep
	decoder := json.NewDecoder(bytes.NewReader(data))
	decoder.DisallowUnknownFields()
	if err := decoder.Decode(&steps); err != nil {
		return nil, newUserError(err,
			`invalid scenario file %s: %v. Write a JSON list such as [{"name": "leak", "seconds": 45}]`,
			path, err)
	}
	if len(steps) == 0 {
		return nil, newUserError(nil,
			`scenario file %s has no steps: write a JSON list such as [{"name": "leak", "seconds": 45}]`, path)
	}

	for i, step := range steps {
		if _, ok := lookupScenario(step.Name); !ok {
			return nil, newUserError(nil,
				"step %d of scenario file %s has unknown scenario %q: use one of %s",
				i+1, path, step.Name, scenarioNames())
		}
		if step.Seconds < 0 || math.IsNaN(step.Seconds) || math.IsInf(step.Seconds, 0) {
			return nil, newUserError(nil,
				"step %d of scenario file %s has invalid seconds %v: write 0 or more (0 uses the scenario's default length)",
				i+1, path, step.Seconds)
		}
	}
	return steps, nil
}

// scheduledStep is a scenario placed on the simulated time axis.
type scheduledStep struct {
	scenario   scenario
	start, end float64
}

// schedule runs its steps one after another from simulated time 0 and
// stays in normal after the last one.
type schedule struct {
	steps []scheduledStep
	end   float64
}

func newSchedule(steps []scenarioStep) (schedule, error) {
	var s schedule
	for _, step := range steps {
		sc, ok := lookupScenario(step.Name)
		if !ok {
			return schedule{}, fmt.Errorf("unknown scenario %q", step.Name)
		}
		length := step.Seconds
		if length == 0 {
			length = sc.defaultSeconds
		}
		s.steps = append(s.steps, scheduledStep{scenario: sc, start: s.end, end: s.end + length})
		s.end += length
	}
	return s, nil
}

// at returns the index of the step in effect at simulated time t, its
// scenario and the time since the step started. The index is len(steps)
// once the schedule has ended.
func (s schedule) at(t float64) (int, scenario, float64) {
	for i, step := range s.steps {
		if t < step.end {
			return i, step.scenario, t - step.start
		}
	}
	normal, _ := lookupScenario("normal")
	return len(s.steps), normal, t - s.end
}

// nextBoundary returns the first time after t at which a step starts or
// the effects of a step change, or +Inf when there is none.
func (s schedule) nextBoundary(t float64) float64 {
	next := math.Inf(1)
	consider := func(b float64) {
		if b > t && b < next {
			next = b
		}
	}
	for _, step := range s.steps {
		consider(step.start)
		consider(step.end)
		for _, phase := range step.scenario.phases {
			consider(math.Min(step.start+phase, step.end))
		}
	}
	return next
}
