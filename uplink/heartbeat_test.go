package uplink

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/plantgw/plantgw/config"
	"github.com/plantgw/plantgw/internal/testenv"
	"github.com/plantgw/plantgw/record"
)

// heartbeatBody is the heartbeat payload as a platform reads it.
type heartbeatBody struct {
	V           int    `json:"v"`
	Format      string `json:"format"`
	GatewayID   string `json:"gateway_id"`
	TS          string `json:"ts"`
	ClockSynced bool   `json:"clock_synced"`
	UptimeS     *int64 `json:"uptime_s"`
	Version     string `json:"version"`
	LastSeq     uint64 `json:"last_seq"`
	Backlog     struct {
		Events    int `json:"events"`
		Telemetry int `json:"telemetry"`
	} `json:"backlog"`
	Devices *struct {
		Total int `json:"total"`
		Lost  int `json:"lost"`
	} `json:"devices"`
}

func heartbeats(t *testing.T, sub *testenv.Subscriber) []heartbeatBody {
	t.Helper()
	var out []heartbeatBody
	for _, m := range sub.Messages("/heartbeat") {
		if m.QoS != 1 || m.Retained {
			t.Errorf("heartbeat QoS %d retained %v, want QoS 1 and not retained", m.QoS, m.Retained)
		}
		var hb heartbeatBody
		if err := json.Unmarshal(m.Payload, &hb); err != nil {
			t.Fatalf("heartbeat %s: %v", m.Payload, err)
		}
		out = append(out, hb)
	}
	return out
}

func TestHeartbeatCarriesBacklog(t *testing.T) {
	broker := testenv.StartMosquitto(t)
	sub := testenv.Subscribe(t, broker.URL(), "platform-hb", "plantgw/E1/gw-test/+")
	b := openBuffer(t)
	// 100 records: every 50th is an event, so 2 events and 98 samples.
	appendRecords(t, b, 100)

	mq := testMQTT(broker.URL())
	mq.Heartbeat = config.Duration(300 * time.Millisecond)
	_, stop := runUplink(t, b, mq, quietLogger(), func(o *Options) {
		o.Devices = func() (int, int) { return 5, 1 }
		o.Clock = func() (time.Time, bool) { return time.Now(), false }
		o.Version = "1.4.0-test"
	})
	defer stop()

	testenv.WaitFor(t, 10*time.Second, "a heartbeat after the backlog was sent", func() bool {
		hbs := heartbeats(t, sub)
		return len(sub.Seqs()) >= 100 && len(hbs) >= 2 && hbs[len(hbs)-1].Backlog.Telemetry == 0
	})
	hbs := heartbeats(t, sub)
	first, last := hbs[0], hbs[len(hbs)-1]
	if first.Backlog.Events != 2 || first.Backlog.Telemetry != 98 {
		t.Errorf("first heartbeat backlog = %+v, want 2 events and 98 telemetry (sent before the backlog)", first.Backlog)
	}
	if last.Backlog.Events != 0 {
		t.Errorf("last heartbeat backlog = %+v, want empty", last.Backlog)
	}
	if first.LastSeq != 100 {
		t.Errorf("last_seq = %d, want 100", first.LastSeq)
	}
	if first.Devices == nil || first.Devices.Total != 5 || first.Devices.Lost != 1 {
		t.Errorf("devices = %+v, want total 5, lost 1", first.Devices)
	}
	if first.ClockSynced {
		t.Error("clock_synced = true, want the Clock option's false")
	}
	if first.UptimeS == nil || *first.UptimeS < 0 {
		t.Errorf("uptime_s = %v, want a number of seconds", first.UptimeS)
	}
	if first.V != 1 || first.Format != Format || first.GatewayID != "gw-test" || first.Version != "1.4.0-test" || first.TS == "" {
		t.Errorf("heartbeat = %+v", first)
	}
}

func TestHeartbeatWithoutDevicesOmitsThem(t *testing.T) {
	broker := testenv.StartMosquitto(t)
	sub := testenv.Subscribe(t, broker.URL(), "platform-hb2", "plantgw/E1/gw-test/heartbeat")
	b := openBuffer(t)
	_, stop := runUplink(t, b, testMQTT(broker.URL()), quietLogger(), nil)
	defer stop()

	testenv.WaitFor(t, 10*time.Second, "the first heartbeat", func() bool { return len(sub.Messages("/heartbeat")) >= 1 })
	var body map[string]any
	if err := json.Unmarshal(sub.Messages("/heartbeat")[0].Payload, &body); err != nil {
		t.Fatal(err)
	}
	if _, present := body["devices"]; present {
		t.Errorf("heartbeat %v has devices without a Devices option", body)
	}
}

func TestCommSummaryCountsLostDevices(t *testing.T) {
	c := NewCommSummary(3)
	c.Observe(record.Event{Kind: record.CommLost, Device: "GT-101"})
	c.Observe(record.Event{Kind: record.CommLost, Device: "GT-102"})
	c.Observe(record.Event{Kind: record.CommLost, Device: "GT-101"})
	c.Observe(record.Event{Kind: record.ValveFailed, Device: "XV-1"})
	if total, lost := c.Summary(); total != 3 || lost != 2 {
		t.Errorf("after two losses: total %d lost %d, want 3 and 2", total, lost)
	}
	c.Observe(record.Event{Kind: record.CommRestored, Device: "GT-101"})
	if _, lost := c.Summary(); lost != 1 {
		t.Errorf("after a restore: lost %d, want 1", lost)
	}
	var none *CommSummary
	none.Observe(record.Event{Kind: record.CommLost, Device: "GT-101"})
	if total, lost := none.Summary(); total != 0 || lost != 0 {
		t.Errorf("nil summary = %d, %d; want 0, 0", total, lost)
	}
}
