package config

import (
	"strings"
	"testing"
)

const templated = `site: {enterprise_code: E1, gateway_id: gw-1}
buses: [{name: b, tcp: {address: "127.0.0.1:502"}}]
devices:
  - name: GT-1
    bus: b
    unit: 1
    template: gas-detector-combustible
    points:
      conc: {gas: {al1: 20, al2: 40}, platform: {hazard_code: H1, point_code: C1}}
  - name: GT-2
    bus: b
    unit: 2
    template: gas-detector-combustible
    points:
      conc: {platform: {hazard_code: H1, point_code: C2}}
  - name: AI-1
    bus: b
    unit: 3
    template: ai-8ch-4-20ma
    points:
      ch3: {id: PT-1.pressure, unit: MPa, current: {high: 1.6}, platform: {hazard_code: H1, point_code: P1}}
uplink: {mqtt: {url: "tcp://127.0.0.1:1883"}}
`

func TestTemplatesExpand(t *testing.T) {
	cfg, cerr := parse(t, templated)
	if cerr != nil {
		t.Fatalf("unexpected error:\n%s", english(cerr))
	}
	byID := map[string]Point{}
	for _, p := range cfg.Points {
		byID[p.ID] = p
	}
	if len(byID) != 3 {
		t.Fatalf("points = %v; want GT-1.conc, GT-2.conc and PT-1.pressure only", byID)
	}
	if g := byID["GT-1.conc"].Gas; g == nil || g.AL1 != 20 || g.AL2 != 40 || g.Kind != "combustible" {
		t.Errorf("GT-1 gas = %+v; want the override 20/40 with the template's kind", g)
	}
	if g := byID["GT-2.conc"].Gas; g == nil || g.AL1 != 25 || g.AL2 != 50 {
		t.Errorf("GT-2 gas = %+v; want the template's 25/50, untouched by GT-1's override", g)
	}
	pt := byID["PT-1.pressure"]
	if pt.Device != "AI-1" || pt.Unit != "MPa" || pt.Current == nil || pt.Current.High != 1.6 || pt.Current.Input != "ua" {
		t.Errorf("PT-1.pressure = %+v (current %+v); want channel 3 of AI-1 in MPa, µA input, span to 1.6", pt, pt.Current)
	}
	if wire, _ := pt.Register.Wire(); wire != 2 {
		t.Errorf("PT-1.pressure wire address = %d, want 2 (channel 3)", wire)
	}
}

func TestEveryBuiltInTemplateLoads(t *testing.T) {
	all, err := Templates()
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"gas-detector-combustible", "gas-detector-toxic", "radar-level", "ai-8ch-4-20ma", "shutoff-valve"} {
		if all[want] == "" {
			t.Errorf("template %s missing or without description", want)
		}
	}
}

func TestTemplateProblems(t *testing.T) {
	tests := []struct {
		name, old, new string
		line           int
		message        string
	}{
		{"misspelled template", "    template: ai-8ch-4-20ma", "    template: ai-8ch", 19, `devices[2] (AI-1).template: no template named "ai-8ch"; templates: ai-8ch-4-20ma, gas-detector-combustible`},
		{"unknown point", "      ch3: {", "      ch9: {", 21, `template ai-8ch-4-20ma has no point "ch9"`},
		{"override over the limit", "al1: 20, al2: 40", "al1: 30, al2: 40", 9, "points[0] (GT-1.conc).gas.al1: combustible gas level 1 must be at most 25"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			text := strings.Replace(templated, tt.old, tt.new, 1)
			if text == templated {
				t.Fatalf("test setup: %q not found", tt.old)
			}
			_, cerr := parse(t, text)
			if cerr == nil {
				t.Fatal("config loaded; want an error")
			}
			expectProblem(t, cerr, tt.message, tt.line)
		})
	}
}

func TestTemplateFirmwareString(t *testing.T) {
	text := strings.Replace(templated, "      conc: {platform: {hazard_code: H1, point_code: C2}}\n",
		"      conc: {platform: {hazard_code: H1, point_code: C2}}\n      firmware: {platform: {hazard_code: H1, point_code: F2}}\n", 1)
	cfg, cerr := parse(t, text)
	if cerr != nil {
		t.Fatalf("unexpected error:\n%s", english(cerr))
	}
	var found *Point
	for i := range cfg.Points {
		switch cfg.Points[i].ID {
		case "GT-1.firmware":
			t.Error("GT-1 got the optional firmware point without naming it")
		case "GT-2.firmware":
			found = &cfg.Points[i]
		}
	}
	if found == nil {
		t.Fatal("GT-2.firmware missing; the device names it")
	}
	if found.Type != TextType || found.Length == nil || *found.Length != 4 || found.ByteOrder != "AB" {
		t.Errorf("firmware = type %q length %v order %q; want string, 4, AB", found.Type, found.Length, found.ByteOrder)
	}
	if wire, _ := found.Register.Wire(); wire != 100 || found.Register.Table != "holding" {
		t.Errorf("firmware register = %s %d, want holding wire 100 (40101)", found.Register.Table, wire)
	}
	if found.Report == nil || found.Report.MaxInterval.D().Hours() != 1 {
		t.Errorf("firmware report = %+v, want max_interval 1h", found.Report)
	}
}
