package record

import (
	"bytes"
	"testing"
	"time"
)

func TestSampleRoundTrip(t *testing.T) {
	in := Sample{Point: "GT-101.conc", Time: time.Unix(1_800_000_000, 123), ClockSynced: true, Value: -8.5, Quality: Uncertain, Cause: CauseUnderRange}
	d, err := Decode(EncodeSample(in))
	if err != nil || d.Sample == nil {
		t.Fatalf("decode: %v", err)
	}
	got := *d.Sample
	if got.Point != in.Point || !got.Time.Equal(in.Time) || got.Value != in.Value || got.Quality != in.Quality || got.Cause != in.Cause || !got.ClockSynced {
		t.Errorf("round trip = %+v, want %+v", got, in)
	}
}

func TestBadSampleHasNoValue(t *testing.T) {
	d, err := Decode(EncodeSample(Sample{Point: "p", Value: 42, Quality: Bad, Cause: CauseCommLost}))
	if ex, _ := Decode(EncodeSample(Sample{Point: "p", Quality: Bad, Cause: CauseException, Code: 2})); ex.Sample == nil || ex.Sample.Code != 2 {
		t.Errorf("exception code lost in the stored form: %+v", ex.Sample)
	}
	if err != nil {
		t.Fatal(err)
	}
	if d.Sample.Value != 0 || d.Sample.Quality != Bad {
		t.Errorf("bad sample decoded as %+v; want no value", d.Sample)
	}
}

func TestTextSampleRoundTrip(t *testing.T) {
	for _, text := range []string{"V2.1.7", "", `SN "42" \ ok`} {
		in := Sample{Point: "GT-101.firmware", Time: time.Unix(1_800_000_000, 5), ClockSynced: true, IsText: true, Text: text, Quality: Good}
		d, err := Decode(EncodeSample(in))
		if err != nil || d.Sample == nil {
			t.Fatalf("decode %q: %v", text, err)
		}
		got := *d.Sample
		if !got.IsText {
			t.Errorf("text %q: IsText lost in %+v", text, got)
		}
		if got.Text != text {
			t.Errorf("text = %q, want %q", got.Text, text)
		}
		if got.IsBool || got.Value != 0 {
			t.Errorf("text %q decoded with a bool or number: %+v", text, got)
		}
		if got.Point != in.Point || !got.Time.Equal(in.Time) || got.Quality != Good || !got.ClockSynced {
			t.Errorf("round trip = %+v, want %+v", got, in)
		}
	}
}

func TestBadTextSampleHasNoText(t *testing.T) {
	d, err := Decode(EncodeSample(Sample{Point: "p", IsText: true, Text: "V1", Quality: Bad, Cause: CauseInvalidText}))
	if err != nil {
		t.Fatal(err)
	}
	if d.Sample.Text != "" || d.Sample.Quality != Bad || d.Sample.Cause != CauseInvalidText {
		t.Errorf("bad text sample decoded as %+v; want no text, bad/invalid_text", d.Sample)
	}
}

// TestDecodeRecordsStoredBeforeText reads records in the form written
// before text points existed, so a buffer from an older gateway stays
// readable.
func TestDecodeRecordsStoredBeforeText(t *testing.T) {
	tests := []struct {
		name   string
		stored string
		want   Sample
	}{
		{"number", `j{"k":"s","p":"GT-101.conc","t":1800000000000000000,"y":true,"v":12.5}`,
			Sample{Point: "GT-101.conc", Value: 12.5, ClockSynced: true}},
		{"contact", `j{"k":"s","p":"XV-101.open","t":1800000000000000000,"b":true}`,
			Sample{Point: "XV-101.open", IsBool: true, Bool: true}},
		{"bad", `j{"k":"s","p":"GT-103.conc","t":1800000000000000000,"q":2,"c":"comm_lost"}`,
			Sample{Point: "GT-103.conc", Quality: Bad, Cause: CauseCommLost}},
	}
	for _, tt := range tests {
		d, err := Decode([]byte(tt.stored))
		if err != nil || d.Sample == nil {
			t.Fatalf("%s: decode: %v", tt.name, err)
		}
		got := *d.Sample
		got.Time = time.Time{}
		if got.IsText || got.Text != "" {
			t.Errorf("%s: decoded as text: %+v", tt.name, got)
		}
		if got.Point != tt.want.Point || got.Value != tt.want.Value || got.IsBool != tt.want.IsBool || got.Bool != tt.want.Bool ||
			got.Quality != tt.want.Quality || got.Cause != tt.want.Cause || got.ClockSynced != tt.want.ClockSynced {
			t.Errorf("%s: decoded as %+v, want %+v", tt.name, got, tt.want)
		}
	}
}

func TestDecodeRejectsContactWithText(t *testing.T) {
	if _, err := Decode([]byte(`j{"k":"s","p":"p","t":1,"b":true,"tx":"V1"}`)); err == nil {
		t.Error("a sample with both b and tx decoded; want an error")
	}
}

func TestEventRoundTrip(t *testing.T) {
	in := Event{Kind: AlarmRaised, Time: time.Unix(1_800_000_000, 0), Point: "p", Level: AL2, Value: 41, HasValue: true, Source: SourceAuto, State: "active", Text: "x",
		Operator: "liu", Reason: "calibration", Until: time.Unix(1_800_003_600, 0)}
	d, err := Decode(EncodeEvent(in))
	if err != nil || d.Event == nil {
		t.Fatalf("decode: %v", err)
	}
	if *d.Event != in {
		t.Errorf("round trip = %+v, want %+v", *d.Event, in)
	}
}

func FuzzDecode(f *testing.F) {
	f.Add(EncodeSample(Sample{Point: "p", Value: 1}))
	f.Add(EncodeSample(Sample{Point: "p", IsText: true, Text: "V2.1.7"}))
	f.Add(EncodeEvent(Event{Kind: Trip}))
	f.Add(EncodeBulk(Bulk{Name: "clip", ContentType: "video/mp4", Part: 1, Parts: 2, Data: []byte{0, 0xff}}))
	f.Add([]byte("j{}"))
	f.Fuzz(func(t *testing.T, data []byte) {
		d, err := Decode(data)
		set := 0
		for _, isSet := range []bool{d.Sample != nil, d.Event != nil, d.Bulk != nil} {
			if isSet {
				set++
			}
		}
		if err == nil && set != 1 {
			t.Fatalf("decoded %q into %+v; want exactly one of sample, event and bulk", data, d)
		}
		if err == nil && d.Bulk != nil {
			checkBulkReencodes(t, *d.Bulk)
		}
		if err != nil || d.Sample == nil {
			return
		}
		// A decoded sample encodes and decodes to itself, text included.
		again, err := Decode(EncodeSample(*d.Sample))
		if err != nil || again.Sample == nil {
			t.Fatalf("re-decoding %+v: %v", *d.Sample, err)
		}
		if s := *d.Sample; s.Quality != Bad && (again.Sample.IsText != s.IsText || again.Sample.Text != s.Text) {
			t.Fatalf("text %v %q came back as %v %q", s.IsText, s.Text, again.Sample.IsText, again.Sample.Text)
		}
	})
}

// checkBulkReencodes checks that a decoded bulk part encodes and decodes
// to itself.
func checkBulkReencodes(t *testing.T, b Bulk) {
	t.Helper()
	again, err := Decode(EncodeBulk(b))
	if err != nil || again.Bulk == nil {
		t.Fatalf("re-decoding bulk %+v: %v", b, err)
	}
	got := *again.Bulk
	if got.Name != b.Name || got.ContentType != b.ContentType || !got.Time.Equal(b.Time) || got.ClockSynced != b.ClockSynced ||
		got.Part != b.Part || got.Parts != b.Parts || !bytes.Equal(got.Data, b.Data) {
		t.Fatalf("bulk %+v came back as %+v", b, got)
	}
}
