package buffer

import (
	"io"
	"log/slog"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// corruption damages the files of a closed store that match files, a
// pattern inside the store directory.
type corruption struct {
	name    string
	files   string
	damage  func([]byte) []byte
	wantErr string
}

func quietLogger() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

func randomBytes(data []byte) []byte {
	rng := rand.New(rand.NewPCG(3, 4))
	for i := range data {
		data[i] = byte(rng.Uint32())
	}
	return data
}

// randomTail overwrites the last 100 bytes, where Badger keeps a table's
// checksum and index lengths.
func randomTail(data []byte) []byte {
	rng := rand.New(rand.NewPCG(5, 6))
	for i := max(len(data)-100, 0); i < len(data); i++ {
		data[i] = byte(rng.Uint32())
	}
	return data
}

func truncateHalf(data []byte) []byte { return data[:len(data)/2] }

func zeroBytes(data []byte) []byte {
	clear(data)
	return data
}

func TestCorruptionsMovedAside(t *testing.T) {
	for _, c := range corruptions {
		t.Run(c.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "buf")
			var reports []Replacement
			b, err := openReplacing(t, dir, time.Now(), &reports)
			if err != nil {
				t.Fatal(err)
			}
			for range 10 {
				if _, err := b.Append(append(entries(Telemetry, 500, "t"), entries(Events, 10, "e")...)); err != nil {
					t.Fatal(err)
				}
			}
			if err := b.Close(); err != nil {
				t.Fatal(err)
			}
			floor := readFloor(t, dir)
			damageFiles(t, dir, c)

			b, err = openReplacing(t, dir, time.Now(), &reports)
			if err != nil {
				t.Fatalf("open after damage: %v", err)
			}
			defer b.Close()
			if got := movedAside(t, dir); len(got) != 1 {
				t.Errorf("moved-aside directories = %v, want one", got)
			}
			if len(reports) != 1 {
				t.Fatalf("ReplaceBroken called %d times, want once", len(reports))
			}
			if !strings.Contains(strings.ToLower(reports[0].Err), c.wantErr) {
				t.Errorf("replacement error %q does not contain %q", reports[0].Err, c.wantErr)
			}
			if got := b.Stats().LastSeq; got != floor+1 {
				t.Errorf("last seq = %d, want %d: the report, above the floor", got, floor+1)
			}
		})
	}
}

func damageFiles(t *testing.T, dir string, c corruption) {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(dir, c.files))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatalf("no file matches %s in the store", c.files)
	}
	for _, file := range files {
		data, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(file, c.damage(data), 0o600); err != nil {
			t.Fatal(err)
		}
	}
}
