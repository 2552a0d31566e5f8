package config

import (
	"encoding"
	"fmt"
	"math"
	"reflect"
	"strconv"
	"strings"

	"github.com/goccy/go-yaml/ast"
)

// decoder fills a typed value from a YAML syntax tree. Unlike a plain
// unmarshal it keeps going after an error, so one run reports every unknown
// key and wrong type with its line, and it records the line of every path
// for the checks that come after decoding.
type decoder struct {
	ps      *problems
	lines   map[string]int
	anchors map[string]ast.Node
	// failed holds the paths already reported: values that did not decode,
	// keys that a misspelled key probably meant and values that contain an
	// unset environment variable.
	failed map[string]bool
	// unset lists where expandEnv replaced an unset variable by nothing.
	unset []unsetRef
}

var textUnmarshalerType = reflect.TypeFor[encoding.TextUnmarshaler]()

func lineOf(n ast.Node) int {
	if n == nil || n.GetToken() == nil {
		return 0
	}
	return n.GetToken().Position.Line
}

// resolve unwraps anchors, aliases and tags to the node that holds data.
func (d *decoder) resolve(n ast.Node) ast.Node {
	for i := 0; i < 16 && n != nil; i++ {
		switch v := n.(type) {
		case *ast.AnchorNode:
			d.anchors[v.Name.String()] = v.Value
			n = v.Value
		case *ast.AliasNode:
			target, ok := d.anchors[v.Value.String()]
			if !ok {
				return n
			}
			n = target
		case *ast.TagNode:
			n = v.Value
		default:
			return n
		}
	}
	return n
}

func (d *decoder) decode(path string, n ast.Node, v reflect.Value) {
	n = d.resolve(n)
	if n == nil {
		return
	}
	if _, isNull := n.(*ast.NullNode); isNull {
		return
	}
	if v.Kind() == reflect.Pointer {
		if v.IsNil() {
			v.Set(reflect.New(v.Type().Elem()))
		}
		d.decode(path, n, v.Elem())
		return
	}
	if v.Type() == reflect.TypeFor[PointOverrides]() {
		d.decodeOverrides(path, n, v)
		return
	}
	if v.CanAddr() && v.Addr().Type().Implements(textUnmarshalerType) {
		d.decodeText(path, n, v)
		return
	}
	switch v.Kind() {
	case reflect.Struct:
		d.decodeStruct(path, n, v)
	case reflect.Slice:
		d.decodeSlice(path, n, v)
	default:
		d.decodeScalar(path, n, v)
	}
}

func (d *decoder) decodeStruct(path string, n ast.Node, v reflect.Value) {
	m, ok := d.mapping(path, n)
	if !ok {
		return
	}
	fields := yamlFields(v.Type())
	seen := map[string]int{}
	for i, entry := range m.Values {
		key := entry.Key.String()
		line := lineOf(entry.Key)
		if _, dup := seen[key]; dup {
			d.ps.add(line, "key %q appears twice in %s", key, pathName(path))
			continue
		}
		seen[key] = line
		index, known := fields[key]
		if !known {
			d.unknownKey(line, key, path, fields)
			continue
		}
		child := joinPath(path, key)
		d.lines[child] = line
		if d.valueFromUnset(m.Values, i) {
			// The unset variable is reported; what is left of the value
			// would only be reported a second time.
			d.failed[child] = true
			continue
		}
		d.decode(child, entry.Value, v.Field(index))
	}
}

// valueFromUnset reports whether the scalar value of entries[i] contains an
// unset environment variable: one that lies on the key's line, after the
// key and before the next key on that line (in a flow mapping).
func (d *decoder) valueFromUnset(entries []*ast.MappingValueNode, i int) bool {
	if len(d.unset) == 0 {
		return false
	}
	switch d.resolve(entries[i].Value).(type) {
	case *ast.MappingNode, *ast.MappingValueNode, *ast.SequenceNode:
		// The nested keys and items are checked one by one.
		return false
	}
	key := entries[i].Key.GetToken()
	if key == nil {
		return false
	}
	end := math.MaxInt
	if i+1 < len(entries) {
		if next := entries[i+1].Key.GetToken(); next != nil && next.Position.Line == key.Position.Line {
			end = next.Position.Column
		}
	}
	for _, u := range d.unset {
		if u.line == key.Position.Line && u.column > key.Position.Column && u.column < end {
			return true
		}
	}
	return false
}

// mapping returns n as a mapping node, or reports that it is none. A
// single "key: value" pair parses as a MappingValueNode and counts too.
func (d *decoder) mapping(path string, n ast.Node) (*ast.MappingNode, bool) {
	switch m := n.(type) {
	case *ast.MappingNode:
		return m, true
	case *ast.MappingValueNode:
		return &ast.MappingNode{Values: []*ast.MappingValueNode{m}}, true
	}
	d.failed[path] = true
	d.ps.add(lineOf(n), "%s: expected a mapping (key: value), got %s", pathName(path), nodeKind(n))
	return nil, false
}

func (d *decoder) unknownKey(line int, key, path string, fields map[string]int) {
	names := make([]string, 0, len(fields))
	for name := range fields {
		names = append(names, name)
	}
	if best := closest(key, names); best != "" {
		d.failed[joinPath(path, best)] = true
		d.ps.add(line, "unknown key %q in %s; did you mean %q?", key, pathName(path), best)
		return
	}
	d.ps.add(line, "unknown key %q in %s", key, pathName(path))
}

func (d *decoder) decodeSlice(path string, n ast.Node, v reflect.Value) {
	seq, ok := n.(*ast.SequenceNode)
	if !ok {
		d.failed[path] = true
		d.ps.add(lineOf(n), "%s: expected a list, got %s", pathName(path), nodeKind(n))
		return
	}
	out := reflect.MakeSlice(v.Type(), len(seq.Values), len(seq.Values))
	for i, item := range seq.Values {
		child := fmt.Sprintf("%s[%d]", path, i)
		d.lines[child] = lineOf(item)
		d.decode(child, item, out.Index(i))
	}
	v.Set(out)
}

func (d *decoder) decodeText(path string, n ast.Node, v reflect.Value) {
	text, ok := scalarText(n)
	if !ok {
		d.failed[path] = true
		d.ps.add(lineOf(n), "%s: expected %s, got %s", pathName(path), expectedKind(v.Type()), nodeKind(n))
		return
	}
	if err := v.Addr().Interface().(encoding.TextUnmarshaler).UnmarshalText([]byte(text)); err != nil {
		d.failed[path] = true
		d.ps.add(lineOf(n), "%s: expected %s, got %q", pathName(path), expectedKind(v.Type()), text)
	}
}

func (d *decoder) decodeScalar(path string, n ast.Node, v reflect.Value) {
	text, ok := scalarText(n)
	if !ok {
		d.failed[path] = true
		d.ps.add(lineOf(n), "%s: expected %s, got %s", pathName(path), expectedKind(v.Type()), nodeKind(n))
		return
	}
	bad := func() {
		d.failed[path] = true
		d.ps.add(lineOf(n), "%s: expected %s, got %q", pathName(path), expectedKind(v.Type()), text)
	}
	switch v.Kind() {
	case reflect.String:
		v.SetString(text)
	case reflect.Bool:
		b, isBool := n.(*ast.BoolNode)
		if !isBool {
			bad()
			return
		}
		v.SetBool(b.Value)
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		i, err := strconv.ParseInt(text, 0, v.Type().Bits())
		if err != nil {
			bad()
			return
		}
		v.SetInt(i)
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		u, err := strconv.ParseUint(text, 0, v.Type().Bits())
		if err != nil {
			bad()
			return
		}
		v.SetUint(u)
	case reflect.Float32, reflect.Float64:
		f, err := strconv.ParseFloat(text, 64)
		if err != nil || !isNumberNode(n) {
			bad()
			return
		}
		v.SetFloat(f)
	default:
		panic(fmt.Sprintf("config: field kind %s at %s has no decoder", v.Kind(), path))
	}
}

func isNumberNode(n ast.Node) bool {
	switch n.(type) {
	case *ast.IntegerNode, *ast.FloatNode:
		return true
	}
	return false
}

// scalarText returns a scalar node's source text, with quotes removed.
func scalarText(n ast.Node) (string, bool) {
	switch v := n.(type) {
	case *ast.StringNode:
		return v.Value, true
	case *ast.LiteralNode:
		return v.Value.Value, true
	case *ast.IntegerNode, *ast.FloatNode, *ast.BoolNode:
		return n.GetToken().Value, true
	}
	return "", false
}

// yamlFields maps a struct's YAML keys to field indexes.
func yamlFields(t reflect.Type) map[string]int {
	fields := make(map[string]int, t.NumField())
	for i := range t.NumField() {
		tag := t.Field(i).Tag.Get("yaml")
		name, _, _ := strings.Cut(tag, ",")
		if name == "" || name == "-" {
			continue
		}
		fields[name] = i
	}
	return fields
}

func expectedKind(t reflect.Type) phrase {
	if t == reflect.TypeFor[Duration]() {
		return "a duration such as 500ms, 2s or 1m"
	}
	if t == reflect.TypeFor[ByteSize]() {
		return "a size such as 2GiB, 512MiB or 100MB"
	}
	switch t.Kind() {
	case reflect.String:
		return "a text string"
	case reflect.Bool:
		return "true or false"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "a whole number"
	case reflect.Float32, reflect.Float64:
		return "a number"
	case reflect.Struct:
		return "a mapping"
	case reflect.Slice:
		return "a list"
	}
	return phrase(t.String())
}

func nodeKind(n ast.Node) phrase {
	switch n.(type) {
	case *ast.MappingNode, *ast.MappingValueNode:
		return "a mapping"
	case *ast.SequenceNode:
		return "a list"
	case *ast.StringNode, *ast.LiteralNode:
		return "a text value"
	case *ast.IntegerNode, *ast.FloatNode, *ast.InfinityNode, *ast.NanNode:
		return "a number value"
	case *ast.BoolNode:
		return "a boolean value"
	case *ast.NullNode:
		return "an empty value"
	}
	return phrase(n.Type().String())
}

func joinPath(parent, key string) string {
	if parent == "" {
		return key
	}
	return parent + "." + key
}

// pathName returns a path as messages show it, naming the top level.
func pathName(path string) string {
	if path == "" {
		return "(top level)"
	}
	return path
}
