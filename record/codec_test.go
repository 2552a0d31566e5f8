package record

import (
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
	if err != nil {
		t.Fatal(err)
	}
	if d.Sample.Value != 0 || d.Sample.Quality != Bad {
		t.Errorf("bad sample decoded as %+v; want no value", d.Sample)
	}
}

func TestEventRoundTrip(t *testing.T) {
	in := Event{Kind: AlarmRaised, Time: time.Unix(1_800_000_000, 0), Point: "p", Level: AL2, Value: 41, HasValue: true, Source: SourceAuto, State: "active", Text: "x"}
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
	f.Add(EncodeEvent(Event{Kind: Trip}))
	f.Add([]byte("j{}"))
	f.Fuzz(func(t *testing.T, data []byte) {
		d, err := Decode(data)
		if err == nil && (d.Sample == nil) == (d.Event == nil) {
			t.Fatalf("decoded %q into %+v; want exactly one of sample and event", data, d)
		}
	})
}
