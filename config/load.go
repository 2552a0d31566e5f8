package config

import (
	"os"
	"reflect"
	"sort"

	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/parser"
)

// Load reads, decodes, completes with defaults and validates the config
// file at path. Every problem found is returned together in an *Error.
func Load(path string) (*Config, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, &Error{File: path, Err: err}
	}
	return Parse(path, data, os.LookupEnv)
}

// Parse is Load for data already read; file names the source in errors and
// lookup resolves ${NAME} references (nil means the process environment).
func Parse(file string, data []byte, lookup func(string) (string, bool)) (*Config, error) {
	ps := &problems{file: file}
	data, unset := expandEnv(data, ps, lookup)

	tree, err := parser.ParseBytes(data, 0)
	if err != nil {
		addSyntaxProblem(ps, data, err)
		return nil, ps.err()
	}

	cfg := &Config{File: file}
	d := &decoder{ps: ps, lines: map[string]int{}, anchors: map[string]ast.Node{}, failed: map[string]bool{}, unset: unset}
	for _, doc := range tree.Docs {
		if doc.Body != nil {
			d.decode("", doc.Body, reflect.ValueOf(cfg).Elem())
		}
	}
	d.expandTemplates(cfg)

	// Validate even after decoding problems, so one run lists every
	// mistake. Paths whose value failed to decode, or that a misspelled key
	// probably meant, are skipped so no mistake is reported twice.
	cfg.lines = d.lines
	inherited := applyDefaults(cfg)
	v := &validator{ps: ps, lines: d.lines, cfg: cfg, skip: d.failed, inherited: inherited}
	// Decoding problems were found before names were known.
	for i := range ps.list {
		for j, a := range ps.list[i].Args {
			if text, ok := a.(string); ok {
				ps.list[i].Args[j] = v.withName(text)
			}
		}
	}
	v.validate()
	if len(ps.list) > 0 {
		err := sorted(ps).(*Error)
		err.Lang = cfg.Site.Lang
		return nil, err
	}
	return cfg, nil
}

func sorted(ps *problems) error {
	sort.SliceStable(ps.list, func(i, j int) bool { return ps.list[i].Line < ps.list[j].Line })
	return ps.err()
}
