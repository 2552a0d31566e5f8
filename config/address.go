package config

import (
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

// Wire returns the register's 0-based protocol (PDU) address. A 5- or
// 6-digit address is read as a reference whose leading digit names the
// table; anything shorter is a wire address.
func (r Register) Wire() (uint16, error) {
	a := r.Address
	for _, c := range []byte(a) {
		if c < '0' || c > '9' {
			return 0, fmt.Errorf("address %q is not a number", a)
		}
	}
	if len(a) == 0 {
		return 0, fmt.Errorf("address is empty")
	}
	if len(a) < 5 {
		n, err := strconv.ParseUint(a, 10, 16)
		if err != nil {
			return 0, fmt.Errorf("address %q out of range 0-65535", a)
		}
		return uint16(n), nil
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
