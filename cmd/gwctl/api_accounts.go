package main

import (
	"context"
	"net/url"
	"time"

	"github.com/plantgw/plantgw/web"
)

var accountsAddUsage = []string{
	"Usage: gwctl accounts add --name NAME --role viewer|operator|installer [--gateway ADDRESS] [--password-stdin]",
	"Creates an account of the local page and API; asks for its password twice. Needs an installer login.",
}

var accountsListUsage = []string{
	"Usage: gwctl accounts list [--gateway ADDRESS]",
	"Lists the accounts with their roles. Needs an installer login.",
}

var accountsRemoveUsage = []string{
	"Usage: gwctl accounts remove --name NAME [--gateway ADDRESS]",
	"Removes an account and ends its sessions. The last installer account cannot be removed.",
}

func runAccountsAdd(ctx context.Context, e *env, args []string) int {
	fs := newFlagSet("accounts add")
	gateway := addGatewayFlag(fs)
	name := fs.String("name", "", "")
	role := fs.String("role", "", "")
	fromStdin := fs.Bool("password-stdin", false, "")
	if _, err := parseCommandLine(fs, args); err != nil {
		return e.fail(err)
	}
	if *name == "" || *role == "" {
		return e.fail(usageError("give --name and --role (viewer, operator or installer)"))
	}
	c, err := newAPIClient(e, *gateway)
	if err != nil {
		return e.fail(err)
	}
	password, err := readPassword(e, *fromStdin, true)
	if err != nil {
		return e.fail(err)
	}
	if err := c.call(ctx, "POST", "/api/accounts", map[string]string{"name": *name, "password": password, "role": *role}, nil); err != nil {
		return e.fail(err)
	}
	e.printf("account %s (%s) created", *name, roleName(e, *role))
	return exitOK
}

func runAccountsList(ctx context.Context, e *env, args []string) int {
	fs := newFlagSet("accounts list")
	gateway := addGatewayFlag(fs)
	if _, err := parseCommandLine(fs, args); err != nil {
		return e.fail(err)
	}
	c, err := newAPIClient(e, *gateway)
	if err != nil {
		return e.fail(err)
	}
	var list []web.Account
	if err := c.call(ctx, "GET", "/api/accounts", nil, &list); err != nil {
		return e.fail(err)
	}
	for _, a := range list {
		e.printf("%s (%s), created %s by %s", a.Name, roleName(e, string(a.Role)), a.Created.Local().Format(time.DateOnly), a.CreatedBy)
	}
	return exitOK
}

func runAccountsRemove(ctx context.Context, e *env, args []string) int {
	fs := newFlagSet("accounts remove")
	gateway := addGatewayFlag(fs)
	name := fs.String("name", "", "")
	if _, err := parseCommandLine(fs, args); err != nil {
		return e.fail(err)
	}
	if *name == "" {
		return e.fail(usageError("give the account with --name NAME"))
	}
	c, err := newAPIClient(e, *gateway)
	if err != nil {
		return e.fail(err)
	}
	if err := c.call(ctx, "DELETE", "/api/accounts/"+url.PathEscape(*name), nil, nil); err != nil {
		return e.fail(err)
	}
	e.printf("account %s removed", *name)
	return exitOK
}
