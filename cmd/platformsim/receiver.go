package main

import (
	"slices"
	"strings"
	"sync"
	"time"
)

// invalidLineInterval is the minimum time between two printed
// invalid-message lines. A gateway with a broken encoder sends every message
// invalid, and one line per second is enough to read.
const invalidLineInterval = time.Second

// maxMissingRanges caps the missing ranges in the report.
const maxMissingRanges = 100

// notableEvents are printed as their own line when they arrive.
var notableEvents = []string{"alarm_raised", "alarm_silenced", "alarm_acknowledged", "alarm_reset", "trip", "trip_reset",
	"comm_lost", "comm_restored", "fault_raised", "valve_failed", "valve_uncommanded", "bypass_on", "bypass_off",
	"level_switch_disagree"}

// receiver validates and counts every uplink message. The broker calls
// handle from each client's connection goroutine, so all state is guarded by
// mu. Output goes to print, which must not block.
type receiver struct {
	prefix string
	text   *localizer
	print  func(string)
	now    func() time.Time
	// ack, when set, is given the ack topic and the seqs of every valid
	// events, telemetry or bulk message. It must not block.
	ack func(topic string, seqs []int64)

	mu sync.Mutex
	// NOTE: gateways has no size limit. Each gateway id in a topic adds an
	// entry, which suits a laptop but lets any client on an --allow-remote
	// LAN grow the memory.
	gateways           map[string]*gatewayStats
	stopped            bool
	lastInvalidLine    time.Time
	suppressedInvalids int64 // invalid messages not printed since lastInvalidLine
}

func newReceiver(prefix string, text *localizer, print func(string)) *receiver {
	return &receiver{
		prefix:   prefix,
		text:     text,
		print:    print,
		now:      time.Now,
		gateways: map[string]*gatewayStats{},
	}
}

// handle validates one PUBLISH and counts it for the gateway in its topic.
func (r *receiver) handle(topicName string, meta mqttMeta, payload []byte) {
	t, ok := parseTopic(r.prefix, topicName)
	if !ok {
		return
	}
	// An empty retained PUBLISH deletes the retained message (MQTT 3.1.1
	// section 3.3.1.3): it is housekeeping, not a status.
	if t.kind == topicStatus && meta.retain && len(payload) == 0 {
		return
	}

	message, verr := validateMessage(t, meta, payload)

	r.mu.Lock()
	defer r.mu.Unlock()
	if r.stopped {
		return
	}

	gateway := r.gatewayFor(t)
	gateway.messages++
	if verr != nil {
		gateway.invalid++
		gateway.lastInvalid = verr.Error()
		r.printInvalid(t, verr)
		return
	}

	if t.kind == topicStatus {
		gateway.status, gateway.statusTS = message.state, message.stateTS
		r.print(statusLine(r.text, t.gatewayID, message.state, message.stateTS))
		return
	}
	if t.kind == topicHeartbeat {
		gateway.heartbeats++
		gateway.lastHeartbeat = message.heartbeat
		r.print(heartbeatLine(r.text, t.gatewayID, message.heartbeat))
		return
	}

	if message.compressed {
		gateway.compressed++
	}
	if r.ack != nil {
		seqs := make([]int64, len(message.records))
		for i, rec := range message.records {
			seqs[i] = rec.seq
		}
		r.ack(ackTopic(r.prefix, t), seqs)
	}
	for _, rec := range message.records {
		if !gateway.addRecord(rec) {
			continue
		}
		switch {
		case rec.kind == "event" && slices.Contains(notableEvents, rec.event):
			r.print(eventLine(r.text, t.gatewayID, rec))
		case rec.kind == "bulk":
			if obj := gateway.bulk.track(rec.bulk); obj != nil {
				r.print(bulkLine(r.text, t.gatewayID, rec, obj))
			}
		case gateway.textChanged(rec):
			r.print(textLine(r.text, t.gatewayID, rec))
		}
	}
}

func (r *receiver) gatewayFor(t topic) *gatewayStats {
	gateway, ok := r.gateways[t.gatewayID]
	if !ok {
		gateway = &gatewayStats{gatewayID: t.gatewayID}
		r.gateways[t.gatewayID] = gateway
	}
	gateway.enterpriseCode = t.enterpriseCode
	return gateway
}

// printInvalid prints at most one line per invalidLineInterval and counts
// the rest. Must be called with mu held.
func (r *receiver) printInvalid(t topic, verr *validationError) {
	now := r.now()
	if !r.lastInvalidLine.IsZero() && now.Sub(r.lastInvalidLine) < invalidLineInterval {
		r.suppressedInvalids++
		return
	}
	r.print(invalidLine(r.text, t.name, verr, r.suppressedInvalids))
	r.lastInvalidLine = now
	r.suppressedInvalids = 0
}

// stop makes handle ignore later messages, so that the final counts do not
// change while they are printed. It returns the number of invalid messages
// whose lines were suppressed and not yet reported.
func (r *receiver) stop() int64 {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.stopped = true
	suppressed := r.suppressedInvalids
	r.suppressedInvalids = 0
	return suppressed
}

// snapshot returns the counts of every gateway, sorted by gateway id.
func (r *receiver) snapshot() []gatewayReport {
	r.mu.Lock()
	defer r.mu.Unlock()

	reports := make([]gatewayReport, 0, len(r.gateways))
	for _, gateway := range r.gateways {
		reports = append(reports, newGatewayReport(gateway))
	}
	slices.SortFunc(reports, func(a, b gatewayReport) int { return strings.Compare(a.GatewayID, b.GatewayID) })
	return reports
}
