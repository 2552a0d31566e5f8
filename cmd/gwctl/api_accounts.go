package main

import (
	"context"
	"net/url"
	"time"

	"github.com/plantgw/plantgw/web"
)

var accountsAddUsage = []string{
	"Usage: gwctl accounts add --name NAME --role viewer|operator|installer [--gateway ADDRESS] [--password-stdin]",
	"Creates an account of the local page and API. Needs an installer login.",
	"  --name NAME        the new account's name: 1 to 32 letters, digits, _ . -",
	"  --role ROLE        viewer: reads status, bypasses, history and events; operator: also acknowledges, silences,",
	"                     resets and sets bypasses; installer: also adds and removes accounts",
	gatewayFlagUsage,
	newPasswordStdinUsage,
	newPasswordUsage,
}

var accountsListUsage = []string{
	"Usage: gwctl accounts list [--gateway ADDRESS]",
	"Lists the accounts with their roles. Needs an installer login.",
	gatewayFlagUsage,
}

var accountsRemoveUsage = []string{
	"Usage: gwctl accounts remove --name NAME [--gateway ADDRESS]",
	"Removes an account and ends its sessions. The last installer account cannot be removed. Needs an installer login.",
	"  --name NAME        the account to remove",
	gatewayFlagUsage,
}

func runAccountsAdd(ctx context.Context, e *env, args []string) int {
	cl := newAPICommandLine("accounts add")
	name := cl.String("name", "", "")
	role := cl.String("role", "", "")
	fromStdin := cl.Bool("password-stdin", false, "")
	c, err := cl.client(e, args, func() error {
		if *name == "" || *role == "" {
			return usageError("give --name and --role (viewer, operator or installer), such as gwctl accounts add --name liu --role operator")
		}
		if _, err := web.ParseRole(*role); err != nil {
			return usageError("unknown role %q: use viewer, operator or installer", *role)
		}
		return nil
	})
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
	c, err := newAPICommandLine("accounts list").client(e, args, nil)
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
	cl := newAPICommandLine("accounts remove")
	name := cl.String("name", "", "")
	c, err := cl.client(e, args, func() error {
		if *name == "" {
			return usageError("give the account with --name, such as gwctl accounts remove --name liu")
		}
		return nil
	})
	if err != nil {
		return e.fail(err)
	}
	if err := c.call(ctx, "DELETE", "/api/accounts/"+url.PathEscape(*name), nil, nil); err != nil {
		return e.fail(err)
	}
	e.printf("account %s removed", *name)
	return exitOK
}
