package main

import (
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
)

// validationError is the first rule a message breaks. format is the English
// text and also the key of its zh-CN translation, and args are strings so
// that the localized printer does not reformat numbers.
type validationError struct {
	path   string
	format string
	args   []any
}

func invalidf(path, format string, args ...string) *validationError {
	anyArgs := make([]any, len(args))
	for i, arg := range args {
		anyArgs[i] = arg
	}
	return &validationError{path: path, format: format, args: anyArgs}
}

// Error returns the English text, as written to the report.
func (e *validationError) Error() string {
	return e.render(fmt.Sprintf)
}

func (e *validationError) localize(l *localizer) string {
	return e.render(l.text)
}

func (e *validationError) render(sprintf func(string, ...any) string) string {
	text := sprintf(e.format, e.args...)
	if e.path == "" {
		return text
	}
	return e.path + ": " + text
}

// object is a decoded JSON object together with its path in the message,
// so that errors name the field that broke a rule.
type object struct {
	path   string
	fields map[string]any
}

func asObject(value any, path string) (object, *validationError) {
	fields, ok := value.(map[string]any)
	if !ok {
		return object{}, invalidf(path, "must be a JSON object")
	}
	return object{path: path, fields: fields}, nil
}

func (o object) fieldPath(name string) string {
	return joinPath(o.path, name)
}

// rejectUnknown reports the first field, in sorted order, that is not in
// allowed. Sorting keeps the reported error the same from run to run.
func (o object) rejectUnknown(allowed []string) *validationError {
	var unknown []string
	for name := range o.fields {
		if !slices.Contains(allowed, name) {
			unknown = append(unknown, name)
		}
	}
	if len(unknown) == 0 {
		return nil
	}
	slices.Sort(unknown)
	return invalidf(o.fieldPath(unknown[0]), "unknown field")
}

func (o object) requiredString(name string) (string, *validationError) {
	value, present, verr := o.optionalString(name)
	if verr != nil {
		return "", verr
	}
	if !present {
		return "", invalidf(o.fieldPath(name), "missing required field")
	}
	return value, nil
}

func (o object) nonEmptyString(name string) (string, *validationError) {
	value, verr := o.requiredString(name)
	if verr != nil {
		return "", verr
	}
	if value == "" {
		return "", invalidf(o.fieldPath(name), "must not be empty")
	}
	return value, nil
}

// optionalString returns present == false when the field is absent. A JSON
// null is not absent: it breaks the string type.
func (o object) optionalString(name string) (value string, present bool, verr *validationError) {
	raw, present := o.fields[name]
	if !present {
		return "", false, nil
	}
	value, ok := raw.(string)
	if !ok {
		return "", true, invalidf(o.fieldPath(name), "must be a string")
	}
	return value, true, nil
}

func (o object) requiredBool(name string) (bool, *validationError) {
	raw, present := o.fields[name]
	if !present {
		return false, invalidf(o.fieldPath(name), "missing required field")
	}
	value, ok := raw.(bool)
	if !ok {
		return false, invalidf(o.fieldPath(name), "must be a boolean")
	}
	return value, nil
}

// integerPattern is a JSON number without fraction or exponent: "1.0" and
// "1e3" are numbers but not integers.
var integerPattern = regexp.MustCompile(`^-?(0|[1-9][0-9]*)$`)

func (o object) requiredInteger(name string) (int64, *validationError) {
	raw, present := o.fields[name]
	if !present {
		return 0, invalidf(o.fieldPath(name), "missing required field")
	}
	number, ok := raw.(json.Number)
	if !ok || !integerPattern.MatchString(number.String()) {
		return 0, invalidf(o.fieldPath(name), "must be an integer")
	}
	value, err := strconv.ParseInt(number.String(), 10, 64)
	if err != nil {
		return 0, invalidf(o.fieldPath(name), "integer out of range: %s", number.String())
	}
	return value, nil
}

func (o object) requiredVersion() *validationError {
	version, verr := o.requiredInteger("v")
	if verr != nil {
		return verr
	}
	if version != 1 {
		return invalidf(o.fieldPath("v"), "must be %s, got %s", "1", strconv.FormatInt(version, 10))
	}
	return nil
}

func (o object) requiredOneOf(name string, allowed []string) (string, *validationError) {
	value, verr := o.requiredString(name)
	if verr != nil {
		return "", verr
	}
	return value, checkOneOf(o.fieldPath(name), value, allowed)
}

func checkOneOf(path, value string, allowed []string) *validationError {
	if slices.Contains(allowed, value) {
		return nil
	}
	return invalidf(path, "must be one of %s, got %s", strings.Join(allowed, ", "), strconv.Quote(value))
}

// rfc3339Pattern is the RFC 3339 date-time production with a mandatory
// offset ("Z" or ±hh:mm). time.Parse alone would also take a comma before
// the fraction, which RFC 3339 does not allow.
var rfc3339Pattern = regexp.MustCompile(`^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?(Z|[+-][0-9]{2}:[0-9]{2})$`)

func (o object) requiredTime(name string) (string, *validationError) {
	value, verr := o.requiredString(name)
	if verr != nil {
		return "", verr
	}
	if !rfc3339Pattern.MatchString(value) {
		return "", invalidf(o.fieldPath(name), "must be an RFC 3339 time with offset, got %s", strconv.Quote(value))
	}
	if _, err := time.Parse(time.RFC3339Nano, value); err != nil {
		return "", invalidf(o.fieldPath(name), "must be an RFC 3339 time with offset, got %s", strconv.Quote(value))
	}
	return value, nil
}

// matchTopic checks that a body id (gateway_id or enterprise_code) equals the
// id in the topic.
func (o object) matchTopic(name, topicValue string) *validationError {
	value, verr := o.nonEmptyString(name)
	if verr != nil {
		return verr
	}
	if value == topicValue {
		return nil
	}

	quoted, topicQuoted := strconv.Quote(value), strconv.Quote(topicValue)
	if name == "enterprise_code" {
		return invalidf(o.fieldPath(name), "%s does not match the topic's enterprise code %s", quoted, topicQuoted)
	}
	return invalidf(o.fieldPath(name), "%s does not match the topic's gateway id %s", quoted, topicQuoted)
}
