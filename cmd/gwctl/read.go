package main

import (
	"context"
	"time"

	"github.com/plantgw/plantgw/drivers/modbus"
)

var readUsage = []string{
	"Usage: gwctl read (--port PATH | --tcp HOST:PORT | --bus NAME) --unit N ADDRESS [flags]",
	"Reads coils or registers of one unit and decodes them with the gateway's own decoder, as a config point with the same type and byte order.",
	"Prints the reference address, the wire address, the raw value in hexadecimal and the decoded value of each.",
	"  --port PATH        serial port of the RS-485 line, such as /dev/ttyUSB0",
	"  --tcp HOST:PORT    Modbus TCP server or TCP-to-RTU gateway, such as 192.0.2.10:502",
	"  --baud N           baud rate (default 9600)",
	"  --parity P         parity: N (none), E (even) or O (odd) (default N)",
	"  --stop-bits N      stop bits, 1 or 2 (default 1)",
	"  --unit N           unit id (slave address), 1-247 (default 1; 0-255 on TCP)",
	"  ADDRESS is one of:",
	"  --address REF      a reference as device manuals print it, such as 40001 or 400001; its first digit names the table",
	"  --wire N           the 0-based protocol address, with --table",
	"  --number N         the 1-based register number, with --table: number 1 is wire 0",
	"  --table T          coil, discrete, input or holding",
	"  --count N          number of values to read (default 1)",
	"  --type T           bool, int16, uint16 (default for registers), int32, uint32, float32, int64, uint64, float64, bcd16, bcd32 or string",
	"  --order O          byte order: ABCD (default), CDAB, BADC or DCBA; AB (default) or BA for a string",
	"  --bit N            with --type bool on a register: the bit to read, 0-15",
	"  --length N         with --type string: registers per string, 1-64",
	"  --scale F, --offset F  engineering value = raw value × scale + offset (default 1 and 0)",
	"  --timeout D        time to wait for the reply (default 500ms); an RTU line adds the reply's time on the wire",
	"  --poll D           read again every D, such as 1s, until Ctrl-C",
	"  --gateway ADDRESS  send the request through the local API of the gateway at this address, such as 192.168.100.1:8080; gwctl does so by itself when gatewayd has --port open",
	"  --bus NAME         the bus of the gateway's config to use, instead of --port or --tcp; implies the local API",
	"Through the local API the gateway's bus runs the request between its polls, with the bus's own baud rate, parity and timeout,",
	"and needs an installer login (gwctl login). --baud, --parity, --stop-bits and --timeout then do not apply.",
}

// readOptions is the parsed read command line.
type readOptions struct {
	requestTarget
	// poll is the period of repeated reads, or 0 to read once.
	poll time.Duration
}

func parseReadFlags(args []string) (readOptions, error) {
	fs := newFlagSet("read")
	rf := addRequestFlags(fs)
	vf := addValueFlags(fs)
	count := fs.String("count", "1", "")
	poll := fs.String("poll", "", "")

	var o readOptions
	var err error
	if o.requestTarget, err = rf.parse(args); err != nil {
		return readOptions{}, err
	}
	if o.req.value, err = vf.parse(o.req.loc.table); err != nil {
		return readOptions{}, err
	}

	if o.req.count, err = parseInt("--count", *count, 1, maxReadBits); err != nil {
		return readOptions{}, err
	}
	if err := o.req.checkSpan(); err != nil {
		return readOptions{}, err
	}

	if *poll != "" {
		if o.poll, err = parseDuration("--poll", *poll, 50*time.Millisecond, time.Hour); err != nil {
			return readOptions{}, err
		}
	}
	return o, nil
}

func runRead(ctx context.Context, e *env, args []string) int {
	o, err := parseReadFlags(args)
	if err != nil {
		return e.fail(err)
	}
	conn, release, err := o.connect(ctx, e)
	if err != nil {
		return e.fail(err)
	}
	defer release()

	code := readAndPrint(ctx, e, conn, o)
	if o.poll == 0 {
		return code
	}
	ticker := time.NewTicker(o.poll)
	defer ticker.Stop()
	for {
		select {
		case <-ctx.Done():
			return code
		case <-ticker.C:
		}
		code = readAndPrint(ctx, e, conn, o)
	}
}

// readAndPrint reads once and prints the table, or the error.
func readAndPrint(ctx context.Context, e *env, conn modbus.Conn, o readOptions) int {
	at := time.Now()
	f, err := fetch(ctx, conn, o.req, e)
	if ctx.Err() != nil {
		if o.poll == 0 {
			e.printf("stopped by Ctrl-C before the reply arrived")
		}
		return exitFailure
	}
	if err != nil {
		return e.fail(commError(err, o.line, o.req.unit))
	}
	printTable(e, o.req, f, at, o.poll > 0)
	return exitOK
}
