package gateway

import (
	"time"

	"github.com/plantgw/plantgw/alarm"
	"github.com/plantgw/plantgw/record"
	"github.com/plantgw/plantgw/web"
)

// TestOutput starts an installer's output test from the local API.
func (p plant) TestOutput(output, user string, d time.Duration) error {
	return p.g.engine.TestOutput(output, user, d, record.SourceLocalUI)
}

// Outputs returns the board's outputs and the running output test.
func (p plant) Outputs() web.OutputList {
	list := web.OutputList{Outputs: outputStatuses(p.g.engine.OutputStates())}
	if t, ok := p.g.engine.RunningOutputTest(); ok {
		list.Test = &web.OutputTest{Output: t.Output, Operator: t.Operator, Started: t.Started, Until: t.Until}
	}
	return list
}

func outputStatuses(states []alarm.OutputState) []web.OutputStatus {
	out := make([]web.OutputStatus, 0, len(states))
	for _, o := range states {
		out = append(out, web.OutputStatus{Name: o.Name, Active: o.Active, Failed: o.Failed, Held: o.Held, Testing: o.Testing})
	}
	return out
}
