package config

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/goccy/go-yaml"
)

// syntaxHint turns a YAML parser message into a message for installers
// that names the usual mistake and its fix. Match receives the parser's
// message and returns the arguments of format, or ok false.
type syntaxHint struct {
	match  func(message string) (args []any, ok bool)
	format string
}

const (
	unclosedDoubleQuote = `YAML syntax error: the value in double quotes that starts here has no closing "; add it at the end of the value`
	unclosedSingleQuote = "YAML syntax error: the value in single quotes that starts here has no closing '; add it at the end of the value"
)

// syntaxHints covers the goccy/go-yaml v1.19 parser messages of the
// mistakes installers make most: tabs, unclosed quotes, a missing colon or
// space after it, wrong indentation and unclosed flow brackets. Other
// messages are shown as the parser writes them.
var syntaxHints = []syntaxHint{
	{contains("'\t'", "tab character"),
		"YAML syntax error: a tab character is used for indentation; indent with spaces, not tabs"},
	{contains("end character of double-quoted text"), unclosedDoubleQuote},
	{contains("end character of single-quoted text"), unclosedSingleQuote},
	{contains("non-map value is specified", "unexpected key name"),
		"YAML syntax error: this line is not a key and value; write a colon and a space after the key, such as gateway_id: gw-01"},
	{contains("mapping value is not allowed in this context"),
		`YAML syntax error: unexpected ": " on this line or the next; put a value that contains ": " in quotes, and indent the keys of one block by the same number of spaces`},
	{contains("value is not allowed in this context"),
		"YAML syntax error: unexpected text after the value, or wrong indentation; a quoted value must end its line, and the keys of one block must be indented by the same number of spaces"},
	{contains("',' or '}' must be specified", "flow mapping end token '}'", "could not find flow map content"),
		"YAML syntax error: a mapping in { } on this line or above is not closed or lacks a comma; separate its entries with commas and end it with }"},
	{contains("',' or ']' must be specified", "sequence end token ']' not found"),
		"YAML syntax error: a list in [ ] on this line or above is not closed or lacks a comma; separate its items with commas and end it with ]"},
	{duplicateKey,
		"YAML syntax error: key %q appears twice in this block (first at line %d); remove one of them"},
	{reservedCharacter,
		"YAML syntax error: a value cannot start with %s; put the value in quotes"},
}

func contains(parts ...string) func(string) ([]any, bool) {
	return func(message string) ([]any, bool) {
		for _, p := range parts {
			if strings.Contains(message, p) {
				return nil, true
			}
		}
		return nil, false
	}
}

var duplicateKeyMessage = regexp.MustCompile(`^mapping key "(.*)" already defined at \[(\d+):\d+\]`)

func duplicateKey(message string) ([]any, bool) {
	m := duplicateKeyMessage.FindStringSubmatch(message)
	if m == nil {
		return nil, false
	}
	key, err := strconv.Unquote(`"` + m[1] + `"`)
	if err != nil {
		key = m[1]
	}
	line, _ := strconv.Atoi(m[2])
	return []any{key, line}, true
}

var reservedCharacterMessage = regexp.MustCompile(`^('.') is a reserved character`)

func reservedCharacter(message string) ([]any, bool) {
	m := reservedCharacterMessage.FindStringSubmatch(message)
	if m == nil {
		return nil, false
	}
	return []any{m[1]}, true
}

// addSyntaxProblem reports a YAML parser error on its line, with a hint
// for the common mistakes. data is the text that was parsed.
func addSyntaxProblem(ps *problems, data []byte, err error) {
	var se *yaml.SyntaxError
	if !errors.As(err, &se) {
		ps.add(0, "YAML syntax error: %s", fmt.Sprint(err))
		return
	}
	line := 0
	if se.Token != nil {
		line = se.Token.Position.Line
	}
	// A quote left open runs on to the next quote in the file, so the
	// parser fails there, lines later, with an unrelated message.
	if open, quote := unclosedQuote(data, line); open > 0 {
		format := unclosedDoubleQuote
		if quote == '\'' {
			format = unclosedSingleQuote
		}
		ps.add(open, format)
		return
	}
	for _, h := range syntaxHints {
		if args, ok := h.match(se.Message); ok {
			ps.add(line, h.format, args...)
			return
		}
	}
	ps.add(line, "YAML syntax error: %s", se.Message)
}

// unclosedQuote returns the first line up to last where a quoted value
// opens and the line ends before its closing quote, with that quote, or 0.
// Multi-line quoted values are valid YAML but no config value needs one.
func unclosedQuote(data []byte, last int) (line int, quote byte) {
	for i, text := range strings.Split(string(data), "\n") {
		if i+1 > last {
			break
		}
		if q := openQuoteAtEnd(text); q != 0 {
			return i + 1, q
		}
	}
	return 0, 0
}

// openQuoteAtEnd returns the quote of a quoted value that the line opens
// and does not close, or 0. A quote counts only where a value starts, so
// the apostrophe in a plain value such as it's is no quote.
func openQuoteAtEnd(text string) byte {
	var quote byte
	valueStart := true
	for i := 0; i < len(text); i++ {
		c := text[i]
		switch {
		case quote == '"' && c == '\\':
			i++
		case quote == '"' && c == '"', quote == '\'' && c == '\'':
			if quote == '\'' && i+1 < len(text) && text[i+1] == '\'' {
				i++ // '' is an escaped quote
				continue
			}
			quote = 0
		case quote != 0:
		case c == '#' && (i == 0 || text[i-1] == ' ' || text[i-1] == '\t'):
			return 0
		case (c == '"' || c == '\'') && valueStart:
			quote = c
		case c == ' ' || c == '\t' || c == '[' || c == '{' || c == ',':
			valueStart = true
			continue
		}
		valueStart = false
	}
	return quote
}
