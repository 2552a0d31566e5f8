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

// probeResult is the JSON output of rssprobe.
type probeResult struct {
	Records  uint64 `json:"records"`
	Pending  int    `json:"pending"`
	RSSKB    int64  `json:"rss_kb"`
	HWMKB    int64  `json:"hwm_kb"`
	GoHeapKB uint64 `json:"go_heap_kb"`
	GoSysKB  uint64 `json:"go_sys_kb"`
}

// BenchmarkBacklogStorage runs rssprobe to store 1 million records of a
// 500-point plant in a fresh buffer, none of them uploaded, and reports
// the buffer directory's size per record after Close and the probe's RSS
// before Close. It then runs rssprobe again to open the full buffer, as a
// restarted gatewayd does, and reports that process's RSS. The goals are
// at most 40 bytes per record and 64 MB of RSS.
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
		write = runProbe(b, probe, "-mode", "write", "-dir", dir, "-records", "1000000")
		if write.Records != storageRecords || write.Pending != storageRecords {
			b.Fatalf("probe stored %d records, %d pending; want %d of each", write.Records, write.Pending, storageRecords)
		}
		apparent, allocated = dirSize(b, dir)
		open = runProbe(b, probe, "-mode", "open", "-dir", dir)
	}
	b.ReportMetric(0, "ns/op")
	b.ReportMetric(float64(apparent)/storageRecords, "disk-B/record")
	b.ReportMetric(float64(allocated)/storageRecords, "disk-blocks-B/record")
	b.ReportMetric(float64(write.RSSKB)/1024, "write-RSS-MB")
	b.ReportMetric(float64(write.HWMKB)/1024, "write-peak-RSS-MB")
	b.ReportMetric(float64(write.GoHeapKB)/1024, "write-Go-heap-MB")
	b.ReportMetric(float64(open.RSSKB)/1024, "open-RSS-MB")
	b.ReportMetric(float64(open.HWMKB)/1024, "open-peak-RSS-MB")
	b.ReportMetric(float64(open.GoHeapKB)/1024, "open-Go-heap-MB")
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
	return res
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
