//go:build !(386 || arm || mips || mipsle)

package buffer

import (
	"fmt"
	"log/slog"

	"github.com/dgraph-io/badger/v4"
	"github.com/dgraph-io/badger/v4/options"
)

// badgerOptions sizes Badger v4.9.6 for a gateway with 256 MB of RAM.
//
// Most of Badger's heap is table builders, not caches. A builder keeps a
// whole table uncompressed, plus as much again reserved for the ZSTD
// output, until the table is written. Badger ends a table at BaseTableSize
// of compressed data, and a memtable flush builds one table of the whole
// memtable. Up to 8 builders' memory stays in a pool for reuse, each as
// large as the largest table it built. Therefore:
//   - BaseTableSize 128 KB on every level (TableSizeMultiplier 1), with
//     4 MB memtables, bounds each builder. At the end of writing 1 million
//     records, rssprobe saw 8 builders of about 7 MB each, against 3 or 4
//     of 44 to 52 MB with 2 MB tables and 16 MB memtables.
//   - NumMemtables 1 bounds the memtable arenas.
//   - BaseLevelSize 1 MB and 4 L0 tables per compaction win back append
//     throughput. An L0 table spans the queue keys of both lanes and the
//     record keys, so each L0 compaction rewrites the whole base level,
//     and a small base level keeps that short.
//
// BenchmarkAppendDurable ran at 0.86 to 0.91 of the rate of the previous
// options (16 MB memtables, 2 MB tables), and with 2 MB memtables at
// about 0.7. docs/benchmarks.md has the measurements.
//
// DetectConflicts is off because every transaction that writes runs under
// Buffer.mu (see store), so no two update transactions overlap.
//
// Badger rejects a transaction above 15 % of MemTableSize, 614 KiB here,
// so Append ends each transaction at maxBatchBytes (256 KiB) and Entry
// payloads are capped at MaxPayloadLen.
func badgerOptions(path string, log *slog.Logger) badger.Options {
	opts := badger.DefaultOptions(path).
		WithLogger(badgerLogger{log: log.With("component", "badger")}).
		WithMemTableSize(4 << 20).
		WithNumMemtables(1).
		WithBaseTableSize(128 << 10).
		WithBaseLevelSize(1 << 20).
		WithNumLevelZeroTables(4).
		WithNumLevelZeroTablesStall(12).
		WithBlockCacheSize(8 << 20).
		WithIndexCacheSize(8 << 20).
		// Values below the threshold stay in the LSM tree. The buffer
		// never runs value log GC, so a value in the value log would keep
		// its disk space after eviction. The threshold is therefore near
		// the maximum Badger accepts, 15 % of MemTableSize.
		WithValueThreshold(512 << 10).
		WithValueLogFileSize(64 << 20).
		WithNumCompactors(2).
		WithCompression(options.ZSTD).
		WithDetectConflicts(false).
		WithSyncWrites(false)
	// Badger v4.9.6 has no With method for TableSizeMultiplier.
	opts.TableSizeMultiplier = 1
	return opts
}

// badgerLogger routes Badger's messages to slog; its chatty Info and Debug
// output becomes Debug.
type badgerLogger struct{ log *slog.Logger }

func (l badgerLogger) Errorf(f string, a ...any)   { l.log.Error(fmt.Sprintf(f, a...)) }
func (l badgerLogger) Warningf(f string, a ...any) { l.log.Warn(fmt.Sprintf(f, a...)) }
func (l badgerLogger) Infof(f string, a ...any)    { l.log.Debug(fmt.Sprintf(f, a...)) }
func (l badgerLogger) Debugf(f string, a ...any)   { l.log.Debug(fmt.Sprintf(f, a...)) }
