package gateway

import (
	"encoding/csv"
	"fmt"
	"net/http"
	"net/url"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	mb "github.com/simonvetter/modbus"

	"github.com/plantgw/plantgw/internal/testenv"
	"github.com/plantgw/plantgw/record"
	"github.com/plantgw/plantgw/web"
)

// valveSlave serves a gas detector and a shutoff valve on every unit id.
// Input register 0 is %LEL × 10. Coil 0 is the valve's open command, and
// discrete inputs 0 and 1 are its open and closed limits, which follow the
// command at once. Holding registers 0-9 keep what is written, except 9,
// which acknowledges writes and stays 0. Other addresses get exception 02.
type valveSlave struct {
	tenths atomic.Int32
	mu     sync.Mutex
	open   bool
	hold   [10]uint16
}

func (s *valveSlave) HandleCoils(r *mb.CoilsRequest) ([]bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if r.Addr != 0 || r.Quantity != 1 {
		return nil, mb.ErrIllegalDataAddress
	}
	if r.IsWrite {
		s.open = r.Args[0]
		return nil, nil
	}
	return []bool{s.open}, nil
}

func (s *valveSlave) HandleDiscreteInputs(r *mb.DiscreteInputsRequest) ([]bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if uint32(r.Addr)+uint32(r.Quantity) > 2 {
		return nil, mb.ErrIllegalDataAddress
	}
	limits := []bool{s.open, !s.open}
	return limits[r.Addr : r.Addr+r.Quantity], nil
}

func (s *valveSlave) HandleHoldingRegisters(r *mb.HoldingRegistersRequest) ([]uint16, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if uint32(r.Addr)+uint32(r.Quantity) > 10 {
		return nil, mb.ErrIllegalDataAddress
	}
	if r.IsWrite {
		for i, v := range r.Args {
			if int(r.Addr)+i != 9 {
				s.hold[int(r.Addr)+i] = v
			}
		}
		return nil, nil
	}
	return append([]uint16(nil), s.hold[r.Addr:r.Addr+r.Quantity]...), nil
}

func (s *valveSlave) HandleInputRegisters(r *mb.InputRegistersRequest) ([]uint16, error) {
	if r.Addr != 0 || r.Quantity != 1 {
		return nil, mb.ErrIllegalDataAddress
	}
	return []uint16{uint16(s.tenths.Load())}, nil
}

const valveGatewayYAML = `site: {enterprise_code: E1, gateway_id: gw-t, timezone: Asia/Shanghai}
board: {profile: sim}
buses: [{name: tcp-1, tcp: {address: "127.0.0.1:%d"}, timeout: 200ms}]
devices:
  - {name: GT-1, bus: tcp-1, unit: 1, poll: 100ms, comm_loss_after: 1s}
  - {name: XV-1, bus: tcp-1, unit: 5, poll: 100ms, comm_loss_after: 1s}
points:
  - {id: GT-1.conc, device: GT-1, register: {table: input, address: "30001"}, type: int16, scale: 0.1, unit: "%%LEL",
     gas: {kind: combustible, al1: 20, al2: 40}, platform: {hazard_code: H1, point_code: C1}}
  - {id: XV-1.open, device: XV-1, register: {table: discrete, address: "10001"}, type: bool, platform: {hazard_code: H1, point_code: C2}}
  - {id: XV-1.closed, device: XV-1, register: {table: discrete, address: "10002"}, type: bool, platform: {hazard_code: H1, point_code: C3}}
  - {id: XV-1.command, device: XV-1, register: {table: coil, address: "00001"}, type: bool, platform: {hazard_code: H1, point_code: C4}}
valves: [{name: XV-1, command: XV-1.command, open_limit: XV-1.open, closed_limit: XV-1.closed, stroke_time: 5s}]
interlocks: [{name: esd, when: {alarm: al2, points: [GT-1.conc]}, do: [{output: esd-1}, {valve: XV-1}]}]
uplink: {mqtt: {url: "tcp://127.0.0.1:%d"}}
buffer: {path: %q}
web: {listen: "127.0.0.1:%d"}
`

// runValveGateway runs a gateway with its local API on loopback in
// front of a valveSlave, and returns an installer logged in to the API,
// the buffer's directory and a function that stops the gateway. The
// gateway stops at the end of the test at the latest.
func runValveGateway(t *testing.T) (*valveSlave, *apiUser, string, func()) {
	t.Helper()
	slave := &valveSlave{open: true}
	port := startModbusServer(t, slave)
	bufDir := filepath.Join(t.TempDir(), "buf")
	webPort := testenv.FreePort(t)
	g := startAPIGateway(t, fmt.Appendf(nil, valveGatewayYAML, port, testenv.FreePort(t), bufDir, webPort), bufDir, webPort)
	return slave, g.installer, g.bufDir, g.stop
}

func TestModbusThroughTheRunningGateway(t *testing.T) {
	slave, installer, bufDir, stop := runValveGateway(t)

	var buses []web.ModbusBus
	installer.must(200, "GET", "/api/modbus/buses", nil, &buses)
	if len(buses) != 1 || buses[0].Name != "tcp-1" || buses[0].TimeoutMS != 200 || !strings.HasPrefix(buses[0].TCP, "127.0.0.1:") {
		t.Fatalf("buses %+v", buses)
	}

	slave.tenths.Store(123)
	var reply web.ModbusReply
	installer.must(200, "POST", "/api/modbus/read", map[string]any{"bus": "tcp-1", "unit": 1, "table": "input", "address": 0, "count": 1}, &reply)
	if fmt.Sprint(reply.Registers) != "[123]" || reply.Device != "GT-1" {
		t.Errorf("read of GT-1: %+v", reply)
	}
	// Unit 7 is no configured device, but the slave replies to every unit
	// id.
	reply = web.ModbusReply{}
	installer.must(200, "POST", "/api/modbus/read", map[string]any{"bus": "tcp-1", "unit": 7, "table": "discrete", "address": 0, "count": 2}, &reply)
	if fmt.Sprint(reply.Bits) != "[true false]" || reply.Device != "" {
		t.Errorf("read of unit 7: %+v", reply)
	}

	reply = web.ModbusReply{}
	installer.must(200, "POST", "/api/modbus/write", map[string]any{"bus": "tcp-1", "unit": 7, "table": "holding", "address": 4, "value": 4660}, &reply)
	if reply.Confirmed == nil || !*reply.Confirmed {
		t.Errorf("write of holding 4: %+v", reply)
	}
	reply = web.ModbusReply{}
	installer.must(200, "POST", "/api/modbus/write", map[string]any{"bus": "tcp-1", "unit": 7, "table": "holding", "address": 9, "value": 1}, &reply)
	if reply.Confirmed == nil || *reply.Confirmed || !strings.Contains(reply.Detail, "did not keep the value") {
		t.Errorf("write of holding 9, which stays 0: %+v", reply)
	}

	var failure struct {
		Error  string
		Modbus struct {
			Cause               string
			Exception, Function int
		}
	}
	installer.must(502, "POST", "/api/modbus/read", map[string]any{"bus": "tcp-1", "unit": 7, "table": "holding", "address": 20, "count": 1}, &failure)
	if failure.Error != "modbus_failed" || failure.Modbus.Cause != "exception" || failure.Modbus.Exception != 2 || failure.Modbus.Function != 3 {
		t.Errorf("read past the registers: %+v", failure)
	}
	installer.must(404, "POST", "/api/modbus/read", map[string]any{"bus": "rs485-9", "unit": 1, "table": "input", "address": 0}, nil)
	stop()

	var writes []record.Event
	for _, e := range testenv.StoredEvents(t, bufDir, 0) {
		if e.Kind == record.ModbusWrite {
			writes = append(writes, e)
		}
	}
	if len(writes) != 2 {
		t.Fatalf("%d modbus_write events, want 2: %+v", len(writes), writes)
	}
	w := writes[0]
	if w.Operator != "zhang" || w.Device != "tcp-1:7" || w.Value != 4660 || !w.HasValue || w.Source != record.SourceLocalUI ||
		!strings.Contains(w.Text, "holding register 4 of unit 7 on bus tcp-1; confirmed") {
		t.Errorf("first modbus_write event: %+v", w)
	}
	if !strings.Contains(writes[1].Text, "not confirmed") {
		t.Errorf("second modbus_write event: %+v", writes[1])
	}
}

// While the interlock holds the valve closed, a write that opens it is
// rejected; closing it stays allowed.
func TestModbusWriteCannotOpenAHeldValve(t *testing.T) {
	slave, installer, _, _ := runValveGateway(t)
	open := map[string]any{"bus": "tcp-1", "unit": 5, "table": "coil", "address": 0, "value": 1}
	var reply web.ModbusReply
	installer.must(200, "POST", "/api/modbus/write", open, &reply)

	slave.tenths.Store(450)
	testenv.WaitFor(t, 5*time.Second, "the trip closes XV-1", func() bool {
		slave.mu.Lock()
		defer slave.mu.Unlock()
		return !slave.open
	})
	var rejected struct{ Error, Message string }
	installer.must(409, "POST", "/api/modbus/write", open, &rejected)
	if rejected.Error != "valve_held" || !strings.Contains(rejected.Message, "XV-1") {
		t.Errorf("opening the held valve: %+v", rejected)
	}
	slave.mu.Lock()
	stillClosed := !slave.open
	slave.mu.Unlock()
	if !stillClosed {
		t.Error("the held valve was opened")
	}
	installer.must(200, "POST", "/api/modbus/write", map[string]any{"bus": "tcp-1", "unit": 5, "table": "coil", "address": 0, "value": 0}, &reply)
}

// The CSV export of the running gateway holds what it stored.
func TestExportThroughTheRunningGateway(t *testing.T) {
	slave, installer, _, _ := runValveGateway(t)
	from := time.Now().Add(-time.Minute)
	slave.tenths.Store(55)
	time.Sleep(500 * time.Millisecond)

	q := url.Values{"from": {from.Format(time.RFC3339)}, "points": {"GT-1.conc,XV-1.open"}}
	req, _ := http.NewRequest("GET", installer.base+"/api/export?"+q.Encode(), nil)
	req.Header.Set("Authorization", "Bearer "+installer.token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("export status %d", resp.StatusCode)
	}
	if got := resp.Header.Get(web.ExportPointsHeader); got != "GT-1.conc,XV-1.open" {
		t.Errorf("%s = %q", web.ExportPointsHeader, got)
	}
	rows, err := csv.NewReader(resp.Body).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, row := range rows[1:] {
		seen[row[1]+"="+row[2]] = true
		if !strings.HasSuffix(row[0], "+08:00") {
			t.Errorf("time %q is not in the site's time zone", row[0])
		}
	}
	if !seen["GT-1.conc=5.5"] || !seen["XV-1.open=1"] {
		t.Errorf("export lacks GT-1.conc at 5.5 %%LEL or XV-1 open: %d rows, %v", len(rows)-1, seen)
	}
}
