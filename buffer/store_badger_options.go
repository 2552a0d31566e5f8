//go:build !(386 || arm || mips || mipsle)

package buffer

import (
	"fmt"
	"log/slog"

	"github.com/dgraph-io/badger/v4"
	"github.com/dgraph-io/badger/v4/options"
)

// badgerOptions sizes Badger for a gateway with 256 MB of RAM: Badger
// v4.9.6's defaults let RSS reach about 260 MB, mostly memtables and
// caches, so both are cut here.
// NOTE: the RSS these options give has not been measured in this
// repository yet.
func badgerOptions(path string, log *slog.Logger) badger.Options {
	return badger.DefaultOptions(path).
		WithLogger(badgerLogger{log: log.With("component", "badger")}).
		WithMemTableSize(16 << 20).
		WithNumMemtables(2).
		WithNumLevelZeroTables(2).
		WithNumLevelZeroTablesStall(4).
		WithBlockCacheSize(8 << 20).
		WithIndexCacheSize(8 << 20).
		WithValueLogFileSize(64 << 20).
		WithNumCompactors(2).
		WithCompression(options.ZSTD).
		WithSyncWrites(false)
}

// badgerLogger routes Badger's messages to slog; its chatty Info and Debug
// output becomes Debug.
type badgerLogger struct{ log *slog.Logger }

func (l badgerLogger) Errorf(f string, a ...any)   { l.log.Error(fmt.Sprintf(f, a...)) }
func (l badgerLogger) Warningf(f string, a ...any) { l.log.Warn(fmt.Sprintf(f, a...)) }
func (l badgerLogger) Infof(f string, a ...any)    { l.log.Debug(fmt.Sprintf(f, a...)) }
func (l badgerLogger) Debugf(f string, a ...any)   { l.log.Debug(fmt.Sprintf(f, a...)) }
