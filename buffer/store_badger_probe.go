//go:build !(386 || arm || mips || mipsle)

package buffer

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/dgraph-io/badger/v4"
	"github.com/dgraph-io/badger/v4/options"
	"github.com/dgraph-io/badger/v4/table"
	"github.com/dgraph-io/ristretto/v2/z"
)

// probeTables opens, read-only, every table that the MANIFEST in path
// lists, and returns an error for the first one that cannot be opened.
// badger.Open v4.9.6 opens tables in goroutines of its own, and
// table.OpenTable re-panics when a table's footer is garbage (its
// initBiggestAndSmallest), so a corrupt table would crash the process
// where no caller can recover. Here the panic happens in the caller's
// goroutine and becomes an error. A store without a MANIFEST is new and
// passes. The caller holds no lock, so it runs only when no other process
// has the store open.
func probeTables(path string, opts badger.Options) error {
	f, err := os.Open(filepath.Join(path, badger.ManifestFilename))
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("open manifest: %w", err)
	}
	defer f.Close()
	manifest, _, err := badger.ReplayManifestFile(f, opts.ExternalMagicVersion, opts)
	if err != nil {
		return fmt.Errorf("read manifest: %w", err)
	}
	for id, tm := range manifest.Tables {
		if tm.KeyID != 0 {
			// The buffer never encrypts; badger.Open rejects such a
			// table with an error of its own.
			continue
		}
		topts := table.Options{Compression: tm.Compression, BlockSize: opts.BlockSize, ChkMode: options.NoVerification}
		if err := probeTable(table.NewFilename(id, path), topts); err != nil {
			return err
		}
	}
	return nil
}

// probeTable opens one table file read-only and closes it again.
func probeTable(file string, opts table.Options) (err error) {
	mf, err := z.OpenMmapFile(file, os.O_RDONLY, 0)
	if err != nil {
		return fmt.Errorf("open table: %w", err)
	}
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("table %s is corrupt: %s", file, panicSummary(r))
		}
		// -1 leaves the file's length alone. A table that failed to open
		// may already be closed, so only a close error after success
		// counts.
		if closeErr := mf.Close(-1); err == nil {
			err = closeErr
		}
	}()
	if _, err := table.OpenTable(mf, opts); err != nil {
		return fmt.Errorf("table %s is corrupt: %w", file, err)
	}
	return nil
}
