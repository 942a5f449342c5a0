package storage

import "github.com/cockroachdb/pebble/v2"

// Snapshot is a consistent read view of a Store at the moment NewSnapshot
// was called: later commits are not seen. Get and NewIter are safe for
// concurrent use; Close must not run concurrently with them. A
// snapshot pins old versions of keys, so keep it only as long as a read
// needs it. The caller must Close it before closing the Store.
type Snapshot struct {
	s    *Store
	snap *pebble.Snapshot
}

// Get returns a copy of the value of key in the snapshot. found is false
// when the key does not exist.
func (sn *Snapshot) Get(key []byte) (value []byte, found bool, err error) {
	sn.s.mu.RLock()
	defer sn.s.mu.RUnlock()
	if sn.s.closed || sn.snap == nil {
		return nil, false, closedError()
	}
	return get(sn.snap, key)
}

// NewIter returns an iterator over the snapshot's keys in [lower, upper); a
// nil bound is open. lower and upper must not be modified until the
// iterator is closed. The caller must Close the iterator.
func (sn *Snapshot) NewIter(lower, upper []byte) (*Iter, error) {
	sn.s.mu.RLock()
	defer sn.s.mu.RUnlock()
	if sn.s.closed || sn.snap == nil {
		return nil, closedError()
	}
	it, err := sn.snap.NewIter(&pebble.IterOptions{LowerBound: lower, UpperBound: upper})
	if err != nil {
		return nil, readError(err)
	}
	return &Iter{it: it}, nil
}

// Close releases the snapshot. It may be called more than once.
func (sn *Snapshot) Close() error {
	sn.s.mu.RLock()
	defer sn.s.mu.RUnlock()
	if sn.snap == nil {
		return nil
	}
	snap := sn.snap
	sn.snap = nil
	if sn.s.closed {
		return nil
	}
	return readError(snap.Close())
}
