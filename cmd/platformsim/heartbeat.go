package main

import (
	"strconv"
)

var (
	heartbeatFields = []string{"v", "format", "gateway_id", "enterprise_code", "ts", "clock_synced", "uptime_s",
		"version", "last_seq", "backlog", "devices"}
	backlogFields = []string{"events", "telemetry", "bulk"}
	deviceFields  = []string{"total", "lost"}
)

// heartbeat is a valid heartbeat message's content.
type heartbeat struct {
	ts          string
	clockSynced bool
	uptimeS     int64
	version     string
	lastSeq     int64
	backlogEv   int64
	backlogTel  int64
	// backlogBulk is valid when hasBulk is set: gateways without a bulk
	// lane send no bulk count.
	backlogBulk int64
	hasBulk     bool
	// hasDevices is false when the gateway sent no device summary.
	hasDevices   bool
	devicesTotal int64
	devicesLost  int64
}

// validateHeartbeat checks a heartbeat body against docs/uplink-protocol.md.
func validateHeartbeat(t topic, body object) (*uplinkMessage, *validationError) {
	if verr := body.rejectUnknown(heartbeatFields); verr != nil {
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

	var hb heartbeat
	var verr *validationError
	if hb.ts, verr = body.requiredTime("ts"); verr != nil {
		return nil, verr
	}
	if hb.clockSynced, verr = body.requiredBool("clock_synced"); verr != nil {
		return nil, verr
	}
	if hb.uptimeS, verr = body.nonNegativeInteger("uptime_s"); verr != nil {
		return nil, verr
	}
	if hb.version, _, verr = body.optionalString("version"); verr != nil {
		return nil, verr
	}
	if hb.lastSeq, verr = body.nonNegativeInteger("last_seq"); verr != nil {
		return nil, verr
	}

	backlog, verr := body.requiredObject("backlog", backlogFields)
	if verr != nil {
		return nil, verr
	}
	if hb.backlogEv, verr = backlog.nonNegativeInteger("events"); verr != nil {
		return nil, verr
	}
	if hb.backlogTel, verr = backlog.nonNegativeInteger("telemetry"); verr != nil {
		return nil, verr
	}
	if _, present := backlog.fields["bulk"]; present {
		if hb.backlogBulk, verr = backlog.nonNegativeInteger("bulk"); verr != nil {
			return nil, verr
		}
		hb.hasBulk = true
	}

	if _, present := body.fields["devices"]; present {
		devices, verr := body.requiredObject("devices", deviceFields)
		if verr != nil {
			return nil, verr
		}
		if hb.devicesTotal, verr = devices.nonNegativeInteger("total"); verr != nil {
			return nil, verr
		}
		if hb.devicesLost, verr = devices.nonNegativeInteger("lost"); verr != nil {
			return nil, verr
		}
		if hb.devicesLost > hb.devicesTotal {
			return nil, invalidf(devices.fieldPath("lost"), "must be at most total (%s), got %s",
				strconv.FormatInt(hb.devicesTotal, 10), strconv.FormatInt(hb.devicesLost, 10))
		}
		hb.hasDevices = true
	}
	return &uplinkMessage{heartbeat: &hb}, nil
}

// requiredObject returns the object in field name, which may contain only
// the allowed fields.
func (o object) requiredObject(name string, allowed []string) (object, *validationError) {
	raw, present := o.fields[name]
	if !present {
		return object{}, invalidf(o.fieldPath(name), "missing required field")
	}
	inner, verr := asObject(raw, o.fieldPath(name))
	if verr != nil {
		return object{}, verr
	}
	return inner, inner.rejectUnknown(allowed)
}

func (o object) nonNegativeInteger(name string) (int64, *validationError) {
	value, verr := o.requiredInteger(name)
	if verr != nil {
		return 0, verr
	}
	if value < 0 {
		return 0, invalidf(o.fieldPath(name), "must be 0 or more, got %s", strconv.FormatInt(value, 10))
	}
	return value, nil
}

// heartbeatLine formats the line printed for each heartbeat.
func heartbeatLine(l *localizer, gatewayID string, hb *heartbeat) string {
	var line string
	if hb.hasBulk {
		line = l.text("[platform] %s heartbeat: backlog events %s telemetry %s bulk %s, last seq %s, uptime %s s",
			displayID(gatewayID), itoa(hb.backlogEv), itoa(hb.backlogTel), itoa(hb.backlogBulk), itoa(hb.lastSeq), itoa(hb.uptimeS))
	} else {
		line = l.text("[platform] %s heartbeat: backlog events %s telemetry %s, last seq %s, uptime %s s",
			displayID(gatewayID), itoa(hb.backlogEv), itoa(hb.backlogTel), itoa(hb.lastSeq), itoa(hb.uptimeS))
	}
	if hb.hasDevices {
		line += l.text(", devices %s (lost %s)", itoa(hb.devicesTotal), itoa(hb.devicesLost))
	}
	if hb.clockSynced {
		line += l.text(", clock synced")
	} else {
		line += l.text(", clock NOT synced")
	}
	if hb.version != "" {
		line += l.text(", version %s", hb.version)
	}
	return line + " " + l.text("(at %s)", hb.ts)
}
