package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// defaultGateway is the local page's address when the config names none.
const defaultGateway = "http://127.0.0.1:8080"

// apiClient talks to gatewayd's local API with the session saved by
// gwctl login.
type apiClient struct {
	e     *env
	base  string
	token string
	http  *http.Client
}

// gatewayFlagUsage is the help line of --gateway.
const gatewayFlagUsage = "  --gateway ADDRESS  the local page, such as 192.168.100.1:8080 (default PLANTGW_GATEWAY, else 127.0.0.1:8080)"

// addGatewayFlag adds --gateway to fs.
func addGatewayFlag(fs *flag.FlagSet) *string {
	return fs.String("gateway", "", "")
}

// newAPIClient returns a client for the gateway that --gateway, then
// PLANTGW_GATEWAY, then the default names, with its saved session.
func newAPIClient(e *env, gateway string) (*apiClient, error) {
	if gateway == "" {
		gateway = os.Getenv("PLANTGW_GATEWAY")
	}
	if gateway == "" {
		gateway = defaultGateway
	}
	if !strings.Contains(gateway, "://") {
		gateway = "http://" + gateway
	}
	c := &apiClient{e: e, base: strings.TrimRight(gateway, "/"), http: &http.Client{Timeout: 15 * time.Second}}
	sessions, err := loadSessions()
	if err != nil {
		return nil, err
	}
	c.token = sessions[c.base]
	return c, nil
}

// apiError is the API's error reply; its message is already in the
// language gwctl asked for.
type apiError struct {
	Status  int    `json:"-"`
	Code    string `json:"error"`
	Message string `json:"message"`
	// Modbus is the detail of a modbus_failed error (api_modbus.go).
	Modbus *modbusFailure `json:"modbus,omitempty"`
}

func (a *apiError) Error() string { return a.Message }

// call sends a request and decodes the JSON reply into out, if any.
func (c *apiClient) call(ctx context.Context, method, path string, body, out any) error {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return err
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.base+path, rd)
	if err != nil {
		return usageError("invalid gateway address %q: %v", c.base, err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept-Language", c.e.lang)
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return failure(err, "cannot reach the gateway's local API at %s: %v; is gatewayd running, and is web.listen this address?", c.base, err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, 8<<20))
	if err != nil {
		return failure(err, "reading the reply of %s failed: %v", c.base, err)
	}
	if resp.StatusCode >= 300 {
		return replyError(path, resp.StatusCode, raw)
	}
	if out != nil && len(raw) > 0 {
		if err := json.Unmarshal(raw, out); err != nil {
			return failure(err, "the gateway's reply to %s is not valid JSON: %v", path, err)
		}
	}
	return nil
}

// replyError returns the error of an API reply with status 300 or more
// and body raw to a request for path.
func replyError(path string, status int, raw []byte) error {
	ae := &apiError{Status: status}
	if json.Unmarshal(raw, ae) != nil || ae.Message == "" {
		return failure(nil, "the gateway answered %s with HTTP %d", path, status)
	}
	if status == http.StatusUnauthorized && ae.Code == "unauthorized" {
		return failure(ae, "%s; run gwctl login --user NAME", ae.Message)
	}
	if status == http.StatusForbidden && ae.Code == "forbidden" {
		// The message names the account, its role and the role needed.
		return failure(ae, "%s; log in with such an account: gwctl login --user NAME", ae.Message)
	}
	// The gateway wrote the message in the language gwctl asked for.
	return &userError{code: exitFailure, format: "%s", args: []any{ae.Message}, cause: ae}
}

// sessionFile holds the session tokens of gwctl login, per gateway. It is
// PLANTGW_SESSION_FILE or plantgw/sessions.json in the user's config
// directory, mode 0600.
func sessionFile() (string, error) {
	if p := os.Getenv("PLANTGW_SESSION_FILE"); p != "" {
		return p, nil
	}
	dir, err := os.UserConfigDir()
	if err != nil {
		return "", failure(err, "no place to keep the login: %v; set PLANTGW_SESSION_FILE", err)
	}
	return filepath.Join(dir, "plantgw", "sessions.json"), nil
}

func loadSessions() (map[string]string, error) {
	path, err := sessionFile()
	if err != nil {
		return nil, err
	}
	data, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return map[string]string{}, nil
	}
	if err != nil {
		return nil, failure(err, "cannot read the login file %s: %v", path, err)
	}
	m := map[string]string{}
	if err := json.Unmarshal(data, &m); err != nil {
		return nil, failure(err, "login file %s is damaged: %v; delete it and run gwctl login again", path, err)
	}
	return m, nil
}

// saveSession stores token for the client's gateway. An empty token
// deletes the stored one.
func (c *apiClient) saveSession(token string) error {
	path, err := sessionFile()
	if err != nil {
		return err
	}
	m, err := loadSessions()
	if err != nil {
		return err
	}
	if token == "" {
		delete(m, c.base)
	} else {
		m[c.base] = token
	}
	data, _ := json.MarshalIndent(m, "", "  ")
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return failure(err, "cannot save the login in %s: %v", path, err)
	}
	if err := os.WriteFile(path+".tmp", data, 0o600); err != nil {
		return failure(err, "cannot save the login in %s: %v", path, err)
	}
	if err := os.Rename(path+".tmp", path); err != nil {
		return failure(err, "cannot save the login in %s: %v", path, err)
	}
	c.token = token
	return nil
}

// describe formats a duration for people: 1h30m, 45s.
func describe(d time.Duration) string {
	d = d.Round(time.Second)
	s := d.String()
	s = strings.TrimSuffix(s, "0s")
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	if s == "" {
		return "0s"
	}
	return s
}
