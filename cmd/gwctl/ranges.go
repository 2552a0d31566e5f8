package main

import (
	"slices"
	"strconv"
	"strings"
)

// standardBauds are the baud rates a serial port can be set to, as the
// config accepts them.
var standardBauds = []int{1200, 2400, 4800, 9600, 19200, 38400, 57600, 115200}

// splitList splits a comma-separated flag value into trimmed items. It
// rejects an empty value and empty items.
func splitList(flagName, value, example string) ([]string, error) {
	items := strings.Split(value, ",")
	for i, item := range items {
		items[i] = strings.TrimSpace(item)
		if items[i] == "" {
			return nil, usageError("invalid %s %q: the list is empty or has an empty item; write values separated by commas, such as %s", flagName, value, example)
		}
	}
	return items, nil
}

// parseUnits parses a list of unit ids and ranges, such as "1-10,15",
// within lo..hi. It returns the ids in ascending order, each once.
func parseUnits(value string, lo, hi int) ([]int, error) {
	items, err := splitList("--units", value, "1-247")
	if err != nil {
		return nil, err
	}
	seen := map[int]bool{}
	for _, item := range items {
		first, last, err := parseUnitItem(value, item, lo, hi)
		if err != nil {
			return nil, err
		}
		for u := first; u <= last; u++ {
			seen[u] = true
		}
	}
	units := make([]int, 0, len(seen))
	for u := range seen {
		units = append(units, u)
	}
	slices.Sort(units)
	return units, nil
}

// parseUnitItem parses one item of --units: an id or a range "A-B".
func parseUnitItem(value, item string, lo, hi int) (first, last int, err error) {
	from, to, isRange := strings.Cut(item, "-")
	first, ok := parseUnitID(from, lo, hi)
	if ok && isRange {
		last, ok = parseUnitID(to, lo, hi)
	} else {
		last = first
	}
	if !ok {
		return 0, 0, usageError("invalid --units %q: %q is not a unit id from %d to %d; write ids and ranges such as 1-247 or 1,3,10-20", value, item, lo, hi)
	}
	if first > last {
		return 0, 0, usageError("invalid --units %q: the range %q runs backwards; write %d-%d", value, item, last, first)
	}
	return first, last, nil
}

func parseUnitID(text string, lo, hi int) (int, bool) {
	text = strings.TrimSpace(text)
	// Atoi accepts a sign, which a unit id never has.
	if text == "" || text[0] < '0' || text[0] > '9' {
		return 0, false
	}
	n, err := strconv.Atoi(text)
	return n, err == nil && n >= lo && n <= hi
}

// parseBauds parses a list of baud rates, such as "9600,19200", in the
// order given, each once.
func parseBauds(value string) ([]int, error) {
	items, err := splitList("--baud", value, "9600,19200")
	if err != nil {
		return nil, err
	}
	var bauds []int
	for _, item := range items {
		n, err := strconv.Atoi(item)
		if err != nil || !slices.Contains(standardBauds, n) {
			return nil, usageError("invalid --baud %q: %q is not a supported baud rate; use 1200, 2400, 4800, 9600, 19200, 38400, 57600 or 115200, or a list such as 9600,19200", value, item)
		}
		if !slices.Contains(bauds, n) {
			bauds = append(bauds, n)
		}
	}
	return bauds, nil
}

// parities maps what installers write to the config's parity names.
var parities = map[string]parity{
	"n": "none", "none": "none",
	"e": "even", "even": "even",
	"o": "odd", "odd": "odd",
}

// parseParities parses a list of parities, such as "N,E", in the order
// given, each once.
func parseParities(value string) ([]parity, error) {
	items, err := splitList("--parity", value, "N,E")
	if err != nil {
		return nil, err
	}
	var out []parity
	for _, item := range items {
		p, ok := parities[strings.ToLower(item)]
		if !ok {
			return nil, usageError("invalid --parity %q: %q is not a parity; use N (none), E (even) or O (odd), or a list such as N,E", value, item)
		}
		if !slices.Contains(out, p) {
			out = append(out, p)
		}
	}
	return out, nil
}
