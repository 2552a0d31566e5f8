package uplink

import (
	"strings"
	"testing"
	"time"

	"github.com/plantgw/plantgw/buffer"
	"github.com/plantgw/plantgw/internal/testenv"
	"github.com/plantgw/plantgw/record"
)

// brokerLimit is the message_size_limit of the brokers below: mosquitto
// acknowledges a larger message and drops it, so a record in a message
// above it never arrives.
const brokerLimit = 16 << 10

// TestByteCapKeepsMessagesUnderBrokerLimit sends 1000-record batches,
// about 250 KB each uncapped, through a broker that drops messages above
// 16 KiB. With an 8 KiB cap, plain and gzip, every record must arrive in
// messages of at most 8 KiB.
func TestByteCapKeepsMessagesUnderBrokerLimit(t *testing.T) {
	for _, tt := range []struct {
		name        string
		compression Compression
	}{{"plain", CompressNone}, {"gzip", CompressGzip}} {
		t.Run(tt.name, func(t *testing.T) {
			broker := testenv.StartMosquittoWith(t, testenv.MosquittoOptions{MessageSizeLimit: brokerLimit})
			platform := startPlatform(t, broker.URL(), "platform-cap-"+tt.name, nil)
			b := openBuffer(t)
			const total = 3000
			appendRecords(t, b, total)
			mq := testMQTT(broker.URL())
			mq.MaxRecords = 1000
			_, stop := runUplink(t, b, mq, quietLogger(), withDelivery(Delivery{MaxMessageBytes: 8 << 10, Compression: tt.compression}))
			defer stop()

			testenv.WaitFor(t, 20*time.Second, "every record at the platform", func() bool { return platform.distinct() >= total })
			messages, _ := platform.snapshot()
			largest := 0
			for _, m := range messages {
				largest = max(largest, m.size)
				if m.size > 8<<10 {
					t.Errorf("message of %d records has %d bytes, above the 8 KiB cap", len(m.seqs), m.size)
				}
				if m.gzipped != (tt.compression == CompressGzip) {
					t.Errorf("message gzipped = %v with compression %s", m.gzipped, tt.name)
				}
			}
			if platform.undecodable != 0 {
				t.Errorf("%d messages could not be decoded", platform.undecodable)
			}
			t.Logf("%d records in %d messages, the largest %d bytes", total, len(messages), largest)
		})
	}
}

// TestOversizeRecordGoesAlone stores an event whose text alone exceeds
// the cap between two small events: it must go in a message of its own,
// with a warning, and the others must still be batched.
func TestOversizeRecordGoesAlone(t *testing.T) {
	broker := testenv.StartMosquittoWith(t, testenv.MosquittoOptions{MessageSizeLimit: brokerLimit})
	platform := startPlatform(t, broker.URL(), "platform-oversize", nil)
	b := openBuffer(t)
	event := func(text string) buffer.Entry {
		return buffer.Entry{Lane: buffer.Events, Payload: record.EncodeEvent(record.Event{Kind: record.AlarmRaised, Time: time.Now(),
			Point: "p1", Level: record.AL1, Source: record.SourceAuto, Text: text})}
	}
	if _, err := b.Append([]buffer.Entry{event("small"), event(strings.Repeat("x", 6000)), event("small")}); err != nil {
		t.Fatal(err)
	}
	logs := &logBuffer{}
	u, stop := runUplink(t, b, testMQTT(broker.URL()), logs.logger(), withDelivery(Delivery{MaxMessageBytes: 4 << 10}))
	defer stop()

	testenv.WaitFor(t, 10*time.Second, "3 records at the platform", func() bool { return platform.distinct() >= 3 })
	messages, _ := platform.snapshot()
	var alone bool
	for _, m := range messages {
		if len(m.seqs) == 1 && m.seqs[0] == 2 {
			alone = true
			if m.size <= 4<<10 {
				t.Errorf("oversize record's message has %d bytes; the test needs it above the 4 KiB cap", m.size)
			}
		}
		if len(m.seqs) > 1 && m.size > 4<<10 {
			t.Errorf("message of %d records has %d bytes, above the cap", len(m.seqs), m.size)
		}
	}
	if !alone {
		t.Errorf("seq 2 did not arrive in a message of its own; messages: %+v", messages)
	}
	if got := u.State().Oversize; got != 1 {
		t.Errorf("State.Oversize = %d, want 1", got)
	}
	if !strings.Contains(logs.String(), "record larger than uplink.max_message_bytes") {
		t.Errorf("no warning about the oversize record in the log:\n%s", logs.String())
	}
}
