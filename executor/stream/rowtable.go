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

// rowsIdentical compares rows value by value by representation (see
// types.Identical).
func rowsIdentical(a, b types.Row) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if !types.Identical(a[i], b[i]) {
			return false
		}
	}
	return true
}

// rowTable maps distinct rows (keys) to values of type V. It is a hash
// table with chaining on the row hash; keys are copied on insertion. Keys
// are told apart by SQL equality (grouping: numeric 1.0 and 1.00 are one
// key) or, in an exact table, by representation (contents: they are two
// rows, shown as written).
type rowTable[V any] struct {
	buckets map[uint64][]*rowEntry[V]
	n       int
	exact   bool
}

type rowEntry[V any] struct {
	key types.Row
	val V
}

func newRowTable[V any]() *rowTable[V] {
	return &rowTable[V]{buckets: map[uint64][]*rowEntry[V]{}}
}

// newExactRowTable returns a table keyed by representation.
func newExactRowTable[V any]() *rowTable[V] {
	return &rowTable[V]{buckets: map[uint64][]*rowEntry[V]{}, exact: true}
}

// same compares two keys the way the table tells keys apart.
func (t *rowTable[V]) same(a, b types.Row) bool {
	if t.exact {
		return rowsIdentical(a, b)
	}
	return rowsEqual(a, b)
}

// get returns the entry for key, or nil.
func (t *rowTable[V]) get(key types.Row) *rowEntry[V] {
	for _, e := range t.buckets[hashRow(key)] {
		if t.same(e.key, key) {
			return e
		}
	}
	return nil
}

// getOrCreate returns the entry for key, creating it with init() when absent.
func (t *rowTable[V]) getOrCreate(key types.Row, init func() V) (*rowEntry[V], bool) {
	h := hashRow(key)
	for _, e := range t.buckets[h] {
		if t.same(e.key, key) {
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
		if t.same(e.key, key) {
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

// multiset is a consolidated bag of rows: row -> total weight. Rows are
// told apart by representation, so a bag shows its rows as written.
type multiset struct{ t *rowTable[int64] }

func newMultiset() *multiset { return &multiset{t: newExactRowTable[int64]()} }

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

// forms counts the representations present in the input of one SQL-equal
// key (numeric 1.0 and 1.00 in one group), so that an operator shows a
// form that is present, as Postgres' recomputation would.
type forms struct{ m *multiset }

func newForms() *forms { return &forms{m: newMultiset()} }

// add records a change of weight w of form r.
func (f *forms) add(r types.Row, w int64) { f.m.add(r, w) }

// pick returns the form to show: shown while it is still present, otherwise
// some present form; nil when none is.
func (f *forms) pick(shown types.Row) types.Row {
	if shown != nil && f.m.weight(shown) > 0 {
		return shown
	}
	var out types.Row
	_ = f.m.t.each(func(e *rowEntry[int64]) error {
		if e.val > 0 && (out == nil || rowLess(e.key, out)) {
			out = e.key
		}
		return nil
	})
	return out
}

// rowLess orders rows by value, then by representation text, so that the
// form picked among several is the same in every run.
func rowLess(a, b types.Row) bool {
	for i := range a {
		if c := types.Compare(a[i], b[i]); c != 0 {
			return c < 0
		}
		if x, y := string(types.FormatText(nil, a[i], types.T{Kind: a[i].Kind(), Mod: -1}, nil)), string(types.FormatText(nil, b[i], types.T{Kind: b[i].Kind(), Mod: -1}, nil)); x != y {
			return x < y
		}
	}
	return false
}
