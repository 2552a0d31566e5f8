package config

import (
	"os"
	"regexp"
	"strings"
	"unicode/utf8"
)

// envRef matches ${NAME} and ${NAME:-default}.
var envRef = regexp.MustCompile(`\$\{([A-Za-z_][A-Za-z0-9_]*)(:-([^}]*))?\}`)

// unsetRef is where an unset variable was replaced by nothing: its line and
// its 1-based column in runes in the expanded text, which is how the YAML
// parser counts columns.
type unsetRef struct {
	line, column int
}

// expandEnv replaces ${NAME} and ${NAME:-default} with environment values.
// It works on the raw text before YAML parsing and never inserts a line
// break, so line numbers in later errors stay true. An unset variable
// without a default is a problem on the line where it appears, and its
// place is returned so the value it leaves behind is not reported again.
func expandEnv(data []byte, ps *problems, lookup func(string) (string, bool)) ([]byte, []unsetRef) {
	if lookup == nil {
		lookup = os.LookupEnv
	}
	var unset []unsetRef
	lines := strings.SplitAfter(string(data), "\n")
	for i, line := range lines {
		if strings.HasPrefix(strings.TrimSpace(line), "#") {
			continue
		}
		var out strings.Builder
		rest := 0
		for _, m := range envRef.FindAllStringSubmatchIndex(line, -1) {
			out.WriteString(line[rest:m[0]])
			rest = m[1]
			name := line[m[2]:m[3]]
			if v, ok := lookup(name); ok && v != "" {
				out.WriteString(strings.NewReplacer("\n", " ", "\r", " ").Replace(v))
				continue
			}
			if m[4] >= 0 {
				out.WriteString(line[m[6]:m[7]])
				continue
			}
			ps.add(i+1, "environment variable %s is not set; set it or write %s", name, "${"+name+":-default}")
			unset = append(unset, unsetRef{line: i + 1, column: utf8.RuneCountInString(out.String()) + 1})
		}
		out.WriteString(line[rest:])
		lines[i] = out.String()
	}
	return []byte(strings.Join(lines, "")), unset
}
