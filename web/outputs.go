package web

import (
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/plantgw/plantgw/alarm"
)

// defaultTestSeconds is an output test's length when the request gives
// none: long enough to see a lamp or hear a horn, short enough that a
// tripped ESD relay upsets the plant as little as possible.
const defaultTestSeconds = 3

// outputTestRequest is the body of POST /api/outputs/test.
type outputTestRequest struct {
	Output string `json:"output"`
	// Seconds is the test's length in whole seconds, 1 to 30; absent
	// means defaultTestSeconds.
	Seconds *int `json:"seconds,omitempty"`
}

func (s *Server) outputs(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, s.outputList())
}

// outputList returns the plant's outputs with a non-nil list, so the
// reply is [] rather than null.
func (s *Server) outputList() OutputList {
	list := s.opts.Plant.Outputs()
	if list.Outputs == nil {
		list.Outputs = []OutputStatus{}
	}
	return list
}

// testOutput starts an output test and replies 202 with the outputs and
// the test, which the gateway ends by itself.
func (s *Server) testOutput(w http.ResponseWriter, r *http.Request) {
	var req outputTestRequest
	if err := decode(r, &req); err != nil {
		s.fail(w, r, http.StatusBadRequest, codeBadRequest, err)
		return
	}
	seconds := defaultTestSeconds
	if req.Seconds != nil {
		seconds = *req.Seconds
	}
	lo, hi := int(alarm.MinOutputTest/time.Second), int(alarm.MaxOutputTest/time.Second)
	if seconds < lo || seconds > hi {
		s.fail(w, r, http.StatusBadRequest, codeTestSeconds, seconds, lo, hi)
		return
	}
	if err := s.opts.Plant.TestOutput(req.Output, user(r).user, time.Duration(seconds)*time.Second); err != nil {
		s.outputTestError(w, r, req.Output, err)
		return
	}
	writeJSON(w, http.StatusAccepted, s.outputList())
}

// outputTestError writes the reply to an output test that the engine
// rejected.
func (s *Server) outputTestError(w http.ResponseWriter, r *http.Request, output string, err error) {
	var running *alarm.OutputTestRunningError
	switch {
	case errors.Is(err, alarm.ErrUnknownOutput):
		var names []string
		for _, o := range s.opts.Plant.Outputs().Outputs {
			names = append(names, o.Name)
		}
		s.fail(w, r, http.StatusNotFound, codeUnknownOutput, output, strings.Join(names, ", "))
	case errors.As(err, &running):
		left := max(running.Running.Until.Sub(s.now()).Round(time.Second), 0)
		s.fail(w, r, http.StatusConflict, codeTestRunning, running.Running.Output, running.Running.Operator, int(left/time.Second))
	case errors.Is(err, alarm.ErrOutputTestsStopped):
		s.fail(w, r, http.StatusServiceUnavailable, codeGatewayStopping)
	default:
		s.log.Error("output test failed", "output", output, "user", user(r).user, "err", err)
		s.fail(w, r, http.StatusInternalServerError, codeInternal)
	}
}
