package uplink

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	mqtt "github.com/eclipse/paho.mqtt.golang"

	"github.com/plantgw/plantgw/buffer"
	"github.com/plantgw/plantgw/config"
	"github.com/plantgw/plantgw/internal/testenv"
	"github.com/plantgw/plantgw/record"
)

// plantPoints is the number of points of the simulated plant: 500 points
// read once a second give 500 records per second.
const plantPoints = 500

// outageRecordCount returns the backlog of TestOutageBacklogDrainsCompletely:
// an hour of traffic at 500 records per second (1.8 million records)
// compressed by a factor of 10, so 180 000 records or 6 minutes of the
// plant's output. They are appended in one bulk pass, which takes about a
// second, instead of being produced in real time. The uplink drains them in
// about 3 s on a 2-core machine. The race detector slows the uplink and
// the subscriber tenfold or more, so that run stores 5 000 records.
func outageRecordCount() int {
	if raceEnabled {
		return 5_000
	}
	return 180_000
}

// plantConfig returns a site with plantPoints points, each with platform
// codes, so that messages have the size of a real plant's.
func plantConfig() *config.Config {
	cfg := &config.Config{Site: config.Site{EnterpriseCode: "E1", GatewayID: "gw-test", Timezone: "Asia/Shanghai"}}
	for i := range plantPoints {
		cfg.Points = append(cfg.Points, config.Point{ID: plantPointID(i), Unit: "%LEL",
			Platform: config.Platform{HazardCode: "HZ-0001", PointCode: fmt.Sprintf("PC-%04d", i)}})
	}
	return cfg
}

func plantPointID(i int) string { return fmt.Sprintf("GT-%03d.conc", i%plantPoints) }

// plantEntries returns n records of the simulated plant from record index
// start on: one sample per point and second of plant time, and an alarm
// event in place of every 500th record (one per second of plant time).
func plantEntries(start, n int, t0 time.Time) []buffer.Entry {
	out := make([]buffer.Entry, 0, n)
	for i := start; i < start+n; i++ {
		ts := t0.Add(time.Duration(i/plantPoints) * time.Second)
		if i%plantPoints == plantPoints-1 {
			out = append(out, buffer.Entry{Lane: buffer.Events, Payload: record.EncodeEvent(record.Event{
				Kind: record.AlarmRaised, Time: ts, ClockSynced: true, Point: plantPointID(i), Level: record.AL1,
				Value: 21.5, HasValue: true, Source: record.SourceAuto, Text: "concentration above al1"})})
			continue
		}
		out = append(out, buffer.Entry{Lane: buffer.Telemetry, Payload: record.EncodeSample(record.Sample{
			Point: plantPointID(i), Time: ts, ClockSynced: true, Value: float64(i%1000) / 10, Quality: record.Good})})
	}
	return out
}

// brokerUser and brokerPassword are the uplink's login at the broker of
// startPersistentBroker.
const (
	brokerUser     = "gw-test"
	brokerPassword = "store-and-forward"
)

// startPersistentBroker starts a mosquitto whose persistence file
// survives a restart, so a subscriber's persistent session and the
// messages queued for it survive too. The uplink logs in as brokerUser on
// URL, and test subscribers use ObserverURL.
//
// NOTE: testenv.StartMosquitto does not give that when the test runs as
// root, as CI does. Its config names no user, so mosquitto drops to the
// user "mosquitto", which cannot write the persistence file into the
// test's temporary directory ("Permission denied" in its output). A
// restart then loses every session. StartMosquittoWith names the current
// user, and a password file is the least setup that selects it.
func startPersistentBroker(t *testing.T) *testenv.Mosquitto {
	t.Helper()
	return testenv.StartMosquittoWith(t, testenv.MosquittoOptions{
		PasswordFile: testenv.PasswordFile(t, brokerUser, brokerPassword)})
}

// runPlantUplink runs an uplink with the production defaults for message
// size (config.DefaultMaxRecords) and window over b.
func runPlantUplink(t *testing.T, url string, b *buffer.Buffer) (u *Uplink, stop func()) {
	t.Helper()
	cfg := plantConfig()
	enc, err := NewEncoder(cfg)
	if err != nil {
		t.Fatal(err)
	}
	mq := config.MQTT{URL: url, ClientID: "gw-test", TopicPrefix: "plantgw", KeepAlive: config.Duration(5 * time.Second),
		MaxRecords: config.DefaultMaxRecords, Username: brokerUser, Password: brokerPassword}
	u = New(Options{MQTT: mq, Encoder: enc, Store: b, Logger: quietLogger(), AckTimeout: 5 * time.Second,
		BacklogUpTo: b.Stats().LastSeq}, cfg.Site)
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Go(func() { _ = u.Run(ctx) })
	return u, func() { cancel(); wg.Wait() }
}

func queueEmpty(b *buffer.Buffer) bool {
	st := b.Stats()
	return st.Pending[buffer.Events] == 0 && st.Pending[buffer.Telemetry] == 0
}

// TestOutageBacklogDrainsCompletely stores a time-compressed hour of
// traffic while the broker is down, then starts the broker and the
// uplink. An independent subscriber with a persistent session must receive
// every seq, every backlog event before the first sample.
func TestOutageBacklogDrainsCompletely(t *testing.T) {
	if testing.Short() {
		t.Skip("stores and sends 180 000 records (5 000 under the race detector)")
	}
	broker := startPersistentBroker(t)
	// The subscriber's session exists before the outage, so the broker
	// queues for it whatever arrives while it reconnects.
	sub := testenv.Subscribe(t, broker.ObserverURL(), "platform-outage", "plantgw/E1/gw-test/+")
	broker.Stop()

	outageRecords := outageRecordCount()
	b := openBuffer(t)
	appendStart := time.Now()
	const chunk = 5_000
	t0 := time.Now().Add(-time.Hour)
	for start := 0; start < outageRecords; start += chunk {
		if _, err := b.Append(plantEntries(start, chunk, t0)); err != nil {
			t.Fatalf("append records %d to %d: %v", start+1, start+chunk, err)
		}
	}
	appendTime := time.Since(appendStart)
	stats := b.Stats()
	if stats.LastSeq != uint64(outageRecords) {
		t.Fatalf("last seq after the outage = %d, want %d", stats.LastSeq, outageRecords)
	}
	events := stats.Pending[buffer.Events]
	t.Logf("appended %d records (%d events) in %v, %.0f records/s", outageRecords, events, appendTime.Round(time.Millisecond),
		float64(outageRecords)/appendTime.Seconds())

	broker.Start()
	// NOTE: some runs under load, with the subscriber still offline, did
	// not bring every record to it within 3 minutes, though each had its
	// PUBACK. The cause, mosquitto's queue for the absent session or the
	// subscriber, is not found, so the subscriber reconnects first.
	sub.WaitConnected(t, 30*time.Second)
	drainStart := time.Now()
	_, stop := runPlantUplink(t, broker.URL(), b)
	defer stop()

	testenv.WaitFor(t, 5*time.Minute, "empty upload queue", func() bool { return queueEmpty(b) })
	ackTime := time.Since(drainStart)
	testenv.WaitFor(t, 3*time.Minute, fmt.Sprintf("%d records at the subscriber", outageRecords), func() bool {
		return len(sub.Seqs()) >= outageRecords
	})
	receiveTime := time.Since(drainStart)
	t.Logf("drained %d records: all acknowledged after %v (%.0f records/s), all at the subscriber after %v (%.0f records/s)",
		outageRecords, ackTime.Round(time.Millisecond), float64(outageRecords)/ackTime.Seconds(),
		receiveTime.Round(time.Millisecond), float64(outageRecords)/receiveTime.Seconds())

	dups := checkAll(t, sub.Seqs(), outageRecords)
	t.Logf("%d duplicates", dups)

	recs := sub.Records()
	firstSample := slices.IndexFunc(recs, func(r testenv.Received) bool { return r.Kind == "sample" })
	lastEvent := -1
	for i, r := range recs {
		if r.Kind == "event" {
			lastEvent = i
		}
	}
	if firstSample < 0 || lastEvent < 0 {
		t.Fatalf("received no sample (first at %d) or no event (last at %d)", firstSample, lastEvent)
	}
	if lastEvent > firstSample {
		t.Errorf("event seq %d arrived as record %d, after the first sample (seq %d, record %d); want every backlog event first",
			recs[lastEvent].Seq, lastEvent, recs[firstSample].Seq, firstSample)
	}
	if !recs[len(recs)-1].Historical {
		t.Errorf("last record received (seq %d) is not marked historical", recs[len(recs)-1].Seq)
	}
}

// restartPeriod and restartTestDuration set the broker restarts of
// TestBrokerRestartsLoseNothing. The race detector run of make test runs
// this test a second time, so its 2 minutes count twice.
const (
	restartPeriod       = 5 * time.Second
	restartTestDuration = 2 * time.Minute
	steadyRate          = 200 // records per second
)

// arrival is one copy of a record at the observer.
type arrival struct {
	seq uint64
	at  time.Time
}

// observer is a subscriber with a persistent session and QoS 1, like
// testenv.Subscriber, that also stamps the arrival time of each record.
type observer struct {
	client   mqtt.Client
	mu       sync.Mutex
	arrivals []arrival
}

func observe(t *testing.T, url, clientID, filter string) *observer {
	t.Helper()
	o := &observer{}
	handler := func(_ mqtt.Client, m mqtt.Message) {
		now := time.Now()
		var body struct {
			Records []struct {
				Seq uint64 `json:"seq"`
			} `json:"records"`
		}
		if err := json.Unmarshal(m.Payload(), &body); err != nil {
			return
		}
		o.mu.Lock()
		defer o.mu.Unlock()
		for _, r := range body.Records {
			o.arrivals = append(o.arrivals, arrival{seq: r.Seq, at: now})
		}
	}
	opts := mqtt.NewClientOptions().AddBroker(url).SetClientID(clientID).SetCleanSession(false).
		SetAutoReconnect(true).SetMaxReconnectInterval(200 * time.Millisecond).SetConnectRetry(true).
		SetConnectRetryInterval(200 * time.Millisecond).SetOrderMatters(true).
		SetOnConnectHandler(func(c mqtt.Client) { c.Subscribe(filter, 1, handler) })
	o.client = mqtt.NewClient(opts)
	if tok := o.client.Connect(); !tok.WaitTimeout(10*time.Second) || tok.Error() != nil {
		t.Fatalf("observer connect: %v", tok.Error())
	}
	t.Cleanup(func() { o.client.Disconnect(100) })
	return o
}

func (o *observer) snapshot() []arrival {
	o.mu.Lock()
	defer o.mu.Unlock()
	return slices.Clone(o.arrivals)
}

// TestBrokerRestartsLoseNothing restarts the broker every 5 s for 2
// minutes while records are appended at 200 per second. No seq may be
// missing at the subscriber. A seq may arrive twice only when a restart
// ended after the seq was stored and began before its second copy
// arrived.
func TestBrokerRestartsLoseNothing(t *testing.T) {
	if testing.Short() {
		t.Skip("restarts the broker for 2 minutes")
	}
	broker := startPersistentBroker(t)
	obs := observe(t, broker.ObserverURL(), "platform-restarts", "plantgw/E1/gw-test/+")
	b := openBuffer(t)
	u, stopUplink := runPlantUplink(t, broker.URL(), b)
	defer stopUplink()

	// The appender stores 20 records every 100 ms and keeps, per batch,
	// its first seq and the time Append was called, before which the
	// uplink cannot have read the batch.
	type batch struct {
		first  uint64
		stored time.Time
	}
	var (
		batchesMu sync.Mutex
		batches   []batch
	)
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Go(func() {
		tick := time.NewTicker(100 * time.Millisecond)
		defer tick.Stop()
		t0 := time.Now()
		for n := 0; ; n += steadyRate / 10 {
			select {
			case <-ctx.Done():
				return
			case <-tick.C:
			}
			called := time.Now()
			first, err := b.Append(plantEntries(n, steadyRate/10, t0))
			if err != nil {
				t.Errorf("append at record %d: %v", n, err)
				return
			}
			batchesMu.Lock()
			batches = append(batches, batch{first: first, stored: called})
			batchesMu.Unlock()
		}
	})

	type restart struct{ stopped, started time.Time }
	var restarts []restart
	deadline := time.Now().Add(restartTestDuration)
	for time.Now().Add(restartPeriod).Before(deadline) {
		time.Sleep(restartPeriod)
		r := restart{stopped: time.Now()}
		broker.Stop()
		broker.Start()
		r.started = time.Now()
		restarts = append(restarts, r)
	}
	time.Sleep(time.Until(deadline))
	cancel()
	wg.Wait()

	total := b.Stats().LastSeq
	testenv.WaitFor(t, 2*time.Minute, "empty upload queue", func() bool { return queueEmpty(b) })
	testenv.WaitFor(t, time.Minute, fmt.Sprintf("%d records at the observer", total), func() bool {
		seen := map[uint64]bool{}
		for _, a := range obs.snapshot() {
			seen[a.seq] = true
		}
		return len(seen) >= int(total)
	})

	arrivals := obs.snapshot()
	counts := map[uint64]int{}
	for _, a := range arrivals {
		counts[a.seq]++
	}
	dups := checkAll(t, counts, int(total))

	// storedAt returns when the batch holding seq was stored.
	storedAt := func(seq uint64) time.Time {
		i, found := slices.BinarySearchFunc(batches, seq, func(b batch, s uint64) int {
			switch {
			case b.first > s:
				return 1
			case b.first < s:
				return -1
			}
			return 0
		})
		if !found {
			i--
		}
		return batches[i].stored
	}
	seen := map[uint64]bool{}
	unexplained := 0
	for _, a := range arrivals {
		if !seen[a.seq] {
			seen[a.seq] = true
			continue
		}
		stored := storedAt(a.seq)
		explained := slices.ContainsFunc(restarts, func(r restart) bool {
			return r.started.After(stored) && r.stopped.Before(a.at)
		})
		if !explained {
			unexplained++
			if unexplained <= 10 {
				t.Errorf("seq %d (stored %v) arrived again at %v with no broker restart ending after it was stored and beginning before",
					a.seq, stored.Format(time.StampMilli), a.at.Format(time.StampMilli))
			}
		}
	}
	if unexplained > 10 {
		t.Errorf("%d duplicates in all with no broker restart ending after storing and beginning before the second copy", unexplained)
	}
	t.Logf("%d records, %d broker restarts, %d uplink connections, %d duplicates (%.1f per restart)",
		total, len(restarts), u.State().Connects, dups, float64(dups)/float64(len(restarts)))
}
