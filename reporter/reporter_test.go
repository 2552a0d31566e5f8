package reporter

import (
	"testing"
	"time"

	"github.com/plantgw/plantgw/config"
	"github.com/plantgw/plantgw/record"
)

var t0 = time.Unix(1_800_000_000, 0)

func at(seconds float64) time.Time { return t0.Add(time.Duration(seconds * float64(time.Second))) }

func good(v float64, sec float64) record.Sample {
	return record.Sample{Point: "p", Value: v, Quality: record.Good, Time: at(sec)}
}

func text(s string, sec float64) record.Sample {
	return record.Sample{Point: "p", IsText: true, Text: s, Quality: record.Good, Time: at(sec)}
}

func filterFor(rule *config.Report, current *config.Current) *Filter {
	return New(&config.Config{Points: []config.Point{{ID: "p", Report: rule, Current: current}, {ID: "plain"}}})
}

func TestReportByException(t *testing.T) {
	abs := &config.Report{Deadband: 0.5, MaxInterval: config.Duration(60 * time.Second)}
	pct := &config.Report{DeadbandPercent: 1, MaxInterval: config.Duration(60 * time.Second)}
	span := &config.Current{Input: "ua", Low: 0, High: 1.6}
	tests := []struct {
		name    string
		rule    *config.Report
		current *config.Current
		samples []record.Sample
		want    []bool
	}{
		// 10 -> 10.4 is inside 0.5; 10 -> 10.6 is outside.
		{"absolute deadband", abs, nil, []record.Sample{good(10, 0), good(10.4, 1), good(10.6, 2), good(10.7, 3)}, []bool{true, false, true, false}},
		// 60 s after the last stored sample a steady value is stored again.
		{"max interval", abs, nil, []record.Sample{good(10, 0), good(10, 59), good(10, 60), good(10, 61)}, []bool{true, false, true, false}},
		// 1 % of the last stored 200 is 2: 201.9 stays, 202.5 goes.
		{"percent of value", pct, nil, []record.Sample{good(200, 0), good(201.9, 1), good(202.5, 2)}, []bool{true, false, true}},
		// 1 % of the 0-1.6 span is 0.016: 0.35 -> 0.36 stays, -> 0.37 goes.
		{"percent of span", pct, span, []record.Sample{good(0.35, 0), good(0.36, 1), good(0.37, 2)}, []bool{true, false, true}},
		{"quality change", abs, nil, []record.Sample{good(10, 0), {Point: "p", Quality: record.Bad, Cause: record.CauseCommLost, Time: at(1)},
			{Point: "p", Quality: record.Bad, Cause: record.CauseCommLost, Time: at(2)}, good(10, 3)}, []bool{true, true, false, true}},
		{"contact change", abs, nil, []record.Sample{{Point: "p", IsBool: true, Quality: record.Good, Time: at(0)},
			{Point: "p", IsBool: true, Quality: record.Good, Time: at(1)}, {Point: "p", IsBool: true, Bool: true, Quality: record.Good, Time: at(2)}},
			[]bool{true, false, true}},
		// Text is stored when it changes, at max_interval, or when its
		// quality changes; a rule's deadband cannot apply to it.
		{"text change", abs, nil, []record.Sample{text("V2.1.7", 0), text("V2.1.7", 1), text("V2.1.8", 2), text("V2.1.8", 3), text("", 4)},
			[]bool{true, false, true, false, true}},
		{"text max interval", abs, nil, []record.Sample{text("V2.1.7", 0), text("V2.1.7", 59), text("V2.1.7", 60)},
			[]bool{true, false, true}},
		{"text quality change", abs, nil, []record.Sample{text("V2.1.7", 0),
			{Point: "p", IsText: true, Quality: record.Bad, Cause: record.CauseInvalidText, Time: at(1)},
			{Point: "p", IsText: true, Quality: record.Bad, Cause: record.CauseInvalidText, Time: at(2)}, text("V2.1.7", 3)},
			[]bool{true, true, false, true}},
	}
	for _, tt := range tests {
		f := filterFor(tt.rule, tt.current)
		for i, s := range tt.samples {
			if got := f.Pass(s); got != tt.want[i] {
				t.Errorf("%s: sample %d (%v at %v) passed = %v, want %v", tt.name, i, s.Value, s.Time.Sub(t0), got, tt.want[i])
			}
		}
	}
}

func TestPointWithoutRulePassesEverything(t *testing.T) {
	f := filterFor(&config.Report{Deadband: 100, MaxInterval: config.Duration(time.Hour)}, nil)
	for i := range 3 {
		if !f.Pass(record.Sample{Point: "plain", Value: 1, Quality: record.Good, Time: at(float64(i))}) {
			t.Fatalf("sample %d of a point without a report rule was filtered", i)
		}
	}
}
