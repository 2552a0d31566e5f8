package uplink

import (
	"fmt"
	"testing"
	"time"

	"github.com/plantgw/plantgw/internal/testenv"
)

// TestPlatformAckResendsUnacknowledged has the platform acknowledge only
// every other message of the first 20. The gateway must send the
// records of the others again after the ack timeout, lose none, and send
// no record twice that the platform had acknowledged.
func TestPlatformAckResendsUnacknowledged(t *testing.T) {
	broker := testenv.StartMosquitto(t)
	platform := startPlatform(t, broker.URL(), "platform-every-other", func(i int) bool { return i >= 20 || i%2 == 0 })
	b := openBuffer(t)
	u, stop := runUplink(t, b, testMQTT(broker.URL()), quietLogger(),
		withDelivery(Delivery{Ack: AckByPlatform, PlatformAckTimeout: time.Second}))
	defer stop()

	const total = 2000
	for range total / 200 {
		appendRecords(t, b, 200)
		time.Sleep(50 * time.Millisecond)
	}
	testenv.WaitFor(t, 30*time.Second, "every record acknowledged by the platform", func() bool { return queueEmpty(b) })

	messages, _ := platform.snapshot()
	counts := platform.counts()
	if missing := missingSeqs(counts, total); missing != "" {
		t.Fatalf("seqs never arrived: %s", missing)
	}
	unacked := map[uint64]bool{}
	for _, m := range messages {
		if !m.acked {
			for _, seq := range m.seqs {
				unacked[seq] = true
			}
		}
	}
	if len(unacked) == 0 {
		t.Fatal("the platform acknowledged every message; the test sent too few")
	}
	for seq, c := range counts {
		if c > 1 && !unacked[seq] {
			t.Errorf("seq %d arrived %d times although the platform acknowledged its first message", seq, c)
		}
	}
	for seq := range unacked {
		if counts[seq] < 2 {
			t.Errorf("seq %d was not acknowledged but arrived only %d time(s); want it sent again", seq, counts[seq])
		}
	}
	st := u.State()
	if st.Resent < uint64(len(unacked)) {
		t.Errorf("State.Resent = %d, want at least the %d unacknowledged records", st.Resent, len(unacked))
	}
	if st.PlatformAcked != total {
		t.Errorf("State.PlatformAcked = %d, want %d", st.PlatformAcked, total)
	}
	t.Logf("%d messages, %d records not acknowledged at first and sent again, %d resends in all", len(messages), len(unacked), st.Resent)
}

// TestPlatformAckCountsUnknownAndInvalid sends acks for seqs the gateway
// never sent and acks that are not valid: both are ignored and counted,
// and a valid ack afterwards still empties the queue.
func TestPlatformAckCountsUnknownAndInvalid(t *testing.T) {
	broker := testenv.StartMosquitto(t)
	platform := startPlatform(t, broker.URL(), "platform-unknown", nil)
	b := openBuffer(t)
	u, stop := runUplink(t, b, testMQTT(broker.URL()), quietLogger(), withDelivery(Delivery{Ack: AckByPlatform, PlatformAckTimeout: time.Minute}))
	defer stop()
	testenv.WaitFor(t, 10*time.Second, "uplink connected", func() bool { return u.State().Connected })

	platform.publishAck([]byte(`{"ranges":[[1000000,1000009]]}`))
	platform.publishAck([]byte(`{"ranges":[[5,3]]}`))
	platform.publishAck([]byte(`not json`))
	testenv.WaitFor(t, 5*time.Second, "acks counted", func() bool {
		st := u.State()
		return st.UnknownAcked == 10 && st.InvalidAcks == 2
	})

	appendRecords(t, b, 10)
	testenv.WaitFor(t, 5*time.Second, "10 records at the platform", func() bool { return platform.distinct() >= 10 })
	if queueEmpty(b) {
		t.Fatal("queue empty before any platform ack; records must wait for the platform")
	}
	platform.publishAck([]byte(`{"ranges":[[1,10]]}`))
	testenv.WaitFor(t, 5*time.Second, "queue empty after the platform ack", func() bool { return queueEmpty(b) })
	if st := u.State(); st.PlatformAcked != 10 || st.UnknownAcked != 10 || st.InvalidAcks != 2 {
		t.Errorf("state = %+v, want 10 platform-acked, 10 unknown and 2 invalid", st)
	}
}

// TestPlatformAckWindowBoundsUnacked sends to a platform that does not
// acknowledge: the gateway stops at the ack window, then sends the rest
// once the platform acknowledges.
func TestPlatformAckWindowBoundsUnacked(t *testing.T) {
	broker := testenv.StartMosquitto(t)
	platform := startPlatform(t, broker.URL(), "platform-window", nil)
	b := openBuffer(t)
	u, stop := runUplink(t, b, testMQTT(broker.URL()), quietLogger(),
		withDelivery(Delivery{Ack: AckByPlatform, PlatformAckTimeout: time.Minute, AckWindow: 200}))
	defer stop()
	testenv.WaitFor(t, 10*time.Second, "uplink connected", func() bool { return u.State().Connected })

	const total = 1000
	appendRecords(t, b, total)
	testenv.WaitFor(t, 10*time.Second, "a full ack window at the platform", func() bool { return platform.distinct() >= 200 })
	// Give the gateway time to overrun the window if it would.
	time.Sleep(500 * time.Millisecond)
	if got := platform.distinct(); got > 200 {
		t.Errorf("%d different records sent without a platform ack; want at most the window of 200", got)
	}
	if st := u.State(); st.Unacked > 200 {
		t.Errorf("State.Unacked = %d, want at most 200", st.Unacked)
	}

	platform.setAckPolicy(func(int) bool { return true })
	platform.publishAck([]byte(fmt.Sprintf(`{"ranges":[[1,%d]]}`, total)))
	testenv.WaitFor(t, 20*time.Second, "every record acknowledged", func() bool { return queueEmpty(b) })
	if missing := missingSeqs(platform.counts(), total); missing != "" {
		t.Errorf("seqs never arrived: %s", missing)
	}
}

// TestPlatformAckResendsAfterReconnect restarts the broker while records
// wait for a platform ack that does not come: the new connection sends
// them again without waiting for the ack timeout.
func TestPlatformAckResendsAfterReconnect(t *testing.T) {
	broker := testenv.StartMosquitto(t)
	platform := startPlatform(t, broker.URL(), "platform-reconnect", nil)
	b := openBuffer(t)
	u, stop := runUplink(t, b, testMQTT(broker.URL()), quietLogger(), withDelivery(Delivery{Ack: AckByPlatform, PlatformAckTimeout: time.Hour}))
	defer stop()
	testenv.WaitFor(t, 10*time.Second, "uplink connected", func() bool { return u.State().Connected })

	const total = 100
	appendRecords(t, b, total)
	testenv.WaitFor(t, 10*time.Second, "100 records at the platform", func() bool { return platform.distinct() >= total })

	broker.Stop()
	broker.Start()
	testenv.WaitFor(t, 30*time.Second, "every record twice", func() bool {
		for seq := uint64(1); seq <= total; seq++ {
			if platform.count(seq) < 2 {
				return false
			}
		}
		return true
	})
	if u.State().Resent != 0 {
		t.Errorf("State.Resent = %d; the one-hour ack timeout cannot have passed, the reconnect alone resends", u.State().Resent)
	}
	platform.publishAck([]byte(`{"ranges":[[1,100]]}`))
	testenv.WaitFor(t, 10*time.Second, "queue empty after the platform ack", func() bool { return queueEmpty(b) })
}
