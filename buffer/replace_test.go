package buffer

import (
	"bytes"
	"errors"
	"io"
	"io/fs"
	"log/slog"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// replacedPayload is the payload of the report entry in these tests.
const replacedPayload = "store replaced"

// openReplacing opens the buffer at dir with ReplaceBroken set and a clock
// fixed at now. Every report it builds is appended to reports.
func openReplacing(t *testing.T, dir string, now time.Time, reports *[]Replacement) (*Buffer, error) {
	t.Helper()
	return Open(Options{Path: dir, SyncInterval: 50 * time.Millisecond, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
		Now: func() time.Time { return now },
		ReplaceBroken: func(r Replacement) Entry {
			*reports = append(*reports, r)
			return Entry{Lane: Events, Payload: []byte(replacedPayload)}
		}})
}

// corruptFiles overwrites every file under dir with random bytes of the
// same length, at least 4 KiB, so that neither engine can read it.
func corruptFiles(t *testing.T, dir string) int {
	t.Helper()
	rng := rand.New(rand.NewPCG(1, 2))
	n := 0
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		garbage := make([]byte, max(info.Size(), 4096))
		for i := range garbage {
			garbage[i] = byte(rng.Uint32())
		}
		n++
		return os.WriteFile(path, garbage, 0o600)
	})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func fileCount(t *testing.T, dir string) int {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	return len(entries)
}

func movedAside(t *testing.T, dir string) []string {
	t.Helper()
	found, err := filepath.Glob(dir + ".broken-*")
	if err != nil {
		t.Fatal(err)
	}
	return found
}

func readFloor(t *testing.T, dir string) uint64 {
	t.Helper()
	data, err := os.ReadFile(seqFloorPath(dir))
	if err != nil {
		t.Fatal(err)
	}
	floor, err := strconv.ParseUint(strings.TrimSpace(string(data)), 10, 64)
	if err != nil {
		t.Fatalf("seq floor file holds %q: %v", data, err)
	}
	return floor
}

func TestCorruptStoreMovedAside(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "buf")
	now := time.Date(2026, 3, 1, 8, 30, 15, 0, time.UTC)
	var reports []Replacement
	b, err := openReplacing(t, dir, now, &reports)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := b.Append(append(entries(Telemetry, 990, "t"), entries(Events, 10, "e")...)); err != nil {
		t.Fatal(err)
	}
	if err := b.Close(); err != nil {
		t.Fatal(err)
	}
	if len(reports) != 0 {
		t.Fatalf("a healthy store was reported as replaced: %+v", reports)
	}
	floor := readFloor(t, dir)
	if floor < 1000 {
		t.Fatalf("seq floor %d is below the last committed seq 1000", floor)
	}
	files := corruptFiles(t, dir)

	b, err = openReplacing(t, dir, now, &reports)
	if err != nil {
		t.Fatalf("open of a corrupt store: %v", err)
	}
	defer b.Close()

	wantMoved := dir + ".broken-20260301T083015Z"
	if got := movedAside(t, dir); len(got) != 1 || got[0] != wantMoved {
		t.Fatalf("moved-aside directories = %v, want [%s]", got, wantMoved)
	}
	if got := fileCount(t, wantMoved); got != files {
		t.Errorf("moved-aside store has %d files, want the %d of the broken store", got, files)
	}
	if len(reports) != 1 {
		t.Fatalf("ReplaceBroken called %d times, want once", len(reports))
	}
	r := reports[0]
	if r.Path != dir || r.MovedTo != wantMoved || r.Err == "" || !r.Time.Equal(now) {
		t.Errorf("replacement = %+v, want path %s moved to %s with an error text", r, dir, wantMoved)
	}
	if r.FirstSeq != floor+1 {
		t.Errorf("replacement first seq = %d, want %d (above the floor)", r.FirstSeq, floor+1)
	}
	if st := b.Stats().Replaced; st == nil || st.MovedTo != wantMoved {
		t.Errorf("Stats().Replaced = %+v, want the replacement", st)
	}

	var stored []Record
	if err := b.Scan(func(rec Record) error { stored = append(stored, rec); return nil }); err != nil {
		t.Fatal(err)
	}
	if len(stored) != 1 || stored[0].Seq != floor+1 || stored[0].Lane != Events || string(stored[0].Payload) != replacedPayload {
		t.Fatalf("fresh store holds %+v, want only the report event at seq %d", stored, floor+1)
	}
	pending, err := b.Pending(Events, 10, nil)
	if err != nil || len(pending) != 1 || pending[0].Seq != floor+1 {
		t.Errorf("pending events = %+v, %v; want the report, waiting for upload", pending, err)
	}
	first, err := b.Append(entries(Telemetry, 1, "after"))
	if err != nil || first != floor+2 {
		t.Errorf("append after the replacement: seq %d, %v; want %d", first, err, floor+2)
	}
}

func TestLockedStoreNotMovedAside(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "buf")
	var reports []Replacement
	b, err := openReplacing(t, dir, time.Now(), &reports)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	if _, err := b.Append(entries(Events, 3, "e")); err != nil {
		t.Fatal(err)
	}

	second, err := openReplacing(t, dir, time.Now(), &reports)
	if err == nil {
		second.Close()
		t.Fatal("second Open of a locked store succeeded")
	}
	if !errors.Is(err, ErrLocked) {
		t.Errorf("second Open: %v, want ErrLocked", err)
	}
	if got := movedAside(t, dir); len(got) != 0 {
		t.Errorf("a locked store was moved aside to %v", got)
	}
	if len(reports) != 0 {
		t.Errorf("a locked store was reported as replaced: %+v", reports)
	}
	if first, err := b.Append(entries(Events, 1, "still")); err != nil || first != 4 {
		t.Errorf("append to the first buffer after the failed Open: seq %d, %v; want 4", first, err)
	}
}

// appendAndClose opens the buffer at dir, appends es and closes it.
func appendAndClose(t *testing.T, dir string, es []Entry) {
	t.Helper()
	b := openTest(t, dir)
	if _, err := b.Append(es); err != nil {
		t.Fatal(err)
	}
	if err := b.Close(); err != nil {
		t.Fatal(err)
	}
}

func TestCorruptStoreWithoutReplaceBrokenFails(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "buf")
	appendAndClose(t, dir, entries(Events, 3, "e"))
	corruptFiles(t, dir)

	b, err := Open(Options{Path: dir, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err == nil {
		b.Close()
		t.Fatal("Open of a corrupt store without ReplaceBroken succeeded")
	}
	if got := movedAside(t, dir); len(got) != 0 {
		t.Errorf("store moved aside to %v without ReplaceBroken", got)
	}
}

func TestSeqFloorSurvivesLostStore(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "buf")
	appendAndClose(t, dir, entries(Telemetry, 250, "t"))
	floor := readFloor(t, dir)
	if floor < 250 {
		t.Fatalf("seq floor %d is below the last committed seq 250", floor)
	}

	// A reopen of the intact store continues without a gap and keeps
	// the floor.
	b := openTest(t, dir)
	if first, err := b.Append(entries(Telemetry, 1, "t")); err != nil || first != 251 {
		t.Fatalf("append after reopen: seq %d, %v; want 251", first, err)
	}
	if err := b.Close(); err != nil {
		t.Fatal(err)
	}
	if got := readFloor(t, dir); got != floor {
		t.Errorf("seq floor after a reopen = %d, want %d unchanged", got, floor)
	}

	// The store is lost: the next one starts above the floor.
	if err := os.RemoveAll(dir); err != nil {
		t.Fatal(err)
	}
	var reports []Replacement
	b, err := openReplacing(t, dir, time.Now(), &reports)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	if len(reports) != 1 || reports[0].FirstSeq != floor+1 || reports[0].MovedTo != "" || !strings.Contains(reports[0].Err, "empty") {
		t.Fatalf("reports = %+v, want one for an empty store starting at seq %d", reports, floor+1)
	}
	if got := b.Stats().LastSeq; got != floor+1 {
		t.Errorf("last seq = %d, want %d (the report above the floor)", got, floor+1)
	}
}

func TestSeqFloorMissingTakesStoreSeq(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "buf")
	appendAndClose(t, dir, entries(Telemetry, 40, "t"))
	if err := os.Remove(seqFloorPath(dir)); err != nil {
		t.Fatal(err)
	}

	var reports []Replacement
	b, err := openReplacing(t, dir, time.Now(), &reports)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	if len(reports) != 0 {
		t.Errorf("a healthy store without a floor file was reported as replaced: %+v", reports)
	}
	if first, err := b.Append(entries(Events, 1, "e")); err != nil || first != 41 {
		t.Fatalf("append: seq %d, %v; want 41", first, err)
	}
	if got := readFloor(t, dir); got < 41 {
		t.Errorf("seq floor after the append = %d, want at least 41", got)
	}
}

func TestSeqFloorInvalidNamesFile(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "buf")
	b := openTest(t, dir)
	if err := b.Close(); err != nil {
		t.Fatal(err)
	}
	file := seqFloorPath(dir)
	if err := os.WriteFile(file, []byte("12x\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	b, err := Open(Options{Path: dir, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err == nil {
		b.Close()
		t.Fatal("Open with an invalid seq floor file succeeded")
	}
	if !strings.Contains(err.Error(), file) {
		t.Errorf("error %q does not name the floor file %s", err, file)
	}
}

func TestSeqFloorWrittenAheadOfSeqs(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "buf")
	b := openTest(t, dir)
	defer b.Close()
	if _, err := b.Append(entries(Telemetry, 10, "t")); err != nil {
		t.Fatal(err)
	}
	floor := readFloor(t, dir)
	if floor != 10+seqReserve {
		t.Fatalf("seq floor = %d, want %d", floor, 10+seqReserve)
	}

	// Appends within the reserve leave the file alone; the one that
	// passes it raises the floor before its records commit.
	batch := entries(Telemetry, maxBatch, "t")
	for b.Stats().LastSeq+maxBatch <= floor {
		if _, err := b.Append(batch); err != nil {
			t.Fatal(err)
		}
	}
	if got := readFloor(t, dir); got != floor {
		t.Fatalf("seq floor = %d after appends within the reserve, want %d", got, floor)
	}

	if _, err := b.Append(batch); err != nil {
		t.Fatal(err)
	}
	last := b.Stats().LastSeq
	if got := readFloor(t, dir); got != last+seqReserve {
		t.Errorf("seq floor = %d after passing the reserve, want %d", got, last+seqReserve)
	}
	if leftovers, _ := filepath.Glob(seqFloorPath(dir) + ".tmp-*"); len(leftovers) != 0 {
		t.Errorf("temp files left beside the floor: %v", leftovers)
	}
}

func TestMovedAsideNamesSortByTime(t *testing.T) {
	base := filepath.Join(t.TempDir(), "buf")
	for _, name := range []string{".broken-20260301T083015Z", ".broken-20260301T083015Z-2", ".broken-20260301T083015Z-10",
		".broken-20250101T000000Z-9"} {
		if err := os.Mkdir(base+name, 0o700); err != nil {
			t.Fatal(err)
		}
	}
	if got, want := newestMovedAside(base), base+".broken-20260301T083015Z-10"; got != want {
		t.Errorf("newest moved-aside = %s, want %s", got, want)
	}
	if got := newestMovedAside(filepath.Join(t.TempDir(), "none")); got != "" {
		t.Errorf("newest moved-aside without any = %q, want empty", got)
	}
}

func TestMoveAsideSameSecondGetsCounter(t *testing.T) {
	base := filepath.Join(t.TempDir(), "buf")
	now := time.Date(2026, 3, 1, 8, 30, 15, 0, time.UTC)
	var moved []string
	for range 2 {
		if err := os.Mkdir(base, 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(base, "f"), bytes.Repeat([]byte{1}, 10), 0o600); err != nil {
			t.Fatal(err)
		}
		target, err := moveAside(base, now)
		if err != nil {
			t.Fatal(err)
		}
		moved = append(moved, target)
	}
	want := []string{base + ".broken-20260301T083015Z", base + ".broken-20260301T083015Z-2"}
	if moved[0] != want[0] || moved[1] != want[1] {
		t.Errorf("moved to %v, want %v", moved, want)
	}
}
