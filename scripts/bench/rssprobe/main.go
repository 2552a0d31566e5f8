// Command rssprobe fills or opens a gateway buffer and prints the
// process's resident memory from /proc/self/status, for
// BenchmarkBacklogStorage. It is a process of its own so that the
// measurement holds the buffer and nothing of the benchmark.
//
// Usage:
//
//	rssprobe -mode write -dir DIR [-records N] [-settle D] [-heapprofile FILE]
//	rssprobe -mode open -dir DIR [-settle D] [-heapprofile FILE]
//
// write appends N records of a 500-point plant, 500 per Append with one
// alarm event in each, and measures before Close. open opens a filled
// buffer as a restarted gatewayd does and reads the first upload batch of
// each lane. Both print one JSON object with the memory in kB.
//
// Like gatewayd, the probe applies the Go soft memory limit of package
// memlimit, so GOMEMLIMIT in its environment overrides the default.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"time"

	"github.com/plantgw/plantgw/buffer"
	"github.com/plantgw/plantgw/config"
	"github.com/plantgw/plantgw/internal/memlimit"
	"github.com/plantgw/plantgw/record"
)

// plantPoints is the number of points, so one Append is one second of
// traffic at 500 points per second.
const plantPoints = 500

// Result is the probe's output.
type Result struct {
	Mode    string `json:"mode"`
	Records uint64 `json:"records"`
	Pending int    `json:"pending"`
	// GoMemoryLimitKB is the Go soft memory limit in force, 0 for none.
	GoMemoryLimitKB int64 `json:"go_memory_limit_kb"`
	// Memory is measured once the writes or reads are done.
	Memory
	// Settled is measured again after -settle with the buffer open and
	// idle, so that Badger's background work can finish. It is absent
	// when -settle is 0.
	Settled *Memory `json:"settled,omitempty"`
}

// options are the probe's command-line flags.
type options struct {
	mode        string
	dir         string
	records     int
	settle      time.Duration
	heapProfile string
}

func main() {
	var o options
	flag.StringVar(&o.mode, "mode", "write", "write: fill the buffer; open: open a filled buffer")
	flag.StringVar(&o.dir, "dir", "", "buffer directory (required)")
	flag.IntVar(&o.records, "records", 1_000_000, "records to append in write mode")
	flag.DurationVar(&o.settle, "settle", 0, "idle time before a second measurement; 0 skips it")
	flag.StringVar(&o.heapProfile, "heapprofile", "", "write a pprof heap profile to this file after the first measurement")
	flag.Parse()
	if o.dir == "" {
		fmt.Fprintln(os.Stderr, "rssprobe: -dir is missing")
		os.Exit(2)
	}
	res, err := run(o)
	if err != nil {
		fmt.Fprintln(os.Stderr, "rssprobe:", err)
		os.Exit(1)
	}
	if err := json.NewEncoder(os.Stdout).Encode(res); err != nil {
		fmt.Fprintln(os.Stderr, "rssprobe:", err)
		os.Exit(1)
	}
}

func run(o options) (Result, error) {
	res := Result{Mode: o.mode}
	if limit, _ := memlimit.Apply(); !memlimit.Unlimited(limit) {
		res.GoMemoryLimitKB = limit / 1024
	}
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	buf, err := buffer.Open(buffer.Options{Path: o.dir, SyncInterval: config.DefaultSyncInterval.D(), Logger: logger})
	if err != nil {
		return res, err
	}
	defer buf.Close()

	switch o.mode {
	case "write":
		if err := fill(buf, o.records); err != nil {
			return res, err
		}
	case "open":
		for _, lane := range buffer.Lanes {
			if _, err := buf.Pending(lane, config.DefaultMaxRecords, nil); err != nil {
				return res, err
			}
		}
	default:
		return res, fmt.Errorf("unknown mode %q; want write or open", o.mode)
	}

	st := buf.Stats()
	res.Records, res.Pending = st.LastSeq, st.Pending[buffer.Events]+st.Pending[buffer.Telemetry]
	if res.Memory, err = readMemory(); err != nil {
		return res, err
	}
	if o.heapProfile != "" {
		if err := writeHeapProfile(o.heapProfile); err != nil {
			return res, err
		}
	}
	if o.settle > 0 {
		time.Sleep(o.settle)
		settled, err := readMemory()
		if err != nil {
			return res, err
		}
		res.Settled = &settled
	}
	return res, nil
}

// fill appends n records, one second of the plant per Append.
func fill(buf *buffer.Buffer, n int) error {
	t0 := time.Now().Add(-time.Hour)
	batch := make([]buffer.Entry, 0, plantPoints)
	for i := range n {
		ts := t0.Add(time.Duration(i/plantPoints) * time.Second)
		point := fmt.Sprintf("GT-%03d.conc", i%plantPoints)
		if i%plantPoints == plantPoints-1 {
			batch = append(batch, buffer.Entry{Lane: buffer.Events, Payload: record.EncodeEvent(record.Event{
				Kind: record.AlarmRaised, Time: ts, ClockSynced: true, Point: point, Level: record.AL1,
				Value: 21.5, HasValue: true, Source: record.SourceAuto, Text: "concentration above al1"})})
		} else {
			batch = append(batch, buffer.Entry{Lane: buffer.Telemetry, Payload: record.EncodeSample(record.Sample{
				Point: point, Time: ts, ClockSynced: true, Value: float64(i%1000) / 10, Quality: record.Good})})
		}
		if len(batch) == cap(batch) || i == n-1 {
			if _, err := buf.Append(batch); err != nil {
				return err
			}
			batch = batch[:0]
		}
	}
	return nil
}
