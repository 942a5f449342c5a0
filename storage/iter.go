package storage

import "github.com/cockroachdb/pebble/v2"

// Iter walks keys in ascending byte order within the bounds it was created
// with. It is not safe for concurrent use.
//
// The positioning methods (First, Last, Next, Prev, SeekGE, SeekLT) return
// whether the iterator is positioned on a key. The slices returned by Key and
// Value belong to the iterator and stay valid only until the next
// positioning call or Close: copy them to keep them. After a false return,
// check Error to tell the end of the range from a failure. The caller must
// Close the iterator.
type Iter struct {
	it  *pebble.Iterator
	err error
}

// First moves to the first key in bounds.
func (i *Iter) First() bool { return i.err == nil && i.it.First() }

// Last moves to the last key in bounds.
func (i *Iter) Last() bool { return i.err == nil && i.it.Last() }

// Next moves to the next key.
func (i *Iter) Next() bool { return i.err == nil && i.it.Next() }

// Prev moves to the previous key.
func (i *Iter) Prev() bool { return i.err == nil && i.it.Prev() }

// SeekGE moves to the first key >= key (clamped to the lower bound).
func (i *Iter) SeekGE(key []byte) bool { return i.err == nil && i.it.SeekGE(key) }

// SeekLT moves to the last key < key (clamped to the upper bound).
func (i *Iter) SeekLT(key []byte) bool { return i.err == nil && i.it.SeekLT(key) }

// Valid reports whether the iterator is positioned on a key.
func (i *Iter) Valid() bool { return i.err == nil && i.it.Valid() }

// Key returns the current key. See Iter for how long it stays valid.
func (i *Iter) Key() []byte { return i.it.Key() }

// Value returns the current value, or nil when reading it failed (then Valid
// turns false and Error says why). See Iter for how long it stays valid.
func (i *Iter) Value() []byte {
	v, err := i.it.ValueAndErr()
	if err != nil {
		i.err = readError(err)
		return nil
	}
	return v
}

// Error returns the error that stopped the iterator, if any: XX001 for
// corruption, 58030 for other read failures.
func (i *Iter) Error() error {
	if i.err != nil {
		return i.err
	}
	return readError(i.it.Error())
}

// Close releases the iterator and returns its error, if any. It may be
// called more than once.
func (i *Iter) Close() error {
	if i.it == nil {
		return i.err
	}
	err := i.it.Close()
	i.it = nil
	if i.err != nil {
		return i.err
	}
	i.err = readError(err)
	return i.err
}
