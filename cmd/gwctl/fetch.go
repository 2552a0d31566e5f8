package main

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/plantgw/plantgw/config"
	"github.com/plantgw/plantgw/drivers/modbus"
)

// readRequest is one read of count values from a unit.
type readRequest struct {
	unit  uint8
	loc   location
	count int
	value valueSpec
}

// span returns how many registers or bits the read covers.
func (r readRequest) span() int {
	if isBitTable(r.loc.table) {
		return r.count
	}
	return r.count * int(r.value.decoder().Registers())
}

// replyBytes returns the size of the RTU reply to the read.
func (r readRequest) replyBytes() int {
	_, reply := modbus.RTUReadFrameBytes(modbus.Block{Table: r.loc.table, Start: r.loc.wire, Count: uint16(r.span())})
	return reply
}

// Modbus limits of one read (Modbus application protocol V1.1b3,
// functions 01 to 04).
const (
	maxReadBits      = 2000
	maxReadRegisters = 125
)

// checkSpan rejects a read longer than one request may be or past the
// last address.
func (r readRequest) checkSpan() error {
	limit := maxReadRegisters
	if isBitTable(r.loc.table) {
		limit = maxReadBits
	}
	if r.span() > limit {
		return usageError("--count %s of %s spans %s registers or bits, but one read takes at most %s; lower --count", strconv.Itoa(r.count), r.value.typ, strconv.Itoa(r.span()), strconv.Itoa(limit))
	}
	if int(r.loc.wire)+r.span() > 65536 {
		return usageError("--count %s from wire address %s runs past the last address 65535; lower --count", strconv.Itoa(r.count), strconv.Itoa(int(r.loc.wire)))
	}
	return nil
}

// fetched is the outcome of one read: the raw data and a table row for
// each value.
type fetched struct {
	regs []uint16
	bits []bool
	rows [][]string
}

// fetch reads the request's values and decodes each with the gateway's
// decoder.
func fetch(ctx context.Context, conn modbus.Conn, r readRequest, e *env) (fetched, error) {
	var f fetched
	var err error
	dec := r.value.decoder()
	if isBitTable(r.loc.table) {
		f.bits, err = conn.ReadBits(ctx, r.unit, r.loc.table, r.loc.wire, uint16(r.count))
		if err != nil {
			return fetched{}, err
		}
		for i, on := range f.bits {
			f.rows = append(f.rows, r.row(i, formatBit(on), formatReading(e.pr, dec.DecodeBit(on))))
		}
		return f, nil
	}
	f.regs, err = conn.ReadRegisters(ctx, r.unit, r.loc.table, r.loc.wire, uint16(r.span()))
	if err != nil {
		return fetched{}, err
	}
	n := int(dec.Registers())
	for i := 0; i+n <= len(f.regs); i += n {
		chunk := f.regs[i : i+n]
		reading, err := dec.DecodeRegisters(chunk, 0)
		if err != nil {
			return fetched{}, fmt.Errorf("decode value at wire %d: %w", int(r.loc.wire)+i, err)
		}
		f.rows = append(f.rows, r.row(i, formatRegisters(chunk), formatReading(e.pr, reading)))
	}
	return f, nil
}

// row returns the table row of the value at offset registers or bits
// from the start.
func (r readRequest) row(offset int, raw, value string) []string {
	wire := uint16(int(r.loc.wire) + offset)
	return []string{reference(r.loc.table, wire), fmt.Sprint(wire), raw, value}
}

// header returns the line above a read's table: the unit, where and what
// was read.
func (r readRequest) header(e *env) string {
	kind := r.value.typ
	switch {
	case r.value.typ == config.TextType:
		kind = e.pr.Sprintf("string of %d registers, %s", r.value.length, r.value.order)
	case r.value.bit >= 0:
		kind = e.pr.Sprintf("bool, bit %d", r.value.bit)
	case r.value.typ != "bool":
		kind += " " + r.value.order
	}
	if r.value.scale != 1 || r.value.offset != 0 {
		kind += e.pr.Sprintf(", scale %s, offset %s", formatNumber(r.value.scale), formatNumber(r.value.offset))
	}
	return e.pr.Sprintf("unit %d, %s %s (wire %s), %d value(s) of %s", r.unit, e.pr.Sprintf(string(tableName(r.loc.table))), reference(r.loc.table, r.loc.wire), strconv.Itoa(int(r.loc.wire)), r.count, kind)
}

// printTable prints the values of a read under its header.
func printTable(e *env, r readRequest, f fetched, at time.Time, stamped bool) {
	header := r.header(e)
	if stamped {
		header = at.Format("15:04:05.000") + "  " + header
	}
	fmt.Fprintln(e.stdout, header)
	var t textTable
	t.add(e.pr.Sprintf("address"), e.pr.Sprintf("wire"), e.pr.Sprintf("raw"), e.pr.Sprintf("value"))
	for _, row := range f.rows {
		t.add(row...)
	}
	t.write(e.stdout)
}
