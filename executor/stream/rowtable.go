package stream

import (
	"github.com/freshetdb/freshet/sql/types"
)

// hashRow hashes a row's values consistently with types.Equal.
func hashRow(r types.Row) uint64 {
	h := uint64(14695981039346656037)
	for _, d := range r {
		h = types.Hash(d, h)
	}
	return h
}

// rowsEqual compares rows value by value with grouping equality (NULL equals NULL).
func rowsEqual(a, b types.Row) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if !types.Equal(a[i], b[i]) {
			return false
		}
	}
	return true
}

// rowTable maps distinct rows (keys) to values of type V. It is a hash
// table with chaining on the row hash; keys are copied on insertion.
type rowTable[V any] struct {
	buckets map[uint64][]*rowEntry[V]
	n       int
}

type rowEntry[V any] struct {
	key types.Row
	val V
}

func newRowTable[V any]() *rowTable[V] {
	return &rowTable[V]{buckets: map[uint64][]*rowEntry[V]{}}
}

// get returns the entry for key, or nil.
func (t *rowTable[V]) get(key types.Row) *rowEntry[V] {
	for _, e := range t.buckets[hashRow(key)] {
		if rowsEqual(e.key, key) {
			return e
		}
	}
	return nil
}

// getOrCreate returns the entry for key, creating it with init() when absent.
func (t *rowTable[V]) getOrCreate(key types.Row, init func() V) (*rowEntry[V], bool) {
	h := hashRow(key)
	for _, e := range t.buckets[h] {
		if rowsEqual(e.key, key) {
			return e, false
		}
	}
	e := &rowEntry[V]{key: append(types.Row(nil), key...), val: init()}
	t.buckets[h] = append(t.buckets[h], e)
	t.n++
	return e, true
}

// remove deletes the entry for key.
func (t *rowTable[V]) remove(key types.Row) {
	h := hashRow(key)
	b := t.buckets[h]
	for i, e := range b {
		if rowsEqual(e.key, key) {
			b[i] = b[len(b)-1]
			b[len(b)-1] = nil
			b = b[:len(b)-1]
			if len(b) == 0 {
				delete(t.buckets, h)
			} else {
				t.buckets[h] = b
			}
			t.n--
			return
		}
	}
}

// each calls fn for every entry (in no particular order).
func (t *rowTable[V]) each(fn func(e *rowEntry[V]) error) error {
	for _, b := range t.buckets {
		for _, e := range b {
			if err := fn(e); err != nil {
				return err
			}
		}
	}
	return nil
}

// len returns the number of entries.
func (t *rowTable[V]) len() int { return t.n }

// multiset is a consolidated bag of rows: row -> total weight.
type multiset struct{ t *rowTable[int64] }

func newMultiset() *multiset { return &multiset{t: newRowTable[int64]()} }

// add changes the weight of r by w, dropping it at zero. It returns the
// weight before and after.
func (m *multiset) add(r types.Row, w int64) (before, after int64) {
	e, _ := m.t.getOrCreate(r, func() int64 { return 0 })
	before = e.val
	e.val += w
	if e.val == 0 {
		m.t.remove(r)
	}
	return before, before + w
}

// weight returns the weight of r.
func (m *multiset) weight(r types.Row) int64 {
	if e := m.t.get(r); e != nil {
		return e.val
	}
	return 0
}
