package config

import (
	"errors"
	"fmt"
	"io/fs"
	"strings"

	"golang.org/x/text/message"
)

// Problem is one thing wrong in a config file: where it is and what to do.
// Format and Args are an English message format and its arguments; the
// locale catalog translates them when the problem is printed.
type Problem struct {
	File   string
	Line   int
	Format string
	Args   []any
}

// phrase is a message argument that is itself translated, such as the
// kind of value a key expects.
type phrase string

// Render formats the problem in the printer's language as "file:line: text".
func (p Problem) Render(pr *message.Printer) string {
	args := make([]any, len(p.Args))
	for i, a := range p.Args {
		if ph, ok := a.(phrase); ok {
			a = pr.Sprintf(string(ph))
		}
		args[i] = a
	}
	return pr.Sprintf("%s:%d: %s", p.File, p.Line, pr.Sprintf(p.Format, args...))
}

// Error is returned by Load when the file cannot be used. It lists every
// problem found, in file order where lines are known.
type Error struct {
	File     string
	Problems []Problem
	// Err is set when the file could not be read at all.
	Err error
	// Lang is the file's site.lang when it could be read, so the
	// problems can be shown in the site's language.
	Lang string
}

func (e *Error) Error() string {
	return e.Render(message.NewPrinter(message.MatchLanguage("en")))
}

func (e *Error) Unwrap() error { return e.Err }

// Render formats all problems in the printer's language, one per line.
func (e *Error) Render(pr *message.Printer) string {
	if errors.Is(e.Err, fs.ErrNotExist) {
		return pr.Sprintf("config file %s does not exist; give its path with --config", e.File)
	}
	if e.Err != nil {
		return pr.Sprintf("cannot read config file %s: %v", e.File, e.Err)
	}
	var b strings.Builder
	b.WriteString(pr.Sprintf("config %s has %d error(s)", e.File, len(e.Problems)))
	for _, p := range e.Problems {
		b.WriteString("\n  ")
		b.WriteString(p.Render(pr))
	}
	return b.String()
}

// AsError returns err's *Error, if it is one.
func AsError(err error) (*Error, bool) {
	var ce *Error
	ok := errors.As(err, &ce)
	return ce, ok
}

// problems collects problems while a file is checked.
type problems struct {
	file string
	list []Problem
}

func (ps *problems) add(line int, format string, args ...any) {
	ps.list = append(ps.list, Problem{File: ps.file, Line: line, Format: format, Args: args})
}

func (ps *problems) err() error {
	if len(ps.list) == 0 {
		return nil
	}
	return &Error{File: ps.file, Problems: ps.list}
}

// String is for debugging only.
func (p Problem) String() string {
	return fmt.Sprintf("%s:%d: "+p.Format, append([]any{p.File, p.Line}, p.Args...)...)
}
