//go:build 386 || arm || mips || mipsle

package buffer

import (
	"bytes"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
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
