package gateway

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/plantgw/plantgw/board"
	"github.com/plantgw/plantgw/config"
	"github.com/plantgw/plantgw/internal/testenv"
)

// apiUser is a gwctl-style client of the gateway's local API.
type apiUser struct {
	t     *testing.T
	base  string
	token string
}

// call sends a request with body as JSON, decodes a JSON reply into out
// unless out is nil, and returns the HTTP status.
func (u *apiUser) call(method, path string, body any, out any) int {
	u.t.Helper()
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			u.t.Fatalf("%s %s: encode the body: %v", method, path, err)
		}
		rd = bytes.NewReader(b)
	}

	req, err := http.NewRequest(method, u.base+path, rd)
	if err != nil {
		u.t.Fatalf("%s %s: %v", method, path, err)
	}
	if u.token != "" {
		req.Header.Set("Authorization", "Bearer "+u.token)
	}

	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		u.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()

	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		u.t.Fatalf("%s %s: read the reply: %v", method, path, err)
	}
	if out != nil {
		if err := json.Unmarshal(raw, out); err != nil {
			u.t.Fatalf("%s %s: status %d, reply %q is not the expected JSON: %v", method, path, resp.StatusCode, raw, err)
		}
	}
	return resp.StatusCode
}

func (u *apiUser) must(want int, method, path string, body any, out any) {
	u.t.Helper()
	if got := u.call(method, path, body, out); got != want {
		u.t.Fatalf("%s %s: status %d, want %d", method, path, got, want)
	}
}

// apiGateway is a gateway that runs with its local API on loopback, on a
// simulated board with the outputs horn, beacon and esd-1.
type apiGateway struct {
	t      *testing.T
	board  *board.Sim
	bufDir string
	// installer is the account zhang, created with the setup token.
	installer *apiUser
	// stop ends the gateway and waits for Run to return. It may be called
	// more than once, and the test's cleanup calls it too.
	stop func()
}

// startAPIGateway runs the gateway of the config text cfgYAML, whose
// buffer is bufDir and whose local API listens on 127.0.0.1:webPort. It
// creates the installer zhang with the setup token, and returns once the
// first scan has released esd-1.
func startAPIGateway(t *testing.T, cfgYAML []byte, bufDir string, webPort int) *apiGateway {
	t.Helper()
	cfg, err := config.Parse("test.yaml", cfgYAML, nil)
	if err != nil {
		t.Fatal(err)
	}
	b := board.NewSim([]string{"horn", "beacon", "esd-1"}, "", quietLog())
	g := &apiGateway{t: t, board: b, bufDir: bufDir, stop: runGateway(t, cfg, b)}

	base := fmt.Sprintf("http://127.0.0.1:%d", webPort)
	testenv.WaitFor(t, 5*time.Second, "local API up", func() bool {
		resp, err := http.Get(base + "/api/setup")
		if err == nil {
			resp.Body.Close()
		}
		return err == nil
	})
	// The web state directory defaults to the buffer path with -web added.
	tok, err := os.ReadFile(filepath.Join(bufDir+"-web", "setup-token"))
	if err != nil {
		t.Fatal(err)
	}
	var login struct{ Token string }
	anon := &apiUser{t: t, base: base}
	anon.must(200, "POST", "/api/setup", map[string]any{"token": strings.TrimSpace(string(tok)), "user": "zhang", "password": "Tank-farm-2026", "cli": true}, &login)
	g.installer = &apiUser{t: t, base: base, token: login.Token}
	testenv.WaitFor(t, 5*time.Second, "esd-1 released after the first scan", func() bool { return !b.State()["esd-1"] })
	return g
}

// startGasAPIGateway runs the gateway of gatewayYAML in front of the gas
// slave at slavePort, with its local API on loopback.
func startGasAPIGateway(t *testing.T, slavePort int) *apiGateway {
	t.Helper()
	bufDir := filepath.Join(t.TempDir(), "buf")
	webPort := testenv.FreePort(t)
	text := strings.Replace(fmt.Sprintf(gatewayYAML, slavePort, testenv.FreePort(t), bufDir),
		`web: {listen: "off"}`, fmt.Sprintf(`web: {listen: "127.0.0.1:%d"}`, webPort), 1)
	return startAPIGateway(t, []byte(text), bufDir, webPort)
}

// addOperator creates the operator account name through the installer and
// returns it logged in.
func (g *apiGateway) addOperator(name, password string) *apiUser {
	g.t.Helper()
	g.installer.must(201, "POST", "/api/accounts", map[string]any{"name": name, "password": password, "role": "operator"}, nil)
	var login struct{ Token string }
	anon := &apiUser{t: g.t, base: g.installer.base}
	anon.must(200, "POST", "/api/login", map[string]any{"user": name, "password": password, "cli": true}, &login)
	return &apiUser{t: g.t, base: g.installer.base, token: login.Token}
}
