package web

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"
)

var fakeBuses = []ModbusBus{{Name: "rtu-1", Port: "/dev/ttyS1", PortPath: "/dev/ttyS1", TimeoutMS: 500},
	{Name: "tcp-1", TCP: "192.0.2.10:502", TimeoutMS: 1000}}

func (p *fakePlant) ModbusBuses() []ModbusBus { return append([]ModbusBus(nil), fakeBuses...) }

// fakeBus finds the bus as the gateway does, and plays a device on each
// unit: unit 8 never replies, unit 9 replies with exception 02, and on
// bus tcp-1 unit 6's coil 0 opens a valve that a trip holds closed.
func fakeBus(name string, unit int) (ModbusBus, error) {
	for _, b := range fakeBuses {
		if b.Name == name {
			if b.Port != "" && (unit < 1 || unit > 247) {
				return ModbusBus{}, &UnitRangeError{Bus: name, Unit: unit, Min: 1, Max: 247}
			}
			return b, nil
		}
	}
	if name == "busy" {
		return ModbusBus{}, ErrBusBusy
	}
	return ModbusBus{}, &NoBusError{Bus: name, Buses: []string{"rtu-1", "tcp-1"}}
}

func fakeDeviceReply(bus string, unit int, function byte) error {
	switch unit {
	case 8:
		return fmt.Errorf("read: %w", ErrBusTimeout)
	case 9:
		return &ModbusError{Bus: bus, Unit: unit, Cause: "exception", Exception: 2, Function: function,
			Err: errors.New("exception 02 (illegal data address)")}
	case 7:
		return &ModbusError{Bus: bus, Unit: unit, Cause: "timeout", Err: errors.New("no reply before the timeout")}
	}
	return nil
}

func (p *fakePlant) ModbusRead(ctx context.Context, req ModbusRead) (ModbusReply, error) {
	if req.Bus == "slow" {
		p.mu.Lock()
		started := p.modbusStarted
		p.mu.Unlock()
		started <- struct{}{}
		<-ctx.Done()
		return ModbusReply{}, ctx.Err()
	}
	b, err := fakeBus(req.Bus, req.Unit)
	if err != nil {
		return ModbusReply{}, err
	}
	if err := fakeDeviceReply(req.Bus, req.Unit, 3); err != nil {
		return ModbusReply{}, err
	}
	reply := ModbusReply{Bus: b}
	for i := range req.Count {
		if req.Table == "coil" || req.Table == "discrete" {
			reply.Bits = append(reply.Bits, (req.Address+i)%2 == 0)
		} else {
			reply.Registers = append(reply.Registers, uint16(req.Address+i))
		}
	}
	return reply, nil
}

func (p *fakePlant) ModbusWrite(_ context.Context, u string, req ModbusWrite) (ModbusReply, error) {
	b, err := fakeBus(req.Bus, req.Unit)
	if err != nil {
		return ModbusReply{}, err
	}
	if req.Bus == "tcp-1" && req.Unit == 6 && req.Table == "coil" && req.Address == 0 && *req.Value == 1 {
		return ModbusReply{}, &ValveHeldError{Valve: "XV-102", Unit: 6, Coil: 0}
	}
	if err := fakeDeviceReply(req.Bus, req.Unit, 6); err != nil {
		return ModbusReply{}, err
	}
	p.did(fmt.Sprintf("write %s %d %s %d=%d %s", req.Bus, req.Unit, req.Table, req.Address, *req.Value, u))
	confirmed := req.Unit != 5
	reply := ModbusReply{Bus: b, Confirmed: &confirmed}
	if !confirmed {
		reply.Detail = "device did not keep the value: register reads back [0]"
	}
	return reply, nil
}

func TestModbusNeedsInstaller(t *testing.T) {
	rg := newRig(t)
	admin := rg.installer()
	for _, c := range []*client{rg.account(admin, "wang", Viewer), rg.account(admin, "liu", Operator)} {
		c.expect(403, "GET", "/api/modbus/buses", nil)
		c.expect(403, "POST", "/api/modbus/read", map[string]any{"bus": "rtu-1", "unit": 1, "table": "input", "address": 0})
		c.expect(403, "POST", "/api/modbus/write", map[string]any{"bus": "rtu-1", "unit": 1, "table": "coil", "address": 0, "value": 1})
	}
	rg.client().expect(401, "POST", "/api/modbus/read", map[string]any{"bus": "rtu-1", "unit": 1, "table": "input", "address": 0})
	if got := rg.plant.actionList(); len(got) != 0 {
		t.Errorf("rejected requests reached the plant: %q", got)
	}
}

func TestModbusReadAndWrite(t *testing.T) {
	rg := newRig(t)
	c := rg.installer()
	r := c.expect(200, "GET", "/api/modbus/buses", nil)
	if !strings.Contains(r.raw, `"name":"rtu-1","port":"/dev/ttyS1","port_path":"/dev/ttyS1","timeout_ms":500`) ||
		!strings.Contains(r.raw, `"tcp":"192.0.2.10:502"`) {
		t.Errorf("buses: %s", r.raw)
	}

	r = c.expect(200, "POST", "/api/modbus/read", map[string]any{"bus": "rtu-1", "unit": 1, "table": "holding", "address": 100, "count": 3})
	if !strings.Contains(r.raw, `"registers":[100,101,102]`) || !strings.Contains(r.raw, `"name":"rtu-1"`) {
		t.Errorf("read: %s", r.raw)
	}
	// count defaults to 1.
	r = c.expect(200, "POST", "/api/modbus/read", map[string]any{"bus": "tcp-1", "unit": 5, "table": "discrete", "address": 0})
	if !strings.Contains(r.raw, `"bits":[true]`) {
		t.Errorf("read of one bit: %s", r.raw)
	}

	r = c.expect(200, "POST", "/api/modbus/write", map[string]any{"bus": "tcp-1", "unit": 6, "table": "coil", "address": 0, "value": 0})
	if !strings.Contains(r.raw, `"confirmed":true`) {
		t.Errorf("write: %s", r.raw)
	}
	r = c.expect(200, "POST", "/api/modbus/write", map[string]any{"bus": "tcp-1", "unit": 5, "table": "holding", "address": 10, "value": 65535})
	if !strings.Contains(r.raw, `"confirmed":false`) || !strings.Contains(r.raw, "reads back [0]") {
		t.Errorf("write not kept: %s", r.raw)
	}
	want := "write tcp-1 6 coil 0=0 zhang|write tcp-1 5 holding 10=65535 zhang"
	if got := strings.Join(rg.plant.actionList(), "|"); got != want {
		t.Errorf("actions %q, want %q", got, want)
	}
}

func TestModbusRequestErrors(t *testing.T) {
	rg := newRig(t)
	c := rg.installer()
	c.lang = "en"
	read := func(unit int, table string, address, count int) map[string]any {
		return map[string]any{"bus": "rtu-1", "unit": unit, "table": table, "address": address, "count": count}
	}
	write := func(bus string, unit int, table string, address int, value any) map[string]any {
		return map[string]any{"bus": bus, "unit": unit, "table": table, "address": address, "value": value}
	}
	cases := []struct {
		path   string
		body   map[string]any
		status int
		code   code
		msg    string
	}{
		{"read", read(1, "register", 0, 1), 400, codeModbusTable, `invalid table "register"`},
		{"read", read(1, "input", 70000, 1), 400, codeModbusAddress, "invalid address 70000"},
		{"read", read(1, "input", 0, 126), 400, codeModbusCount, "invalid count 126 at address 0: one read takes 1 to 125 values"},
		{"read", read(1, "coil", 0, 2001), 400, codeModbusCount, "1 to 2000 values"},
		{"read", read(1, "input", 65535, 2), 400, codeModbusCount, "ends at address 65535"},
		{"read", read(248, "input", 0, 1), 400, codeModbusUnit, "invalid unit 248 for bus rtu-1: use 1 to 247"},
		{"read", map[string]any{"bus": "rs485-9", "unit": 1, "table": "input", "address": 0}, 404, codeNoBus,
			`no bus "rs485-9" in the configuration; its buses are: rtu-1, tcp-1`},
		{"read", map[string]any{"bus": "busy", "unit": 1, "table": "input", "address": 0}, 503, codeBusBusy, "try again in a few seconds"},
		{"read", read(8, "input", 0, 1), 504, codeBusTimeout, "gave no result in time"},
		{"read", read(9, "input", 0, 1), 502, codeModbusFailed, "unit 9 on bus rtu-1: exception 02 (illegal data address)"},
		{"write", write("rtu-1", 1, "input", 0, 1), 400, codeModbusReadOnly, "the input table is read-only"},
		{"write", write("rtu-1", 1, "coil", 0, 2), 400, codeModbusValue, "invalid value 2 for a coil"},
		{"write", write("rtu-1", 1, "holding", 0, 65536), 400, codeModbusValue, "invalid value 65536 for a holding"},
		{"write", write("rtu-1", 1, "holding", 0, nil), 400, codeModbusValue, "invalid value null"},
		{"write", write("tcp-1", 6, "coil", 0, 1), 409, codeValveHeld, "coil 0 of unit 6 is the command of valve XV-102"},
		{"write", write("rtu-1", 7, "coil", 0, 1), 502, codeModbusFailed, "unit 7 on bus rtu-1: no reply before the timeout"},
	}
	for _, tc := range cases {
		r := c.expect(tc.status, "POST", "/api/modbus/"+tc.path, tc.body)
		if r.body["error"] != string(tc.code) || !strings.Contains(r.body["message"].(string), tc.msg) {
			t.Errorf("%s %v: %s; want %s with %q", tc.path, tc.body, r.raw, tc.code, tc.msg)
		}
	}

	r := c.expect(502, "POST", "/api/modbus/read", read(9, "input", 0, 1))
	detail, _ := r.body["modbus"].(map[string]any)
	if detail["cause"] != "exception" || detail["exception"] != 2.0 || detail["function"] != 3.0 {
		t.Errorf("modbus detail of an exception: %s", r.raw)
	}
	c.expect(400, "POST", "/api/modbus/write", map[string]any{"bus": "rtu-1", "unit": 1, "table": "coil", "address": 0, "value": 1, "count": 1})
	if got := rg.plant.actionList(); len(got) != 0 {
		t.Errorf("rejected writes reached the plant: %q", got)
	}
}

// At most maxModbusRequests run at once, so the API's writes never fill
// the bus's write queue that valve commands share.
func TestModbusRequestsAreLimited(t *testing.T) {
	rg := newRig(t)
	c := rg.installer()
	token := loginToken(t, rg)
	started := make(chan struct{}, maxModbusRequests)
	rg.plant.mu.Lock()
	rg.plant.modbusStarted = started
	rg.plant.mu.Unlock()

	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	for range maxModbusRequests {
		wg.Go(func() {
			body, _ := json.Marshal(map[string]any{"bus": "slow", "unit": 1, "table": "input", "address": 0})
			req, _ := http.NewRequestWithContext(ctx, "POST", rg.http.URL+"/api/modbus/read", bytes.NewReader(body))
			req.Header.Set("Authorization", "Bearer "+token)
			if resp, err := http.DefaultClient.Do(req); err == nil {
				resp.Body.Close()
			}
		})
	}
	for range maxModbusRequests {
		<-started
	}
	r := c.expect(503, "POST", "/api/modbus/read", map[string]any{"bus": "rtu-1", "unit": 1, "table": "input", "address": 0})
	if r.body["error"] != string(codeBusBusy) {
		t.Errorf("third request: %s", r.raw)
	}
	cancel()
	wg.Wait()
	// The handlers release their slots as the cancelled requests end.
	deadline := time.Now().Add(2 * time.Second)
	for {
		r = c.do("POST", "/api/modbus/read", map[string]any{"bus": "rtu-1", "unit": 1, "table": "input", "address": 0})
		if r.status == 200 || time.Now().After(deadline) {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	if r.status != 200 {
		t.Errorf("after the slow requests ended: %d %s", r.status, r.raw)
	}
}
