package main

import (
	"context"
	"fmt"
	"io"
	"slices"
	"strings"
)

// command is one gwctl command. Each lives in its own file; adding one
// means adding its line to commands.
type command struct {
	// path is the words after gwctl that name the command, such as
	// {"config", "check"}: a group and a command, or a command alone.
	path []string
	// summary is the English one-line description, translated in help.
	summary string
	// usage is the English usage text, line by line, translated in help.
	usage []string
	run   func(ctx context.Context, e *env, args []string) int
}

// name returns the command's words, such as "config check".
func (c command) name() string { return strings.Join(c.path, " ") }

// commands lists every gwctl command in the order help shows them. The
// commands that go through the gateway's local API add themselves in
// api_commands.go.
var commands = []command{
	{path: []string{"config", "check"}, summary: "check a config file: every error with file:line and how to fix it", usage: configCheckUsage, run: runConfigCheck},
	{path: []string{"plan"}, summary: "print the Modbus reads the gateway makes for a config file", usage: planUsage, run: runPlan},
	{path: []string{"scan"}, summary: "find the unit ids, baud rates and parities that respond on a line", usage: scanUsage, run: runScan},
	{path: []string{"read"}, summary: "read registers or coils and decode them as the gateway does", usage: readUsage, run: runRead},
	{path: []string{"write"}, summary: "write one coil or holding register and read it back", usage: writeUsage, run: runWrite},
}

// dispatch finds the command that args name and runs it with the rest.
func dispatch(ctx context.Context, e *env, args []string) int {
	words, rest := leadingWords(args)
	if len(words) == 0 {
		if wantsHelp(rest) {
			printUsage(e, e.stdout)
			return exitOK
		}
		if unknown := firstNonLang(rest); unknown != "" {
			fmt.Fprintln(e.stderr, e.pr.Sprintf("unknown option %s; options go after the command, such as gwctl scan --port /dev/ttyUSB0", unknown))
		}
		printUsage(e, e.stderr)
		return exitUsage
	}
	if words[0] == "help" {
		return runHelp(e, words[1:])
	}
	cmd, n := findCommand(words)
	if cmd == nil {
		return unknownCommand(e, words)
	}
	cmdArgs := append(append([]string(nil), words[n:]...), rest...)
	if wantsHelp(cmdArgs) {
		printCommandUsage(e, e.stdout, *cmd)
		return exitOK
	}
	return cmd.run(ctx, e, cmdArgs)
}

// leadingWords splits args into the words before the first flag and the
// rest. The words name the command. --lang may come before or between
// them, and goes to the rest, so that the command checks it.
func leadingWords(args []string) (words, rest []string) {
	var lang []string
	i := 0
	for ; i < len(args); i++ {
		a := args[i]
		switch {
		case (a == "--lang" || a == "-lang") && i+1 < len(args):
			lang = append(lang, a, args[i+1])
			i++
		case strings.HasPrefix(a, "--lang=") || strings.HasPrefix(a, "-lang="):
			lang = append(lang, a)
		case strings.HasPrefix(a, "-"):
			return words, append(lang, args[i:]...)
		default:
			words = append(words, a)
		}
	}
	return words, lang
}

// firstNonLang returns the first flag in args other than --lang, or "".
func firstNonLang(args []string) string {
	for i := 0; i < len(args); i++ {
		switch a := args[i]; {
		case a == "--lang" || a == "-lang":
			i++
		case strings.HasPrefix(a, "--lang=") || strings.HasPrefix(a, "-lang="):
		default:
			return a
		}
	}
	return ""
}

// wantsHelp reports whether args ask for help before any "--".
func wantsHelp(args []string) bool {
	for _, a := range args {
		switch a {
		case "--":
			return false
		case "-h", "-help", "--help":
			return true
		}
	}
	return false
}

// findCommand returns the command whose path is the longest prefix of
// words, and the length of that path.
func findCommand(words []string) (*command, int) {
	var best *command
	for i := range commands {
		c := &commands[i]
		if len(c.path) <= len(words) && slices.Equal(c.path, words[:len(c.path)]) {
			if best == nil || len(c.path) > len(best.path) {
				best = c
			}
		}
	}
	if best == nil {
		return nil, 0
	}
	return best, len(best.path)
}

// unknownCommand explains words that name no command: a group without its
// command, or a misspelling.
func unknownCommand(e *env, words []string) int {
	var inGroup []string
	for _, c := range commands {
		if len(c.path) > 1 && c.path[0] == words[0] {
			inGroup = append(inGroup, c.name())
		}
	}
	if len(inGroup) > 0 {
		if len(words) == 1 {
			fmt.Fprintln(e.stderr, e.pr.Sprintf("%s needs a command: %s", words[0], strings.Join(inGroup, ", ")))
		} else {
			fmt.Fprintln(e.stderr, e.pr.Sprintf("unknown command %q; commands of %s: %s", strings.Join(words[:2], " "), words[0], strings.Join(inGroup, ", ")))
		}
		return exitUsage
	}
	fmt.Fprintln(e.stderr, e.pr.Sprintf("unknown command %q; run gwctl help for the list of commands", words[0]))
	return exitUsage
}

// runHelp prints the usage of gwctl or of the command that words name.
func runHelp(e *env, words []string) int {
	if len(words) == 0 {
		printUsage(e, e.stdout)
		return exitOK
	}
	cmd, n := findCommand(words)
	if cmd == nil || n != len(words) {
		return unknownCommand(e, words)
	}
	printCommandUsage(e, e.stdout, *cmd)
	return exitOK
}

func printUsage(e *env, w io.Writer) {
	fmt.Fprintln(w, e.pr.Sprintf("Usage: gwctl <command> [flags]"))
	fmt.Fprintln(w)
	fmt.Fprintln(w, e.pr.Sprintf("Commands:"))
	width := 0
	for _, c := range commands {
		width = max(width, len(c.name()))
	}
	for _, c := range commands {
		fmt.Fprintf(w, "  %-*s  %s\n", width, c.name(), e.pr.Sprintf(c.summary))
	}
	fmt.Fprintln(w)
	for _, line := range commonUsage {
		fmt.Fprintln(w, e.pr.Sprintf(line))
	}
}

func printCommandUsage(e *env, w io.Writer, c command) {
	for _, line := range c.usage {
		fmt.Fprintln(w, e.pr.Sprintf(line))
	}
	for _, line := range commonUsage {
		fmt.Fprintln(w, e.pr.Sprintf(line))
	}
}

// commonUsage ends every help text.
var commonUsage = []string{
	"  --lang LANG        language of messages: zh-CN (default) or en; without it, PLANTGW_LANG",
	"Exit status: 0 ok, 1 a problem was found, 2 invalid command line. Run gwctl help COMMAND for a command's flags.",
}
