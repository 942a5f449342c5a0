package storage

import (
	"github.com/cockroachdb/pebble/v2"
	"github.com/freshetdb/freshet/sql/sqlerr"
)

// Batch is a set of writes that Store.Commit applies atomically. A Batch is
// not safe for concurrent use. Keys and values are copied in, so the caller
// may reuse its buffers after each call. Set, Delete and DeleteRange record
// their first error, which Commit returns.
//
// A batch from NewBatch only collects writes. One from NewIndexedBatch can
// also be read (Get, NewIter), seeing its own writes over the committed data.
type Batch struct {
	s         *Store
	b         *pebble.Batch
	err       error
	committed bool
	// counters holds, per counter name, the next id NextID hands out from
	// this batch.
	counters map[string]uint64
}

// NewBatch returns an empty write-only batch. The caller must Close it.
func (s *Store) NewBatch() *Batch {
	return &Batch{s: s, b: s.db.NewBatch()}
}

// NewIndexedBatch returns an empty batch that can read its own writes
// merged with the committed data (Get, NewIter). Indexing costs time and
// memory on every write: use NewBatch when the batch is never read. The
// caller must Close it.
func (s *Store) NewIndexedBatch() *Batch {
	return &Batch{s: s, b: s.db.NewIndexedBatch()}
}

// Set records that key is set to value.
func (b *Batch) Set(key, value []byte) {
	if b.writable() {
		b.record(b.b.Set(key, value, nil))
	}
}

// Delete records that key is deleted.
func (b *Batch) Delete(key []byte) {
	if b.writable() {
		b.record(b.b.Delete(key, nil))
	}
}

// DeleteRange records that every key in [start, end) is deleted.
func (b *Batch) DeleteRange(start, end []byte) {
	if b.writable() {
		b.record(b.b.DeleteRange(start, end, nil))
	}
}

// Len returns the number of operations recorded (Set, Delete, DeleteRange).
func (b *Batch) Len() int {
	if b.b == nil {
		return 0
	}
	return int(b.b.Count())
}

// Size returns the size of the batch's encoding in bytes, a measure of the
// memory it holds and of what Commit will write.
func (b *Batch) Size() int {
	if b.b == nil {
		return 0
	}
	return b.b.Len()
}

// Get returns a copy of the value of key as seen through the batch: its own
// writes over the latest committed data. The batch must be indexed
// (NewIndexedBatch).
func (b *Batch) Get(key []byte) (value []byte, found bool, err error) {
	if err := b.readable(); err != nil {
		return nil, false, err
	}
	b.s.mu.RLock()
	defer b.s.mu.RUnlock()
	if b.s.closed {
		return nil, false, closedError()
	}
	return get(b.b, key)
}

// NewIter returns an iterator over [lower, upper) of the batch's writes
// merged with the latest committed data; a nil bound is open. The iterator
// sees the batch as it was when NewIter was called. The batch must be
// indexed (NewIndexedBatch). lower and upper must not be modified until the
// iterator is closed. The caller must Close the iterator before the batch.
func (b *Batch) NewIter(lower, upper []byte) (*Iter, error) {
	if err := b.readable(); err != nil {
		return nil, err
	}
	b.s.mu.RLock()
	defer b.s.mu.RUnlock()
	if b.s.closed {
		return nil, closedError()
	}
	it, err := b.b.NewIter(&pebble.IterOptions{LowerBound: lower, UpperBound: upper})
	if err != nil {
		return nil, readError(err)
	}
	return &Iter{it: it}, nil
}

// Include adds the writes of other to b (copied; other stays as it is),
// and other's first error: a write-only batch can carry an indexed batch's
// writes together with many more that are never read back, without paying
// for indexing those.
func (b *Batch) Include(other *Batch) {
	switch {
	case other.err != nil:
		if b.err == nil {
			b.err = other.err
		}
	case other.b == nil:
		b.record(sqlerr.Internal("include of a closed batch"))
	case b.writable():
		b.record(b.b.Apply(other.b, nil))
	}
}

// Close releases the batch. It may be called more than once.
func (b *Batch) Close() {
	if b.b == nil {
		return
	}
	_ = b.b.Close()
	b.b = nil
}

// writable reports whether the batch takes writes, recording an error when
// it does not.
func (b *Batch) writable() bool {
	switch {
	case b.err != nil:
		return false
	case b.b == nil:
		b.err = sqlerr.Internal("write to a closed batch")
	case b.committed:
		b.err = sqlerr.Internal("write to a committed batch")
	default:
		return true
	}
	return false
}

// record keeps the first error of a write.
func (b *Batch) record(err error) {
	if err != nil && b.err == nil {
		b.err = sqlerr.Internal("batch write: %v", err)
	}
}

// readable returns an error unless the batch can be read.
func (b *Batch) readable() error {
	switch {
	case b.b == nil:
		return sqlerr.Internal("read of a closed batch")
	case !b.b.Indexed():
		return sqlerr.Internal("read of a batch that is not indexed (use NewIndexedBatch)")
	}
	return nil
}
