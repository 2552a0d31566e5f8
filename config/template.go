package config

import (
	"embed"
	"fmt"
	"path"
	"reflect"
	"sort"
	"strings"

	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/parser"
)

// templateFiles are the device templates built into the gateway.
//
//go:embed templates/*.yaml
var templateFiles embed.FS

// PointOverrides holds a device's per-suffix changes to its template's
// points as YAML syntax, so each is decoded onto a fresh copy of the
// template point with its own line numbers.
type PointOverrides struct {
	nodes map[string]ast.Node
	lines map[string]int
}

// template is one device template: points kept as syntax, because decoding
// each device's copy from the syntax gives every device its own values.
type template struct {
	name        string
	description string
	points      []templatePoint
}

type templatePoint struct {
	suffix   string
	optional bool
	node     *ast.MappingNode
}

// Templates lists the names and descriptions of the built-in templates.
func Templates() (map[string]string, error) {
	all, err := loadTemplates()
	if err != nil {
		return nil, err
	}
	out := map[string]string{}
	for name, t := range all {
		out[name] = t.description
	}
	return out, nil
}

func loadTemplates() (map[string]*template, error) {
	entries, err := templateFiles.ReadDir("templates")
	if err != nil {
		return nil, fmt.Errorf("read templates: %w", err)
	}
	out := map[string]*template{}
	for _, e := range entries {
		data, err := templateFiles.ReadFile(path.Join("templates", e.Name()))
		if err != nil {
			return nil, fmt.Errorf("read template %s: %w", e.Name(), err)
		}
		t, err := parseTemplate(e.Name(), data)
		if err != nil {
			return nil, err
		}
		out[t.name] = t
	}
	return out, nil
}

// parseTemplate reads a template file: name, description and a list of
// points, each with a suffix, optionally marked optional, and point keys.
func parseTemplate(file string, data []byte) (*template, error) {
	tree, err := parser.ParseBytes(data, 0)
	if err != nil {
		return nil, fmt.Errorf("template %s: %w", file, err)
	}
	root, ok := tree.Docs[0].Body.(*ast.MappingNode)
	if !ok {
		return nil, fmt.Errorf("template %s: top level is not a mapping", file)
	}
	t := &template{}
	for _, kv := range root.Values {
		switch kv.Key.String() {
		case "name":
			t.name = kv.Value.GetToken().Value
		case "description":
			t.description = kv.Value.GetToken().Value
		case "points":
			seq, ok := kv.Value.(*ast.SequenceNode)
			if !ok {
				return nil, fmt.Errorf("template %s: points is not a list", file)
			}
			for _, item := range seq.Values {
				tp, err := parseTemplatePoint(item)
				if err != nil {
					return nil, fmt.Errorf("template %s line %d: %w", file, lineOf(item), err)
				}
				t.points = append(t.points, tp)
			}
		default:
			return nil, fmt.Errorf("template %s: unknown key %q", file, kv.Key.String())
		}
	}
	if t.name == "" || len(t.points) == 0 {
		return nil, fmt.Errorf("template %s: name and points are required", file)
	}
	return t, nil
}

func parseTemplatePoint(n ast.Node) (templatePoint, error) {
	m, ok := n.(*ast.MappingNode)
	if !ok {
		return templatePoint{}, fmt.Errorf("point is not a mapping")
	}
	tp := templatePoint{node: &ast.MappingNode{BaseNode: m.BaseNode, Start: m.Start, End: m.End}}
	for _, kv := range m.Values {
		switch kv.Key.String() {
		case "suffix":
			tp.suffix = kv.Value.GetToken().Value
		case "optional":
			tp.optional = kv.Value.GetToken().Value == "true"
		default:
			tp.node.Values = append(tp.node.Values, kv)
		}
	}
	if tp.suffix == "" {
		return templatePoint{}, fmt.Errorf("point without suffix")
	}
	return tp, nil
}

// decodeOverrides keeps a device's points mapping as syntax.
func (d *decoder) decodeOverrides(path string, n ast.Node, v reflect.Value) {
	m, ok := d.mapping(path, n)
	if !ok {
		return
	}
	o := PointOverrides{nodes: map[string]ast.Node{}, lines: map[string]int{}}
	for _, kv := range m.Values {
		o.nodes[kv.Key.String()] = kv.Value
		o.lines[kv.Key.String()] = lineOf(kv.Key)
	}
	v.Set(reflect.ValueOf(o))
}

// expandTemplates adds the points of every device that names a template,
// with the device's overrides decoded on top. Template points come first
// in the device's order; points written out in the config keep theirs.
func (d *decoder) expandTemplates(cfg *Config) {
	var all map[string]*template
	for i := range cfg.Devices {
		dev := &cfg.Devices[i]
		devPath := fmt.Sprintf("devices[%d]", i)
		if dev.Template == "" {
			// A misspelled template key is already reported.
			if len(dev.Points.nodes) > 0 && !d.failed[devPath+".template"] {
				d.ps.add(d.lines[devPath+".points"], "%s: points overrides need a template", devPath)
			}
			continue
		}
		if all == nil {
			var err error
			if all, err = loadTemplates(); err != nil {
				d.ps.add(d.lines[devPath+".template"], "%s: %v", devPath, err)
				return
			}
		}
		t, ok := all[dev.Template]
		if !ok {
			d.ps.add(d.lines[devPath+".template"], "%s: no template named %q; templates: %s", devPath+".template", dev.Template, templateNames(all))
			continue
		}
		d.expandDevice(cfg, dev, devPath, t)
	}
}

func (d *decoder) expandDevice(cfg *Config, dev *Device, devPath string, t *template) {
	suffixes := map[string]bool{}
	for _, tp := range t.points {
		suffixes[tp.suffix] = true
	}
	for suffix, line := range dev.Points.lines {
		if !suffixes[suffix] {
			d.ps.add(line, "%s: template %s has no point %q; its points: %s", devPath+".points", t.name, suffix, sortedKeys(suffixes))
		}
	}
	for _, tp := range t.points {
		override, overridden := dev.Points.nodes[tp.suffix]
		if tp.optional && !overridden {
			continue
		}
		k := len(cfg.Points)
		pointPath := fmt.Sprintf("points[%d]", k)
		cfg.Points = append(cfg.Points, Point{})
		pt := &cfg.Points[k]
		// Template syntax goes through a decoder of its own, so its lines
		// (of the template file) never stand for lines of the config.
		fresh := &decoder{ps: &problems{file: "template " + t.name}, lines: map[string]int{}, anchors: map[string]ast.Node{}, failed: map[string]bool{}}
		fresh.decode(pointPath, tp.node, reflect.ValueOf(pt).Elem())
		d.ps.list = append(d.ps.list, fresh.ps.list...)
		lineInConfig := d.lines[devPath]
		if overridden {
			lineInConfig = dev.Points.lines[tp.suffix]
			d.decode(pointPath, override, reflect.ValueOf(pt).Elem())
		}
		d.lines[pointPath] = lineInConfig
		if pt.ID == "" {
			pt.ID = dev.Name + "." + tp.suffix
		}
		pt.Device = dev.Name
	}
}

func templateNames(all map[string]*template) string {
	names := make([]string, 0, len(all))
	for n := range all {
		names = append(names, n)
	}
	sort.Strings(names)
	return strings.Join(names, ", ")
}

func sortedKeys(m map[string]bool) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return strings.Join(keys, ", ")
}
