package locale

// zhCNTemplates translates the messages about device templates.
var zhCNTemplates = map[string]string{
	"%s: points overrides need a template":            "%s: 只有使用模板 (template) 的设备才能填写 points 覆盖项",
	"%s: no template named %q; templates: %s":         "%s: 没有名为 %q 的模板; 可用模板: %s",
	"%s: template %s has no point %q; its points: %s": "%s: 模板 %s 中没有点位 %q; 它的点位: %s",
	"%s: %v": "%s: %v",
}
