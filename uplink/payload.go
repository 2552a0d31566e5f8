package uplink

import (
	"encoding/json"
	"fmt"
	"math"
	"time"

	"github.com/plantgw/plantgw/buffer"
	"github.com/plantgw/plantgw/config"
	"github.com/plantgw/plantgw/record"
)

// Format is the payload format this package writes; docs/uplink-protocol.md
// defines it.
const Format = "platform-json-v1"

// pointInfo is a point's identity and unit as the platform receives them.
type pointInfo struct {
	hazardCode, pointCode, unit string
}

// Encoder builds platform-json-v1 messages.
type Encoder struct {
	site   config.Site
	loc    *time.Location
	points map[string]pointInfo
}

// NewEncoder returns an encoder for cfg's site and points.
func NewEncoder(cfg *config.Config) (*Encoder, error) {
	loc, err := time.LoadLocation(cfg.Site.Timezone)
	if err != nil {
		return nil, fmt.Errorf("time zone %q: %w", cfg.Site.Timezone, err)
	}
	e := &Encoder{site: cfg.Site, loc: loc, points: map[string]pointInfo{}}
	for _, p := range cfg.Points {
		e.points[p.ID] = pointInfo{hazardCode: p.Platform.HazardCode, pointCode: p.Platform.PointCode, unit: p.Unit}
	}
	return e, nil
}

type message struct {
	V              int               `json:"v"`
	Format         string            `json:"format"`
	GatewayID      string            `json:"gateway_id"`
	EnterpriseCode string            `json:"enterprise_code"`
	SentAt         string            `json:"sent_at"`
	Records        []json.RawMessage `json:"records"`
}

type sampleJSON struct {
	Seq        uint64 `json:"seq"`
	Kind       string `json:"kind"`
	PointID    string `json:"point_id"`
	HazardCode string `json:"hazard_code"`
	PointCode  string `json:"point_code"`
	Value      any    `json:"value"`
	Unit       string `json:"unit"`
	Quality    string `json:"quality"`
	Cause      string `json:"cause,omitempty"`
	// ExceptionCode is the Modbus exception code of an exception cause.
	ExceptionCode int    `json:"exception_code,omitempty"`
	TS            string `json:"ts"`
	ClockSynced   bool   `json:"clock_synced"`
	Historical    bool   `json:"historical"`
}

type eventJSON struct {
	Seq         uint64   `json:"seq"`
	Kind        string   `json:"kind"`
	Event       string   `json:"event"`
	PointID     string   `json:"point_id"`
	HazardCode  string   `json:"hazard_code,omitempty"`
	PointCode   string   `json:"point_code,omitempty"`
	Device      string   `json:"device,omitempty"`
	Output      string   `json:"output,omitempty"`
	Level       string   `json:"level,omitempty"`
	Interlock   string   `json:"interlock,omitempty"`
	State       string   `json:"state,omitempty"`
	Operator    string   `json:"operator,omitempty"`
	Reason      string   `json:"reason,omitempty"`
	Until       string   `json:"until,omitempty"`
	Value       *float64 `json:"value"`
	Source      string   `json:"source"`
	TS          string   `json:"ts"`
	ClockSynced bool     `json:"clock_synced"`
	Historical  bool     `json:"historical"`
	Text        string   `json:"text"`
}

func (e *Encoder) timestamp(t time.Time) string {
	return t.In(e.loc).Format("2006-01-02T15:04:05.000Z07:00")
}

// Encode builds one plain JSON message, of any size, from records of one
// lane, as EncodeCapped does without a cap. It returns a nil payload when
// no record could be decoded.
func (e *Encoder) Encode(recs []buffer.Record, historicalUpTo uint64, now time.Time) (payload []byte, skipped []uint64, err error) {
	batches, skipped, err := e.EncodeCapped(recs, historicalUpTo, now, math.MaxInt, nil)
	if err != nil || len(batches) == 0 {
		return nil, skipped, err
	}
	return batches[0].Payload, skipped, nil
}

func (e *Encoder) encodeRecord(r buffer.Record, historical bool) (json.RawMessage, error) {
	d, err := record.Decode(r.Payload)
	if err != nil {
		return nil, fmt.Errorf("record %d: %w", r.Seq, err)
	}
	if err := checkLane(r.Seq, r.Lane, d); err != nil {
		return nil, err
	}
	if d.Bulk != nil {
		return e.encodeBulk(r.Seq, d.Bulk, historical)
	}
	if s := d.Sample; s != nil {
		info := e.points[s.Point]
		out := sampleJSON{Seq: r.Seq, Kind: "sample", PointID: s.Point, HazardCode: info.hazardCode, PointCode: info.pointCode,
			Unit: info.unit, Quality: s.Quality.String(), Cause: string(s.Cause), ExceptionCode: int(s.Code), TS: e.timestamp(s.Time),
			ClockSynced: s.ClockSynced, Historical: historical}
		switch {
		case s.Quality == record.Bad:
		case s.IsBool:
			out.Value, out.Unit = s.Bool, ""
		case s.IsText:
			out.Value, out.Unit = s.Text, ""
		default:
			out.Value = s.Value
		}
		return json.Marshal(out)
	}
	ev := d.Event
	info := e.points[ev.Point]
	out := eventJSON{Seq: r.Seq, Kind: "event", Event: string(ev.Kind), PointID: ev.Point, HazardCode: info.hazardCode,
		PointCode: info.pointCode, Device: ev.Device, Output: ev.Output, Level: string(ev.Level), Interlock: ev.Interlock,
		State: ev.State, Operator: ev.Operator, Reason: ev.Reason,
		Source: string(ev.Source), TS: e.timestamp(ev.Time), ClockSynced: ev.ClockSynced, Historical: historical, Text: ev.Text}
	if !ev.Until.IsZero() {
		out.Until = e.timestamp(ev.Until)
	}
	if ev.HasValue {
		v := ev.Value
		out.Value = &v
	}
	return json.Marshal(out)
}

// statusJSON is the retained birth and will message.
type statusJSON struct {
	V              int    `json:"v"`
	GatewayID      string `json:"gateway_id"`
	EnterpriseCode string `json:"enterprise_code"`
	State          string `json:"state"`
	TS             string `json:"ts"`
}

// Status returns the status message for state online or offline.
func (e *Encoder) Status(state string, now time.Time) []byte {
	data, _ := json.Marshal(statusJSON{V: 1, GatewayID: e.site.GatewayID, EnterpriseCode: e.site.EnterpriseCode, State: state, TS: e.timestamp(now)})
	return data
}
