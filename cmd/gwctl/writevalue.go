package main

import (
	"math/bits"
	"strconv"
	"strings"
)

// parseBool parses a coil value.
func parseBool(text string) (bool, error) {
	switch strings.ToLower(strings.TrimSpace(text)) {
	case "true", "1", "on":
		return true, nil
	case "false", "0", "off":
		return false, nil
	}
	return false, usageError("invalid --value %q for a coil: use true or false (or 1/0, on/off)", text)
}

// parseRegisterValue parses the value of a one-register write and returns
// the register as it goes on the wire: the type's bits, with the bytes
// swapped for BADC and DCBA. A value written 0x... is the bit pattern
// itself, before the byte order.
func parseRegisterValue(v valueSpec, text string) (uint16, error) {
	text = strings.TrimSpace(text)
	var raw uint16
	var ok bool
	if hex, isHex := strings.CutPrefix(strings.ToLower(text), "0x"); isHex && v.typ != "bcd16" {
		n, err := strconv.ParseUint(hex, 16, 16)
		raw, ok = uint16(n), err == nil
	} else {
		raw, ok = encodeDecimal(v.typ, text)
	}
	if !ok {
		return 0, usageError("invalid --value %q for --type %s: %s", text, v.typ, valueRange(v.typ))
	}
	if v.order == "BADC" || v.order == "DCBA" {
		raw = bits.ReverseBytes16(raw)
	}
	return raw, nil
}

// encodeDecimal encodes a decimal value of a one-register type.
func encodeDecimal(typ, text string) (uint16, bool) {
	switch typ {
	case "int16":
		n, err := strconv.ParseInt(text, 10, 16)
		return uint16(n), err == nil
	case "uint16":
		n, err := strconv.ParseUint(text, 10, 16)
		return uint16(n), err == nil
	case "bcd16":
		n, err := strconv.ParseUint(text, 10, 16)
		if err != nil || n > 9999 {
			return 0, false
		}
		return uint16(n/1000<<12 | n/100%10<<8 | n/10%10<<4 | n%10), true
	}
	return 0, false
}

// valueRange returns the hint of the values that a one-register type
// takes.
func valueRange(typ string) phrase {
	switch typ {
	case "int16":
		return "write a whole number from -32768 to 32767, or a bit pattern from 0x0000 to 0xFFFF"
	case "bcd16":
		return "write a whole number from 0 to 9999"
	}
	return "write a whole number from 0 to 65535, or a bit pattern from 0x0000 to 0xFFFF"
}
