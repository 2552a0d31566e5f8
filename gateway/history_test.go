package gateway

import (
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/plantgw/plantgw/buffer"
	"github.com/plantgw/plantgw/config"
	"github.com/plantgw/plantgw/record"
)

// historyGateway is a gateway with a real buffer holding an hour of
// GT-1.conc readings, one a second, and an event every 10 minutes.
func historyGateway(t *testing.T) (plant, time.Time) {
	t.Helper()
	buf, err := buffer.Open(buffer.Options{Path: t.TempDir(), Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { buf.Close() })
	start := time.Date(2026, 12, 5, 8, 0, 0, 0, time.UTC)
	var entries []buffer.Entry
	for i := 0; i < 3600; i++ {
		at := start.Add(time.Duration(i) * time.Second)
		entries = append(entries, sampleEntry(record.Sample{Point: "GT-1.conc", Time: at, Value: float64(i), Quality: record.Good}))
		if i%600 == 0 {
			entries = append(entries, eventEntry(record.Event{Kind: record.FaultRaised, Point: "GT-1.conc", Time: at, Text: "fault"}))
		}
	}
	for len(entries) > 0 {
		n := min(len(entries), 500)
		if _, err := buf.Append(entries[:n]); err != nil {
			t.Fatal(err)
		}
		entries = entries[n:]
	}
	g := &Gateway{cfg: &config.Config{Points: []config.Point{{ID: "GT-1.conc"}}}, buf: buf}
	return plant{g: g}, start
}

func TestHistoryThinsToTheLimit(t *testing.T) {
	p, start := historyGateway(t)
	got, err := p.History("GT-1.conc", start, start.Add(time.Hour), 60)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 60 {
		t.Fatalf("%d readings, want 60", len(got))
	}
	// Each one-minute slot keeps its last reading: 59 s, 119 s, ...
	if *got[0].Value != 59 || *got[59].Value != 3599 {
		t.Errorf("first %v, last %v; want 59 and 3599", *got[0].Value, *got[59].Value)
	}
	for i := 1; i < len(got); i++ {
		if !got[i].Time.After(got[i-1].Time) {
			t.Fatalf("reading %d not after the one before", i)
		}
	}
	all, _ := p.History("GT-1.conc", start, start.Add(10*time.Second), 100)
	if len(all) != 10 {
		t.Errorf("10 s window: %d readings, want all 10", len(all))
	}
	if _, err := p.History("GT-9", start, start.Add(time.Hour), 10); err == nil {
		t.Error("history of an unknown point: no error")
	}
}

func TestEventsNewestFirst(t *testing.T) {
	p, start := historyGateway(t)
	got, err := p.Events(start, start.Add(time.Hour), 4)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 4 {
		t.Fatalf("%d events, want 4", len(got))
	}
	if !got[0].Time.Equal(start.Add(50*time.Minute)) || !got[3].Time.Equal(start.Add(20*time.Minute)) {
		t.Errorf("events from %v to %v; want the newest four, 08:50 down to 08:20", got[0].Time, got[3].Time)
	}
	if got[0].Seq == 0 || got[0].Kind != string(record.FaultRaised) {
		t.Errorf("newest event %+v", got[0])
	}
}
