package main

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/plantgw/plantgw/locale"
)

// messageCalls are the functions whose first string argument is an
// English message format that the locale catalog translates.
var messageCalls = map[string]bool{"usageError": true, "failure": true, "printf": true, "Sprintf": true}

// englishMessages returns every message format and usage line of the
// command's source files.
func englishMessages(t *testing.T) []string {
	t.Helper()
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	fset := token.NewFileSet()
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(f, func(n ast.Node) bool {
			collectMessages(n, seen)
			return true
		})
	}
	var out []string
	for m := range seen {
		out = append(out, m)
	}
	sort.Strings(out)
	return out
}

func collectMessages(n ast.Node, seen map[string]bool) {
	switch n := n.(type) {
	case *ast.CallExpr:
		name := ""
		switch fn := n.Fun.(type) {
		case *ast.Ident:
			name = fn.Name
		case *ast.SelectorExpr:
			// fmt.Sprintf builds text that is not translated.
			if pkg, ok := fn.X.(*ast.Ident); !ok || pkg.Name != "fmt" {
				name = fn.Sel.Name
			}
		}
		if !messageCalls[name] {
			return
		}
		for _, arg := range n.Args {
			if s, ok := stringLiteral(arg); ok {
				seen[s] = true
				return
			}
		}
	case *ast.ValueSpec:
		// The usage texts: package-level []string literals named *Usage,
		// and the string constants named *Usage that they share.
		for i, id := range n.Names {
			if !strings.HasSuffix(id.Name, "Usage") || i >= len(n.Values) {
				continue
			}
			if s, ok := stringLiteral(n.Values[i]); ok {
				seen[s] = true
			}
			if list, ok := n.Values[i].(*ast.CompositeLit); ok {
				for _, elt := range list.Elts {
					if s, ok := stringLiteral(elt); ok {
						seen[s] = true
					}
				}
			}
		}
	case *ast.KeyValueExpr:
		if key, ok := n.Key.(*ast.Ident); ok && key.Name == "summary" {
			if s, ok := stringLiteral(n.Value); ok {
				seen[s] = true
			}
		}
	case *ast.FuncDecl:
		// Functions that return a phrase return translated words.
		if n.Type.Results == nil || len(n.Type.Results.List) != 1 {
			return
		}
		if id, ok := n.Type.Results.List[0].Type.(*ast.Ident); !ok || id.Name != "phrase" {
			return
		}
		ast.Inspect(n.Body, func(m ast.Node) bool {
			if ret, ok := m.(*ast.ReturnStmt); ok && len(ret.Results) == 1 {
				if s, ok := stringLiteral(ret.Results[0]); ok {
					seen[s] = true
				}
			}
			return true
		})
	}
}

func stringLiteral(e ast.Expr) (string, bool) {
	lit, ok := e.(*ast.BasicLit)
	if !ok || lit.Kind != token.STRING {
		return "", false
	}
	s, err := strconv.Unquote(lit.Value)
	return s, err == nil
}

// Every message and help line must have a Chinese translation, since
// Chinese is the default language of installers.
func TestEveryMessageIsTranslated(t *testing.T) {
	zh, en := locale.Printer("zh-CN"), locale.Printer("en")
	messages := englishMessages(t)
	if len(messages) < 50 {
		t.Fatalf("found only %d messages; the source scan is broken", len(messages))
	}
	var missing []string
	for _, m := range messages {
		if zh.Sprintf(m) == en.Sprintf(m) {
			missing = append(missing, strconv.Quote(m))
		}
	}
	if len(missing) > 0 {
		t.Errorf("%d messages have no zh-CN translation in locale/zh_gwctl.go:\n%s", len(missing), strings.Join(missing, "\n"))
	}
}

// The names of Modbus exceptions come from the wire package, so the
// source scan above does not find them.
func TestExceptionNamesAreTranslated(t *testing.T) {
	zh, en := locale.Printer("zh-CN"), locale.Printer("en")
	seen := map[phrase]bool{}
	for code := range 256 {
		name := exceptionName(byte(code))
		if seen[name] {
			continue
		}
		seen[name] = true
		if zh.Sprintf(string(name)) == en.Sprintf(string(name)) {
			t.Errorf("exception %02X: %q has no zh-CN translation in locale/zh_gwctl.go", code, name)
		}
	}
	if len(seen) != 10 {
		t.Errorf("%d distinct exception names, want the 9 of the specification and one for unknown codes", len(seen))
	}
}
