package web

import (
	"fmt"
	"net/http"

	"github.com/plantgw/plantgw/record"
)

func (s *Server) listAccounts(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, s.accounts.names())
}

type accountRequest struct {
	Name     string `json:"name"`
	Password string `json:"password"`
	Role     string `json:"role"`
}

func (s *Server) createAccount(w http.ResponseWriter, r *http.Request) {
	var req accountRequest
	if err := decode(r, &req); err != nil {
		s.fail(w, r, http.StatusBadRequest, codeBadRequest, err)
		return
	}
	by := user(r).user
	role, err := ParseRole(req.Role)
	if err == nil {
		err = s.accounts.create(req.Name, req.Password, role, by, s.now())
	}
	if err != nil {
		s.accountError(w, r, err, req.Name, req.Role)
		return
	}
	s.opts.Event(record.Event{Kind: record.AccountCreated, Time: s.now(), Source: record.SourceLocalUI, Operator: by,
		State: string(role), Text: fmt.Sprintf("account %s (%s) created by %s", req.Name, role, by)})
	w.WriteHeader(http.StatusCreated)
}

func (s *Server) removeAccount(w http.ResponseWriter, r *http.Request) {
	name, by := r.PathValue("name"), user(r).user
	if err := s.accounts.remove(name); err != nil {
		s.accountError(w, r, err, name, "")
		return
	}
	s.sessions.endUser(name)
	s.opts.Event(record.Event{Kind: record.AccountRemoved, Time: s.now(), Source: record.SourceLocalUI, Operator: by,
		Text: fmt.Sprintf("account %s removed by %s", name, by)})
	w.WriteHeader(http.StatusNoContent)
}
