package uplink

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/plantgw/plantgw/buffer"
	"github.com/plantgw/plantgw/config"
	"github.com/plantgw/plantgw/record"
)

// encodeOne encodes one stored sample and returns its record as JSON
// fields.
func encodeOne(t *testing.T, s record.Sample) map[string]any {
	t.Helper()
	cfg := testSiteConfig()
	cfg.Points = append(cfg.Points, config.Point{ID: "GT-101.firmware", Type: config.TextType,
		Platform: config.Platform{HazardCode: "H1", PointCode: "GT101FW"}})
	enc, err := NewEncoder(cfg)
	if err != nil {
		t.Fatal(err)
	}
	payload, skipped, err := enc.Encode([]buffer.Record{{Seq: 7, Payload: record.EncodeSample(s)}}, 0, time.Unix(1_800_000_000, 0))
	if err != nil || len(skipped) != 0 {
		t.Fatalf("encode: %v, skipped %v", err, skipped)
	}
	var msg struct {
		Records []map[string]any `json:"records"`
	}
	if err := json.Unmarshal(payload, &msg); err != nil {
		t.Fatal(err)
	}
	if len(msg.Records) != 1 {
		t.Fatalf("records = %d, want 1", len(msg.Records))
	}
	return msg.Records[0]
}

func TestTextSampleValueIsString(t *testing.T) {
	rec := encodeOne(t, record.Sample{Point: "GT-101.firmware", Time: time.Unix(1_800_000_000, 0), IsText: true, Text: "V2.1.7", Quality: record.Good})
	if got, ok := rec["value"].(string); !ok || got != "V2.1.7" {
		t.Errorf("value = %#v, want the string V2.1.7", rec["value"])
	}
	if rec["unit"] != "" {
		t.Errorf("unit = %#v, want empty for text", rec["unit"])
	}
	if rec["point_code"] != "GT101FW" || rec["quality"] != "good" {
		t.Errorf("record = %v", rec)
	}
}

func TestEmptyTextIsNotNull(t *testing.T) {
	rec := encodeOne(t, record.Sample{Point: "GT-101.firmware", IsText: true, Text: "", Quality: record.Good})
	if got, ok := rec["value"].(string); !ok || got != "" {
		t.Errorf("value = %#v, want an empty string, not null", rec["value"])
	}
}

func TestBadTextSampleValueIsNull(t *testing.T) {
	rec := encodeOne(t, record.Sample{Point: "GT-101.firmware", IsText: true, Quality: record.Bad, Cause: record.CauseInvalidText})
	if v, present := rec["value"]; !present || v != nil {
		t.Errorf("value = %#v (present %v), want null", v, present)
	}
	if rec["cause"] != "invalid_text" {
		t.Errorf("cause = %#v, want invalid_text", rec["cause"])
	}
}

func TestExceptionSampleCarriesItsCode(t *testing.T) {
	rec := encodeOne(t, record.Sample{Point: "GT-101.firmware", IsText: true, Quality: record.Bad, Cause: record.CauseException, Code: 2})
	if rec["cause"] != "exception" || rec["exception_code"] != float64(2) {
		t.Errorf("record = %v, want cause exception with exception_code 2", rec)
	}
	rec = encodeOne(t, record.Sample{Point: "GT-101.firmware", IsText: true, Quality: record.Bad, Cause: record.CauseTimeout})
	if _, present := rec["exception_code"]; present {
		t.Errorf("record = %v: exception_code without an exception", rec)
	}
}
