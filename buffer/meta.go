package buffer

import (
	"errors"
	"fmt"

	"github.com/dgraph-io/badger/v4"
)

// prefixMeta keys small state documents that other packages keep across
// restarts, such as latched alarms: 'm' name -> value.
const prefixMeta = 'm'

func metaKey(name string) []byte { return append([]byte{prefixMeta}, name...) }

// PutMeta stores a small named document and syncs it to disk before
// returning.
func (b *Buffer) PutMeta(name string, value []byte) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.closed {
		return ErrClosed
	}
	if err := b.db.Update(func(txn *badger.Txn) error { return txn.Set(metaKey(name), value) }); err != nil {
		return fmt.Errorf("store %s: %w", name, err)
	}
	b.dirty = true
	return b.syncLocked()
}

// GetMeta returns a document stored with PutMeta, or nil when there is
// none.
func (b *Buffer) GetMeta(name string) ([]byte, error) {
	var out []byte
	err := b.db.View(func(txn *badger.Txn) error {
		item, err := txn.Get(metaKey(name))
		if errors.Is(err, badger.ErrKeyNotFound) {
			return nil
		}
		if err != nil {
			return err
		}
		out, err = item.ValueCopy(nil)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", name, err)
	}
	return out, nil
}

// DeleteMeta removes a document stored with PutMeta and syncs the removal
// to disk before returning. Removing a missing document is not an error.
func (b *Buffer) DeleteMeta(name string) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.closed {
		return ErrClosed
	}
	if err := b.db.Update(func(txn *badger.Txn) error { return txn.Delete(metaKey(name)) }); err != nil {
		return fmt.Errorf("delete %s: %w", name, err)
	}
	b.dirty = true
	return b.syncLocked()
}
