package uplink

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/plantgw/plantgw/buffer"
	"github.com/plantgw/plantgw/config"
	"github.com/plantgw/plantgw/internal/testenv"
	"github.com/plantgw/plantgw/record"
)

// backlogSize and backlogRate set TestLiveRecordsOvertakeBacklog: a
// 10 s drain. The race detector slows the uplink and the platform tenfold
// or more, so that run stores 10 000 records at 1000 per second.
func backlogSize() (records, rate int) {
	if raceEnabled {
		return 10_000, 1_000
	}
	return 50_000, 5_000
}

// TestLiveRecordsOvertakeBacklog stores a backlog while the broker is
// down, then starts the broker. While the backlog drains at the backlog
// rate, a new alarm event and new telemetry must reach the platform
// within a second, and the drain must keep to the rate within 20 %.
func TestLiveRecordsOvertakeBacklog(t *testing.T) {
	if testing.Short() {
		t.Skip("drains a backlog for 10 s")
	}
	total, rate := backlogSize()
	broker := testenv.StartMosquitto(t)
	platform := startPlatform(t, broker.URL(), "platform-live-first", nil)
	broker.Stop()

	b := openBuffer(t)
	t0 := time.Now().Add(-time.Hour)
	for start := 0; start < total; start += 5_000 {
		if _, err := b.Append(plantEntries(start, min(5_000, total-start), t0)); err != nil {
			t.Fatal(err)
		}
	}
	cfg := plantConfig()
	_, stop := runUplink(t, b, config.MQTT{URL: broker.URL(), ClientID: "gw-test", TopicPrefix: "plantgw",
		KeepAlive: config.Duration(5 * time.Second), MaxRecords: config.DefaultMaxRecords}, quietLogger(), func(o *Options) {
		o.Delivery = Delivery{BacklogRate: rate}
		o.Encoder = mustEncoder(t, cfg)
	})
	defer stop()

	broker.Start()
	testenv.WaitFor(t, 20*time.Second, "the backlog drain under way", func() bool { return platform.distinct() >= rate })

	stored := time.Now()
	live := []buffer.Entry{{Lane: buffer.Events, Payload: record.EncodeEvent(record.Event{Kind: record.AlarmRaised, Time: stored,
		ClockSynced: true, Point: plantPointID(7), Level: record.AL2, Value: 41, HasValue: true, Source: record.SourceAuto, Text: "live alarm"})}}
	live = append(live, plantEntries(0, 10, stored)...)
	first, err := b.Append(live)
	if err != nil {
		t.Fatal(err)
	}
	liveSeqs := map[uint64]bool{}
	for i := range live {
		liveSeqs[first+uint64(i)] = true
	}
	testenv.WaitFor(t, 5*time.Second, "the live records at the platform", func() bool {
		for seq := range liveSeqs {
			if platform.count(seq) == 0 {
				return false
			}
		}
		return true
	})
	_, recs := platform.snapshot()
	historicalBefore := 0
	var slowest time.Duration
	for _, r := range recs {
		if !liveSeqs[r.Seq] {
			historicalBefore++
			continue
		}
		delay := r.at.Sub(stored)
		slowest = max(slowest, delay)
		if delay > time.Second {
			t.Errorf("live %s seq %d arrived %v after it was stored; want within 1 s", r.Kind, r.Seq, delay.Round(time.Millisecond))
		}
		if r.Historical {
			t.Errorf("live %s seq %d is marked historical", r.Kind, r.Seq)
		}
	}
	if historicalBefore >= total {
		t.Fatalf("the whole backlog (%d records) arrived before the live records; want them to overtake it", historicalBefore)
	}
	t.Logf("live records arrived within %v of being stored, after %d of %d backlog records",
		slowest.Round(time.Millisecond), historicalBefore, total)

	testenv.WaitFor(t, 3*time.Duration(total/rate)*time.Second, fmt.Sprintf("%d backlog records", total), func() bool {
		return platform.distinct() >= total+len(live)
	})
	checkDrainRate(t, historicalArrivals(platform, liveSeqs), rate)
	checkBacklogEventsFirst(t, historicalArrivals(platform, liveSeqs))
}

func mustEncoder(t *testing.T, cfg *config.Config) *Encoder {
	t.Helper()
	enc, err := NewEncoder(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return enc
}

// historicalArrivals returns the first arrival of each backlog record, in
// arrival order.
func historicalArrivals(p *testPlatform, live map[uint64]bool) []platformRecord {
	_, recs := p.snapshot()
	seen := map[uint64]bool{}
	var out []platformRecord
	for _, r := range recs {
		if live[r.Seq] || seen[r.Seq] {
			continue
		}
		seen[r.Seq] = true
		out = append(out, r)
	}
	return out
}

// checkDrainRate compares the records per second between the first and
// the last backlog arrival with rate.
func checkDrainRate(t *testing.T, recs []platformRecord, rate int) {
	t.Helper()
	span := recs[len(recs)-1].at.Sub(recs[0].at)
	got := float64(len(recs)-1) / span.Seconds()
	t.Logf("drained %d backlog records in %v: %.0f records/s at a backlog rate of %d", len(recs), span.Round(time.Millisecond), got, rate)
	if got < 0.8*float64(rate) || got > 1.2*float64(rate) {
		t.Errorf("backlog drained at %.0f records/s, want %d ±20 %%", got, rate)
	}
}

// checkBacklogEventsFirst fails when a backlog event arrived after the
// first backlog sample.
func checkBacklogEventsFirst(t *testing.T, recs []platformRecord) {
	t.Helper()
	firstSample := slices.IndexFunc(recs, func(r platformRecord) bool { return r.Kind == "sample" })
	lastEvent := -1
	for i, r := range recs {
		if r.Kind == "event" {
			lastEvent = i
		}
	}
	if firstSample < 0 || lastEvent < 0 {
		t.Fatalf("no backlog sample (first at %d) or no backlog event (last at %d)", firstSample, lastEvent)
	}
	if lastEvent > firstSample {
		t.Errorf("backlog event seq %d arrived as record %d, after the first backlog sample (record %d); want backlog events first",
			recs[lastEvent].Seq, lastEvent, firstSample)
	}
}
