//go:build !(386 || arm || mips || mipsle)

package buffer

import (
	"testing"

	"github.com/dgraph-io/badger/v4"
)

// corruptions are ways a Badger store's files break, each with the text
// its replacement report must contain.
var corruptions = []corruption{
	{name: "manifest garbage", files: "MANIFEST", damage: randomBytes, wantErr: "manifest"},
	// A garbage table footer makes Badger v4.9.6 panic in a goroutine of
	// its own unless probeTables finds the table first.
	{name: "table footer garbage", files: "*.sst", damage: randomTail, wantErr: ".sst is corrupt"},
	{name: "table truncated", files: "*.sst", damage: truncateHalf, wantErr: ".sst is corrupt"},
	{name: "table zeroed", files: "*.sst", damage: zeroBytes, wantErr: ".sst is corrupt"},
	{name: "key registry garbage", files: "KEYREGISTRY", damage: randomBytes, wantErr: "key"},
	{name: "value log garbage", files: "*.vlog", damage: randomBytes, wantErr: "vlog"},
}

func TestProbeTablesPassesHealthyStore(t *testing.T) {
	dir := t.TempDir()
	b := openTest(t, dir)
	for range 5 {
		if _, err := b.Append(entries(Telemetry, 500, "t")); err != nil {
			t.Fatal(err)
		}
	}
	if err := b.Close(); err != nil {
		t.Fatal(err)
	}
	if err := probeTables(dir, badgerOptions(dir, quietLogger())); err != nil {
		t.Errorf("probe of a healthy store: %v", err)
	}
}

// countKeys returns the number of keys with prefix, such as prefixIndex
// for the point index and prefixStamp for append stamps.
func countKeys(t *testing.T, b *Buffer, prefix byte) int {
	t.Helper()
	n := 0
	err := b.store.(badgerStore).db.View(func(txn *badger.Txn) error {
		it := txn.NewIterator(badger.IteratorOptions{Prefix: []byte{prefix}})
		defer it.Close()
		for it.Rewind(); it.Valid(); it.Next() {
			n++
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func countIndexKeys(t *testing.T, b *Buffer) int { return countKeys(t, b, prefixIndex) }
func countStamps(t *testing.T, b *Buffer) int    { return countKeys(t, b, prefixStamp) }
