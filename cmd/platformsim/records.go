package main

import (
	"encoding/json"
	"slices"
	"strconv"
)

// record is the part of a valid sample, event or bulk record that the
// tracker counts and the event lines print.
type record struct {
	seq        int64
	kind       string // "sample", "event" or "bulk"
	event      string
	pointID    string
	device     string
	output     string
	level      string
	value      string // JSON text of value: a number as sent, "true", "false", a quoted string, "null", or "" when absent
	isText     bool   // a sample whose value is a string: a text point's reading
	ts         string
	historical bool
	// bulk is set for a bulk record only.
	bulk *bulkPart
}

var (
	sampleFields = []string{"seq", "kind", "point_id", "hazard_code", "point_code", "value", "unit",
		"quality", "cause", "exception_code", "ts", "clock_synced", "historical"}
	bulkFields  = []string{"seq", "kind", "name", "content_type", "part", "parts", "size", "data", "ts", "clock_synced", "historical"}
	eventFields = []string{"seq", "kind", "event", "point_id", "hazard_code", "point_code", "device",
		"output", "level", "interlock", "state", "operator", "reason", "until", "value", "source", "ts", "clock_synced", "historical", "text"}

	qualities    = []string{"good", "uncertain", "bad"}
	causes       = []string{"timeout", "exception", "crc", "sentinel", "loop_fault", "under_range", "over_range", "stale", "comm_lost", "device_fault", "invalid_text"}
	eventTypes   = []string{"alarm_raised", "alarm_cleared", "alarm_reset", "alarm_silenced", "alarm_acknowledged", "bypass_on", "bypass_off", "valve_failed", "valve_uncommanded", "valve_reset", "level_switch_disagree", "level_switch_agree", "fault_raised", "fault_cleared", "comm_lost", "comm_restored", "write_unconfirmed", "modbus_write", "trip", "trip_reset", "output_changed", "records_evicted", "gateway_started", "gateway_stopped", "clock_step", "lightning_warning", "account_created", "account_removed", "store_replaced", "output_test_started", "output_test_ended"}
	alarmLevels  = []string{"al1", "al2", "h", "hh", "l", "ll"}
	eventSources = []string{"auto", "local_button", "local_ui", "remote"}

	// Which event types need a point, a device or an output, as the
	// protocol's event table states.
	pointEvents  = []string{"alarm_raised", "alarm_cleared", "alarm_reset", "alarm_acknowledged", "bypass_on", "bypass_off", "fault_raised", "fault_cleared", "level_switch_disagree", "level_switch_agree"}
	deviceEvents = []string{"comm_lost", "comm_restored", "write_unconfirmed", "modbus_write", "valve_failed", "valve_uncommanded", "valve_reset"}
	outputEvents = []string{"output_changed", "trip", "trip_reset", "output_test_started", "output_test_ended"}
)

// validateRecord checks one element of records. kind is the record kind that
// the topic carries.
func validateRecord(item any, path, topicKind, kind string) (record, *validationError) {
	rec, verr := asObject(item, path)
	if verr != nil {
		return record{}, verr
	}

	seq, verr := rec.requiredInteger("seq")
	if verr != nil {
		return record{}, verr
	}
	if seq < 1 {
		return record{}, invalidf(rec.fieldPath("seq"), "must be 1 or more, got %s", strconv.FormatInt(seq, 10))
	}

	gotKind, verr := rec.requiredString("kind")
	if verr != nil {
		return record{}, verr
	}
	if gotKind != kind {
		return record{}, invalidf(rec.fieldPath("kind"), "the %s topic carries kind %s, got %s",
			topicKind, strconv.Quote(kind), strconv.Quote(gotKind))
	}

	// Unknown fields are checked after kind, so that a record on the wrong
	// topic is reported as such and not as a list of unknown fields.
	allowed := sampleFields
	switch kind {
	case "event":
		allowed = eventFields
	case "bulk":
		allowed = bulkFields
	}
	if verr := rec.rejectUnknown(allowed); verr != nil {
		return record{}, verr
	}

	var out record
	switch kind {
	case "event":
		out, verr = validateEvent(rec)
	case "bulk":
		out, verr = validateBulk(rec)
	default:
		out, verr = validateSample(rec)
	}
	if verr != nil {
		return record{}, verr
	}

	out.seq, out.kind = seq, kind
	out.ts, verr = rec.requiredTime("ts")
	if verr != nil {
		return record{}, verr
	}
	if _, verr := rec.requiredBool("clock_synced"); verr != nil {
		return record{}, verr
	}
	out.historical, verr = rec.requiredBool("historical")
	if verr != nil {
		return record{}, verr
	}
	return out, nil
}

func validateSample(rec object) (record, *validationError) {
	var out record
	var verr *validationError

	out.pointID, verr = rec.nonEmptyString("point_id")
	if verr != nil {
		return record{}, verr
	}
	if _, verr := rec.nonEmptyString("hazard_code"); verr != nil {
		return record{}, verr
	}
	if _, verr := rec.nonEmptyString("point_code"); verr != nil {
		return record{}, verr
	}

	quality, verr := rec.requiredOneOf("quality", qualities)
	if verr != nil {
		return record{}, verr
	}
	if verr := checkCause(rec, quality); verr != nil {
		return record{}, verr
	}

	raw, present := rec.fields["value"]
	if !present {
		return record{}, invalidf(rec.fieldPath("value"), "missing required field")
	}
	_, isBool := raw.(bool)
	_, out.isText = raw.(string)
	switch raw.(type) {
	case nil, json.Number, bool, string:
	default:
		return record{}, invalidf(rec.fieldPath("value"), "must be a number, boolean, string or null")
	}
	if quality == "bad" && raw != nil {
		return record{}, invalidf(rec.fieldPath("value"), "must be null when quality is bad")
	}
	if quality != "bad" && raw == nil {
		return record{}, invalidf(rec.fieldPath("value"), "must not be null when quality is %s", quality)
	}
	out.value = valueText(raw)

	// NOTE: the protocol lists unit without saying it may be left out, so a
	// missing unit is an error even for contacts, whose unit is "".
	unit, verr := rec.requiredString("unit")
	if verr != nil {
		return record{}, verr
	}
	if isBool && unit != "" {
		return record{}, invalidf(rec.fieldPath("unit"), "must be empty for a contact (boolean value), got %s", strconv.Quote(unit))
	}
	if out.isText && unit != "" {
		return record{}, invalidf(rec.fieldPath("unit"), "must be empty for text (a string value), got %s", strconv.Quote(unit))
	}
	return out, nil
}

// checkCause requires a cause when quality is not good. A cause next to good
// quality is allowed as long as it is a known cause, because the protocol
// does not forbid it.
func checkCause(rec object, quality string) *validationError {
	cause, present, verr := rec.optionalString("cause")
	if verr != nil {
		return verr
	}
	if !present {
		if quality != "good" {
			return invalidf(rec.fieldPath("cause"), "required when quality is %s", quality)
		}
		return nil
	}
	if verr := checkOneOf(rec.fieldPath("cause"), cause, causes); verr != nil {
		return verr
	}
	return checkExceptionCode(rec, cause)
}

// checkExceptionCode allows exception_code only next to cause exception,
// as a Modbus exception code from 1 to 255.
func checkExceptionCode(rec object, cause string) *validationError {
	if _, present := rec.fields["exception_code"]; !present {
		return nil
	}
	if cause != "exception" {
		return invalidf(rec.fieldPath("exception_code"), "only allowed with cause exception, got cause %s", cause)
	}
	code, verr := rec.requiredInteger("exception_code")
	if verr != nil {
		return verr
	}
	if code < 1 || code > 255 {
		return invalidf(rec.fieldPath("exception_code"), "must be a Modbus exception code from 1 to 255, got %s", strconv.FormatInt(code, 10))
	}
	return nil
}

func validateEvent(rec object) (record, *validationError) {
	var out record
	var verr *validationError

	out.event, verr = rec.requiredOneOf("event", eventTypes)
	if verr != nil {
		return record{}, verr
	}

	if verr := checkEventPoint(rec, &out); verr != nil {
		return record{}, verr
	}

	out.device, verr = optionalRequiredFor(rec, "device", out.event, deviceEvents)
	if verr != nil {
		return record{}, verr
	}
	out.output, verr = optionalRequiredFor(rec, "output", out.event, outputEvents)
	if verr != nil {
		return record{}, verr
	}

	level, levelPresent, verr := rec.optionalString("level")
	if verr != nil {
		return record{}, verr
	}
	if !levelPresent && out.event == "alarm_raised" {
		return record{}, invalidf(rec.fieldPath("level"), "required for event %s", out.event)
	}
	if levelPresent {
		if verr := checkOneOf(rec.fieldPath("level"), level, alarmLevels); verr != nil {
			return record{}, verr
		}
	}
	out.level = level

	if raw, present := rec.fields["value"]; present {
		switch raw.(type) {
		case nil, json.Number:
		default:
			return record{}, invalidf(rec.fieldPath("value"), "must be a number or null")
		}
		out.value = valueText(raw)
	}

	if _, verr := rec.requiredOneOf("source", eventSources); verr != nil {
		return record{}, verr
	}
	if _, _, verr := rec.optionalString("text"); verr != nil {
		return record{}, verr
	}
	return out, nil
}

// checkEventPoint applies the point rules: hazard_code and point_code are
// present exactly when point_id is not empty. An empty string counts as
// absent, so that an encoder may write "" or leave the field out.
func checkEventPoint(rec object, out *record) *validationError {
	pointID, _, verr := rec.optionalString("point_id")
	if verr != nil {
		return verr
	}
	if pointID == "" && slices.Contains(pointEvents, out.event) {
		return invalidf(rec.fieldPath("point_id"), "required for event %s", out.event)
	}

	for _, name := range []string{"hazard_code", "point_code"} {
		code, _, verr := rec.optionalString(name)
		if verr != nil {
			return verr
		}
		if pointID != "" && code == "" {
			return invalidf(rec.fieldPath(name), "required when point_id is not empty")
		}
		if pointID == "" && code != "" {
			return invalidf(rec.fieldPath(name), "must be absent or empty when point_id is empty")
		}
	}
	out.pointID = pointID
	return nil
}

// optionalRequiredFor reads a string field that must be non-empty for the
// event types in requiredFor and is optional for the others.
func optionalRequiredFor(rec object, name, event string, requiredFor []string) (string, *validationError) {
	value, _, verr := rec.optionalString(name)
	if verr != nil {
		return "", verr
	}
	if value == "" && slices.Contains(requiredFor, event) {
		return "", invalidf(rec.fieldPath(name), "required for event %s", event)
	}
	return value, nil
}

func valueText(raw any) string {
	switch value := raw.(type) {
	case nil:
		return "null"
	case json.Number:
		return value.String()
	case bool:
		return strconv.FormatBool(value)
	case string:
		return strconv.Quote(value)
	}
	return ""
}
