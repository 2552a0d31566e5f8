package main

import (
	"errors"
	"flag"
	"fmt"
	"strconv"
	"strings"

	"github.com/plantgw/plantgw/config"
)

// tables lists the Modbus tables in the order help shows them.
var tables = []config.Table{config.Coils, config.DiscreteInputs, config.InputRegisters, config.HoldingRegisters}

// isBitTable reports whether table holds single bits.
func isBitTable(t config.Table) bool { return t == config.Coils || t == config.DiscreteInputs }

// referenceDigits maps each table to the first digit of its references.
var referenceDigits = map[config.Table]byte{config.Coils: '0', config.DiscreteInputs: '1', config.InputRegisters: '3', config.HoldingRegisters: '4'}

// reference returns the 5- or 6-digit reference of a wire address, as
// device manuals print it: 40001 is holding register 0.
func reference(t config.Table, wire uint16) string {
	if wire < 9999 {
		return fmt.Sprintf("%c%04d", referenceDigits[t], int(wire)+1)
	}
	return fmt.Sprintf("%c%05d", referenceDigits[t], int(wire)+1)
}

// tableOfReference returns the table that a 5- or 6-digit reference names
// by its first digit.
func tableOfReference(ref string) (config.Table, bool) {
	if len(ref) < 5 || len(ref) > 6 {
		return "", false
	}
	for t, digit := range referenceDigits {
		if ref[0] == digit {
			return t, true
		}
	}
	return "", false
}

// addressFlags are the flags that locate a register or coil, in the
// config's three conventions.
type addressFlags struct {
	table, address, wire, number *string
}

func addAddressFlags(fs *flag.FlagSet) addressFlags {
	return addressFlags{
		table:   fs.String("table", "", ""),
		address: fs.String("address", "", ""),
		wire:    fs.String("wire", "", ""),
		number:  fs.String("number", "", ""),
	}
}

// location is a table and a 0-based wire address.
type location struct {
	table config.Table
	wire  uint16
}

// parse resolves the address flags to a table and a wire address. A
// reference in --address names its table, so --table may be left out.
func (af addressFlags) parse() (location, error) {
	table, err := parseTable(*af.table)
	if err != nil {
		return location{}, err
	}
	addresses := 0
	for _, v := range []string{*af.address, *af.wire, *af.number} {
		if v != "" {
			addresses++
		}
	}
	switch {
	case addresses == 0:
		return location{}, usageError("give the address with --address (a reference such as 40001), --wire (the 0-based protocol address) or --number (the 1-based register number)")
	case addresses > 1:
		return location{}, usageError("give only one of --address, --wire and --number")
	case *af.address != "":
		return resolveReference("--address", *af.address, table)
	}
	if table == "" {
		return location{}, usageError("give the table with --table: coil, discrete, input or holding")
	}
	if *af.wire != "" {
		n, err := parseInt("--wire", *af.wire, 0, 65535)
		return location{table: table, wire: uint16(n)}, err
	}
	n, err := parseInt("--number", *af.number, 1, 65536)
	return location{table: table, wire: uint16(n - 1)}, err
}

func parseTable(value string) (config.Table, error) {
	if value == "" {
		return "", nil
	}
	for _, t := range tables {
		if strings.EqualFold(value, string(t)) {
			return t, nil
		}
	}
	return "", usageError("invalid --table %q: use coil, discrete, input or holding", value)
}

// resolveReference resolves a 5- or 6-digit reference through the
// config's own rules. table may be empty, and then the reference names
// it.
func resolveReference(flagName, ref string, table config.Table) (location, error) {
	ref = strings.TrimSpace(ref)
	if err := checkReferenceSyntax(flagName, ref); err != nil {
		return location{}, err
	}
	if table == "" {
		if t, ok := tableOfReference(ref); ok {
			table = t
		}
	}
	wire, err := config.Register{Table: string(table), Address: ref}.Wire()
	var mismatch *config.TableMismatch
	var ambiguous *config.AmbiguousAddress
	switch {
	case err == nil:
		return location{table: table, wire: wire}, nil
	case errors.As(err, &mismatch):
		return location{}, usageError("%s %q is a %s reference but --table is %s; write --table %s or %s %s",
			flagName, ref, string(mismatch.RefTable), string(table), string(mismatch.RefTable), flagName, mismatch.Corrected())
	case errors.As(err, &ambiguous):
		n, _ := strconv.Atoi(ref)
		example := reference(config.HoldingRegisters, uint16(max(n, 1)-1))
		if table != "" {
			example = reference(table, uint16(max(n, 1)-1))
		}
		return location{}, usageError("%s %q could be 0-based or 1-based; write --wire %s for the protocol address, --number %s for register %s (wire %s), or a reference such as %s",
			flagName, ref, strconv.Itoa(n), strconv.Itoa(n), strconv.Itoa(n), strconv.Itoa(n-1), example)
	}
	return location{}, usageError("invalid %s %q: %v; write a reference such as 40001", flagName, ref, err)
}

// checkReferenceSyntax rejects what is no reference at all, with a
// message in the user's language; config.Register.Wire gives the rest.
func checkReferenceSyntax(flagName, ref string) error {
	for _, c := range ref {
		if c < '0' || c > '9' {
			return usageError("invalid %s %q: a reference has only digits, such as 40001", flagName, ref)
		}
	}
	switch {
	case ref == "":
		return usageError("invalid %s %q: a reference has only digits, such as 40001", flagName, ref)
	case len(ref) > 6:
		return usageError("invalid %s %q: a reference has 5 or 6 digits, such as 40001 or 400001", flagName, ref)
	case len(ref) < 5:
		// A short number is ambiguous, and Wire reports it with both readings.
		return nil
	}
	if _, ok := tableOfReference(ref); !ok {
		return usageError("invalid %s %q: a reference starts with 0 (coil), 1 (discrete input), 3 (input register) or 4 (holding register)", flagName, ref)
	}
	if n, _ := strconv.Atoi(ref[1:]); n < 1 || n > 65536 {
		return usageError("invalid %s %q: the number after the first digit must be from 1 to 65536", flagName, ref)
	}
	return nil
}

// parseRegisterSpec parses scan's --register: a reference such as 40001,
// or TABLE:wire=N or TABLE:number=N.
func parseRegisterSpec(spec string) (location, error) {
	tableText, addr, hasTable := strings.Cut(strings.TrimSpace(spec), ":")
	if !hasTable {
		return resolveReference("--register", spec, "")
	}
	table, err := parseTable(tableText)
	if err != nil || table == "" {
		return location{}, registerSpecError(spec)
	}
	key, value, ok := strings.Cut(addr, "=")
	if !ok {
		return location{}, registerSpecError(spec)
	}
	switch strings.TrimSpace(key) {
	case "wire":
		n, err := parseInt("--register wire", value, 0, 65535)
		return location{table: table, wire: uint16(n)}, err
	case "number":
		n, err := parseInt("--register number", value, 1, 65536)
		return location{table: table, wire: uint16(n - 1)}, err
	}
	return location{}, registerSpecError(spec)
}

func registerSpecError(spec string) error {
	return usageError("invalid --register %q: write a reference such as 40001, or TABLE:wire=N or TABLE:number=N, such as input:wire=0", spec)
}

// tableName returns the table's name in the user's language, such as
// "holding register".
func tableName(t config.Table) phrase {
	switch t {
	case config.Coils:
		return "coil"
	case config.DiscreteInputs:
		return "discrete input"
	case config.InputRegisters:
		return "input register"
	}
	return "holding register"
}
