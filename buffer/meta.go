package buffer

import (
	"errors"
	"fmt"
)

// errEmptyMetaName is returned for a metadata document without a name,
// which bbolt cannot store as a key.
var errEmptyMetaName = errors.New("metadata name is empty")

// PutMeta stores a small named document and syncs it to disk before
// returning.
func (b *Buffer) PutMeta(name string, value []byte) error {
	if name == "" {
		return errEmptyMetaName
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.closed {
		return ErrClosed
	}
	if err := b.store.putMeta(name, value); err != nil {
		return fmt.Errorf("store %s: %w", name, err)
	}
	b.dirty = true
	return b.syncLocked()
}

// GetMeta returns a document stored with PutMeta, or nil when there is
// none.
func (b *Buffer) GetMeta(name string) ([]byte, error) {
	if name == "" {
		return nil, errEmptyMetaName
	}
	out, err := b.store.getMeta(name)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", name, err)
	}
	return out, nil
}

// DeleteMeta removes a document stored with PutMeta and syncs the removal
// to disk before returning. Removing a missing document is not an error.
func (b *Buffer) DeleteMeta(name string) error {
	if name == "" {
		return errEmptyMetaName
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.closed {
		return ErrClosed
	}
	if err := b.store.deleteMeta(name); err != nil {
		return fmt.Errorf("delete %s: %w", name, err)
	}
	b.dirty = true
	return b.syncLocked()
}
