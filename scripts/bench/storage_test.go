package bench

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
)

// storageRecords is the number of records BenchmarkBacklogStorage stores.
const storageRecords = 1_000_000

// settleTime is how long rssprobe keeps the buffer open and idle before
// its second measurement. Badger v4.9.6 keeps up to 8 table builders in a
// pool and frees one for every 2 s in which it builds no table, so 20 s
// without compactions frees them all.
const settleTime = "20s"

// probeMemory is one measurement of rssprobe, in kB.
type probeMemory struct {
	RSSKB    int64  `json:"rss_kb"`
	HWMKB    int64  `json:"hwm_kb"`
	AnonKB   int64  `json:"anon_kb"`
	FileKB   int64  `json:"file_kb"`
	GoHeapKB uint64 `json:"go_heap_kb"`
}

// probeResult is the JSON output of rssprobe.
type probeResult struct {
	Records uint64 `json:"records"`
	Pending int    `json:"pending"`
	probeMemory
	Settled *probeMemory `json:"settled"`
}

// BenchmarkBacklogStorage runs rssprobe to store 1 million records of a
// 500-point plant in a fresh buffer, none of them uploaded, and reports
// the buffer directory's size per record after Close and the probe's RSS
// before Close: once right after the last Append and once after
// settleTime idle. It then runs rssprobe again to open the full buffer,
// as a restarted gatewayd does, and reports that process's RSS the same
// two ways. The probes run under gatewayd's Go memory limit (package
// memlimit). The goals are at most 40 bytes per record and 64 MB of RSS.
func BenchmarkBacklogStorage(b *testing.B) {
	if testing.Short() {
		b.Skip("stores 1 million records")
	}
	probe := filepath.Join(b.TempDir(), "rssprobe")
	build := exec.Command("go", "build", "-o", probe, "./scripts/bench/rssprobe")
	build.Dir = repoRoot()
	if out, err := build.CombinedOutput(); err != nil {
		b.Fatalf("go build rssprobe: %v\n%s", err, out)
	}

	var write, open probeResult
	var apparent, allocated int64
	for b.Loop() {
		dir := b.TempDir()
		write = runProbe(b, probe, "-mode", "write", "-dir", dir, "-records", "1000000", "-settle", settleTime)
		if write.Records != storageRecords || write.Pending != storageRecords {
			b.Fatalf("probe stored %d records, %d pending; want %d of each", write.Records, write.Pending, storageRecords)
		}
		apparent, allocated = dirSize(b, dir)
		open = runProbe(b, probe, "-mode", "open", "-dir", dir, "-settle", settleTime)
	}
	b.ReportMetric(0, "ns/op")
	b.ReportMetric(float64(apparent)/storageRecords, "disk-B/record")
	b.ReportMetric(float64(allocated)/storageRecords, "disk-blocks-B/record")
	reportMemory(b, "write", write)
	reportMemory(b, "open", open)
}

func runProbe(b *testing.B, probe string, args ...string) probeResult {
	b.Helper()
	out, err := exec.Command(probe, args...).Output()
	if err != nil {
		b.Fatalf("rssprobe %v: %v", args, err)
	}
	var res probeResult
	if err := json.Unmarshal(out, &res); err != nil {
		b.Fatalf("rssprobe %v: invalid output %q: %v", args, out, err)
	}
	if res.Settled == nil {
		b.Fatalf("rssprobe %v: output %q has no settled measurement", args, out)
	}
	return res
}

// reportMemory reports one probe run's memory in MB, with the mode as the
// metrics' prefix.
func reportMemory(b *testing.B, mode string, res probeResult) {
	b.Helper()
	mb := func(kb int64) float64 { return float64(kb) / 1024 }
	b.ReportMetric(mb(res.RSSKB), mode+"-RSS-MB")
	b.ReportMetric(mb(res.HWMKB), mode+"-peak-RSS-MB")
	b.ReportMetric(mb(res.AnonKB), mode+"-anon-RSS-MB")
	b.ReportMetric(mb(res.FileKB), mode+"-file-RSS-MB")
	b.ReportMetric(mb(int64(res.GoHeapKB)), mode+"-Go-heap-MB")
	b.ReportMetric(mb(res.Settled.RSSKB), mode+"-settled-RSS-MB")
	b.ReportMetric(mb(res.Settled.AnonKB), mode+"-settled-anon-RSS-MB")
}

// dirSize returns the total size of the files in dir and the disk space
// allocated to them (st_blocks × 512).
func dirSize(b *testing.B, dir string) (apparent, allocated int64) {
	b.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		b.Fatal(err)
	}
	for _, e := range entries {
		info, err := e.Info()
		if err != nil {
			b.Fatal(err)
		}
		apparent += info.Size()
		if st, ok := info.Sys().(*syscall.Stat_t); ok {
			allocated += st.Blocks * 512
		}
	}
	return apparent, allocated
}
