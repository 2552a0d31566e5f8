package config

import (
	"errors"
	"fmt"
	"strconv"
)

// Table is a Modbus data table.
type Table string

// Modbus tables.
const (
	Coils            Table = "coil"
	DiscreteInputs   Table = "discrete"
	InputRegisters   Table = "input"
	HoldingRegisters Table = "holding"
)

// referenceTables maps the leading digit of a 5/6-digit Modbus reference to
// its table: 0xxxx coils, 1xxxx discrete inputs, 3xxxx input registers,
// 4xxxx holding registers.
var referenceTables = map[byte]Table{'0': Coils, '1': DiscreteInputs, '3': InputRegisters, '4': HoldingRegisters}

// Wire returns the register's 0-based protocol (PDU) address from
// whichever convention the register uses: a 5/6-digit reference in
// Address, a wire address in WireAddr, or a 1-based Number.
func (r Register) Wire() (uint16, error) {
	set := 0
	for _, given := range []bool{r.Address != "", r.WireAddr != nil, r.Number != nil} {
		if given {
			set++
		}
	}
	switch {
	case set == 0:
		return 0, errNoAddress
	case set > 1:
		return 0, errManyAddresses
	case r.WireAddr != nil:
		if *r.WireAddr < 0 || *r.WireAddr > 65535 {
			return 0, fmt.Errorf("wire address %d out of range 0-65535", *r.WireAddr)
		}
		return uint16(*r.WireAddr), nil
	case r.Number != nil:
		if *r.Number < 1 || *r.Number > 65536 {
			return 0, fmt.Errorf("register number %d out of range 1-65536", *r.Number)
		}
		return uint16(*r.Number - 1), nil
	}
	return r.referenceWire()
}

var (
	errNoAddress     = errors.New("no address: give address (a reference such as 30001), wire or number")
	errManyAddresses = errors.New("give only one of address, wire and number")
)

// AmbiguousAddress is a short address without a convention: it could be a
// 0-based wire address or a 1-based register number.
type AmbiguousAddress struct{ Address string }

func (e *AmbiguousAddress) Error() string {
	return fmt.Sprintf("address %q is not a 5- or 6-digit reference", e.Address)
}

func (r Register) referenceWire() (uint16, error) {
	a := r.Address
	for _, c := range []byte(a) {
		if c < '0' || c > '9' {
			return 0, fmt.Errorf("address %q is not a number", a)
		}
	}
	if len(a) < 5 {
		return 0, &AmbiguousAddress{Address: a}
	}
	if len(a) > 6 {
		return 0, fmt.Errorf("address %q has more than 6 digits", a)
	}
	table, ok := referenceTables[a[0]]
	if !ok {
		return 0, fmt.Errorf("reference %q starts with %c; use 0, 1, 3 or 4", a, a[0])
	}
	if table != Table(r.Table) {
		return 0, &TableMismatch{Reference: a, RefTable: table, Table: Table(r.Table)}
	}
	n, _ := strconv.ParseUint(a[1:], 10, 32)
	if n < 1 || n > 65536 {
		return 0, fmt.Errorf("reference %q out of range: the number after the table digit is 1-65536", a)
	}
	return uint16(n - 1), nil
}

// TableMismatch is a reference whose leading digit names another table.
type TableMismatch struct {
	Reference string
	RefTable  Table
	Table     Table
}

func (e *TableMismatch) Error() string {
	return fmt.Sprintf("reference %s is in the %s table, not %s", e.Reference, e.RefTable, e.Table)
}

// Corrected returns the reference rewritten for the configured table.
func (e *TableMismatch) Corrected() string {
	for digit, t := range referenceTables {
		if t == e.Table {
			return string(digit) + e.Reference[1:]
		}
	}
	return e.Reference
}
