//go:build !unix

package buffer

import (
	"errors"
	"io/fs"
	"path/filepath"
)

// diskSpace is not implemented outside Unix, so the free-space reserve is
// not checked there.
func diskSpace(string) (free, total int64, err error) {
	return 0, 0, errors.ErrUnsupported
}

// dirSize sums the file lengths under dir; sparse files count in full.
func dirSize(dir string) (int64, error) {
	var total int64
	err := filepath.WalkDir(dir, func(_ string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		total += info.Size()
		return nil
	})
	return total, err
}
