package main

import (
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"strconv"
	"time"

	"github.com/plantgw/plantgw/config"
	"github.com/plantgw/plantgw/drivers/modbus"
)

// lineFlags are the flags that choose the line: an RS-485 port and its
// settings, or a Modbus TCP server.
type lineFlags struct {
	fs                                         *flag.FlagSet
	port, tcp, baud, parity, stopBits, timeout *string
}

func addLineFlags(fs *flag.FlagSet, defaultTimeout string) lineFlags {
	return lineFlags{
		fs:       fs,
		port:     fs.String("port", "", ""),
		tcp:      fs.String("tcp", "", ""),
		baud:     fs.String("baud", strconv.Itoa(config.DefaultBaud), ""),
		parity:   fs.String("parity", "N", ""),
		stopBits: fs.String("stop-bits", strconv.Itoa(config.DefaultStopBits), ""),
		timeout:  fs.String("timeout", defaultTimeout, ""),
	}
}

// parity is a serial line's parity as config names it: none, even or odd.
type parity string

// serialSetting is one speed and parity of a serial line.
type serialSetting struct {
	baud   int
	parity parity
}

// format returns the setting as installers write it, such as "9600 8N1".
func (s serialSetting) format(stopBits int) string {
	return fmt.Sprintf("%d 8%c%d", s.baud, s.parity[0]-'a'+'A', stopBits)
}

// line is the parsed choice of line.
type line struct {
	// port is the serial device of an RTU line; tcp is the host:port of a
	// Modbus TCP server. Exactly one is set.
	port, tcp string
	// settings has one entry for read and write, and one per baud rate
	// and parity for scan. It is empty for TCP.
	settings []serialSetting
	stopBits int
	timeout  time.Duration
}

// Bounds of --timeout, the same as a bus's timeout in the config.
const (
	minTimeout = 10 * time.Millisecond
	maxTimeout = 10 * time.Second
)

// parse checks the line flags. With lists, --baud and --parity may list
// several values, and settings holds every combination.
func (lf lineFlags) parse(lists bool) (line, error) {
	timeout, err := parseDuration("--timeout", *lf.timeout, minTimeout, maxTimeout)
	if err != nil {
		return line{}, err
	}

	switch {
	case *lf.port == "" && *lf.tcp == "":
		return line{}, usageError("give the line: --port PATH for an RS-485 port, such as --port /dev/ttyUSB0, or --tcp HOST:PORT for Modbus TCP")
	case *lf.port != "" && *lf.tcp != "":
		return line{}, usageError("give only one of --port and --tcp")
	case *lf.tcp != "":
		for _, name := range []string{"baud", "parity", "stop-bits"} {
			if isSet(lf.fs, name) {
				return line{}, usageError("--%s applies only to a serial line (--port); remove it", name)
			}
		}
		return line{tcp: *lf.tcp, timeout: timeout}, checkTCPAddress(*lf.tcp)
	}

	l, err := lf.parseSerial(lists)
	l.timeout = timeout
	return l, err
}

// parseSerial checks the flags of a serial line.
func (lf lineFlags) parseSerial(lists bool) (line, error) {
	l := line{port: *lf.port}
	var err error
	if l.stopBits, err = parseInt("--stop-bits", *lf.stopBits, 1, 2); err != nil {
		return line{}, err
	}
	bauds, err := parseBauds(*lf.baud)
	if err != nil {
		return line{}, err
	}
	parities, err := parseParities(*lf.parity)
	if err != nil {
		return line{}, err
	}

	if !lists && len(bauds) > 1 {
		return line{}, usageError("--baud takes one value here, not the list %q; only scan tries several", *lf.baud)
	}
	if !lists && len(parities) > 1 {
		return line{}, usageError("--parity takes one value here, not the list %q; only scan tries several", *lf.parity)
	}
	for _, b := range bauds {
		for _, p := range parities {
			l.settings = append(l.settings, serialSetting{baud: b, parity: p})
		}
	}
	return l, nil
}

func checkTCPAddress(addr string) error {
	host, port, err := net.SplitHostPort(addr)
	if err == nil && host != "" {
		if n, err := strconv.ParseUint(port, 10, 16); err == nil && n > 0 {
			return nil
		}
	}
	return usageError("%s: %q is not a valid address; write HOST:PORT, such as 192.0.2.10:502", "--tcp", addr)
}

// unitRange returns the unit ids that may be asked on the line: 1 to 247
// on RTU, where 0 is broadcast and gets no reply, and 0 to 255 on TCP,
// where some servers respond to 0 or 255.
func (l line) unitRange() (lo, hi int) {
	if l.tcp != "" {
		return 0, 255
	}
	return 1, 247
}

// checkUnit parses --unit for this line.
func (l line) checkUnit(value string) (uint8, error) {
	lo, hi := l.unitRange()
	n, err := parseInt("--unit", value, lo, hi)
	return uint8(n), err
}

// where returns the port or the TCP address, which names the line in
// messages.
func (l line) where() string {
	if l.tcp != "" {
		return l.tcp
	}
	return l.port
}

// dial prepares a connection over the gateway's own Modbus master. On a
// serial line the timeout is --timeout plus the time the longest reply,
// of replyBytes, takes on the wire, so a slow line does not turn a long
// reply into a timeout.
func (l line) dial(s serialSetting, replyBytes int) (modbus.Conn, error) {
	bus := config.Bus{Name: "gwctl", Timeout: config.Duration(l.timeout)}
	if l.tcp != "" {
		bus.TCP = &config.TCP{Address: l.tcp}
	} else {
		bus.RTU = &config.RTU{Port: l.port, Baud: s.baud, Parity: string(s.parity), DataBits: config.DefaultDataBits,
			StopBits: l.stopBits, RS485: config.RS485{Mode: "auto", RTSOnSend: "high"}}
		timing := modbus.NewRTULine(*bus.RTU, s.baud, 0)
		bus.Timeout += config.Duration(time.Duration(int64(replyBytes*timing.CharBits) * int64(time.Second) / int64(s.baud)))
	}
	// The only log line of a connection is the notice that the UART has
	// no RS-485 mode, which USB adapters never have and do not need.
	conn, err := modbus.Dial(bus, nil, slog.New(slog.DiscardHandler))
	if err != nil {
		return nil, fmt.Errorf("dial %s: %w", l.where(), err)
	}
	return conn, nil
}

// claim makes sure that no gatewayd and no other gwctl uses the serial
// port, and locks it for this run until the returned closer is closed.
// A TCP line needs no claim: a Modbus TCP server takes several clients.
func (l line) claim() (io.Closer, error) {
	if l.tcp != "" {
		return noLock{}, nil
	}
	if pids := gatewaydHolding(l.port); len(pids) > 0 {
		return nil, failure(errPortBusy, "serial port %s is in use by gatewayd (PID %s), and only one program may use an RS-485 line at a time. Stop gatewayd to use this command, or see the values that gatewayd reads with gwctl status", l.port, strconv.Itoa(pids[0]))
	}
	return lockPort(l.port)
}

// noLock is the claim of a line that needs no lock.
type noLock struct{}

func (noLock) Close() error { return nil }
