package locale

import (
	"regexp"
	"slices"
	"testing"
)

// verb matches a fmt verb with optional argument index, flags and width.
var verb = regexp.MustCompile(`%(\[\d+\])?[-+# 0]*\d*(\.\d+)?[a-zA-Z%]`)

func verbs(s string) []string {
	var out []string
	for _, v := range verb.FindAllString(s, -1) {
		out = append(out, regexp.MustCompile(`^%\[\d+\]`).ReplaceAllString(v, "%"))
	}
	slices.Sort(out)
	return out
}

func TestTranslationsTakeTheSameVerbs(t *testing.T) {
	for en, zh := range allZhCN() {
		if got, want := verbs(zh), verbs(en); !slices.Equal(got, want) {
			t.Errorf("%q: zh-CN verbs %v, English %v", en, got, want)
		}
	}
}

func TestPrinterTranslates(t *testing.T) {
	if got := Printer("zh-CN").Sprintf("%s is required", "site.gateway_id"); got != "缺少必填项 site.gateway_id" {
		t.Errorf("zh-CN = %q", got)
	}
	if got := Printer("en").Sprintf("%s is required", "x"); got != "x is required" {
		t.Errorf("en = %q", got)
	}
}

func TestParseRejectsUnknownLanguage(t *testing.T) {
	if _, err := Parse("fr"); err == nil {
		t.Error("Parse(fr) succeeded")
	}
}
