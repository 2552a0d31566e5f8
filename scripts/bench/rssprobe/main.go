// Command rssprobe fills or opens a gateway buffer and prints the
// process's resident memory from /proc/self/status, for
// BenchmarkBacklogStorage. It is a process of its own so that the
// measurement holds the buffer and nothing of the benchmark.
//
// Usage:
//
//	rssprobe -mode write -dir DIR -records N
//	rssprobe -mode open -dir DIR
//
// write appends N records of a 500-point plant, 500 per Append with one
// alarm event in each, and measures before Close. open opens a filled
// buffer as a restarted gatewayd does and reads the first upload batch of
// each lane. Both print one JSON object with VmRSS and VmHWM in kB.
package main

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/plantgw/plantgw/buffer"
	"github.com/plantgw/plantgw/config"
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
	// RSSKB and HWMKB are VmRSS and VmHWM (peak RSS) in kB.
	RSSKB int64 `json:"rss_kb"`
	HWMKB int64 `json:"hwm_kb"`
	// GoHeapKB is the Go heap in use and GoSysKB all memory the Go
	// runtime holds from the system (runtime.MemStats HeapInuse and Sys),
	// so the output separates Go allocations from mapped files.
	GoHeapKB uint64 `json:"go_heap_kb"`
	GoSysKB  uint64 `json:"go_sys_kb"`
}

func main() {
	mode := flag.String("mode", "write", "write: fill the buffer; open: open a filled buffer")
	dir := flag.String("dir", "", "buffer directory (required)")
	records := flag.Int("records", 1_000_000, "records to append in write mode")
	flag.Parse()
	if *dir == "" {
		fmt.Fprintln(os.Stderr, "rssprobe: -dir is missing")
		os.Exit(2)
	}
	res, err := run(*mode, *dir, *records)
	if err != nil {
		fmt.Fprintln(os.Stderr, "rssprobe:", err)
		os.Exit(1)
	}
	if err := json.NewEncoder(os.Stdout).Encode(res); err != nil {
		fmt.Fprintln(os.Stderr, "rssprobe:", err)
		os.Exit(1)
	}
}

func run(mode, dir string, records int) (Result, error) {
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	buf, err := buffer.Open(buffer.Options{Path: dir, SyncInterval: config.DefaultSyncInterval.D(), Logger: logger})
	if err != nil {
		return Result{}, err
	}
	defer buf.Close()

	switch mode {
	case "write":
		if err := fill(buf, records); err != nil {
			return Result{}, err
		}
	case "open":
		for _, lane := range buffer.Lanes {
			if _, err := buf.Pending(lane, config.DefaultMaxRecords, nil); err != nil {
				return Result{}, err
			}
		}
	default:
		return Result{}, fmt.Errorf("unknown mode %q; want write or open", mode)
	}

	st := buf.Stats()
	res := Result{Mode: mode, Records: st.LastSeq, Pending: st.Pending[buffer.Events] + st.Pending[buffer.Telemetry]}
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	res.GoHeapKB, res.GoSysKB = ms.HeapInuse/1024, ms.Sys/1024
	res.RSSKB, res.HWMKB, err = memoryKB()
	return res, err
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

// memoryKB returns VmRSS and VmHWM from /proc/self/status.
func memoryKB() (rss, hwm int64, err error) {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return 0, 0, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		name, value, ok := strings.Cut(sc.Text(), ":")
		if !ok || (name != "VmRSS" && name != "VmHWM") {
			continue
		}
		kb, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(value), " kB"), 10, 64)
		if err != nil {
			return 0, 0, fmt.Errorf("parse %s in /proc/self/status: %w", name, err)
		}
		if name == "VmRSS" {
			rss = kb
		} else {
			hwm = kb
		}
	}
	if err := sc.Err(); err != nil {
		return 0, 0, err
	}
	if rss == 0 || hwm == 0 {
		return 0, 0, fmt.Errorf("VmRSS or VmHWM missing in /proc/self/status")
	}
	return rss, hwm, nil
}
