//go:build 386 || arm || mips || mipsle

package buffer

import (
	"bytes"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	bolt "go.etcd.io/bbolt"
)

func TestBboltWarnsAboutBadgerFiles(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "MANIFEST"), []byte("badger"), 0o600); err != nil {
		t.Fatal(err)
	}
	var logged bytes.Buffer
	b, err := Open(Options{Path: dir, Logger: slog.New(slog.NewTextHandler(&logged, nil))})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	if !strings.Contains(logged.String(), "contains Badger files") {
		t.Errorf("log = %q, want a warning about Badger files", logged.String())
	}
	if _, err := os.Stat(filepath.Join(dir, bboltFile)); err != nil {
		t.Errorf("bbolt file not created: %v", err)
	}
}

// corruptions are ways a bbolt store's file breaks, each with the text its
// replacement report must contain.
var corruptions = []corruption{
	{name: "file garbage", files: bboltFile, damage: randomBytes, wantErr: "invalid database"},
	// A truncated file makes bbolt v1.5.0 panic while it reads the
	// freelist, which openAndLoad recovers.
	{name: "file truncated", files: bboltFile, damage: truncateHalf, wantErr: "panicked"},
	{name: "file zeroed", files: bboltFile, damage: zeroBytes, wantErr: "invalid"},
}

// countKeys returns the number of keys in bucket, such as bucketIndex for
// the point index and bucketStamps for append stamps.
func countKeys(t *testing.T, b *Buffer, bucket []byte) int {
	t.Helper()
	n := 0
	err := b.store.(bboltStore).db.View(func(tx *bolt.Tx) error {
		return tx.Bucket(bucket).ForEach(func(_, _ []byte) error { n++; return nil })
	})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func countIndexKeys(t *testing.T, b *Buffer) int { return countKeys(t, b, bucketIndex) }
func countStamps(t *testing.T, b *Buffer) int    { return countKeys(t, b, bucketStamps) }
