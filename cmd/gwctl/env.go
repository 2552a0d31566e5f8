package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"golang.org/x/text/message"

	"github.com/plantgw/plantgw/locale"
)

// env is the output streams and the language of one run.
type env struct {
	stdout, stderr io.Writer
	pr             *message.Printer
	// lang is the language of pr, sent to the gateway's API.
	lang string
	// langGiven is true when --lang or PLANTGW_LANG chose the language,
	// which then outranks a config file's site.lang.
	langGiven bool
	// terminal is true when stdout is a terminal, which gets a progress
	// bar instead of progress lines.
	terminal bool
}

func newEnv(args []string, stdout, stderr io.Writer) *env {
	lang, given := langFromArgs(args)
	return &env{stdout: stdout, stderr: stderr, pr: locale.Printer(lang), lang: lang, langGiven: given, terminal: isTerminal(stdout)}
}

// useSiteLang switches to a config file's site.lang unless the user chose
// a language.
func (e *env) useSiteLang(lang string) {
	if !e.langGiven && lang != "" {
		e.pr, e.lang = locale.Printer(lang), lang
	}
}

// langFromArgs finds --lang before the command line is parsed, so that
// errors in other flags are already translated. Without --lang it takes
// PLANTGW_LANG, then zh-CN.
func langFromArgs(args []string) (lang string, given bool) {
	for i, a := range args {
		if a == "--" {
			break
		}
		if a == "--lang" || a == "-lang" {
			if i+1 < len(args) {
				return args[i+1], true
			}
			continue
		}
		for _, prefix := range []string{"--lang=", "-lang="} {
			if v, ok := strings.CutPrefix(a, prefix); ok {
				return v, true
			}
		}
	}
	if v := os.Getenv("PLANTGW_LANG"); v != "" {
		return v, true
	}
	return locale.Default, false
}

// printf prints one translated line to stdout.
func (e *env) printf(format string, args ...any) {
	fmt.Fprintln(e.stdout, e.pr.Sprintf(format, args...))
}

// message returns u in the user's language.
func (e *env) message(u *userError) string {
	args := make([]any, len(u.args))
	for i, a := range u.args {
		if p, ok := a.(phrase); ok {
			a = e.pr.Sprintf(string(p))
		}
		args[i] = a
	}
	return e.pr.Sprintf(u.format, args...)
}

// userError is an error for the installer: an English message format,
// translated when printed, and the exit code it causes.
type userError struct {
	code   int
	format string
	args   []any
	// cause is the underlying error, if any, for errors.Is.
	cause error
}

func (u *userError) Error() string { return fmt.Sprintf(u.format, u.args...) }
func (u *userError) Unwrap() error { return u.cause }

// usageError returns a userError that exits with exitUsage.
func usageError(format string, args ...any) *userError {
	return &userError{code: exitUsage, format: format, args: args}
}

// failure returns a userError that exits with exitFailure.
func failure(cause error, format string, args ...any) *userError {
	return &userError{code: exitFailure, format: format, args: args, cause: cause}
}

// fail prints err on stderr in the user's language and returns its exit
// code: a userError's own, exitFailure for any other error.
func (e *env) fail(err error) int {
	var u *userError
	if errors.As(err, &u) {
		fmt.Fprintln(e.stderr, e.message(u))
		return u.code
	}
	fmt.Fprintln(e.stderr, e.pr.Sprintf("gwctl failed: %v", err))
	return exitFailure
}
