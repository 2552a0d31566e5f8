package main

import (
	"flag"
	"math"
	"slices"
	"strconv"
	"strings"

	"golang.org/x/text/message"

	"github.com/plantgw/plantgw/config"
	"github.com/plantgw/plantgw/drivers/modbus"
	"github.com/plantgw/plantgw/record"
)

// valueTypes are the types read decodes, the same as a config point's.
var valueTypes = []string{"bool", "int16", "uint16", "int32", "uint32", "float32", "int64", "uint64", "float64", "bcd16", "bcd32", config.TextType}

// numericOrders and textOrders are the byte orders that config accepts.
var (
	numericOrders = []string{"ABCD", "CDAB", "BADC", "DCBA"}
	textOrders    = []string{"AB", "BA"}
)

// valueSpec says how to decode one value, as a config point does.
type valueSpec struct {
	typ   string
	order string
	// bit is the bit of a register that a bool reads, or -1.
	bit int
	// length is the number of registers of a string.
	length        int
	scale, offset float64
}

// decoder returns the gateway's decoder for the value.
func (v valueSpec) decoder() modbus.Decoder {
	p := config.Point{Type: v.typ, ByteOrder: v.order, Offset: v.offset}
	scale := v.scale
	p.Scale = &scale
	if v.bit >= 0 {
		bit := v.bit
		p.Bit = &bit
	}
	if v.typ == config.TextType {
		length := v.length
		p.Length = &length
	}
	return modbus.NewDecoder(p)
}

// valueFlags are read's flags that set how values are decoded.
type valueFlags struct {
	fs                                     *flag.FlagSet
	typ, order, bit, length, scale, offset *string
}

func addValueFlags(fs *flag.FlagSet) valueFlags {
	return valueFlags{
		fs:     fs,
		typ:    fs.String("type", "", ""),
		order:  fs.String("order", "", ""),
		bit:    fs.String("bit", "", ""),
		length: fs.String("length", "", ""),
		scale:  fs.String("scale", "1", ""),
		offset: fs.String("offset", "0", ""),
	}
}

// parse checks the value flags against the table, with the config's
// rules: bit tables hold bools, a bool of a register needs --bit, a
// string needs --length.
func (vf valueFlags) parse(table config.Table) (valueSpec, error) {
	v := valueSpec{typ: strings.ToLower(*vf.typ), order: strings.ToUpper(*vf.order), bit: -1}
	if v.typ == "" {
		v.typ = "uint16"
		if isBitTable(table) {
			v.typ = "bool"
		}
	}
	if !slices.Contains(valueTypes, v.typ) {
		return valueSpec{}, usageError("invalid --type %q: use one of %s", *vf.typ, strings.Join(valueTypes, ", "))
	}
	if isBitTable(table) && v.typ != "bool" {
		return valueSpec{}, usageError("the %s table holds single bits; use --type bool", string(table))
	}
	if err := vf.parseShape(&v, table); err != nil {
		return valueSpec{}, err
	}
	var err error
	if v.scale, err = parseFloat("--scale", *vf.scale); err != nil {
		return valueSpec{}, err
	}
	if v.offset, err = parseFloat("--offset", *vf.offset); err != nil {
		return valueSpec{}, err
	}
	if (isSet(vf.fs, "scale") || isSet(vf.fs, "offset")) && (v.typ == "bool" || v.typ == config.TextType) {
		return valueSpec{}, usageError("--scale and --offset apply only to numbers, not to --type %s", v.typ)
	}
	return v, nil
}

// parseShape checks --bit, --length and --order for the type.
func (vf valueFlags) parseShape(v *valueSpec, table config.Table) error {
	if *vf.bit != "" {
		if v.typ != "bool" || isBitTable(table) {
			return usageError("--bit applies only to --type bool on an input or holding register")
		}
		n, err := parseInt("--bit", *vf.bit, 0, 15)
		if err != nil {
			return err
		}
		v.bit = n
	} else if v.typ == "bool" && !isBitTable(table) {
		return usageError("--type bool on a register needs --bit N, the bit from 0 (least significant) to 15")
	}
	if v.typ == config.TextType {
		if *vf.length == "" {
			return usageError("--type string needs --length N: the number of registers, two characters each, 1-64")
		}
		n, err := parseInt("--length", *vf.length, 1, config.MaxTextRegisters)
		if err != nil {
			return err
		}
		v.length = n
		return checkOrder(v, "AB", textOrders)
	}
	if *vf.length != "" {
		return usageError("--length applies only to --type string; remove it")
	}
	return checkOrder(v, "ABCD", numericOrders)
}

func checkOrder(v *valueSpec, fallback string, allowed []string) error {
	if v.order == "" {
		v.order = fallback
	}
	if !slices.Contains(allowed, v.order) {
		return usageError("invalid --order %q for --type %s: use %s", v.order, v.typ, strings.Join(allowed, ", "))
	}
	return nil
}

// formatReading returns a decoded value as the table shows it.
func formatReading(pr *message.Printer, r modbus.Reading) string {
	if r.Quality == record.Bad {
		return pr.Sprintf("invalid reading (%s)", string(r.Cause))
	}
	var text string
	switch {
	case r.IsText:
		text = strconv.Quote(r.Text)
	case r.IsBool:
		text = strconv.FormatBool(r.Bool)
	default:
		text = formatNumber(r.Value)
	}
	if r.Quality == record.Uncertain {
		return pr.Sprintf("%s (uncertain: %s)", text, string(r.Cause))
	}
	return text
}

// formatNumber prints whole numbers with every digit and other numbers in
// their shortest form.
func formatNumber(v float64) string {
	if a := math.Abs(v); a != 0 && (a >= 1e15 || a < 1e-4) {
		return strconv.FormatFloat(v, 'g', -1, 64)
	}
	return strconv.FormatFloat(v, 'f', -1, 64)
}

// formatRegisters returns registers as hexadecimal words, such as
// "8E00 460E".
func formatRegisters(regs []uint16) string {
	words := make([]string, len(regs))
	for i, r := range regs {
		words[i] = strings.ToUpper(strconv.FormatUint(uint64(r)|0x10000, 16)[1:])
	}
	return strings.Join(words, " ")
}

// formatBit returns a coil or discrete input as 1 or 0.
func formatBit(on bool) string {
	if on {
		return "1"
	}
	return "0"
}
