package main

import (
	"bufio"
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"

	"golang.org/x/term"

	"github.com/plantgw/plantgw/config"
)

// stdin is the reader of --password-stdin; tests replace it.
var stdin io.Reader = os.Stdin

var loginUsage = []string{
	"Usage: gwctl login --user NAME [--gateway ADDRESS] [--password-stdin]",
	"Logs in to the gateway's local API and keeps the session for the other commands until it expires.",
	"  --gateway ADDRESS  the local page, such as 192.168.100.1:8080 (default PLANTGW_GATEWAY, else 127.0.0.1:8080)",
	"  --password-stdin   read the password from standard input instead of asking for it",
}

var setupUsage = []string{
	"Usage: gwctl setup --token TOKEN --user NAME [--gateway ADDRESS] [--password-stdin]",
	"Creates the first installer account with the one-time setup token and logs in.",
	"The token is in the gateway's log, or shown by gwctl setup-token on the gateway.",
}

var setupTokenUsage = []string{
	"Usage: gwctl setup-token FILE",
	"Prints the one-time setup token from the state directory (web.state_dir) of the config file. Run it on the gateway.",
}

type loginReply struct {
	User  string `json:"user"`
	Role  string `json:"role"`
	Token string `json:"token"`
}

func runLogin(ctx context.Context, e *env, args []string) int {
	return login(ctx, e, args, false)
}

func runSetup(ctx context.Context, e *env, args []string) int {
	return login(ctx, e, args, true)
}

func login(ctx context.Context, e *env, args []string, setup bool) int {
	fs := newFlagSet("login")
	gateway := addGatewayFlag(fs)
	user := fs.String("user", "", "")
	fromStdin := fs.Bool("password-stdin", false, "")
	tok := fs.String("token", "", "")
	if _, err := parseCommandLine(fs, args); err != nil {
		return e.fail(err)
	}
	if *user == "" {
		return e.fail(usageError("give the account name with --user NAME"))
	}
	if setup && *tok == "" {
		return e.fail(usageError("give the setup token with --token TOKEN; gwctl setup-token shows it on the gateway"))
	}

	c, err := newAPIClient(e, *gateway)
	if err != nil {
		return e.fail(err)
	}
	password, err := readPassword(e, *fromStdin, setup)
	if err != nil {
		return e.fail(err)
	}
	body := map[string]any{"user": *user, "password": password, "cli": true}
	path := "/api/login"
	if setup {
		body["token"], path = *tok, "/api/setup"
	}

	var reply loginReply
	if err := c.call(ctx, "POST", path, body, &reply); err != nil {
		return e.fail(err)
	}
	if err := c.saveSession(reply.Token); err != nil {
		return e.fail(err)
	}
	e.printf("logged in to %s as %s (%s)", c.base, reply.User, roleName(e, reply.Role))
	return exitOK
}

// readPassword reads the password from standard input or, on a terminal,
// prompts for it without echo. A new password is read twice.
func readPassword(e *env, fromStdin, twice bool) (string, error) {
	if fromStdin || !isTerminalReader(stdin) {
		line, err := bufio.NewReader(stdin).ReadString('\n')
		if err != nil && line == "" {
			return "", usageError("no password on standard input")
		}
		return strings.TrimRight(line, "\r\n"), nil
	}
	fd := int(stdin.(*os.File).Fd())
	ask := func(prompt string) (string, error) {
		io.WriteString(e.stderr, e.pr.Sprintf(prompt))
		b, err := term.ReadPassword(fd)
		io.WriteString(e.stderr, "\n")
		if err != nil {
			return "", failure(err, "reading the password failed: %v", err)
		}
		return string(b), nil
	}
	pw, err := ask("Password: ")
	if err != nil || !twice {
		return pw, err
	}
	again, err := ask("Password again: ")
	if err != nil {
		return "", err
	}
	if again != pw {
		return "", usageError("the two passwords differ")
	}
	return pw, nil
}

func isTerminalReader(r io.Reader) bool {
	f, ok := r.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

func runLogout(ctx context.Context, e *env, args []string) int {
	fs := newFlagSet("logout")
	gateway := addGatewayFlag(fs)
	if _, err := parseCommandLine(fs, args); err != nil {
		return e.fail(err)
	}
	c, err := newAPIClient(e, *gateway)
	if err != nil {
		return e.fail(err)
	}
	if c.token != "" {
		// The session ends on the gateway too; a gateway that cannot be
		// reached lets it expire.
		_ = c.call(ctx, "POST", "/api/logout", nil, nil)
	}
	if err := c.saveSession(""); err != nil {
		return e.fail(err)
	}
	e.printf("logged out of %s", c.base)
	return exitOK
}

func runSetupToken(_ context.Context, e *env, args []string) int {
	path, err := configFileArg("setup-token", args)
	if err != nil {
		return e.fail(err)
	}
	cfg, code, ok := loadConfig(e, path)
	if !ok {
		return code
	}
	file := filepath.Join(cfg.Web.StateDir, "setup-token")
	data, err := os.ReadFile(file)
	if os.IsNotExist(err) {
		if _, aerr := os.Stat(filepath.Join(cfg.Web.StateDir, "accounts.json")); aerr == nil {
			return e.fail(failure(err, "setup is done: accounts exist in %s; log in with gwctl login", cfg.Web.StateDir))
		}
		return e.fail(failure(err, "no setup token in %s yet: start gatewayd once with this config", cfg.Web.StateDir))
	}
	if err != nil {
		return e.fail(failure(err, "cannot read %s: %v; run gwctl as root on the gateway", file, err))
	}
	e.printf("setup token: %s", strings.TrimSpace(string(data)))
	if cfg.Web.Listen != config.WebOff {
		e.printf("open http://%s/ or run: gwctl setup --gateway %s --token TOKEN --user NAME", cfg.Web.Listen, cfg.Web.Listen)
	}
	return exitOK
}

// roleName names a role in the user's language.
func roleName(e *env, role string) string {
	switch role {
	case "viewer":
		return e.pr.Sprintf("viewer")
	case "operator":
		return e.pr.Sprintf("operator")
	case "installer":
		return e.pr.Sprintf("installer")
	}
	return role
}
