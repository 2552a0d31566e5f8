package main

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/plantgw/plantgw/config"
	"github.com/plantgw/plantgw/drivers/modbus"
	"github.com/plantgw/plantgw/drivers/modbus/wire"
)

var writeUsage = []string{
	"Usage: gwctl write (--port PATH | --tcp HOST:PORT | --bus NAME) --unit N ADDRESS --value V [flags]",
	"Writes one coil (function 05) or one holding register (function 06), then reads it back and says whether the device kept the value.",
	"Values of two or more registers need function 16, and several coils function 15, which the gateway's Modbus master does not send yet.",
	"A write changes the plant: a coil may open or close a valve. Write only what the device's manual and the site's permit allow.",
	"  --port PATH, --tcp HOST:PORT, --baud N, --parity P, --stop-bits N, --unit N, --timeout D: as for gwctl read",
	"  ADDRESS is --address REF, or --table T with --wire N or --number N, as for gwctl read; the table is coil or holding",
	"  --value V          the value: true or false (also 1/0, on/off) for a coil; a number, or a bit pattern such as 0x00FF, for a register",
	"  --type T           for a register: uint16 (default), int16 or bcd16",
	"  --order O          for a register: ABCD (default) or BADC, which swaps the register's two bytes",
	"  --gateway ADDRESS, --bus NAME: as for gwctl read; a write through the gateway's local API is stored as a modbus_write event with your account",
}

// writeOptions is the parsed write command line.
type writeOptions struct {
	requestTarget
	// on is the coil value; raw the register value as sent on the wire.
	on  bool
	raw uint16
}

func parseWriteFlags(args []string) (writeOptions, error) {
	fs := newFlagSet("write")
	rf := addRequestFlags(fs)
	typ := fs.String("type", "", "")
	order := fs.String("order", "ABCD", "")
	value := fs.String("value", "", "")

	var o writeOptions
	var err error
	if o.requestTarget, err = rf.parse(args); err != nil {
		return writeOptions{}, err
	}
	if o.req.value, err = writeSpec(o.req.loc.table, *typ, *order); err != nil {
		return writeOptions{}, err
	}
	o.req.count = 1

	if *value == "" {
		return writeOptions{}, usageError("give the value to write with --value, such as --value true or --value 1234")
	}
	if o.req.loc.table == config.Coils {
		o.on, err = parseBool(*value)
	} else {
		o.raw, err = parseRegisterValue(o.req.value, *value)
	}
	return o, err
}

// writeSpec checks the table and type of a write and returns how to
// decode the value read back.
func writeSpec(table config.Table, typ, order string) (valueSpec, error) {
	typ, order = strings.ToLower(typ), strings.ToUpper(order)
	switch table {
	case config.DiscreteInputs, config.InputRegisters:
		return valueSpec{}, usageError("the %s table is read-only; write to a coil or a holding register", string(table))
	case config.Coils:
		if typ != "" && typ != "bool" {
			return valueSpec{}, usageError("a coil is a single bit; use --type bool or leave --type out")
		}
		return valueSpec{typ: "bool", order: "ABCD", bit: -1, scale: 1}, nil
	}
	if typ == "" {
		typ = "uint16"
	}
	switch typ {
	case "int16", "uint16", "bcd16":
	case "bool":
		return valueSpec{}, usageError("writing one bit of a register needs a read-modify-write, which gwctl does not do; write the whole register with --type uint16")
	case "int32", "uint32", "float32", "bcd32", "int64", "uint64", "float64", config.TextType:
		return valueSpec{}, usageError("--type %s spans more than one register and needs function 16 (write multiple registers), which the gateway's Modbus master does not send yet; write one register at a time with --type uint16", typ)
	default:
		return valueSpec{}, usageError("invalid --type %q: use uint16, int16 or bcd16", typ)
	}
	v := valueSpec{typ: typ, order: order, bit: -1, scale: 1}
	return v, checkOrder(&v, "ABCD", numericOrders)
}

func runWrite(ctx context.Context, e *env, args []string) int {
	o, err := parseWriteFlags(args)
	if err != nil {
		return e.fail(err)
	}
	conn, release, err := o.connect(ctx, e)
	if err != nil {
		return e.fail(err)
	}
	defer release()

	if err := o.send(ctx, conn); err != nil {
		return e.fail(commError(err, o.line, o.req.unit))
	}
	e.printf("wrote %s to unit %d, %s %s (wire %s), with function %02X", o.valueText(), o.req.unit,
		e.pr.Sprintf(string(tableName(o.req.loc.table))), reference(o.req.loc.table, o.req.loc.wire), strconv.Itoa(int(o.req.loc.wire)), o.function())
	return o.readBack(ctx, e, conn)
}

func (o writeOptions) function() byte {
	if o.req.loc.table == config.Coils {
		return wire.FuncWriteCoil
	}
	return wire.FuncWriteRegister
}

// valueText returns the written value as the user gave it in meaning:
// true or false, or the register in hexadecimal.
func (o writeOptions) valueText() string {
	if o.req.loc.table == config.Coils {
		return fmt.Sprint(o.on)
	}
	return "0x" + formatRegisters([]uint16{o.raw})
}

func (o writeOptions) send(ctx context.Context, conn modbus.Conn) error {
	if o.req.loc.table == config.Coils {
		return conn.WriteCoil(ctx, o.req.unit, o.req.loc.wire, o.on)
	}
	return conn.WriteRegister(ctx, o.req.unit, o.req.loc.wire, o.raw)
}

// readBack reads the coil or register again and compares it with what
// was written. Some devices take a command and reset it, or reject it
// silently, so a mismatch is reported, not retried.
func (o writeOptions) readBack(ctx context.Context, e *env, conn modbus.Conn) int {
	f, err := fetch(ctx, conn, o.req, e)
	if err != nil {
		e.fail(commError(err, o.line, o.req.unit))
		return e.fail(failure(err, "the write was sent, but reading it back failed, so it is not confirmed"))
	}
	printTable(e, o.req, f, time.Time{}, false)
	confirmed := (o.req.loc.table == config.Coils && f.bits[0] == o.on) || (o.req.loc.table != config.Coils && f.regs[0] == o.raw)
	if !confirmed {
		got := "0x" + formatRegisters(f.regs)
		if o.req.loc.table == config.Coils {
			got = fmt.Sprint(f.bits[0])
		}
		return e.fail(failure(nil, "unit %d did not keep the value: wrote %s, read back %s", o.req.unit, o.valueText(), got))
	}
	e.printf("read back %s: the device kept the value", o.valueText())
	return exitOK
}
