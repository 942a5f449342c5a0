package storage

import (
	"encoding/binary"
	"math"

	"github.com/freshetdb/freshet/sql/sqlerr"
)

// NextID allocates the next id of the counter name, stored under
// MetaKey(name) as a big-endian uint64. Ids start at 1 and grow by one; 0 is
// never returned, so it can mean "no id".
//
// The allocation is written into b, so it becomes durable exactly when b
// commits: an id from a batch that is never committed is handed out again.
// Several NextID calls on one batch return consecutive ids. The caller
// serialises allocations: between NextID and the Commit (or Close) of b, no
// other batch may allocate from the same counter, or both get the same ids.
// Change counters only through NextID.
func (s *Store) NextID(b *Batch, name string) (uint64, error) {
	if b.s != s {
		return 0, sqlerr.Internal("NextID with a batch of another store")
	}
	if !b.writable() {
		return 0, b.err
	}
	key := MetaKey(name)
	next, ok := b.counters[name]
	if !ok {
		var v []byte
		var found bool
		var err error
		if b.b.Indexed() {
			v, found, err = b.Get(key)
		} else {
			v, found, err = s.Get(key)
		}
		if err != nil {
			return 0, err
		}
		next = 1
		if found {
			if len(v) != 8 {
				return 0, sqlerr.Newf(sqlerr.DataCorrupted,
					"id counter %q is corrupted: %d bytes, want 8", name, len(v))
			}
			next = binary.BigEndian.Uint64(v)
		}
	}
	if next == math.MaxUint64 {
		return 0, sqlerr.Newf(sqlerr.ProgramLimitExceeded, "id counter %q is exhausted", name)
	}
	b.Set(key, binary.BigEndian.AppendUint64(nil, next+1))
	if b.counters == nil {
		b.counters = make(map[string]uint64)
	}
	b.counters[name] = next + 1
	return next, nil
}
