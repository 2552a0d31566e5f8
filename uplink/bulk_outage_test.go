package uplink

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/plantgw/plantgw/buffer"
	"github.com/plantgw/plantgw/internal/testenv"
	"github.com/plantgw/plantgw/record"
)

// outageClip is a video clip stored as bulk parts during the outage.
type outageClip struct {
	name string
	data []byte
}

// appendOutageRound appends, in this order, telemetry, a clip's bulk
// parts, events and more telemetry, so that seq order mixes the lanes.
func appendOutageRound(t *testing.T, b *buffer.Buffer, round int, rng *rand.Rand) outageClip {
	t.Helper()
	now := time.Now()
	clip := outageClip{name: fmt.Sprintf("cam-1/clip-%d", round)}
	partSize := record.BulkPartSize(buffer.MaxPayloadLen, clip.name, "video/mp4")
	clip.data = make([]byte, 2*partSize+1000*round+1)
	for i := range clip.data {
		clip.data[i] = byte(rng.Uint32())
	}

	var entries []buffer.Entry
	sample := func(i int) buffer.Entry {
		return buffer.Entry{Lane: buffer.Telemetry, Payload: record.EncodeSample(record.Sample{
			Point: "p1", Time: now, ClockSynced: true, Value: float64(i), Quality: record.Good})}
	}
	for i := range 100 {
		entries = append(entries, sample(i))
	}
	for _, part := range record.SplitBulk(clip.name, "video/mp4", now, clip.data, partSize) {
		part.ClockSynced = true
		entries = append(entries, buffer.Entry{Lane: buffer.Bulk, Payload: record.EncodeBulk(part)})
	}
	for range 5 {
		entries = append(entries, buffer.Entry{Lane: buffer.Events, Payload: record.EncodeEvent(record.Event{
			Kind: record.AlarmRaised, Time: now, ClockSynced: true, Point: "p1", Level: record.AL1, Source: record.SourceAuto, Text: "outage"})})
	}
	for i := range 100 {
		entries = append(entries, sample(100+i))
	}
	if _, err := b.Append(entries); err != nil {
		t.Fatal(err)
	}
	return clip
}

// bulkMessage is the part of a bulk message that the test checks.
type bulkMessage struct {
	Records []struct {
		Seq   uint64 `json:"seq"`
		Kind  string `json:"kind"`
		Name  string `json:"name"`
		Part  int    `json:"part"`
		Parts int    `json:"parts"`
		Size  int    `json:"size"`
		Data  []byte `json:"data"`
	} `json:"records"`
}

// joinClips reassembles the clips from the bulk messages received, and
// fails for a message that does not carry exactly one bulk record.
func joinClips(t *testing.T, msgs []testenv.Message) map[string][]byte {
	t.Helper()
	parts := map[string]map[int][]byte{}
	for _, m := range msgs {
		var body bulkMessage
		if err := json.Unmarshal(m.Payload, &body); err != nil {
			t.Fatalf("bulk message on %s: %v", m.Topic, err)
		}
		if len(body.Records) != 1 {
			t.Fatalf("bulk message on %s carries %d records, want one", m.Topic, len(body.Records))
		}
		if kind := body.Records[0].Kind; kind != "bulk" {
			t.Fatalf("bulk message on %s carries a record of kind %q, want bulk", m.Topic, kind)
		}
		r := body.Records[0]
		if r.Size != len(r.Data) {
			t.Errorf("bulk seq %d: size %d, data %d bytes", r.Seq, r.Size, len(r.Data))
		}
		if parts[r.Name] == nil {
			parts[r.Name] = map[int][]byte{}
		}
		parts[r.Name][r.Part] = r.Data
	}
	out := map[string][]byte{}
	for name, byPart := range parts {
		for i := 1; i <= len(byPart); i++ {
			out[name] = append(out[name], byPart[i]...)
		}
	}
	return out
}

// TestOutageSendsEventsTelemetryThenBulk appends events, telemetry and
// the bulk parts of video clips while the broker is down, with the
// uplink running, then brings the broker back. An independent subscriber
// with a persistent session must receive every record once, in the
// order events, telemetry, bulk, each bulk part in a message of its own
// on the bulk topic, and the clips whole.
func TestOutageSendsEventsTelemetryThenBulk(t *testing.T) {
	broker := startPersistentBroker(t)
	sub := testenv.Subscribe(t, broker.ObserverURL(), "platform-bulk", "plantgw/E1/gw-test/+")
	b := openBuffer(t)
	u, stop := runPlantUplink(t, broker.URL(), b)
	defer stop()
	testenv.WaitFor(t, 10*time.Second, "the uplink's first connection", func() bool { return u.State().Connected })

	broker.Stop()
	testenv.WaitFor(t, 10*time.Second, "the uplink to see the broker gone", func() bool { return !u.State().Connected })
	rng := rand.New(rand.NewPCG(3, 4))
	var clips []outageClip
	for round := range 3 {
		clips = append(clips, appendOutageRound(t, b, round, rng))
	}
	if err := b.Sync(); err != nil {
		t.Fatal(err)
	}
	st := b.Stats()
	total := int(st.LastSeq)
	t.Logf("stored while the broker was down: %d events, %d telemetry, %d bulk", st.Pending[buffer.Events], st.Pending[buffer.Telemetry], st.Pending[buffer.Bulk])

	broker.Start()
	testenv.WaitFor(t, 60*time.Second, "an empty upload queue", func() bool {
		st := b.Stats()
		return st.Pending[buffer.Events]+st.Pending[buffer.Telemetry]+st.Pending[buffer.Bulk] == 0
	})
	testenv.WaitFor(t, 30*time.Second, fmt.Sprintf("%d records at the subscriber", total), func() bool { return len(sub.Seqs()) >= total })

	if dups := checkAll(t, sub.Seqs(), total); dups != 0 {
		t.Errorf("%d duplicates after one outage without records in flight; want every record once", dups)
	}
	recs := sub.Records()
	lastOf := map[string]int{}
	firstOf := map[string]int{}
	for i, r := range recs {
		if _, seen := firstOf[r.Kind]; !seen {
			firstOf[r.Kind] = i
		}
		lastOf[r.Kind] = i
		if !r.Historical {
			t.Errorf("seq %d (%s) stored during the outage is not historical", r.Seq, r.Kind)
		}
	}
	if lastOf["event"] > firstOf["sample"] {
		t.Errorf("event arrived as record %d, after the first sample (record %d); want events first", lastOf["event"], firstOf["sample"])
	}
	if lastOf["sample"] > firstOf["bulk"] {
		t.Errorf("sample arrived as record %d, after the first bulk part (record %d); want telemetry before bulk", lastOf["sample"], firstOf["bulk"])
	}

	msgs := sub.Messages("/bulk")
	wantParts := 0
	joined := joinClips(t, msgs)
	for _, c := range clips {
		wantParts += len(record.SplitBulk(c.name, "", time.Time{}, c.data, record.BulkPartSize(buffer.MaxPayloadLen, c.name, "video/mp4")))
		if !bytes.Equal(joined[c.name], c.data) {
			t.Errorf("clip %s arrived as %d bytes that differ from the %d stored", c.name, len(joined[c.name]), len(c.data))
		}
	}
	if len(msgs) != wantParts {
		t.Errorf("%d bulk messages, want one per part: %d", len(msgs), wantParts)
	}
	for _, suffix := range []string{"/events", "/telemetry"} {
		for _, m := range sub.Messages(suffix) {
			if bytes.Contains(m.Payload, []byte(`"kind":"bulk"`)) {
				t.Errorf("bulk record on %s", m.Topic)
			}
		}
	}
	if i := slices.IndexFunc(recs, func(r testenv.Received) bool { return r.Kind != "event" && r.Kind != "sample" && r.Kind != "bulk" }); i >= 0 {
		t.Errorf("record %d has kind %q", i, recs[i].Kind)
	}
}
