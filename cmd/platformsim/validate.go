package main

import (
	"strconv"
	"strings"
)

// Topic kinds, the last level of every uplink topic.
const (
	topicEvents    = "events"
	topicTelemetry = "telemetry"
	topicBulk      = "bulk"
	topicStatus    = "status"
	topicHeartbeat = "heartbeat"
)

const formatName = "platform-json-v1"

// topic is an uplink topic split into its levels:
// {prefix}/{enterprise_code}/{gateway_id}/{kind}.
type topic struct {
	name           string
	enterpriseCode string
	gatewayID      string
	kind           string
}

// parseTopic splits a topic under prefix. It returns false for a topic that
// the subscriptions would not deliver.
func parseTopic(prefix, name string) (topic, bool) {
	rest, found := strings.CutPrefix(name, prefix+"/")
	if !found {
		return topic{}, false
	}
	levels := strings.Split(rest, "/")
	if len(levels) != 3 {
		return topic{}, false
	}
	switch levels[2] {
	case topicEvents, topicTelemetry, topicBulk, topicStatus, topicHeartbeat:
	default:
		return topic{}, false
	}
	return topic{name: name, enterpriseCode: levels[0], gatewayID: levels[1], kind: levels[2]}, true
}

// uplinkMessage contains the parts of a valid message that the tracker counts.
type uplinkMessage struct {
	records []record
	// compressed is set for an events, telemetry or bulk message with a
	// gzip body.
	compressed bool

	// state and stateTS are set for status messages only.
	state   string
	stateTS string

	// heartbeat is set for heartbeat messages only.
	heartbeat *heartbeat
}

// mqttMeta is the part of the PUBLISH packet that the contract constrains.
type mqttMeta struct {
	qos    byte
	retain bool
}

var bodyFields = []string{"v", "format", "gateway_id", "enterprise_code", "sent_at", "records"}

// statusFields has format too: the protocol's status example leaves it out,
// but a status message that carries the right format name is not wrong.
var statusFields = []string{"v", "format", "gateway_id", "enterprise_code", "state", "ts"}

// validateMessage checks one PUBLISH against docs/uplink-protocol.md and
// returns the first rule it breaks.
func validateMessage(t topic, meta mqttMeta, payload []byte) (*uplinkMessage, *validationError) {
	if meta.qos != 1 {
		return nil, invalidf("", "published with QoS %s, the protocol requires QoS 1", strconv.Itoa(int(meta.qos)))
	}
	if t.kind == topicStatus && !meta.retain {
		return nil, invalidf("", "status message is not retained")
	}
	if t.kind == topicHeartbeat && meta.retain {
		return nil, invalidf("", "heartbeat message is retained, the protocol sends it not retained")
	}
	if len(payload) == 0 {
		return nil, invalidf("", "empty payload")
	}
	compressed := isGzip(payload)
	if compressed {
		if t.kind == topicStatus || t.kind == topicHeartbeat {
			return nil, invalidf("", "a gzip body is allowed on events, telemetry and bulk only")
		}
		var verr *validationError
		if payload, verr = gunzip(payload); verr != nil {
			return nil, verr
		}
	}

	value, verr := decodeJSON(payload)
	if verr != nil {
		return nil, verr
	}
	body, verr := asObject(value, "")
	if verr != nil {
		return nil, verr
	}

	switch t.kind {
	case topicStatus:
		return validateStatus(t, body)
	case topicHeartbeat:
		return validateHeartbeat(t, body)
	}
	message, verr := validateBody(t, body)
	if verr != nil {
		return nil, verr
	}
	message.compressed = compressed
	return message, nil
}

func validateStatus(t topic, body object) (*uplinkMessage, *validationError) {
	if verr := body.rejectUnknown(statusFields); verr != nil {
		return nil, verr
	}
	if verr := body.requiredVersion(); verr != nil {
		return nil, verr
	}
	if _, present := body.fields["format"]; present {
		if _, verr := body.requiredOneOf("format", []string{formatName}); verr != nil {
			return nil, verr
		}
	}
	if verr := checkTopicIDs(t, body); verr != nil {
		return nil, verr
	}

	state, verr := body.requiredOneOf("state", []string{"online", "offline"})
	if verr != nil {
		return nil, verr
	}
	ts, verr := body.requiredTime("ts")
	if verr != nil {
		return nil, verr
	}
	return &uplinkMessage{state: state, stateTS: ts}, nil
}

func validateBody(t topic, body object) (*uplinkMessage, *validationError) {
	if verr := body.rejectUnknown(bodyFields); verr != nil {
		return nil, verr
	}
	if verr := body.requiredVersion(); verr != nil {
		return nil, verr
	}
	if _, verr := body.requiredOneOf("format", []string{formatName}); verr != nil {
		return nil, verr
	}
	if verr := checkTopicIDs(t, body); verr != nil {
		return nil, verr
	}
	if _, verr := body.requiredTime("sent_at"); verr != nil {
		return nil, verr
	}

	rawRecords, present := body.fields["records"]
	if !present {
		return nil, invalidf("records", "missing required field")
	}
	items, ok := rawRecords.([]any)
	if !ok {
		return nil, invalidf("records", "must be an array")
	}
	if len(items) == 0 {
		return nil, invalidf("records", "must contain at least 1 record")
	}
	if t.kind == topicBulk && len(items) > 1 {
		return nil, invalidf("records", "must contain exactly 1 record on the bulk topic, got %s", strconv.Itoa(len(items)))
	}

	kind := recordKind(t.kind)

	message := &uplinkMessage{records: make([]record, 0, len(items))}
	firstIndex := make(map[int64]int, len(items))
	for i, item := range items {
		rec, verr := validateRecord(item, indexPath("records", i), t.kind, kind)
		if verr != nil {
			return nil, verr
		}
		if first, seen := firstIndex[rec.seq]; seen {
			return nil, invalidf(indexPath("records", i)+".seq", "seq %s already appears in records[%s]",
				strconv.FormatInt(rec.seq, 10), strconv.Itoa(first))
		}
		firstIndex[rec.seq] = i
		message.records = append(message.records, rec)
	}
	return message, nil
}

// recordKind returns the record kind that a records topic carries.
func recordKind(topicKind string) string {
	switch topicKind {
	case topicEvents:
		return "event"
	case topicBulk:
		return "bulk"
	}
	return "sample"
}

func checkTopicIDs(t topic, body object) *validationError {
	if verr := body.matchTopic("gateway_id", t.gatewayID); verr != nil {
		return verr
	}
	return body.matchTopic("enterprise_code", t.enterpriseCode)
}
