package main

// The commands that go through a running gatewayd's local API. They
// follow the offline commands in help.
func init() {
	commands = append(commands,
		command{path: []string{"setup-token"}, summary: "show the one-time setup token on the gateway", usage: setupTokenUsage, run: runSetupToken},
		command{path: []string{"setup"}, summary: "create the first installer account with the setup token", usage: setupUsage, run: runSetup},
		command{path: []string{"login"}, summary: "log in to the gateway's local API", usage: loginUsage, run: runLogin},
		command{path: []string{"logout"}, summary: "end the session with the gateway", usage: logoutUsage, run: runLogout},
		command{path: []string{"status"}, summary: "points, alarms, faults, bypasses, devices, backlog and platform link", usage: statusUsage, run: runStatus},
		command{path: []string{"alarms", "acknowledge"}, summary: "acknowledge the latched alarms", usage: alarmsUsage, run: runAlarmAction("acknowledge")},
		command{path: []string{"alarms", "silence"}, summary: "silence the horn", usage: alarmsUsage, run: runAlarmAction("silence")},
		command{path: []string{"alarms", "reset"}, summary: "reset latched alarms and trips whose cause is gone", usage: alarmsUsage, run: runAlarmAction("reset")},
		command{path: []string{"bypass", "set"}, summary: "bypass a point's interlock votes for a time, with a reason", usage: bypassSetUsage, run: runBypassSet},
		command{path: []string{"bypass", "end"}, summary: "end a bypass before its expiry", usage: bypassEndUsage, run: runBypassEnd},
		command{path: []string{"bypass", "list"}, summary: "list the bypassed points", usage: bypassListUsage, run: runBypassList},
		command{path: []string{"accounts", "add"}, summary: "create an account (viewer, operator, installer)", usage: accountsAddUsage, run: runAccountsAdd},
		command{path: []string{"accounts", "list"}, summary: "list the accounts", usage: accountsListUsage, run: runAccountsList},
		command{path: []string{"accounts", "remove"}, summary: "remove an account", usage: accountsRemoveUsage, run: runAccountsRemove},
	)
}
