package config

import "strings"

// keyAliases maps names that other gateways and device manuals use for a
// key, written without separators, to the key of this config. An alias is
// offered only where its key is valid.
var keyAliases = map[string]string{
	"slave":     "unit",
	"slaveid":   "unit",
	"slaveaddr": "unit",
	"unitid":    "unit",
	"station":   "unit",
	"stationid": "unit",
	"modbusid":  "unit",
	"name":      "id",
	"tag":       "id",
	"host":      "address",
	"ip":        "address",
	"ipaddr":    "address",
	"ipaddress": "address",
	"speed":     "baud",
	"bps":       "baud",
	"interval":  "poll",
	"period":    "poll",
	"scanrate":  "poll",
	"high":      "h",
	"hi":        "h",
	"highhigh":  "hh",
	"hihi":      "hh",
	"low":       "l",
	"lo":        "l",
	"lowlow":    "ll",
	"lolo":      "ll",
	"device":    "port",
	"tty":       "port",
	"serial":    "port",
}

// minContainedKey is the shortest key found inside a longer word, so short
// keys such as "l", "h" or "bit" are never matched by chance.
const minContainedKey = 4

// closest returns the candidate an unknown key most likely meant, or "".
// It tries, in order: the same word without "_", "-" and case
// (stopbits for stop_bits), a known alias (slave_id for unit), a small edit
// distance (pol for poll), and finally a key the word starts or ends with
// (baudrate for baud, timeout_ms for timeout) or a key the word abbreviates
// (addr for address), when exactly one key fits.
func closest(word string, candidates []string) string {
	w := normalizeKey(word)
	for _, c := range candidates {
		if normalizeKey(c) == w {
			return c
		}
	}
	if alias, ok := keyAliases[w]; ok {
		for _, c := range candidates {
			if c == alias {
				return c
			}
		}
	}
	if best := nearestByEdits(word, candidates); best != "" {
		return best
	}
	return containing(w, candidates)
}

// nearestByEdits returns the candidate nearest to word by edit distance
// when it is near enough to be a likely misspelling, or "". The limit grows
// with the word, one edit per three letters and at most three, so a short
// word is never matched to an unrelated key of the same length.
func nearestByEdits(word string, candidates []string) string {
	limit := min(3, max(1, len(word)/3))
	best, bestDist := "", limit+1
	for _, c := range candidates {
		d := editDistance(word, c)
		if d < bestDist || (d == bestDist && c < best) {
			best, bestDist = c, d
		}
	}
	return best
}

// containing returns the longest candidate that the normalized word starts
// or ends with, else the only candidate that starts with the word, else "".
func containing(w string, candidates []string) string {
	best := ""
	for _, c := range candidates {
		n := normalizeKey(c)
		if len(n) < minContainedKey || len(n) >= len(w) {
			continue
		}
		if (strings.HasPrefix(w, n) || strings.HasSuffix(w, n)) && len(c) > len(best) {
			best = c
		}
	}
	if best != "" {
		return best
	}
	if len(w) < 3 {
		return ""
	}
	var abbreviated []string
	for _, c := range candidates {
		if strings.HasPrefix(normalizeKey(c), w) {
			abbreviated = append(abbreviated, c)
		}
	}
	if len(abbreviated) == 1 {
		return abbreviated[0]
	}
	return ""
}

// normalizeKey lowercases a key and drops "_", "-" and spaces.
func normalizeKey(key string) string {
	return strings.NewReplacer("_", "", "-", "", " ", "").Replace(strings.ToLower(key))
}

// editDistance is the optimal string alignment distance between a and b
// in bytes: the Levenshtein distance with the swap of two adjacent letters
// (uint for unit) counted as one edit.
func editDistance(a, b string) int {
	rows := make([][]int, len(a)+1)
	for i := range rows {
		rows[i] = make([]int, len(b)+1)
		rows[i][0] = i
	}
	for j := range rows[0] {
		rows[0][j] = j
	}
	for i := 1; i <= len(a); i++ {
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			rows[i][j] = min(rows[i-1][j]+1, rows[i][j-1]+1, rows[i-1][j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				rows[i][j] = min(rows[i][j], rows[i-2][j-2]+1)
			}
		}
	}
	return rows[len(a)][len(b)]
}
