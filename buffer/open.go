package buffer

import (
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"
)

// Open opens or creates the store at opts.Path, a directory. 64-bit
// builds keep it in Badger, 32-bit builds in bbolt (see store.go). Beside
// the directory it keeps the seq floor file <path>.seq (see seqfloor.go),
// so the directory's parent must be writable.
//
// A store that Open cannot open or load is moved aside and replaced by a
// fresh one when opts.ReplaceBroken is set (see replace.go). A store that
// opens empty while the seq floor is above 0 continues above the floor,
// and is reported like a replaced one, because its records were lost.
func Open(opts Options) (*Buffer, error) {
	opts = withDefaults(opts)
	floorFile := seqFloorPath(opts.Path)
	floor, err := readSeqFloor(floorFile)
	if err != nil {
		return nil, fmt.Errorf("open buffer %s: %w", opts.Path, err)
	}

	st, state, replaced, err := openOrReplace(opts)
	if err != nil {
		return nil, fmt.Errorf("open buffer %s: %w", opts.Path, err)
	}
	lastSeq := state.lastSeq
	if lastSeq == 0 && floor > 0 {
		lastSeq = floor
		if replaced == nil {
			replaced = &Replacement{Path: opts.Path, MovedTo: newestMovedAside(opts.Path), Time: opts.Now(),
				Err: fmt.Sprintf("the store was empty, but seq floor file %s shows that seqs up to %d may have been used", floorFile, floor)}
		}
	}
	// NOTE: a store replaced before its first append under this version
	// has no floor file, so its fresh store starts at seq 1 and the
	// platform may drop those records as duplicates.
	if replaced != nil {
		replaced.FirstSeq = lastSeq + 1
	}

	b := &Buffer{
		store:       st,
		opts:        opts,
		lastSeq:     lastSeq,
		pending:     state.pending,
		recordBytes: state.recordBytes,
		lastStamp:   state.lastStamp,
		floor:       floor,
		floorFile:   floorFile,
		replaced:    replaced,
		notify:      make(chan struct{}, 1),
		synced:      time.Now(),
	}
	// The loaded records may still sit in the page cache only, when the
	// last process was killed before its sync, so they count as durable
	// only after this sync.
	if err := st.sync(); err != nil {
		return nil, errors.Join(fmt.Errorf("open buffer %s: sync loaded records: %w", opts.Path, err), st.close())
	}
	b.durableSeq.Store(lastSeq)
	if replaced != nil && opts.ReplaceBroken != nil {
		if err := b.storeReplacement(*replaced); err != nil {
			return nil, errors.Join(fmt.Errorf("open buffer %s: %w", opts.Path, err), b.Close())
		}
	}
	return b, nil
}

// storeReplacement logs a replacement and appends the entry that
// ReplaceBroken builds for it.
func (b *Buffer) storeReplacement(r Replacement) error {
	b.opts.Logger.Error("buffer store replaced by a fresh one", "path", r.Path, "moved_to", r.MovedTo,
		"first_seq", r.FirstSeq, "err", r.Err)
	if _, err := b.Append([]Entry{b.opts.ReplaceBroken(r)}); err != nil {
		return fmt.Errorf("store the replacement report: %w", err)
	}
	return nil
}

func withDefaults(opts Options) Options {
	if opts.SyncInterval <= 0 {
		opts.SyncInterval = time.Second
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Retention.Interval <= 0 {
		opts.Retention.Interval = DefaultRetentionInterval
	}
	return opts
}

// openAndLoad opens the store at path and loads its state. A panic of the
// engine in this goroutine, such as bbolt v1.5.0's on a truncated file,
// is returned as an error. The engine may then keep the file it had
// opened, and its lock, until the process exits.
func openAndLoad(path string, log *slog.Logger) (st store, state loaded, err error) {
	defer func() {
		r := recover()
		if r == nil {
			return
		}
		err = fmt.Errorf("store panicked: %s", panicSummary(r))
		if st != nil {
			err = errors.Join(err, st.close())
			st = nil
		}
	}()
	st, err = openStore(path, log)
	if err != nil {
		return nil, loaded{}, err
	}
	state, err = st.load()
	if err != nil {
		return nil, loaded{}, errors.Join(fmt.Errorf("load: %w", err), st.close())
	}
	return st, state, nil
}

// panicSummary returns a recovered panic value on one line, at most 200
// bytes: Badger's table panic dumps the table's index after a few lines.
func panicSummary(r any) string {
	text := strings.Join(strings.Fields(fmt.Sprint(r)), " ")
	if len(text) > 200 {
		text = text[:200] + "..."
	}
	return text
}
