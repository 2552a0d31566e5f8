package e2e

import (
	"testing"
	"time"

	"github.com/plantgw/plantgw/internal/testenv"
)

// TestMisbehavingDevicesOnRTU runs the demo gateway against RTU devices
// that misbehave as field devices do, and checks that no reading reaches
// the platform under another device: GT-102 replies busy to every 3rd
// request, GT-103 replies 500 ms late (after the gateway's 300 ms
// timeout), GT-104 corrupts a fifth of its CRCs and puts stray bytes on the
// line. GT-101 serves at most one register per read, so the gateway's
// merged read of its value and status gets exception 03 and must be split.
// Without noise GT-10x read 0.5 %LEL and AT-201 0.2 ppm, so a gas
// detector's reply taken by AT-201's request shows up as a wrong value.
// NOTE: the values are constant, so a late reply taken by the same
// device's next request would not show here.
func TestMisbehavingDevicesOnRTU(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end test takes about 20 s")
	}
	plant := startPlant(t, "normal", "--quirk", "rtu/1:max-registers=1,rtu/2:busy=3,rtu/3:late=500ms,rtu/4:crc-noise=0.2,rtu/4:stray-bytes=0.2")
	sub := testenv.Subscribe(t, plant.broker.URL(), "e2e-quirks", "plantgw/+/gw-demo-01/+")
	plant.startGateway(t)

	want := map[string]float64{"GT-101.conc": 0.5, "GT-102.conc": 0.5, "GT-103.conc": 0.5, "GT-104.conc": 0.5, "AT-201.conc": 0.2}
	good := map[string]int{}
	testenv.WaitFor(t, 30*time.Second, "15 good readings of GT-101 and AT-201", func() bool {
		good = map[string]int{}
		for _, r := range sub.Records() {
			if _, ok := want[r.PointID]; ok && r.Kind == "sample" && r.Quality == "good" {
				good[r.PointID]++
			}
		}
		return good["GT-101.conc"] >= 15 && good["AT-201.conc"] >= 15
	})

	for _, r := range sub.Records() {
		expected, ok := want[r.PointID]
		if !ok || r.Kind != "sample" || r.Quality != "good" {
			continue
		}
		if v, _ := r.Number(); v != expected {
			t.Errorf("seq %d: %s = %v, want %v (a reply taken by another request)", r.Seq, r.PointID, v, expected)
		}
	}
	for _, r := range sub.Records() {
		if r.PointID == "GT-102.conc" && r.Kind == "sample" && r.Quality == "bad" {
			t.Errorf("seq %d: busy replies produced a bad sample for GT-102", r.Seq)
			break
		}
	}
	if good["GT-102.conc"] == 0 || good["GT-104.conc"] == 0 {
		t.Errorf("good readings %v; GT-102 (busy) and GT-104 (noisy) must still deliver", good)
	}
	t.Logf("good readings per point: %v", good)
}
