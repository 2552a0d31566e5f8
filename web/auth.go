package web

import (
	"context"
	"errors"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/plantgw/plantgw/locale"
	"github.com/plantgw/plantgw/record"
)

const sessionCookie = "plantgw_session"

type ctxKey struct{}

// user returns the session of an authenticated request.
func user(r *http.Request) session {
	ss, _ := r.Context().Value(ctxKey{}).(session)
	return ss
}

// token returns the request's session token: the cookie of the page, or
// the bearer token of gwctl.
func token(r *http.Request) string {
	if h := r.Header.Get("Authorization"); strings.HasPrefix(h, "Bearer ") {
		return strings.TrimSpace(strings.TrimPrefix(h, "Bearer "))
	}
	if c, err := r.Cookie(sessionCookie); err == nil {
		return c.Value
	}
	return ""
}

// need wraps h so that only a session whose role allows role reaches it.
func (s *Server) need(role Role, h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		ss, ok := s.sessions.lookup(token(r), s.now())
		if !ok {
			s.fail(w, r, http.StatusUnauthorized, codeUnauthorized)
			return
		}
		// The role is read again from the accounts, so a removed account
		// loses its sessions' rights at once.
		acc, ok := s.accounts.get(ss.user)
		if !ok {
			s.fail(w, r, http.StatusUnauthorized, codeUnauthorized)
			return
		}
		ss.role = acc.Role
		if !ss.role.Allows(role) {
			pr := locale.Printer(s.lang(r))
			s.fail(w, r, http.StatusForbidden, codeForbidden, ss.user, pr.Sprintf(string(ss.role)), pr.Sprintf(string(role)))
			return
		}
		h(w, r.WithContext(context.WithValue(r.Context(), ctxKey{}, ss)))
	}
}

type loginRequest struct {
	User     string `json:"user"`
	Password string `json:"password"`
	// Token is the setup token, for the first account only.
	Token string `json:"token,omitempty"`
	// CLI requests the session token in the reply, for gwctl. The page
	// keeps it in an HttpOnly cookie that scripts cannot read.
	CLI bool `json:"cli,omitempty"`
}

type loginReply struct {
	User  string `json:"user"`
	Role  Role   `json:"role"`
	Token string `json:"token,omitempty"`
}

func clientAddr(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

func (s *Server) login(w http.ResponseWriter, r *http.Request) {
	var req loginRequest
	if err := decode(r, &req); err != nil {
		s.fail(w, r, http.StatusBadRequest, codeBadRequest, err)
		return
	}

	now := s.now()
	addrKey, userKey := "addr:"+clientAddr(r), "user:"+req.User
	if wait := max(s.limiter.wait(addrKey, now), s.limiter.wait(userKey, now)); wait > 0 {
		w.Header().Set("Retry-After", itoa(int(wait.Seconds())+1))
		s.fail(w, r, http.StatusTooManyRequests, codeRateLimited, int(wait.Seconds())+1)
		return
	}

	acc, known := s.accounts.get(req.User)
	hash := acc.Hash
	if !known {
		// Spend the same time on an unknown name as on a wrong password.
		hash = dummyHash()
	}
	ok, err := checkPassword(hash, req.Password)
	if err != nil {
		s.log.Error("account has an unreadable password hash", "user", req.User, "err", err)
	}

	if !known || !ok {
		s.limiter.fail(addrKey, now)
		s.limiter.fail(userKey, now)
		s.log.Warn("login failed", "user", req.User, "client", clientAddr(r))
		s.fail(w, r, http.StatusUnauthorized, codeLoginFailed)
		return
	}
	s.limiter.succeed(addrKey)
	s.limiter.succeed(userKey)
	s.startSession(w, r, acc, req.CLI)
}

func (s *Server) startSession(w http.ResponseWriter, r *http.Request, acc Account, cli bool) {
	tok, err := s.sessions.start(acc.Name, acc.Role, s.now())
	if err != nil {
		s.log.Error("session not started", "err", err)
		s.fail(w, r, http.StatusInternalServerError, codeInternal)
		return
	}
	s.log.Info("login", "user", acc.Name, "role", string(acc.Role), "client", clientAddr(r))
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: tok, Path: "/", HttpOnly: true,
		SameSite: http.SameSiteStrictMode, MaxAge: int(s.opts.Web.SessionMax.D() / time.Second)})
	reply := loginReply{User: acc.Name, Role: acc.Role}
	if cli {
		reply.Token = tok
	}
	writeJSON(w, http.StatusOK, reply)
}

func (s *Server) logout(w http.ResponseWriter, r *http.Request) {
	s.sessions.end(token(r))
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: "", Path: "/", HttpOnly: true,
		SameSite: http.SameSiteStrictMode, MaxAge: -1})
	w.WriteHeader(http.StatusNoContent)
}

func (s *Server) me(w http.ResponseWriter, r *http.Request) {
	ss := user(r)
	writeJSON(w, http.StatusOK, loginReply{User: ss.user, Role: ss.role})
}

func (s *Server) setupNeeded(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	needed := s.setupToken != ""
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, map[string]bool{"needed": needed})
}

// setup creates the first installer account with the one-time token and
// logs it in. The token is removed once the account is on disk.
func (s *Server) setup(w http.ResponseWriter, r *http.Request) {
	var req loginRequest
	if err := decode(r, &req); err != nil {
		s.fail(w, r, http.StatusBadRequest, codeBadRequest, err)
		return
	}

	now := s.now()
	addrKey := "addr:" + clientAddr(r)
	if wait := s.limiter.wait(addrKey, now); wait > 0 {
		s.fail(w, r, http.StatusTooManyRequests, codeRateLimited, int(wait.Seconds())+1)
		return
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	if s.setupToken == "" {
		s.fail(w, r, http.StatusConflict, codeSetupDone)
		return
	}
	if !sameToken(s.setupToken, req.Token) {
		s.limiter.fail(addrKey, now)
		s.log.Warn("wrong setup token", "client", clientAddr(r))
		s.fail(w, r, http.StatusUnauthorized, codeSetupToken)
		return
	}

	if err := s.accounts.create(req.User, req.Password, Installer, "setup", now); err != nil {
		s.accountError(w, r, err, req.User, "")
		return
	}
	s.setupToken = ""
	if err := removeFile(s.tokenPath); err != nil {
		s.log.Error("setup token not removed", "file", s.tokenPath, "err", err)
	}
	s.opts.Event(record.Event{Kind: record.AccountCreated, Time: now, Source: record.SourceLocalUI, Operator: req.User,
		State: string(Installer), Text: "first installer account " + req.User + " created with the setup token"})
	acc, _ := s.accounts.get(req.User)
	s.startSession(w, r, acc, req.CLI)
}

// accountError writes the reply to a failed account change.
func (s *Server) accountError(w http.ResponseWriter, r *http.Request, err error, name, role string) {
	switch {
	case errors.Is(err, ErrWeakPassword):
		s.fail(w, r, http.StatusBadRequest, codeWeakPassword, MinPasswordLen)
	case errors.Is(err, ErrAccountName):
		s.fail(w, r, http.StatusBadRequest, codeAccountName, name)
	case errors.Is(err, ErrAccountExists):
		s.fail(w, r, http.StatusConflict, codeAccountExists, name)
	case errors.Is(err, ErrRole):
		s.fail(w, r, http.StatusBadRequest, codeRole, role)
	case errors.Is(err, ErrNoAccount):
		s.fail(w, r, http.StatusNotFound, codeNoAccount, name)
	case errors.Is(err, ErrLastInstaller):
		s.fail(w, r, http.StatusConflict, codeLastInstaller)
	default:
		s.log.Error("account change failed", "account", name, "err", err)
		s.fail(w, r, http.StatusInternalServerError, codeInternal)
	}
}
