package record

import (
	"encoding/json"
	"fmt"
	"time"
)

// storedVersion is the first byte of every stored record, so the format
// can change without misreading old data.
const storedVersion = 'j'

// stored is the on-disk form of a sample, an event or a bulk part:
// compact JSON keys, time in Unix nanoseconds.
type stored struct {
	Kind     string   `json:"k"`
	Point    string   `json:"p,omitempty"`
	Time     int64    `json:"t"`
	Synced   bool     `json:"y,omitempty"`
	Value    *float64 `json:"v,omitempty"`
	Bool     *bool    `json:"b,omitempty"`
	Quality  Quality  `json:"q,omitempty"`
	Cause    Cause    `json:"c,omitempty"`
	Event    string   `json:"e,omitempty"`
	Device   string   `json:"d,omitempty"`
	Output   string   `json:"o,omitempty"`
	Level    Level    `json:"l,omitempty"`
	Source   Source   `json:"s,omitempty"`
	Text     string   `json:"x,omitempty"`
	State    string   `json:"st,omitempty"`
	Lock     string   `json:"i,omitempty"`
	HasValue bool     `json:"h,omitempty"`
	// SampleText is a text point's reading. Records stored before text
	// points existed lack the key and decode as before.
	SampleText *string `json:"tx,omitempty"`
	// Code is a sample's Modbus exception code.
	Code byte `json:"ec,omitempty"`
	// Operator is an event's operator name.
	Operator string `json:"op,omitempty"`
	// Reason and Until are a bypass's reason and expiry, Until in Unix
	// nanoseconds.
	Reason string `json:"rs,omitempty"`
	Until  int64  `json:"u,omitempty"`
	// Name, ContentType, Part, Parts and Data are a bulk part's fields.
	// encoding/json writes Data as standard base64.
	Name        string `json:"n,omitempty"`
	ContentType string `json:"ct,omitempty"`
	Part        int    `json:"pn,omitempty"`
	Parts       int    `json:"pc,omitempty"`
	Data        []byte `json:"da,omitempty"`
}

// EncodeSample returns a sample's stored form.
func EncodeSample(s Sample) []byte {
	st := stored{Kind: "s", Point: s.Point, Time: s.Time.UnixNano(), Synced: s.ClockSynced, Quality: s.Quality, Cause: s.Cause, Code: s.Code}
	switch {
	case s.Quality == Bad:
	case s.IsBool:
		st.Bool = &s.Bool
	case s.IsText:
		st.SampleText = &s.Text
	default:
		st.Value = &s.Value
	}
	return marshal(st)
}

// EncodeEvent returns an event's stored form.
func EncodeEvent(e Event) []byte {
	st := stored{Kind: "e", Point: e.Point, Time: e.Time.UnixNano(), Synced: e.ClockSynced, Event: string(e.Kind),
		Device: e.Device, Output: e.Output, Level: e.Level, Source: e.Source, Text: e.Text, HasValue: e.HasValue, State: e.State, Lock: e.Interlock,
		Cause: e.Cause, Code: e.Code, Operator: e.Operator, Reason: e.Reason}
	if !e.Until.IsZero() {
		st.Until = e.Until.UnixNano()
	}
	if e.HasValue {
		st.Value = &e.Value
	}
	return marshal(st)
}

func marshal(st stored) []byte {
	data, err := json.Marshal(st)
	if err != nil {
		// Only non-finite floats fail here, and decoders never emit them.
		panic(fmt.Sprintf("record: encode %+v: %v", st, err))
	}
	return append([]byte{storedVersion}, data...)
}

// Decoded is a stored record read back: exactly one of Sample, Event and
// Bulk is set.
type Decoded struct {
	Sample *Sample
	Event  *Event
	Bulk   *Bulk
}

// Decode parses a stored record.
func Decode(data []byte) (Decoded, error) {
	if len(data) == 0 || data[0] != storedVersion {
		return Decoded{}, fmt.Errorf("decode record: unknown format byte in %q", truncate(data))
	}
	var st stored
	if err := json.Unmarshal(data[1:], &st); err != nil {
		return Decoded{}, fmt.Errorf("decode record: %w", err)
	}
	t := time.Unix(0, st.Time)
	switch st.Kind {
	case "s":
		if st.Bool != nil && st.SampleText != nil {
			return Decoded{}, fmt.Errorf("decode record: sample %q has both a contact and a text reading", st.Point)
		}
		s := &Sample{Point: st.Point, Time: t, ClockSynced: st.Synced, Quality: st.Quality, Cause: st.Cause, Code: st.Code}
		if st.Bool != nil {
			s.IsBool, s.Bool = true, *st.Bool
		}
		if st.SampleText != nil {
			s.IsText, s.Text = true, *st.SampleText
		}
		if st.Value != nil {
			s.Value = *st.Value
		}
		return Decoded{Sample: s}, nil
	case "e":
		e := &Event{Kind: EventKind(st.Event), Time: t, ClockSynced: st.Synced, Point: st.Point, Device: st.Device,
			Output: st.Output, Level: st.Level, Source: st.Source, Text: st.Text, HasValue: st.HasValue, State: st.State, Interlock: st.Lock,
			Cause: st.Cause, Code: st.Code, Operator: st.Operator, Reason: st.Reason}
		if st.Until != 0 {
			e.Until = time.Unix(0, st.Until)
		}
		if st.Value != nil {
			e.Value = *st.Value
		}
		return Decoded{Event: e}, nil
	case "b":
		return decodeBulk(st, t)
	}
	return Decoded{}, fmt.Errorf("decode record: unknown kind %q", st.Kind)
}

func truncate(b []byte) []byte {
	if len(b) > 32 {
		return b[:32]
	}
	return b
}
