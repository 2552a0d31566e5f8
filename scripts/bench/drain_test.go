package bench

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	mqtt "github.com/eclipse/paho.mqtt.golang"

	"github.com/plantgw/plantgw/buffer"
	"github.com/plantgw/plantgw/config"
	"github.com/plantgw/plantgw/internal/testenv"
	"github.com/plantgw/plantgw/record"
	"github.com/plantgw/plantgw/uplink"
)

// drainRecords is the backlog of BenchmarkBacklogDrain: 200 s of a
// 500-point plant.
const drainRecords = 100_000

// drainPoints is the number of points of the simulated plant.
const drainPoints = 500

// drainWindow is the uplink's default window (uplink.Options.Window),
// which the baseline uses too.
const drainWindow = 8

// alarmInterval is how often BenchmarkBacklogDrain stores a new alarm
// event while the backlog drains.
const alarmInterval = 200 * time.Millisecond

func drainConfig(url string) *config.Config {
	cfg := &config.Config{Site: config.Site{EnterpriseCode: "E1", GatewayID: "gw-bench", Timezone: "Asia/Shanghai"}}
	for i := range drainPoints {
		cfg.Points = append(cfg.Points, config.Point{ID: fmt.Sprintf("GT-%03d.conc", i), Unit: "%LEL",
			Platform: config.Platform{HazardCode: "HZ-0001", PointCode: fmt.Sprintf("PC-%04d", i)}})
	}
	cfg.Uplink.MQTT = config.MQTT{URL: url, ClientID: "gw-bench", TopicPrefix: "plantgw",
		KeepAlive: config.Duration(30 * time.Second), MaxRecords: config.DefaultMaxRecords}
	return cfg
}

// drainEntries returns n records of the plant: a sample per point and
// second, and an alarm event in place of every 500th.
func drainEntries(n int) []buffer.Entry {
	t0 := time.Now().Add(-time.Hour)
	out := make([]buffer.Entry, 0, n)
	for i := range n {
		ts := t0.Add(time.Duration(i/drainPoints) * time.Second)
		point := fmt.Sprintf("GT-%03d.conc", i%drainPoints)
		if i%drainPoints == drainPoints-1 {
			out = append(out, alarmEntry(point, ts))
			continue
		}
		out = append(out, buffer.Entry{Lane: buffer.Telemetry, Payload: record.EncodeSample(record.Sample{
			Point: point, Time: ts, ClockSynced: true, Value: float64(i%1000) / 10, Quality: record.Good})})
	}
	return out
}

func alarmEntry(point string, ts time.Time) buffer.Entry {
	return buffer.Entry{Lane: buffer.Events, Payload: record.EncodeEvent(record.Event{
		Kind: record.AlarmRaised, Time: ts, ClockSynced: true, Point: point, Level: record.AL2,
		Value: 41, HasValue: true, Source: record.SourceAuto, Text: "concentration above al2"})}
}

// counter is a platform-side subscriber. It counts the records of every
// message and stamps the first arrival of each record on the events topic.
type counter struct {
	client  mqtt.Client
	records atomic.Int64
	mu      sync.Mutex
	watched map[uint64]time.Time
}

func subscribeCounter(b *testing.B, url, clientID string) *counter {
	b.Helper()
	c := &counter{watched: map[uint64]time.Time{}}
	handler := func(_ mqtt.Client, m mqtt.Message) {
		now := time.Now()
		c.records.Add(int64(bytes.Count(m.Payload(), []byte(`"seq":`))))
		if !bytes.HasSuffix([]byte(m.Topic()), []byte("/events")) {
			return
		}
		var body struct {
			Records []struct {
				Seq uint64 `json:"seq"`
			} `json:"records"`
		}
		if json.Unmarshal(m.Payload(), &body) != nil {
			return
		}
		c.mu.Lock()
		defer c.mu.Unlock()
		for _, r := range body.Records {
			if _, ok := c.watched[r.Seq]; !ok {
				c.watched[r.Seq] = now
			}
		}
	}
	o := mqtt.NewClientOptions().AddBroker(url).SetClientID(clientID).SetCleanSession(false).
		SetOrderMatters(false).SetOnConnectHandler(func(cl mqtt.Client) { cl.Subscribe("plantgw/#", 1, handler) })
	c.client = mqtt.NewClient(o)
	if tok := c.client.Connect(); !tok.WaitTimeout(10*time.Second) || tok.Error() != nil {
		b.Fatalf("subscriber connect: %v", tok.Error())
	}
	b.Cleanup(func() { c.client.Disconnect(100) })
	return c
}

func (c *counter) arrival(seq uint64) (time.Time, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	at, ok := c.watched[seq]
	return at, ok
}

func waitRecords(b *testing.B, c *counter, want int64, limit time.Duration) {
	b.Helper()
	deadline := time.Now().Add(limit)
	for c.records.Load() < want {
		if time.Now().After(deadline) {
			b.Fatalf("subscriber has %d of %d records after %v", c.records.Load(), want, limit)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// BenchmarkBacklogDrain stores a backlog of 100 000 records, then starts
// the uplink with the production defaults (100 records per message, 8
// messages in flight) against a local mosquitto, and measures records per
// second until the last record reaches a subscriber. Every 200 ms while
// the backlog drains it stores a new alarm event and measures the time
// from the Append call to the event's arrival at the subscriber.
//
// BenchmarkBacklogDrainBaseline publishes, with a bare paho client and
// the same window of 8, the messages that the uplink's encoder makes of the
// same records, encoded beforehand. It has no store reads, no acks to the
// store and no JSON encoding while it sends.
func BenchmarkBacklogDrain(b *testing.B) {
	if testing.Short() {
		b.Skip("drains 100 000 records through mosquitto")
	}
	broker := testenv.StartMosquitto(b)
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	backlog := drainEntries(drainRecords)
	var rate float64
	var latencies []time.Duration
	run := 0
	for b.Loop() {
		run++
		sub := subscribeCounter(b, broker.URL(), fmt.Sprintf("platform-drain-%d", run))
		buf, err := buffer.Open(buffer.Options{Path: b.TempDir(), Logger: logger})
		if err != nil {
			b.Fatal(err)
		}
		if _, err := buf.Append(backlog); err != nil {
			b.Fatal(err)
		}
		cfg := drainConfig(broker.URL())
		enc, err := uplink.NewEncoder(cfg)
		if err != nil {
			b.Fatal(err)
		}
		up := uplink.New(uplink.Options{MQTT: cfg.Uplink.MQTT, Encoder: enc, Store: buf, Logger: logger,
			Window: drainWindow, BacklogUpTo: buf.Stats().LastSeq}, cfg.Site)

		ctx, cancel := context.WithCancel(context.Background())
		var wg sync.WaitGroup
		start := time.Now()
		wg.Go(func() { _ = up.Run(ctx) })

		// alarms maps the seq of each alarm stored during the drain to
		// the time its Append was called.
		alarms := map[uint64]time.Time{}
		tick := time.NewTicker(alarmInterval)
		total := int64(drainRecords)
		for sub.records.Load() < drainRecords {
			<-tick.C
			if time.Since(start) > 2*time.Minute {
				b.Fatalf("subscriber has %d of %d records after 2 minutes", sub.records.Load(), total)
			}
			called := time.Now()
			seq, err := buf.Append([]buffer.Entry{alarmEntry("GT-007.conc", called)})
			if err != nil {
				b.Fatal(err)
			}
			alarms[seq] = called
			total++
		}
		tick.Stop()
		waitRecords(b, sub, total, time.Minute)
		elapsed := time.Since(start)
		cancel()
		wg.Wait()
		buf.Close()

		rate = float64(total) / elapsed.Seconds()
		latencies = latencies[:0]
		for seq, called := range alarms {
			at, ok := sub.arrival(seq)
			if !ok {
				b.Fatalf("alarm seq %d never arrived", seq)
			}
			latencies = append(latencies, at.Sub(called))
		}
		slices.Sort(latencies)
	}
	b.ReportMetric(0, "ns/op")
	b.ReportMetric(rate, "records/s")
	b.ReportMetric(float64(len(latencies)), "alarms")
	if len(latencies) > 0 {
		b.ReportMetric(float64(latencies[len(latencies)/2].Microseconds())/1000, "alarm-p50-ms")
		b.ReportMetric(float64(latencies[len(latencies)-1].Microseconds())/1000, "alarm-max-ms")
	}
}

func BenchmarkBacklogDrainBaseline(b *testing.B) {
	if testing.Short() {
		b.Skip("sends 100 000 records through mosquitto")
	}
	broker := testenv.StartMosquitto(b)
	cfg := drainConfig(broker.URL())
	enc, err := uplink.NewEncoder(cfg)
	if err != nil {
		b.Fatal(err)
	}
	payloads := encodeBacklog(b, enc, drainEntries(drainRecords), cfg.Uplink.MQTT.MaxRecords)

	var rate float64
	run := 0
	for b.Loop() {
		run++
		sub := subscribeCounter(b, broker.URL(), fmt.Sprintf("platform-baseline-%d", run))
		o := mqtt.NewClientOptions().AddBroker(broker.URL()).SetClientID("gw-bench").SetCleanSession(true).
			SetAutoReconnect(false).SetOrderMatters(false)
		client := mqtt.NewClient(o)
		if tok := client.Connect(); !tok.WaitTimeout(10*time.Second) || tok.Error() != nil {
			b.Fatalf("publisher connect: %v", tok.Error())
		}

		start := time.Now()
		var window []mqtt.Token
		for _, p := range payloads {
			if len(window) == drainWindow {
				if !window[0].WaitTimeout(10*time.Second) || window[0].Error() != nil {
					b.Fatalf("publish: %v", window[0].Error())
				}
				window = window[1:]
			}
			window = append(window, client.Publish(p.topic, 1, false, p.payload))
		}
		for _, tok := range window {
			if !tok.WaitTimeout(10*time.Second) || tok.Error() != nil {
				b.Fatalf("publish: %v", tok.Error())
			}
		}

		waitRecords(b, sub, drainRecords, time.Minute)
		rate = drainRecords / time.Since(start).Seconds()
		client.Disconnect(100)
	}
	b.ReportMetric(0, "ns/op")
	b.ReportMetric(rate, "records/s")
	b.ReportMetric(float64(len(payloads)), "messages")
}

type message struct {
	topic   string
	payload []byte
}

// encodeBacklog returns the messages the uplink sends for entries: events
// first, then telemetry, maxRecords records per message.
func encodeBacklog(b *testing.B, enc *uplink.Encoder, entries []buffer.Entry, maxRecords int) []message {
	b.Helper()
	var out []message
	for _, lane := range buffer.Lanes {
		topic := "plantgw/E1/gw-bench/telemetry"
		if lane == buffer.Events {
			topic = "plantgw/E1/gw-bench/events"
		}
		var recs []buffer.Record
		flush := func() {
			payload, _, err := enc.Encode(recs, uint64(len(entries)), time.Now())
			if err != nil {
				b.Fatal(err)
			}
			out = append(out, message{topic: topic, payload: payload})
			recs = recs[:0]
		}
		for i, e := range entries {
			if e.Lane != lane {
				continue
			}
			recs = append(recs, buffer.Record{Seq: uint64(i + 1), Lane: e.Lane, Payload: e.Payload})
			if len(recs) == maxRecords {
				flush()
			}
		}
		if len(recs) > 0 {
			flush()
		}
	}
	return out
}
