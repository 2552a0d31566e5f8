package buffer

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// seqReserve is how far past the seqs it needs an Append raises the seq
// floor, so the floor file is written about once per seqReserve records.
const seqReserve = 100_000

// The seq floor is a file beside the store directory, <path>.seq, that
// holds one decimal number: a seq at or above every seq that a record of
// this path has had, in this store or in any store before it. The platform
// de-duplicates records on (gateway id, seq), so a store that starts empty
// where another one was, because it was moved aside as broken or removed
// by hand, continues above the floor instead of at 1.
//
// Kill safety: Append raises the floor, and writeSeqFloor has synced the
// file and its directory, before the store commits any seq above the old
// floor. A crash at any point leaves on disk either the old file or the
// new one, never a partial one (temp file, fsync, rename, fsync of the
// directory), and both are at or above every committed seq. A crash after
// the floor is raised but before the records commit leaves the floor
// ahead, which only makes a later fresh store start higher.

// seqFloorPath returns the floor file of the store at path.
func seqFloorPath(path string) string { return filepath.Clean(path) + ".seq" }

// readSeqFloor returns the floor stored in file, and 0 when the file does
// not exist.
func readSeqFloor(file string) (uint64, error) {
	data, err := os.ReadFile(file)
	if errors.Is(err, fs.ErrNotExist) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("read seq floor: %w", err)
	}
	floor, err := strconv.ParseUint(strings.TrimSpace(string(data)), 10, 64)
	if err != nil {
		return 0, fmt.Errorf("seq floor file %s is invalid (%q): it must hold one decimal seq; "+
			"restore it from a backup, or delete it only if the store beside it is intact", file, truncateForError(data))
	}
	return floor, nil
}

// writeSeqFloor replaces file with floor, durably: a temp file in the same
// directory is written and synced, renamed over file, and the directory is
// synced so that the rename survives a power loss.
func writeSeqFloor(file string, floor uint64) (err error) {
	dir := filepath.Dir(file)
	tmp, err := os.CreateTemp(dir, filepath.Base(file)+".tmp-*")
	if err != nil {
		return fmt.Errorf("write seq floor: %w", err)
	}
	defer func() {
		if err != nil {
			err = errors.Join(err, removeIfExists(tmp.Name()))
		}
	}()
	if _, err := tmp.WriteString(strconv.FormatUint(floor, 10) + "\n"); err != nil {
		tmp.Close()
		return fmt.Errorf("write seq floor %s: %w", tmp.Name(), err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return fmt.Errorf("sync seq floor %s: %w", tmp.Name(), err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("close seq floor %s: %w", tmp.Name(), err)
	}
	if err := os.Rename(tmp.Name(), file); err != nil {
		return fmt.Errorf("replace seq floor: %w", err)
	}
	return syncDir(dir)
}

// syncDir makes the renames and creations in dir durable.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("open directory to sync: %w", err)
	}
	syncErr := d.Sync()
	closeErr := d.Close()
	if syncErr != nil {
		return fmt.Errorf("sync directory %s: %w", dir, syncErr)
	}
	return closeErr
}

func removeIfExists(file string) error {
	if err := os.Remove(file); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	return nil
}

// truncateForError returns at most the first 40 bytes of data for an error
// message.
func truncateForError(data []byte) string {
	if len(data) > 40 {
		return string(data[:40]) + "..."
	}
	return string(data)
}

// reserveSeqs raises the floor, when needed, so that it covers seqs up to
// last, before they are committed. b.mu is held.
func (b *Buffer) reserveSeqs(last uint64) error {
	if last <= b.floor {
		return nil
	}
	floor := last + seqReserve
	if err := writeSeqFloor(b.floorFile, floor); err != nil {
		return err
	}
	b.floor = floor
	return nil
}
