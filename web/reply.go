package web

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/plantgw/plantgw/locale"
)

// code is an API error's stable name; message is its text for people,
// in the request's language.
type code string

const (
	codeUnauthorized   code = "unauthorized"
	codeForbidden      code = "forbidden"
	codeCrossOrigin    code = "cross_origin"
	codeBadRequest     code = "bad_request"
	codeLoginFailed    code = "login_failed"
	codeRateLimited    code = "rate_limited"
	codeSetupDone      code = "setup_done"
	codeSetupToken     code = "setup_token"
	codeWeakPassword   code = "weak_password"
	codeAccountExists  code = "account_exists"
	codeAccountName    code = "account_name"
	codeNoAccount      code = "no_account"
	codeLastInstaller  code = "last_installer"
	codeRole           code = "role"
	codeUnknownPoint   code = "unknown_point"
	codeBypassReason   code = "bypass_reason"
	codeBypassDuration code = "bypass_duration"
	codeInternal       code = "internal"
	codeBadHours       code = "bad_hours"
	codeBadLimit       code = "bad_limit"
	codeNoPoint        code = "no_point"
	codeStreamsFull    code = "streams_full"
	codeNotInterlocked code = "not_interlocked"
	codeNoBypass       code = "no_bypass"
)

// messages are the English formats of each code; locale translates them.
var messages = map[code]string{
	codeUnauthorized:   "log in first",
	codeForbidden:      "account %s is a %s; this needs a %s account",
	codeCrossOrigin:    "request from another site rejected",
	codeBadRequest:     "invalid request: %v",
	codeLoginFailed:    "wrong account name or password",
	codeRateLimited:    "too many failed logins; try again in %d s",
	codeSetupDone:      "setup is done; log in with an account",
	codeSetupToken:     "wrong setup token; find it in the gateway's log or with gwctl setup-token",
	codeWeakPassword:   "password too weak: use at least %d characters, not the account name",
	codeAccountExists:  "account %q exists",
	codeAccountName:    "invalid account name %q: use 1-32 letters, digits, _ . -",
	codeNoAccount:      "no account %q",
	codeLastInstaller:  "the last installer account cannot be removed",
	codeRole:           "unknown role %q: use viewer, operator or installer",
	codeUnknownPoint:   "no alarm point %q; gwctl status or the local page lists the points",
	codeNotInterlocked: "%q votes in no interlock, so a bypass would change nothing",
	codeNoBypass:       "%q is not bypassed",
	codeBypassReason:   "a bypass needs a reason",
	codeBypassDuration: "bypass duration %q: give 1s to 8h, for example 2h or 30m",
	codeInternal:       "internal error; see the gateway's log",
	codeBadHours:       "invalid hours %q: give a whole number from 1 to %d",
	codeBadLimit:       "invalid limit %q: give a whole number from 1 to %d",
	codeNoPoint:        "no point %q in the configuration",
	codeStreamsFull:    "%d pages already follow the live values; close one and reload this page",
}

type errorBody struct {
	Error   code   `json:"error"`
	Message string `json:"message"`
}

// fail writes an error in the request's language.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, status int, c code, args ...any) {
	pr := locale.Printer(s.lang(r))
	writeJSON(w, status, errorBody{Error: c, Message: pr.Sprintf(messages[c], args...)})
}

// lang picks the request's language: English when Accept-Language starts
// with en, else the site's language.
func (s *Server) lang(r *http.Request) string {
	al := strings.ToLower(strings.TrimSpace(r.Header.Get("Accept-Language")))
	switch {
	case strings.HasPrefix(al, "en"):
		return "en"
	case strings.HasPrefix(al, "zh"):
		return "zh-CN"
	}
	return s.opts.Lang
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

// maxBody bounds a request body; the API's requests are a few hundred
// bytes.
const maxBody = 8 << 10

// decode reads a JSON request body into v, refusing unknown fields.
func decode(r *http.Request, v any) error {
	dec := json.NewDecoder(io.LimitReader(r.Body, maxBody))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return fmt.Errorf("JSON body: %w", err)
	}
	return nil
}
