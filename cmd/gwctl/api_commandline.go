package main

import "flag"

// apiCommandLine is the command line of a command that goes through the
// gateway's local API: the flags that the command adds, and --gateway.
type apiCommandLine struct {
	*flag.FlagSet
	gateway *string
}

// newAPICommandLine returns the command line of the command name, with
// --gateway added.
func newAPICommandLine(name string) apiCommandLine {
	fs := newFlagSet(name)
	return apiCommandLine{FlagSet: fs, gateway: addGatewayFlag(fs)}
}

// client parses args, runs check on the parsed flags unless it is nil,
// and returns a client for the gateway with its saved session. Positional
// arguments are ignored. A usage error comes before any error of the
// login file, because the flags are checked before the file is read.
func (cl apiCommandLine) client(e *env, args []string, check func() error) (*apiClient, error) {
	if _, err := parseCommandLine(cl.FlagSet, args); err != nil {
		return nil, err
	}
	if check != nil {
		if err := check(); err != nil {
			return nil, err
		}
	}
	return newAPIClient(e, *cl.gateway)
}
