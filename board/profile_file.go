package board

import (
	"fmt"
	"os"
	"strconv"
	"time"

	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/parser"
)

// profileReader reads a profile file strictly: an unknown key, a key
// written twice or a value of the wrong type is a problem at its line,
// and reading goes on so that one run lists every problem.
type profileReader struct {
	file     string
	problems []string
}

func (r *profileReader) add(n ast.Node, format string, args ...any) {
	r.problems = append(r.problems, fmt.Sprintf("%s: %s", r.where(n), fmt.Sprintf(format, args...)))
}

func (r *profileReader) where(n ast.Node) string {
	if n == nil || n.GetToken() == nil {
		return r.file
	}
	return fmt.Sprintf("%s:%d", r.file, n.GetToken().Position.Line)
}

// loadProfileFile reads and validates the profile file at path.
func loadProfileFile(path string) (*Profile, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read board profile: %w", err)
	}
	f, err := parser.ParseBytes(data, 0)
	if err != nil {
		return nil, &ProfileError{Profile: path, Problems: []string{fmt.Sprintf("%s: YAML syntax error: %v", path, err)}}
	}
	r := &profileReader{file: path}
	p := &Profile{Name: path, File: path}
	if len(f.Docs) != 1 || f.Docs[0].Body == nil {
		r.problems = append(r.problems, path+": the file must hold exactly one profile document")
	} else {
		r.profile(f.Docs[0].Body, p)
	}
	if len(r.problems) > 0 {
		return nil, &ProfileError{Profile: path, Problems: r.problems}
	}
	return p, p.Validate()
}

// fields calls set for each key of a mapping, after checking that the key
// is one of known and is not written twice.
func (r *profileReader) fields(n ast.Node, what string, known []string, set func(key string, v ast.Node)) {
	m, ok := n.(*ast.MappingNode)
	if !ok {
		r.add(n, "%s: expected a mapping (key: value)", what)
		return
	}
	seen := map[string]bool{}
	for _, kv := range m.Values {
		key := kv.Key.String()
		switch {
		case !contains(known, key):
			r.add(kv.Key, "unknown key %q in %s; known keys: %v", key, what, known)
		case seen[key]:
			r.add(kv.Key, "key %q appears twice in %s", key, what)
		default:
			seen[key] = true
			set(key, kv.Value)
		}
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func (r *profileReader) profile(n ast.Node, p *Profile) {
	r.fields(n, "the profile", []string{"name", "watchdog", "outputs", "inputs"}, func(key string, v ast.Node) {
		switch key {
		case "name":
			p.Name = r.str(v, key)
		case "watchdog":
			p.Watchdog = r.str(v, key)
		case "outputs":
			for i, item := range r.list(v, key) {
				p.Outputs = append(p.Outputs, r.output(item, fmt.Sprintf("outputs[%d]", i)))
			}
		case "inputs":
			for i, item := range r.list(v, key) {
				p.Inputs = append(p.Inputs, r.input(item, fmt.Sprintf("inputs[%d]", i)))
			}
		}
	})
}

func (r *profileReader) output(n ast.Node, what string) OutputLine {
	o := OutputLine{LineRef: LineRef{Offset: -1}, Safety: true, Where: r.where(n)}
	r.fields(n, what, []string{"name", "chip", "line", "offset", "active_low", "safety", "active_energised"}, func(key string, v ast.Node) {
		switch key {
		case "name":
			o.Name = r.str(v, what+".name")
		case "chip", "line", "offset":
			r.ref(key, v, what, &o.LineRef)
		case "active_low":
			o.ActiveLow = r.boolean(v, what+".active_low")
		case "safety":
			o.Safety = r.boolean(v, what+".safety")
		case "active_energised":
			o.ActiveEnergised = r.boolean(v, what+".active_energised")
		}
	})
	return o
}

func (r *profileReader) input(n ast.Node, what string) InputLine {
	in := InputLine{LineRef: LineRef{Offset: -1}, Debounce: DefaultDebounce, Where: r.where(n)}
	r.fields(n, what, []string{"name", "chip", "line", "offset", "active_low", "debounce", "bias"}, func(key string, v ast.Node) {
		switch key {
		case "name":
			in.Name = r.str(v, what+".name")
		case "chip", "line", "offset":
			r.ref(key, v, what, &in.LineRef)
		case "active_low":
			in.ActiveLow = r.boolean(v, what+".active_low")
		case "debounce":
			in.Debounce = r.duration(v, what+".debounce")
		case "bias":
			in.Bias = r.str(v, what+".bias")
		}
	})
	return in
}

func (r *profileReader) ref(key string, v ast.Node, what string, ref *LineRef) {
	switch key {
	case "chip":
		ref.Chip = r.str(v, what+".chip")
	case "line":
		ref.Line = r.str(v, what+".line")
	case "offset":
		n, ok := v.(*ast.IntegerNode)
		if !ok {
			r.add(v, "%s.offset: expected a whole number, got %s", what, v.String())
			return
		}
		off, err := strconv.Atoi(n.String())
		if err != nil || off < 0 {
			r.add(v, "%s.offset: %s is not a line offset (0 or more)", what, n.String())
			return
		}
		ref.Offset = off
	}
}

func (r *profileReader) list(n ast.Node, what string) []ast.Node {
	s, ok := n.(*ast.SequenceNode)
	if !ok {
		r.add(n, "%s: expected a list", what)
		return nil
	}
	return s.Values
}

func (r *profileReader) str(n ast.Node, what string) string {
	switch v := n.(type) {
	case *ast.StringNode:
		return v.Value
	case *ast.LiteralNode:
		return v.Value.Value
	}
	r.add(n, "%s: expected text, got %s", what, n.String())
	return ""
}

func (r *profileReader) boolean(n ast.Node, what string) bool {
	v, ok := n.(*ast.BoolNode)
	if !ok {
		r.add(n, "%s: expected true or false, got %s", what, n.String())
		return false
	}
	return v.Value
}

func (r *profileReader) duration(n ast.Node, what string) time.Duration {
	s, ok := n.(*ast.StringNode)
	if !ok {
		r.add(n, "%s: expected a duration such as 20ms, got %s", what, n.String())
		return 0
	}
	d, err := time.ParseDuration(s.Value)
	if err != nil {
		r.add(n, "%s: %q is not a duration such as 20ms", what, s.Value)
		return 0
	}
	return d
}
