package gateway

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	mb "github.com/simonvetter/modbus"
	"go.uber.org/goleak"

	"github.com/plantgw/plantgw/board"
	"github.com/plantgw/plantgw/buffer"
	"github.com/plantgw/plantgw/config"
	"github.com/plantgw/plantgw/internal/testenv"
	"github.com/plantgw/plantgw/record"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// gasSlave serves one gas detector: input register 0 is %LEL ×10.
type gasSlave struct{ tenths atomic.Int32 }

func (s *gasSlave) HandleCoils(*mb.CoilsRequest) ([]bool, error) { return nil, mb.ErrIllegalFunction }
func (s *gasSlave) HandleDiscreteInputs(*mb.DiscreteInputsRequest) ([]bool, error) {
	return nil, mb.ErrIllegalFunction
}
func (s *gasSlave) HandleHoldingRegisters(*mb.HoldingRegistersRequest) ([]uint16, error) {
	return nil, mb.ErrIllegalFunction
}
func (s *gasSlave) HandleInputRegisters(r *mb.InputRegistersRequest) ([]uint16, error) {
	out := make([]uint16, r.Quantity)
	out[0] = uint16(s.tenths.Load())
	return out, nil
}

// startGasSlave serves one gas detector on a free loopback port until the
// test ends.
func startGasSlave(t *testing.T) (*gasSlave, int) {
	t.Helper()
	slave := &gasSlave{}
	return slave, startModbusServer(t, slave)
}

// startModbusServer serves handler over Modbus TCP on a free loopback
// port until the test ends, and returns the port.
func startModbusServer(t *testing.T, handler mb.RequestHandler) int {
	t.Helper()
	port := testenv.FreePort(t)
	srv, err := mb.NewServer(&mb.ServerConfiguration{URL: fmt.Sprintf("tcp://127.0.0.1:%d", port), Timeout: 5 * time.Second, MaxClients: 2}, handler)
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Stop() })
	return port
}

// runGateway runs the gateway of cfg on board b until the returned stop
// is called or the test ends, and fails the test when Run returns an
// error. stop waits for Run to return and may be called more than once.
func runGateway(t *testing.T, cfg *config.Config, b board.Board) (stop func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Go(func() {
		if err := Run(ctx, cfg, Options{Logger: quietLog(), Board: b, DrainTimeout: 100 * time.Millisecond}); err != nil {
			t.Errorf("Run: %v", err)
		}
	})
	var once sync.Once
	stop = func() { once.Do(func() { cancel(); wg.Wait() }) }
	t.Cleanup(stop)
	return stop
}

const gatewayYAML = `site: {enterprise_code: E1, gateway_id: gw-t}
board: {profile: sim}
buses: [{name: tcp-1, tcp: {address: "127.0.0.1:%d"}, timeout: 200ms}]
devices: [{name: GT-1, bus: tcp-1, unit: 1, poll: 100ms, comm_loss_after: 1s}]
points:
  - {id: GT-1.conc, device: GT-1, register: {table: input, address: "30001"}, type: int16, scale: 0.1, unit: "%%LEL",
     gas: {kind: combustible, al1: 20, al2: 40}, platform: {hazard_code: H1, point_code: C1}}
interlocks: [{name: esd, when: {alarm: al2, points: [GT-1.conc]}, do: [{output: esd-1}]}]
uplink: {mqtt: {url: "tcp://127.0.0.1:%d"}}
buffer: {path: %q}
web: {listen: "off"}
`

func TestRunTripsOnGasAndStopsCleanly(t *testing.T) {
	slave, port := startGasSlave(t)

	dir := t.TempDir()
	deadBroker := testenv.FreePort(t)
	cfg, err := config.Parse("test.yaml", fmt.Appendf(nil, gatewayYAML, port, deadBroker, filepath.Join(dir, "buf")), nil)
	if err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	b := board.NewSim([]string{"horn", "beacon", "esd-1"}, "", log)

	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	var runErr error
	wg.Go(func() { runErr = Run(ctx, cfg, Options{Logger: log, Board: b, DrainTimeout: time.Second}) })

	testenv.WaitFor(t, 5*time.Second, "esd-1 released after the first scan", func() bool { return !b.State()["esd-1"] })
	slave.tenths.Store(450)
	testenv.WaitFor(t, 5*time.Second, "esd-1 tripped at 45 %LEL", func() bool { return b.State()["esd-1"] })
	slave.tenths.Store(10)
	time.Sleep(300 * time.Millisecond)
	if !b.State()["esd-1"] {
		t.Error("trip did not latch after the gas fell")
	}

	cancel()
	wg.Wait()
	if runErr != nil {
		t.Fatalf("Run: %v", runErr)
	}
	for name, active := range b.State() {
		if !active {
			t.Errorf("%s energised after stop; want every output de-energised", name)
		}
	}

	buf, err := buffer.Open(buffer.Options{Path: filepath.Join(dir, "buf"), Logger: log})
	if err != nil {
		t.Fatal(err)
	}
	defer buf.Close()
	kinds := map[record.EventKind]int{}
	samples := 0
	err = buf.Scan(func(r buffer.Record) error {
		d, err := record.Decode(r.Payload)
		if err != nil {
			return err
		}
		if d.Event != nil {
			kinds[d.Event.Kind]++
		} else {
			samples++
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range []record.EventKind{record.GatewayStarted, record.AlarmRaised, record.Trip, record.GatewayStopped} {
		if kinds[k] == 0 {
			t.Errorf("no %s event stored; stored kinds: %v", k, kinds)
		}
	}
	if samples < 5 {
		t.Errorf("%d samples stored; want at least 5", samples)
	}
}

func TestTripSurvivesRestart(t *testing.T) {
	slave, port := startGasSlave(t)
	bufDir := filepath.Join(t.TempDir(), "buf")
	cfg, err := config.Parse("test.yaml", fmt.Appendf(nil, gatewayYAML, port, testenv.FreePort(t), bufDir), nil)
	if err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	start := func(b *board.Sim) (stop func()) {
		ctx, cancel := context.WithCancel(context.Background())
		var wg sync.WaitGroup
		wg.Go(func() { _ = Run(ctx, cfg, Options{Logger: log, Board: b, DrainTimeout: 100 * time.Millisecond}) })
		return func() { cancel(); wg.Wait() }
	}

	first := board.NewSim([]string{"horn", "beacon", "esd-1"}, "", log)
	stop := start(first)
	testenv.WaitFor(t, 5*time.Second, "first scan releases esd-1", func() bool { return !first.State()["esd-1"] })
	slave.tenths.Store(450)
	testenv.WaitFor(t, 5*time.Second, "trip at 45 %LEL", func() bool { return first.State()["esd-1"] })
	stop()

	// Gas back to normal, then a restart: 1.5 s is about 15 scans at
	// 100 ms, and esd-1 must stay tripped through all of them.
	slave.tenths.Store(10)
	second := board.NewSim([]string{"horn", "beacon", "esd-1"}, "", log)
	stop = start(second)
	deadline := time.Now().Add(1500 * time.Millisecond)
	for time.Now().Before(deadline) {
		if !second.State()["esd-1"] {
			stop()
			t.Fatal("esd-1 released after a restart without a reset")
		}
		time.Sleep(5 * time.Millisecond)
	}
	stop()

	buf, err := buffer.Open(buffer.Options{Path: bufDir, Logger: log})
	if err != nil {
		t.Fatal(err)
	}
	defer buf.Close()
	var starts []string
	err = buf.Scan(func(r buffer.Record) error {
		if d, err := record.Decode(r.Payload); err == nil && d.Event != nil && d.Event.Kind == record.GatewayStarted {
			starts = append(starts, d.Event.Text)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(starts) != 2 || !strings.Contains(starts[1], "2 latched alarms and 1 trips kept") {
		t.Errorf("gateway_started texts = %q; want the second to report 2 latched alarms and 1 trip kept", starts)
	}
}

func TestAlarmSeesSamplesTheReportFilters(t *testing.T) {
	slave, port := startGasSlave(t)
	bufDir := filepath.Join(t.TempDir(), "buf")
	// A deadband of 1000 %LEL and an hour's interval store only the first
	// sample.
	text := strings.Replace(gatewayYAML, "platform: {hazard_code: H1, point_code: C1}}",
		"platform: {hazard_code: H1, point_code: C1}, report: {deadband: 1000, max_interval: 1h}}", 1)
	cfg, err := config.Parse("test.yaml", fmt.Appendf(nil, text, port, testenv.FreePort(t), bufDir), nil)
	if err != nil {
		t.Fatal(err)
	}
	log := quietLog()
	b := board.NewSim([]string{"horn", "beacon", "esd-1"}, "", log)
	stop := runGateway(t, cfg, b)
	testenv.WaitFor(t, 5*time.Second, "first scan", func() bool { return !b.State()["esd-1"] })
	slave.tenths.Store(450)
	testenv.WaitFor(t, 5*time.Second, "trip at 45 %LEL", func() bool { return b.State()["esd-1"] })
	stop()

	buf, err := buffer.Open(buffer.Options{Path: bufDir, Logger: log})
	if err != nil {
		t.Fatal(err)
	}
	defer buf.Close()
	samples := 0
	err = buf.Scan(func(r buffer.Record) error {
		if d, err := record.Decode(r.Payload); err == nil && d.Sample != nil {
			samples++
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if samples != 1 {
		t.Errorf("%d samples stored; want 1 (the rest are inside the deadband)", samples)
	}
}
