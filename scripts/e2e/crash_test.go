package e2e

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/plantgw/plantgw/internal/testenv"
)

// TestSIGKILLLosesNoRecord kills gatewayd with SIGKILL 20 times at random
// moments, the first ten with the broker down so that a backlog builds up
// and the last ten while it drains, then runs it once more to the end.
// The platform must then hold every seq from 1 to the highest without a
// gap: a record that was stored is never lost. A seq seen twice must carry
// the same record both times: a seq is never given to two records.
func TestSIGKILLLosesNoRecord(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end test takes about 70 s")
	}
	plant := startPlant(t, "normal")
	sub := testenv.Subscribe(t, plant.broker.URL(), "e2e-crash", "plantgw/+/gw-demo-01/+")
	rng := rand.New(rand.NewPCG(7, 11))

	plant.broker.Stop()
	for i := range 20 {
		if i == 10 {
			plant.broker.Start()
			// The platform's subscriber reconnects within 200 ms and
			// subscribes again; records published before that would
			// never reach it, which is not the gateway's doing.
			time.Sleep(2 * time.Second)
		}
		gw := plant.startGatewayIn(t, fmt.Sprintf("kill-%02d", i))
		time.Sleep(time.Duration(500+rng.IntN(2500)) * time.Millisecond)
		if err := gw.cmd.Process.Signal(syscall.SIGKILL); err != nil {
			t.Fatalf("kill %d: %v", i, err)
		}
		<-gw.done
	}

	final := plant.startGatewayIn(t, "final")
	var highest uint64
	var missing []uint64
	for deadline := time.Now().Add(60 * time.Second); ; time.Sleep(200 * time.Millisecond) {
		seqs := sub.Seqs()
		highest, missing = 0, nil
		for seq := range seqs {
			highest = max(highest, seq)
		}
		for seq := uint64(1); seq <= highest; seq++ {
			if seqs[seq] == 0 {
				missing = append(missing, seq)
			}
		}
		if highest >= 100 && len(missing) == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("after 60 s: highest seq %d, %d missing: %v", highest, len(missing), head(missing, 30))
		}
	}
	final.stop(10 * time.Second)

	copies := map[uint64]string{}
	dups := 0
	for _, r := range sub.Records() {
		id := fmt.Sprintf("%s/%s/%s/%s", r.Kind, r.PointID, r.Event, r.TS.Format(time.RFC3339Nano))
		if prev, seen := copies[r.Seq]; seen {
			dups++
			if prev != id {
				t.Errorf("seq %d was given to two records: %s and %s", r.Seq, prev, id)
			}
			continue
		}
		copies[r.Seq] = id
	}
	t.Logf("after 20 SIGKILLs: seq 1..%d complete, %d duplicates dropped by seq", highest, dups)
}

// startGatewayIn runs gatewayd with the demo config against the site, with
// its log in a file named after run; the buffer is the site's, shared by
// every run.
func (s *site) startGatewayIn(t *testing.T, run string) *proc {
	t.Helper()
	dir := filepath.Join(s.dir, run)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	env := []string{"DEMO_DIR=" + s.dir, fmt.Sprintf("DEMO_MODBUS_PORT=%d", s.modbusPort), fmt.Sprintf("DEMO_MQTT_PORT=%d", s.broker.Port),
		fmt.Sprintf("DEMO_WEB_PORT=%d", testenv.FreePort(t)), "PLANTGW_LANG=en"}
	return start(t, dir, "gatewayd", env, filepath.Join(s.bins, "gatewayd"), "--config", "config/examples/demo.yaml", "--lang", "en")
}

func head(s []uint64, n int) []uint64 {
	if len(s) > n {
		return s[:n]
	}
	return s
}
