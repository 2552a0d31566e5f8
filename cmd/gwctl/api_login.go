package main

import (
	"bufio"
	"context"
	"io"
	"os"
	"strings"

	"golang.org/x/term"
)

// stdin is the reader of --password-stdin; tests replace it.
var stdin io.Reader = os.Stdin

var loginUsage = []string{
	"Usage: gwctl login --user NAME [--gateway ADDRESS] [--password-stdin]",
	"Logs in to the gateway's local API and keeps the session for the other commands until it expires.",
	"  --user NAME        the account to log in as",
	gatewayFlagUsage,
	"  --password-stdin   read the password from the first line of standard input instead of asking on the terminal",
}

var setupUsage = []string{
	"Usage: gwctl setup --token TOKEN --user NAME [--gateway ADDRESS] [--password-stdin]",
	"Creates the first installer account with the one-time setup token and logs in.",
	"The token is in the gateway's log, or shown by gwctl setup-token on the gateway.",
	"  --token TOKEN      the setup token; case and dashes do not matter",
	"  --user NAME        the new installer account's name: 1 to 32 letters, digits, _ . -",
	gatewayFlagUsage,
	newPasswordStdinUsage,
	newPasswordUsage,
}

var logoutUsage = []string{
	"Usage: gwctl logout [--gateway ADDRESS]",
	"Ends the session on the gateway and removes it from this computer's login file.",
	gatewayFlagUsage,
}

// The help lines of a new password, for setup and accounts add.
const (
	newPasswordStdinUsage = "  --password-stdin   read the new password from standard input's first line, once, with no second entry to compare"
	newPasswordUsage      = "Without --password-stdin gwctl asks for the new password twice on the terminal. It needs at least 10 characters, not the account name."
)

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
	cl := newAPICommandLine("login")
	user := cl.String("user", "", "")
	fromStdin := cl.Bool("password-stdin", false, "")
	tok := cl.String("token", "", "")
	c, err := cl.client(e, args, func() error {
		if *user == "" {
			return usageError("give the account name with --user NAME")
		}
		if setup && *tok == "" {
			return usageError("give the setup token with --token TOKEN; gwctl setup-token shows it on the gateway")
		}
		return nil
	})
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
	c, err := newAPICommandLine("logout").client(e, args, nil)
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
