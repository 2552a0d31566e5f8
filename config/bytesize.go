package config

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// ByteSize is a number of bytes written in YAML as "2GiB", "500MB" or a
// plain number of bytes.
type ByteSize int64

// byteUnits are the accepted suffixes: binary (KiB, MiB, GiB) and decimal
// (KB, MB, GB).
var byteUnits = []struct {
	suffix string
	size   int64
}{
	{"KiB", 1 << 10}, {"MiB", 1 << 20}, {"GiB", 1 << 30}, {"TiB", 1 << 40},
	{"KB", 1e3}, {"MB", 1e6}, {"GB", 1e9}, {"TB", 1e12},
	{"B", 1},
}

// UnmarshalText parses a size with an optional unit.
func (b *ByteSize) UnmarshalText(text []byte) error {
	s := strings.TrimSpace(string(text))
	unit := int64(1)
	for _, u := range byteUnits {
		if strings.HasSuffix(s, u.suffix) {
			s, unit = strings.TrimSpace(strings.TrimSuffix(s, u.suffix)), u.size
			break
		}
	}
	n, err := strconv.ParseFloat(s, 64)
	if err != nil || n < 0 || n*float64(unit) > math.MaxInt64 {
		return fmt.Errorf("invalid size %q: use a number of bytes or a number with KiB, MiB, GiB, KB, MB or GB", text)
	}
	*b = ByteSize(n * float64(unit))
	return nil
}

// String writes the size in the largest binary unit that divides it.
func (b ByteSize) String() string {
	for _, u := range []struct {
		suffix string
		size   int64
	}{{"TiB", 1 << 40}, {"GiB", 1 << 30}, {"MiB", 1 << 20}, {"KiB", 1 << 10}} {
		if b != 0 && int64(b)%u.size == 0 {
			return fmt.Sprintf("%d%s", int64(b)/u.size, u.suffix)
		}
	}
	return fmt.Sprintf("%dB", int64(b))
}

// MarshalText writes the size as String does.
func (b ByteSize) MarshalText() ([]byte, error) { return []byte(b.String()), nil }

// Buffer size limits. 32-bit builds keep the buffer in bbolt, which maps
// the whole file into a 32-bit address space, so their budget is smaller.
var (
	DefaultBufferMaxBytes = ByteSize(2 << 30)
	MaxBufferMaxBytes     = ByteSize(1 << 40)
)

// MinBufferMaxBytes leaves room for Badger's memtables and value log
// beside the records.
const MinBufferMaxBytes = ByteSize(64 << 20)

func init() {
	if strconv.IntSize == 32 {
		DefaultBufferMaxBytes = ByteSize(512 << 20)
		MaxBufferMaxBytes = ByteSize(1 << 30)
	}
}
