package main

import (
	"bufio"
	"fmt"
	"os"
	"runtime"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
)

// Memory is one measurement of the process, in kB.
type Memory struct {
	// RSSKB and HWMKB are VmRSS and VmHWM (peak RSS).
	RSSKB int64 `json:"rss_kb"`
	HWMKB int64 `json:"hwm_kb"`
	// AnonKB and FileKB split VmRSS into anonymous memory (RssAnon) and
	// pages of mapped files (RssFile): the binary and Badger's memory-mapped
	// tables and memtable logs. The kernel can drop clean file pages under
	// memory pressure, so FileKB is the part of RSS that can shrink
	// without the process freeing anything.
	AnonKB int64 `json:"anon_kb"`
	FileKB int64 `json:"file_kb"`
	// GoHeapKB is the Go heap in use and GoSysKB all memory the Go
	// runtime holds from the system (runtime.MemStats HeapInuse and Sys).
	GoHeapKB uint64 `json:"go_heap_kb"`
	GoSysKB  uint64 `json:"go_sys_kb"`
}

// statusFields are the /proc/self/status lines that readMemory reads.
var statusFields = []string{"VmRSS", "VmHWM", "RssAnon", "RssFile"}

// readMemory returns the process's memory from /proc/self/status and the
// Go runtime.
func readMemory() (Memory, error) {
	kb, err := readStatusKB(statusFields)
	if err != nil {
		return Memory{}, err
	}
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return Memory{
		RSSKB: kb["VmRSS"], HWMKB: kb["VmHWM"], AnonKB: kb["RssAnon"], FileKB: kb["RssFile"],
		GoHeapKB: ms.HeapInuse / 1024, GoSysKB: ms.Sys / 1024,
	}, nil
}

// readStatusKB returns the named fields of /proc/self/status in kB.
func readStatusKB(names []string) (map[string]int64, error) {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return nil, err
	}
	defer f.Close()
	out := make(map[string]int64, len(names))
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		name, value, ok := strings.Cut(sc.Text(), ":")
		if !ok || !slices.Contains(names, name) {
			continue
		}
		kb, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(value), " kB"), 10, 64)
		if err != nil {
			return nil, fmt.Errorf("parse %s in /proc/self/status: %w", name, err)
		}
		out[name] = kb
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read /proc/self/status: %w", err)
	}
	for _, name := range names {
		if _, ok := out[name]; !ok {
			return nil, fmt.Errorf("%s missing in /proc/self/status", name)
		}
	}
	return out, nil
}

// writeHeapProfile writes the heap profile, which shows the live heap as
// of the last garbage collection.
func writeHeapProfile(path string) error {
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("create heap profile: %w", err)
	}
	if err := pprof.Lookup("heap").WriteTo(f, 0); err != nil {
		f.Close()
		return fmt.Errorf("write heap profile %s: %w", path, err)
	}
	return f.Close()
}
