package e2e

import (
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/plantgw/plantgw/internal/testenv"
)

// TestTCPQuirksEndToEnd runs gatewayd against plantsim's six Modbus TCP
// units behind one connection, as behind a TCP-to-RTU gateway, with one
// quirk per unit. The two runs are independent and run in parallel, about
// 17 s together.
func TestTCPQuirksEndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end test takes about 17 s")
	}
	bins := buildBinaries(t)
	t.Run("lost units", func(t *testing.T) {
		t.Parallel()
		testTCPLostUnits(t, bins)
	})
	t.Run("wrong replies", func(t *testing.T) {
		t.Parallel()
		testTCPWrongReplies(t, bins)
	})
}

// Timing of the gateway config in tcpQuirksConfig.
const (
	tcpFastPoll      = 500 * time.Millisecond // LT-302, XV-101, XV-102
	tcpSlowPoll      = time.Second            // LT-301, TT-301, AI-401
	tcpCommLossAfter = 3 * time.Second
	tcpTimeout       = 200 * time.Millisecond
)

// tcpExpected is every point's value in plantsim's normal scenario without
// noise. Each device has a value of its own where the reply layout is the
// same, so a reply taken by another device's request shows: LT-301 and
// LT-302 both read a CDAB float32 from holding registers 0..1.
var tcpExpected = map[string]any{
	"LT-301.level": 5000.0, "LT-302.level": 3000.0, "TT-301.temp": -3.5,
	"AI-401.ch1": 7500.0, "AI-401.ch2": 0.0,
	"XV-101.open": true, "XV-101.closed": false, "XV-102.open": true, "XV-102.closed": false,
}

// testTCPLostUnits checks units that stop replying: LT-301 replies 400 ms
// late (after the gateway's 200 ms timeout), TT-301 is dead and AI-401
// replies with exception 0A (gateway path unavailable) for the first 12 s.
func testTCPLostUnits(t *testing.T, bins string) {
	const quirkFor = 12 * time.Second
	s := startTCPSite(t, bins, "--quirk", "tcp/1:late=400ms,tcp/3:dead,tcp/4:gateway-path", "--quirk-for", quirkFor.String())
	quirkEnd := s.plantStarted.Add(quirkFor)     // at the earliest
	quirkEndLatest := s.plantReady.Add(quirkFor) // at the latest
	sub := s.subscribe(t, "e2e-tcp-lost")
	gwStart := time.Now()
	s.startGateway(t)

	lost := map[string]time.Time{}
	testenv.WaitFor(t, 10*time.Second, "comm_lost for TT-301 and AI-401", func() bool {
		lost = firstEvents(sub.Records(), "comm_lost")
		return !lost["TT-301"].IsZero() && !lost["AI-401"].IsZero()
	})
	// Events travel ahead of samples, so wait for the samples as well.
	testenv.WaitFor(t, time.Until(quirkEndLatest)+maxProbeWait, "comm_restored and good samples for LT-301, TT-301 and AI-401", func() bool {
		restored := firstEvents(sub.Records(), "comm_restored")
		records := sub.Records()
		for _, point := range []string{"LT-301.level", "TT-301.temp", "AI-401.ch1"} {
			if !hasGoodSampleAfter(records, point, quirkEndLatest) {
				return false
			}
		}
		return !restored["LT-301"].IsZero() && !restored["TT-301"].IsZero() && !restored["AI-401"].IsZero()
	})
	records := sub.Records()

	for _, device := range []string{"TT-301", "AI-401"} {
		t.Run(device+" lost in time", func(t *testing.T) {
			// The poller starts a little after gwStart, and 1 s covers
			// that and the upload.
			if d := lost[device].Sub(gwStart); d > tcpCommLossAfter+time.Second {
				t.Errorf("comm_lost %v after the gateway started; want within comm_loss_after %v (+1 s for start-up)", d.Round(10*time.Millisecond), tcpCommLossAfter)
			}
		})
	}
	t.Run("other units keep their poll rate", func(t *testing.T) {
		// Three faulty units share this connection: two cost a timeout
		// per poll until they are reported lost, and plantsim, like a
		// TCP-to-RTU gateway, serves one request at a time, so the late
		// unit holds the line for its whole delay. The 90 % of a single
		// dead unit (TestSilentSlaveOnRTU) becomes 80 % here.
		from, to := gwStart.Add(time.Second), quirkEnd
		for _, point := range []string{"LT-302.level", "XV-101.open", "XV-102.open"} {
			checkPollRate(t, records, point, from, to, tcpFastPoll, 0.8)
		}
	})
	t.Run("late replies are never taken", func(t *testing.T) {
		// Every reply to LT-301 before quirkEnd came after the
		// gateway's timeout, so a good sample then came from a late reply.
		for _, r := range records {
			if r.PointID == "LT-301.level" && r.Kind == "sample" && r.Quality == "good" && r.TS.Before(quirkEnd) {
				t.Errorf("seq %d: good LT-301 sample at %s while every reply came late", r.Seq, r.TS.Format(time.StampMilli))
			}
		}
	})
	t.Run("units read again after the quirks end", func(t *testing.T) {
		for _, point := range []string{"LT-301.level", "TT-301.temp", "AI-401.ch1"} {
			if !hasGoodSampleAfter(records, point, quirkEndLatest) {
				t.Errorf("no good %s sample after the quirks ended", point)
			}
		}
	})
	t.Run("no value from another device or request", func(t *testing.T) {
		checkValues(t, records)
	})
	logSummary(t, records, lost)
}

// maxProbeWait is the gateway's longest interval between probes of a lost
// device (10 s in drivers/modbus) plus 2 s for the upload.
const maxProbeWait = 12 * time.Second

// testTCPWrongReplies checks units whose replies are wrong but come in
// time: LT-301 is slow (100 ms, within the timeout), LT-302 gets the
// connection's previous reply with its old transaction id before its own,
// TT-301 replies busy to every second request, AI-401 returns one register
// where two were read, and XV-101 rejects reads of more than one bit.
func testTCPWrongReplies(t *testing.T, bins string) {
	const runFor = 9 * time.Second
	s := startTCPSite(t, bins, "--quirk", "tcp/1:slow=100ms,tcp/2:stale-reply,tcp/3:busy=2,tcp/4:short-reply=1,tcp/5:max-registers=1")
	sub := s.subscribe(t, "e2e-tcp-wrong")
	gwStart := time.Now()
	s.startGateway(t)
	time.Sleep(runFor)
	records := sub.Records()
	lost := firstEvents(sub.Records(), "comm_lost")

	t.Run("no value from another device or request", func(t *testing.T) {
		checkValues(t, records)
	})
	t.Run("stale-reply", func(t *testing.T) {
		// LT-302 follows LT-301 in the poll order, so the stale copy is
		// mostly LT-301's reply of the same layout with 5000 mm.
		if !lost["LT-302"].IsZero() {
			t.Errorf("LT-302 reported lost at %s; stale replies must be dropped and the right reply taken", lost["LT-302"].Format(time.StampMilli))
		}
		checkPollRate(t, records, "LT-302.level", gwStart.Add(time.Second), gwStart.Add(runFor), tcpFastPoll, 0.9)
	})
	t.Run("slow", func(t *testing.T) {
		if !lost["LT-301"].IsZero() {
			t.Errorf("LT-301 reported lost; its 100 ms replies are within the 200 ms timeout")
		}
		checkPollRate(t, records, "LT-301.level", gwStart.Add(time.Second), gwStart.Add(runFor), tcpSlowPoll, 0.9)
	})
	t.Run("busy", func(t *testing.T) {
		good := 0
		for _, r := range records {
			if r.PointID != "TT-301.temp" || r.Kind != "sample" {
				continue
			}
			if r.Quality == "good" {
				good++
				continue
			}
			// A busy reply carries no reading and must not turn the point
			// bad while every second request still gets one.
			t.Errorf("seq %d: TT-301 sample %s (%s) from busy replies", r.Seq, r.Quality, r.Cause)
		}
		if good == 0 {
			t.Error("no good TT-301 sample: every second request is not busy")
		}
	})
	t.Run("max-registers", func(t *testing.T) {
		// The merged read of both limit switches gets exception 03; the
		// gateway must split it and read each bit on its own.
		if !lost["XV-101"].IsZero() {
			t.Error("XV-101 reported lost; it answers every read")
		}
		if !hasGoodSampleAfter(records, "XV-101.open", gwStart) || !hasGoodSampleAfter(records, "XV-101.closed", gwStart) {
			t.Error("no good XV-101 limit switch samples after splitting the read")
		}
	})
	// short-reply has no check of its own: a short reply can only produce
	// a wrong good value, which checkValues rejects.
	logSummary(t, records, lost)
}

// tcpSite is one mosquitto and one plantsim serving Modbus TCP only.
type tcpSite struct {
	bins, dir    string
	broker       *testenv.Mosquitto
	modbusPort   int
	plantStarted time.Time // before plantsim was started
	plantReady   time.Time // when plantsim had printed TCP_ADDR
}

func startTCPSite(t *testing.T, bins string, quirkArgs ...string) *tcpSite {
	t.Helper()
	s := &tcpSite{bins: bins, dir: t.TempDir(), broker: testenv.StartMosquitto(t), modbusPort: testenv.FreePort(t)}
	args := append([]string{"--tcp", fmt.Sprintf("127.0.0.1:%d", s.modbusPort), "--rtu", "",
		"--scenario", "normal", "--noise", "0", "--print-every", "0", "--lang", "en"}, quirkArgs...)
	s.plantStarted = time.Now()
	plant := start(t, s.dir, "plantsim", nil, filepath.Join(bins, "plantsim"), args...)
	testenv.WaitFor(t, 10*time.Second, "plantsim TCP_ADDR", func() bool {
		out, _ := os.ReadFile(plant.log)
		return strings.Contains(string(out), "TCP_ADDR=")
	})
	s.plantReady = time.Now()
	return s
}

// startGateway writes the gateway config for the site and runs gatewayd.
func (s *tcpSite) startGateway(t *testing.T) *proc {
	t.Helper()
	path := filepath.Join(s.dir, "gateway.yaml")
	if err := os.WriteFile(path, []byte(tcpQuirksConfig(s.dir, s.modbusPort, s.broker.Port)), 0o644); err != nil {
		t.Fatal(err)
	}
	return start(t, s.dir, "gatewayd", []string{"PLANTGW_LANG=en"}, filepath.Join(s.bins, "gatewayd"), "--config", path, "--lang", "en")
}

// tcpQuirksConfig is a gateway config with plantsim's six TCP units on one
// bus. The points are written out, without templates, so that the test
// states every register it expects.
func tcpQuirksConfig(dir string, modbusPort, mqttPort int) string {
	var b strings.Builder
	fmt.Fprintf(&b, `site:
  enterprise_code: "91320500MA1DEMO01X"
  gateway_id: gw-tcp-quirks
  timezone: Asia/Shanghai
  lang: en
board:
  profile: sim
  status_file: %[1]s/outputs.json
buses:
  - name: tcp-1
    tcp: {address: "127.0.0.1:%[2]d"}
    timeout: %[4]s
devices:
  - {name: LT-301, bus: tcp-1, unit: 1, poll: %[5]s, comm_loss_after: %[7]s}
  - {name: LT-302, bus: tcp-1, unit: 2, poll: %[6]s, comm_loss_after: %[7]s}
  - {name: TT-301, bus: tcp-1, unit: 3, poll: %[5]s, comm_loss_after: %[7]s}
  - {name: AI-401, bus: tcp-1, unit: 4, poll: %[5]s, comm_loss_after: %[7]s}
  - {name: XV-101, bus: tcp-1, unit: 5, poll: %[6]s, comm_loss_after: %[7]s}
  - {name: XV-102, bus: tcp-1, unit: 6, poll: %[6]s, comm_loss_after: %[7]s}
uplink:
  mqtt:
    url: "tcp://127.0.0.1:%[3]d"
    client_id: gw-tcp-quirks
  format: platform-json-v1
buffer:
  path: %[1]s/buffer
  sync_interval: 1s
points:
`, dir, modbusPort, mqttPort, tcpTimeout, tcpSlowPoll, tcpFastPoll, tcpCommLossAfter)
	points := []struct{ id, table, address, typ string }{
		{"LT-301.level", "holding", "40001", "float32, byte_order: CDAB"},
		{"LT-302.level", "holding", "40001", "float32, byte_order: CDAB"},
		{"TT-301.temp", "input", "30001", "int16, scale: 0.1"},
		{"AI-401.ch1", "input", "30001", "int16"},
		{"AI-401.ch2", "input", "30002", "int16"},
		{"XV-101.open", "discrete", "10001", "bool"},
		{"XV-101.closed", "discrete", "10002", "bool"},
		{"XV-102.open", "discrete", "10001", "bool"},
		{"XV-102.closed", "discrete", "10002", "bool"},
	}
	for i, p := range points {
		device, _, _ := strings.Cut(p.id, ".")
		fmt.Fprintf(&b, "  - {id: %s, device: %s, register: {table: %s, address: %q}, type: %s, platform: {hazard_code: \"320500001001\", point_code: \"P%02d\"}}\n",
			p.id, device, p.table, p.address, p.typ, i+1)
	}
	return b.String()
}

// subscribe connects a platform stand-in to the site's broker.
func (s *tcpSite) subscribe(t *testing.T, clientID string) *testenv.Subscriber {
	t.Helper()
	return testenv.Subscribe(t, s.broker.URL(), clientID, "plantgw/+/gw-tcp-quirks/+")
}

// firstEvents returns the source time of the first event of kind per device.
func firstEvents(records []testenv.Received, kind string) map[string]time.Time {
	first := map[string]time.Time{}
	for _, rec := range records {
		if rec.Event == kind && first[rec.Device].IsZero() {
			first[rec.Device] = rec.TS
		}
	}
	return first
}

// checkValues reports every good or uncertain sample whose value is not
// the one plantsim serves for that point: a reply taken by another
// device's request, or a short or shifted reply decoded as a value.
func checkValues(t *testing.T, records []testenv.Received) {
	t.Helper()
	checked := 0
	for _, r := range records {
		if r.Kind != "sample" || r.Quality == "bad" {
			continue
		}
		want, known := tcpExpected[r.PointID]
		if !known {
			t.Errorf("seq %d: sample of unknown point %q", r.Seq, r.PointID)
			continue
		}
		checked++
		switch want := want.(type) {
		case bool:
			if got, ok := r.Bool(); !ok || got != want {
				t.Errorf("seq %d: %s = %s (%s), want %v", r.Seq, r.PointID, r.Value, r.Quality, want)
			}
		case float64:
			if got, ok := r.Number(); !ok || math.Abs(got-want) > 1e-6 {
				t.Errorf("seq %d: %s = %s (%s), want %v", r.Seq, r.PointID, r.Value, r.Quality, want)
			}
		}
	}
	if checked == 0 {
		t.Error("no good sample received")
	}
}

// checkPollRate checks that point produced good samples with a source time
// in [from, to) at 90 % or more of its poll rate, less one sample for the
// window's edges.
func checkPollRate(t *testing.T, records []testenv.Received, point string, from, to time.Time, poll time.Duration, share float64) {
	t.Helper()
	good := 0
	var previous time.Time
	var longestGap time.Duration
	for _, r := range records {
		if r.PointID == point && r.Kind == "sample" && r.Quality == "good" && !r.TS.Before(from) && r.TS.Before(to) {
			good++
			if !previous.IsZero() {
				longestGap = max(longestGap, r.TS.Sub(previous))
			}
			previous = r.TS
		}
	}
	window := to.Sub(from).Round(100 * time.Millisecond)
	expected := float64(to.Sub(from)) / float64(poll)
	if float64(good+1) < share*expected {
		t.Errorf("%s: %d good samples in %v, want at least %.0f %% of %.1f polls; longest gap %v", point, good, window, 100*share, expected, longestGap)
	}
	t.Logf("%s: %d good samples in %v (%.1f polls), longest gap %v", point, good, window, expected, longestGap)
}

func hasGoodSampleAfter(records []testenv.Received, point string, after time.Time) bool {
	for _, r := range records {
		if r.PointID == point && r.Kind == "sample" && r.Quality == "good" && r.TS.After(after) {
			return true
		}
	}
	return false
}

// logSummary logs the samples per point and quality and the comm_lost
// events, to show what the gateway made of each quirk.
func logSummary(t *testing.T, records []testenv.Received, lost map[string]time.Time) {
	counts := map[string]int{}
	for _, r := range records {
		if r.Kind == "sample" {
			counts[r.PointID+" "+r.Quality]++
		}
	}
	t.Logf("samples per point and quality: %v; comm_lost: %v", counts, lost)
}
