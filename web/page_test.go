package web

import (
	"encoding/json"
	"io/fs"
	"maps"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/plantgw/plantgw/locale"
	"github.com/plantgw/plantgw/record"
)

func TestPageServedWithPolicy(t *testing.T) {
	rg := newRig(t)
	c := rg.client()
	r := c.expect(200, "GET", "/", nil)
	if ct := r.header.Get("Content-Type"); !strings.HasPrefix(ct, "text/html") {
		t.Errorf("page content type %q", ct)
	}
	if csp := r.header.Get("Content-Security-Policy"); csp != pagePolicy {
		t.Errorf("page policy %q", csp)
	}
	if !strings.Contains(r.raw, `<script type="module" src="/static/app.js"></script>`) {
		t.Error("page does not load app.js")
	}
	for _, tc := range []struct{ path, contentType string }{
		{"/static/app.js", "text/javascript"},
		{"/static/style.css", "text/css"},
		{"/static/i18n.json", "application/json"},
		{"/static/icon.svg", "image/svg+xml"},
	} {
		r := c.expect(200, "GET", tc.path, nil)
		if ct := r.header.Get("Content-Type"); !strings.HasPrefix(ct, tc.contentType) {
			t.Errorf("%s: content type %q, want %s", tc.path, ct, tc.contentType)
		}
	}
	c.expect(404, "GET", "/static/", nil)
	c.expect(404, "GET", "/static/missing.js", nil)
	c.expect(404, "GET", "/nothing-here", nil)
}

// pageFiles returns every file of the page by name.
func pageFiles(t *testing.T) map[string]string {
	t.Helper()
	files := map[string]string{}
	err := fs.WalkDir(static, "static", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := static.ReadFile(path)
		files[path] = string(data)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

func TestPageHasNoInlineCodeOrRemoteFiles(t *testing.T) {
	inlineHandler := regexp.MustCompile(`(?i)\son[a-z]+\s*=`)
	inlineScript := regexp.MustCompile(`<script(?:\s[^>]*)?>\s*[^<\s]`)
	for name, text := range pageFiles(t) {
		if strings.HasSuffix(name, ".html") {
			if inlineHandler.MatchString(text) {
				t.Errorf("%s has an inline event handler, which the policy blocks", name)
			}
			if inlineScript.MatchString(text) || strings.Contains(text, "style=") {
				t.Errorf("%s has inline script or style, which the policy blocks", name)
			}
		}
		// The only URL allowed is the SVG namespace, which is never
		// fetched.
		rest := strings.ReplaceAll(text, "http://www.w3.org/2000/svg", "")
		if strings.Contains(rest, "http://") || strings.Contains(rest, "https://") || strings.Contains(rest, "//cdn") {
			t.Errorf("%s refers to another site; the page must work without internet", name)
		}
	}
}

// catalogKeys returns the keys of each language of i18n.json.
func catalogKeys(t *testing.T) map[string]map[string]string {
	t.Helper()
	var catalog map[string]map[string]string
	if err := json.Unmarshal([]byte(pageFiles(t)["static/i18n.json"]), &catalog); err != nil {
		t.Fatalf("i18n.json: %v", err)
	}
	return catalog
}

func TestPageCatalogCoversEveryString(t *testing.T) {
	catalog := catalogKeys(t)
	zh, en := catalog["zh-CN"], catalog["en"]
	if len(zh) == 0 || !slices.Equal(slices.Sorted(maps.Keys(zh)), slices.Sorted(maps.Keys(en))) {
		t.Fatalf("zh-CN and en have different keys: %d and %d", len(zh), len(en))
	}
	hasHan := regexp.MustCompile(`\p{Han}`)
	for key, text := range zh {
		if key != "lang.switch" && !hasHan.MatchString(text) && !strings.HasPrefix(text, "{") {
			t.Errorf("zh-CN %q = %q has no Chinese", key, text)
		}
		if key != "lang.switch" && hasHan.MatchString(en[key]) {
			t.Errorf("en %q = %q has Chinese", key, en[key])
		}
	}

	used := map[string]bool{}
	literal := regexp.MustCompile(`\bt\('([\w.]+)'|data-i18n="([\w.]+)"`)
	for _, text := range pageFiles(t) {
		for _, m := range literal.FindAllStringSubmatch(text, -1) {
			used[m[1]+m[2]] = true
		}
	}
	// Keys built from values the gateway sends.
	kinds := []record.EventKind{record.AlarmRaised, record.AlarmCleared, record.AlarmReset, record.AlarmSilenced,
		record.AlarmAcknowledged, record.BypassOn, record.BypassOff, record.ValveFailed, record.ValveUncommanded,
		record.ValveReset, record.SwitchDisagree, record.SwitchAgree, record.FaultRaised, record.FaultCleared,
		record.CommLost, record.CommRestored, record.Trip, record.TripReset, record.OutputChanged,
		record.OutputTestStarted, record.OutputTestEnded, record.WriteUnconfirmed, record.ModbusWrite, record.RecordsEvicted, record.StoreReplaced, record.LightningWarning,
		record.AccountCreated, record.AccountRemoved, record.GatewayStarted, record.GatewayStopped}
	for _, k := range kinds {
		used["kind."+string(k)] = true
	}
	for _, s := range []record.Source{record.SourceAuto, record.SourceLocalButton, record.SourceLocalUI, record.SourceRemote} {
		used["source."+string(s)] = true
	}
	for _, lv := range standardLevels {
		used["level."+lv] = true
	}
	for _, key := range []string{"state.alarm", "state.fault", "state.uncertain", "state.normal", "state.none",
		"quality.good", "quality.uncertain", "quality.bad", "quality.none", "lane.events", "lane.telemetry",
		"role.viewer", "role.operator", "role.installer"} {
		used[key] = true
	}
	for key := range used {
		if _, ok := zh[key]; !ok {
			t.Errorf("the page uses %q, which the catalog lacks", key)
		}
	}
}

func TestAPIMessagesTranslated(t *testing.T) {
	zh := locale.Printer("zh-CN")
	for c, format := range messages {
		if zh.Sprintf(format) == locale.Printer("en").Sprintf(format) {
			t.Errorf("message of %s has no zh-CN translation: %q", c, format)
		}
	}
}
