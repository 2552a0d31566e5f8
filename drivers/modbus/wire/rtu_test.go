package wire

import (
	"context"
	"encoding/binary"
	"errors"
	"io"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/creack/pty"

	"github.com/plantgw/plantgw/drivers/serial"
)

// step is one thing a scripted slave does after a request.
type step struct {
	delay time.Duration
	bytes []byte
}

// slaveLog records when the scripted slave saw each request and finished
// each reply.
type slaveLog struct {
	mu       sync.Mutex
	requests []time.Time
	replies  []time.Time
}

// startSlave opens a pty, returns an RTU master on its slave side, and
// replies to every 8-byte request on the master side with the steps handle
// returns for it (k counts requests from 1).
func startSlave(t *testing.T, opts RTUOptions, handle func(k int, req []byte) []step) (*RTU, *slaveLog) {
	t.Helper()
	master, slave, err := pty.Open()
	if err != nil {
		t.Fatalf("open pty: %v", err)
	}
	path := slave.Name()
	port, err := serial.Open(path, serial.Mode{Baud: 19200, DataBits: 8, Parity: "none", StopBits: 1}, nil)
	slave.Close()
	if err != nil {
		t.Fatal(err)
	}
	opened := false
	opts.Open = func() (Port, error) {
		if !opened {
			opened = true
			return port, nil
		}
		return serial.Open(path, serial.Mode{Baud: 19200, DataBits: 8, Parity: "none", StopBits: 1}, nil)
	}

	log := &slaveLog{}
	done := make(chan struct{})
	go func() {
		defer close(done)
		req := make([]byte, 8)
		for k := 1; ; k++ {
			if _, err := io.ReadFull(master, req); err != nil {
				return
			}
			log.mu.Lock()
			log.requests = append(log.requests, time.Now())
			log.mu.Unlock()
			for _, s := range handle(k, req) {
				time.Sleep(s.delay)
				master.Write(s.bytes)
			}
			log.mu.Lock()
			log.replies = append(log.replies, time.Now())
			log.mu.Unlock()
		}
	}()

	rtu := NewRTU(opts)
	t.Cleanup(func() {
		rtu.Close()
		<-done
		master.Close()
	})
	return rtu, log
}

// registerReply is a normal reply to a read of one register.
func registerReply(req []byte, value uint16) []byte {
	return replyFrame(req[0], req[1], 2, byte(value>>8), byte(value))
}

var readOne = Request{Unit: 5, Function: FuncReadHolding, Addr: 100, Count: 1}

func TestRTUReadsRegisters(t *testing.T) {
	rtu, _ := startSlave(t, RTUOptions{FrameGap: 2 * time.Millisecond}, func(k int, req []byte) []step {
		if binary.BigEndian.Uint16(req[2:]) != 100 {
			return []step{{bytes: replyFrame(req[0], req[1]|0x80, 0x02)}}
		}
		return []step{{bytes: registerReply(req, 4200)}}
	})
	r, err := rtu.Do(context.Background(), readOne, time.Second)
	if err != nil || len(r.Registers) != 1 || r.Registers[0] != 4200 {
		t.Fatalf("read: %v, %v", r, err)
	}
	var ex *Exception
	if _, err := rtu.Do(context.Background(), Request{Unit: 5, Function: FuncReadHolding, Addr: 9, Count: 1}, time.Second); !errors.As(err, &ex) || ex.Code != 2 {
		t.Fatalf("unmapped register: %v, want exception 02", err)
	}
	c := rtu.Stats().Snapshot()
	if c.Requests != 2 || c.Replies != 1 || c.Exceptions != 1 || c.Faults() != 1 {
		t.Errorf("counts %+v", c)
	}
	if u := rtu.Stats().Unit(5); u.Requests != 2 || u.Exceptions != 1 {
		t.Errorf("unit 5 counts %+v", u)
	}
}

// A device that replies to every other request after the master's timeout,
// with the request's sequence number as the value: no read may ever
// return the number of another request.
func TestRTULateReplyNeverAnswersNextRequest(t *testing.T) {
	const timeout = 60 * time.Millisecond
	rtu, _ := startSlave(t, RTUOptions{FrameGap: 2 * time.Millisecond}, func(k int, req []byte) []step {
		delay := time.Duration(0)
		if k%2 == 1 {
			delay = timeout * 3 / 2
		}
		return []step{{delay: delay, bytes: registerReply(req, uint16(k))}}
	})
	var good, timedOut int
	for k := 1; k <= 20; k++ {
		r, err := rtu.Do(context.Background(), readOne, timeout)
		switch {
		case errors.Is(err, ErrTimeout):
			timedOut++
		case err != nil:
			t.Fatalf("request %d: %v", k, err)
		case r.Registers[0] != uint16(k):
			t.Fatalf("request %d took the reply to request %d", k, r.Registers[0])
		default:
			good++
		}
	}
	c := rtu.Stats().Snapshot()
	if u := rtu.Stats().Unit(readOne.Unit); u.Late != 10 || u.Timeouts != 10 {
		t.Errorf("unit counts %+v, want 10 timeouts and 10 late replies", u)
	}
	if good != 10 || timedOut != 10 || c.Late != 10 {
		t.Errorf("good %d, timed out %d, late replies dropped %d; want 10 each", good, timedOut, c.Late)
	}
}

func TestRTUResynchronisesAfterNoise(t *testing.T) {
	rtu, _ := startSlave(t, RTUOptions{FrameGap: 2 * time.Millisecond}, func(k int, req []byte) []step {
		good := registerReply(req, uint16(k))
		damaged := append([]byte(nil), good...)
		damaged[3] ^= 0x40
		switch k % 3 {
		case 0:
			return []step{{bytes: append([]byte{0x00, 0x05, 0xFF, 0x05, 0x03}, good...)}}
		case 1:
			return []step{{bytes: damaged}, {delay: 5 * time.Millisecond, bytes: good}}
		}
		return []step{{bytes: good}, {delay: time.Millisecond, bytes: []byte{0xAA, 0x55}}}
	})
	for k := 1; k <= 12; k++ {
		r, err := rtu.Do(context.Background(), readOne, 200*time.Millisecond)
		if err != nil || r.Registers[0] != uint16(k) {
			t.Fatalf("request %d: %v, %v", k, r, err)
		}
	}
	c := rtu.Stats().Snapshot()
	// Four 5-byte prefixes and four 2-byte tails are stray; the damaged
	// frames are counted as such, not as stray bytes.
	if c.Damaged != 4 || c.StrayBytes != 4*5+4*2 {
		t.Errorf("damaged %d (want 4), stray bytes %d (want 28)", c.Damaged, c.StrayBytes)
	}
}

func TestRTUOnlyDamagedRepliesIsACRCError(t *testing.T) {
	rtu, _ := startSlave(t, RTUOptions{FrameGap: 2 * time.Millisecond}, func(k int, req []byte) []step {
		f := registerReply(req, 1)
		f[len(f)-1] ^= 1
		return []step{{bytes: f}}
	})
	if _, err := rtu.Do(context.Background(), readOne, 50*time.Millisecond); !errors.Is(err, ErrDamaged) {
		t.Fatalf("err = %v, want ErrDamaged", err)
	}
}

func TestRTUKeepsTurnaroundBetweenReplyAndRequest(t *testing.T) {
	const turnaround = 40 * time.Millisecond
	rtu, log := startSlave(t, RTUOptions{FrameGap: 2 * time.Millisecond, Turnaround: turnaround}, func(k int, req []byte) []step {
		return []step{{bytes: registerReply(req, 1)}}
	})
	for range 4 {
		if _, err := rtu.Do(context.Background(), readOne, time.Second); err != nil {
			t.Fatal(err)
		}
	}
	log.mu.Lock()
	defer log.mu.Unlock()
	for k := 1; k < len(log.requests); k++ {
		if gap := log.requests[k].Sub(log.replies[k-1]); gap < turnaround {
			t.Errorf("request %d came %v after the previous reply, want >= %v", k+1, gap, turnaround)
		}
	}
}

func TestRTUReopensAfterOpenFailure(t *testing.T) {
	calls := 0
	rtu := NewRTU(RTUOptions{FrameGap: time.Millisecond, Open: func() (Port, error) {
		calls++
		return nil, os.ErrNotExist
	}})
	for range 2 {
		if _, err := rtu.Do(context.Background(), readOne, time.Millisecond); !errors.Is(err, os.ErrNotExist) {
			t.Fatalf("err = %v", err)
		}
	}
	if calls != 2 {
		t.Errorf("open tried %d times, want once per request", calls)
	}
}
