// Package locale selects the language of everything an installer or
// operator reads: CLI output, errors and config diagnostics. Messages are
// written in English in the code and translated through the catalog in
// zh.go; Chinese (zh-CN) is the default.
package locale

import (
	"fmt"
	"strings"

	"golang.org/x/text/language"
	"golang.org/x/text/message"
	"golang.org/x/text/message/catalog"
)

// Default is the language used when none is configured.
const Default = "zh-CN"

var (
	chinese = language.MustParse("zh-CN")
	english = language.English
)

// Parse maps a user's language setting ("zh-CN", "zh", "en") to a tag.
func Parse(lang string) (language.Tag, error) {
	switch strings.ToLower(strings.TrimSpace(lang)) {
	case "", "zh", "zh-cn", "zh_cn", "zh-hans":
		return chinese, nil
	case "en", "en-us", "en-gb", "en_us":
		return english, nil
	}
	return language.Und, fmt.Errorf("unsupported language %q: use zh-CN or en", lang)
}

// Printer returns a printer for lang, falling back to Chinese when lang is
// not one of the supported languages.
func Printer(lang string) *message.Printer {
	tag, err := Parse(lang)
	if err != nil {
		tag = chinese
	}
	return message.NewPrinter(tag, message.Catalog(translations))
}

var translations = buildCatalog()

// allZhCN merges the translation tables, which are split by topic.
func allZhCN() map[string]string {
	out := map[string]string{}
	for _, table := range []map[string]string{zhCN, zhCNConfig, zhCNTemplates, zhCNConsole, zhCNUplink, zhCNWeb, zhCNGwctl, zhCNGwctlAPI, zhCNBuffer, zhCNClock, zhCNGwctlOutputs, zhCNGwctlExport} {
		for k, v := range table {
			out[k] = v
		}
	}
	return out
}

func buildCatalog() catalog.Catalog {
	b := catalog.NewBuilder(catalog.Fallback(english))
	for key, zh := range allZhCN() {
		if err := b.SetString(chinese, key, zh); err != nil {
			panic(fmt.Sprintf("locale: bad zh-CN entry %q: %v", key, err))
		}
		if err := b.SetString(english, key, key); err != nil {
			panic(fmt.Sprintf("locale: bad en entry %q: %v", key, err))
		}
	}
	return b
}
