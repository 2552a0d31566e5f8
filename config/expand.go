package config

import (
	"os"
	"regexp"
	"strings"
)

// envRef matches ${NAME} and ${NAME:-default}.
var envRef = regexp.MustCompile(`\$\{([A-Za-z_][A-Za-z0-9_]*)(:-([^}]*))?\}`)

// expandEnv replaces ${NAME} and ${NAME:-default} with environment values.
// It works on the raw text before YAML parsing and never inserts a line
// break, so line numbers in later errors stay true. An unset variable
// without a default is a problem on the line where it appears.
func expandEnv(data []byte, ps *problems, lookup func(string) (string, bool)) []byte {
	if lookup == nil {
		lookup = os.LookupEnv
	}
	lines := strings.SplitAfter(string(data), "\n")
	for i, line := range lines {
		if strings.HasPrefix(strings.TrimSpace(line), "#") {
			continue
		}
		lines[i] = envRef.ReplaceAllStringFunc(line, func(ref string) string {
			m := envRef.FindStringSubmatch(ref)
			if v, ok := lookup(m[1]); ok && v != "" {
				return strings.NewReplacer("\n", " ", "\r", " ").Replace(v)
			}
			if m[2] != "" {
				return m[3]
			}
			ps.add(i+1, "environment variable %s is not set; set it or write %s", m[1], "${"+m[1]+":-default}")
			return ""
		})
	}
	return []byte(strings.Join(lines, ""))
}
