package web

import (
	"errors"
	"net/http"
	"sort"
	"time"

	"github.com/plantgw/plantgw/alarm"
)

func (s *Server) status(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, s.opts.Plant.Status())
}

func (s *Server) acknowledge(w http.ResponseWriter, r *http.Request) {
	if err := s.opts.Plant.Acknowledge(user(r).user); err != nil {
		s.actionError(w, r, "acknowledge", "", "", err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (s *Server) silence(w http.ResponseWriter, r *http.Request) {
	if err := s.opts.Plant.Silence(user(r).user); err != nil {
		s.actionError(w, r, "silence", "", "", err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

type resetReply struct {
	// NotReset counts the alarms and trips that stay latched because
	// their reading is still past the set point or in fault.
	NotReset int    `json:"not_reset"`
	Latched  string `json:"latched,omitempty"`
}

func (s *Server) reset(w http.ResponseWriter, r *http.Request) {
	notReset, latched, err := s.opts.Plant.Reset(user(r).user)
	if err != nil {
		s.actionError(w, r, "reset", "", "", err)
		return
	}
	writeJSON(w, http.StatusOK, resetReply{NotReset: notReset, Latched: latched})
}

func (s *Server) bypasses(w http.ResponseWriter, r *http.Request) {
	list := s.opts.Plant.Status().Bypasses
	sort.Slice(list, func(i, j int) bool { return list[i].Point < list[j].Point })
	if list == nil {
		list = []BypassStatus{}
	}
	writeJSON(w, http.StatusOK, list)
}

type bypassRequest struct {
	Point  string `json:"point"`
	Reason string `json:"reason"`
	// Duration is a Go duration such as "2h" or "30m", at most 8 h.
	Duration string `json:"duration"`
}

func (s *Server) bypass(w http.ResponseWriter, r *http.Request) {
	var req bypassRequest
	if err := decode(r, &req); err != nil {
		s.fail(w, r, http.StatusBadRequest, codeBadRequest, err)
		return
	}
	d, err := time.ParseDuration(req.Duration)
	if err != nil {
		s.fail(w, r, http.StatusBadRequest, codeBypassDuration, req.Duration)
		return
	}
	if err := s.opts.Plant.Bypass(req.Point, user(r).user, req.Reason, d); err != nil {
		s.actionError(w, r, "bypass", req.Point, req.Duration, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (s *Server) endBypass(w http.ResponseWriter, r *http.Request) {
	point := r.PathValue("point")
	if err := s.opts.Plant.EndBypass(point, user(r).user); err != nil {
		s.actionError(w, r, "end bypass", point, "", err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// actionError writes the reply to an operator action that the engine
// rejected.
func (s *Server) actionError(w http.ResponseWriter, r *http.Request, action, point, duration string, err error) {
	switch {
	case errors.Is(err, alarm.ErrUnknownPoint):
		s.fail(w, r, http.StatusNotFound, codeUnknownPoint, point)
	case errors.Is(err, alarm.ErrNotInterlocked):
		s.fail(w, r, http.StatusConflict, codeNotInterlocked, point)
	case errors.Is(err, alarm.ErrNoBypass):
		s.fail(w, r, http.StatusConflict, codeNoBypass, point)
	case errors.Is(err, alarm.ErrBypassReason):
		s.fail(w, r, http.StatusBadRequest, codeBypassReason)
	case errors.Is(err, alarm.ErrBypassDuration):
		s.fail(w, r, http.StatusBadRequest, codeBypassDuration, duration)
	default:
		s.log.Error("operator action failed", "action", action, "user", user(r).user, "err", err)
		s.fail(w, r, http.StatusInternalServerError, codeInternal)
	}
}
