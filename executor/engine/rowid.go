package engine

import (
	"encoding/binary"
	"sync"

	"github.com/freshetdb/freshet/storage"
)

// rowIDBlock is how many row ids are reserved by one durable write.
const rowIDBlock = 1 << 20

// rowIDAllocator hands out unique ids for rows of tables without a primary
// key. It reserves blocks durably (the stored ceiling only grows), so ids
// never repeat across restarts, even for transactions that never commit.
type rowIDAllocator struct {
	mu      sync.Mutex
	cursor  uint64
	ceiling uint64
}

var rowIDCeilingKey = storage.MetaKey("rowid_ceiling")

// next returns a fresh row id, reserving a new block when needed.
func (a *rowIDAllocator) next(st *storage.Store) (uint64, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.cursor >= a.ceiling {
		if a.ceiling == 0 {
			v, ok, err := st.Get(rowIDCeilingKey)
			if err != nil {
				return 0, err
			}
			if ok && len(v) == 8 {
				a.ceiling = binary.BigEndian.Uint64(v)
			}
			a.cursor = a.ceiling
		}
		b := st.NewBatch()
		defer b.Close()
		b.Set(rowIDCeilingKey, binary.BigEndian.AppendUint64(nil, a.ceiling+rowIDBlock))
		if err := st.Commit(b); err != nil {
			return 0, err
		}
		a.ceiling += rowIDBlock
	}
	id := a.cursor
	a.cursor++
	return id, nil
}
