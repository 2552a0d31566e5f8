package main

import (
	"context"
	"flag"

	"github.com/plantgw/plantgw/config"
	"github.com/plantgw/plantgw/drivers/modbus"
)

// requestFlags are the flags that read and write share: the line or the
// gateway's bus, the unit and the address.
type requestFlags struct {
	fs      *flag.FlagSet
	line    lineFlags
	route   routeFlags
	address addressFlags
	unit    *string
}

func addRequestFlags(fs *flag.FlagSet) requestFlags {
	return requestFlags{
		fs:      fs,
		line:    addLineFlags(fs, config.DefaultBusTimeout.D().String()),
		route:   addRouteFlags(fs),
		address: addAddressFlags(fs),
		unit:    fs.String("unit", "1", ""),
	}
}

// requestTarget is the destination of a read or write: the line or the
// gateway's bus, and a request with its unit and address set.
type requestTarget struct {
	line  line
	route gatewayRoute
	req   readRequest
}

// parse parses the command line args into a requestTarget. Read and
// write take no positional arguments.
func (rf requestFlags) parse(args []string) (requestTarget, error) {
	positional, err := parseCommandLine(rf.fs, args)
	if err != nil {
		return requestTarget{}, err
	}
	if len(positional) > 0 {
		return requestTarget{}, usageError("unexpected arguments: %v", positional)
	}

	var t requestTarget
	if t.line, t.route, err = rf.route.parse(rf.line); err != nil {
		return requestTarget{}, err
	}
	if t.req.unit, err = t.route.checkUnit(t.line, *rf.unit); err != nil {
		return requestTarget{}, err
	}
	if t.req.loc, err = rf.address.parse(); err != nil {
		return requestTarget{}, err
	}
	return t, nil
}

// connect opens the line of the request, or its way through the
// gateway's local API (see gatewayRoute.connect). The returned function
// closes what connect opened.
func (t *requestTarget) connect(ctx context.Context, e *env) (modbus.Conn, func(), error) {
	return t.route.connect(ctx, e, &t.line, t.req.replyBytes())
}
