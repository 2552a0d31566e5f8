package buffer

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// Replacement describes a fresh store that Open started in place of the
// store at Path.
type Replacement struct {
	Path string
	// MovedTo is the directory the broken store was renamed to,
	// <Path>.broken-<UTC time>. It is empty when no moved-aside store
	// was found.
	MovedTo string
	// Err is the text of the error that the broken store gave, or why an
	// empty store counts as a replacement.
	Err string
	// FirstSeq is the first seq of the fresh store, above the seq floor.
	FirstSeq uint64
	Time     time.Time
}

// movedAsideLayout is the UTC time in the name of a moved-aside store. It
// sorts in time order.
const movedAsideLayout = "20060102T150405Z"

// maxMovedAsideNames bounds the names tried when stores were moved aside
// more than once in the same second.
const maxMovedAsideNames = 100

// openOrReplace opens and loads the store at opts.Path. When that fails
// for a reason that a fresh store can cure and opts.ReplaceBroken is set,
// it moves the directory aside and opens a fresh store in its place.
//
// Kill safety: the rename is atomic and synced, and Open appends the
// report as the fresh store's first record. A crash before that append
// leaves an empty store. When the seq floor is above 0, the next Open
// reports that store again, naming the newest moved-aside directory but
// without the original error text.
func openOrReplace(opts Options) (store, loaded, *Replacement, error) {
	st, state, err := openAndLoad(opts.Path, opts.Logger)
	if err == nil {
		return st, state, nil, nil
	}
	if opts.ReplaceBroken == nil || !replaceable(opts.Path, err) {
		return nil, loaded{}, nil, err
	}
	now := opts.Now()
	moved, moveErr := moveAside(opts.Path, now)
	if moveErr != nil {
		return nil, loaded{}, nil, fmt.Errorf("%w; moving the store aside failed: %w", err, moveErr)
	}
	st, state, freshErr := openAndLoad(opts.Path, opts.Logger)
	if freshErr != nil {
		return nil, loaded{}, nil, fmt.Errorf("open a fresh store after moving the broken one to %s: %w", moved, freshErr)
	}
	return st, state, &Replacement{Path: opts.Path, MovedTo: moved, Err: err.Error(), Time: now}, nil
}

// environmentErrors are failures of the machine rather than of the store's
// files. A fresh store would fail the same way, or would push a healthy
// store aside, so Open returns them.
var environmentErrors = []syscall.Errno{
	syscall.EACCES, syscall.EPERM, syscall.EROFS, syscall.ENOSPC, syscall.EDQUOT,
	syscall.EMFILE, syscall.ENFILE, syscall.ENOMEM,
}

// replaceable reports whether err from opening the store at path means
// that the store's files are broken. A store locked by another process is
// not broken, nor is a path that does not exist.
func replaceable(path string, err error) bool {
	if errors.Is(err, ErrLocked) {
		return false
	}
	if _, statErr := os.Lstat(path); statErr != nil {
		return false
	}
	for _, errno := range environmentErrors {
		// Badger v4.9.6 formats some errors with %+v, which drops the
		// chain that errors.Is follows, so the errno text is matched too.
		if errors.Is(err, errno) || strings.Contains(err.Error(), errno.Error()) {
			return false
		}
	}
	held, known := lockHeldElsewhere(path)
	return known && !held
}

// moveAside renames the store directory at path to
// <path>.broken-<UTC time>, with a counter when that name is taken, and
// syncs the parent directory so the rename survives a power loss.
func moveAside(path string, now time.Time) (string, error) {
	base := filepath.Clean(path) + ".broken-" + now.UTC().Format(movedAsideLayout)
	for i := range maxMovedAsideNames {
		target := base
		if i > 0 {
			target = base + "-" + strconv.Itoa(i+1)
		}
		if _, err := os.Lstat(target); err == nil {
			continue
		} else if !errors.Is(err, fs.ErrNotExist) {
			return "", fmt.Errorf("check %s: %w", target, err)
		}
		if err := os.Rename(path, target); err != nil {
			return "", fmt.Errorf("move store aside: %w", err)
		}
		return target, syncDir(filepath.Dir(target))
	}
	return "", fmt.Errorf("move store aside: %s and %d numbered names after it exist", base, maxMovedAsideNames-1)
}

// newestMovedAside returns the most recent moved-aside directory of path,
// or "" when there is none.
func newestMovedAside(path string) string {
	found, err := filepath.Glob(globEscape(filepath.Clean(path)) + ".broken-*")
	if err != nil || len(found) == 0 {
		return ""
	}
	return slices.MaxFunc(found, compareMovedAside)
}

// compareMovedAside orders moved-aside names by their time, then by their
// counter, so that name-2 sorts after name and name-10 after name-9.
func compareMovedAside(a, b string) int {
	stampA, counterA := splitMovedAside(a)
	stampB, counterB := splitMovedAside(b)
	if c := strings.Compare(stampA, stampB); c != 0 {
		return c
	}
	return counterA - counterB
}

// splitMovedAside returns the time part of a moved-aside name and its
// counter, 1 for a name without one.
func splitMovedAside(name string) (stamp string, counter int) {
	rest := name[strings.LastIndex(name, ".broken-")+len(".broken-"):]
	stamp = rest[:min(len(rest), len(movedAsideLayout))]
	counter, err := strconv.Atoi(strings.TrimPrefix(rest[len(stamp):], "-"))
	if err != nil {
		return stamp, 1
	}
	return stamp, counter
}

// globEscape escapes the characters that filepath.Glob treats as a
// pattern.
func globEscape(s string) string {
	var sb strings.Builder
	for _, r := range s {
		if strings.ContainsRune(`*?[\`, r) {
			sb.WriteByte('\\')
		}
		sb.WriteRune(r)
	}
	return sb.String()
}
