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

// rowTable maps distinct rows (keys) to values of type V. Keys are told
// apart by SQL equality (grouping: numeric 1.0 and 1.00 are one key) or, in
// an exact table, by representation (contents: they are two rows, shown as
// written).
//
// Entries live in slabs and keys in slabs of datums, so inserting a row
// allocates nothing in steady state: a removed entry, with its key's
// space, is reused by the next insertion of a key of the same width.
// Entries never move, so a pointer to an entry (or to its value) stays
// valid until the entry is removed. The index is an open-addressing table
// with linear probing whose deletions shift the following slots back, so
// that a steady stream of inserts and deletes leaves no tombstones to probe
// past.
type rowTable[V any] struct {
	slots []rowSlot[V] // a power of two long; e nil: empty
	n     int
	exact bool
	slab  []rowEntry[V]
	keys  []types.Datum
	free  *rowEntry[V] // removed entries, chained through next
}

// rowSlot is one slot of a rowTable's index: an entry and its key's hash.
type rowSlot[V any] struct {
	hash uint64
	e    *rowEntry[V]
}

type rowEntry[V any] struct {
	key  types.Row
	val  V
	next *rowEntry[V] // in the free list
}

// The largest slabs of a rowTable: entries, and datums of keys. Slabs start
// small and double up to these sizes, so the many small tables (the forms
// of one group, the values of one group's min) stay small.
const (
	maxEntrySlab = 256
	maxDatumSlab = 2048
)

func newRowTable[V any]() *rowTable[V] { return &rowTable[V]{} }

// newExactRowTable returns a table keyed by representation.
func newExactRowTable[V any]() *rowTable[V] { return &rowTable[V]{exact: true} }

// same compares two keys the way the table tells keys apart.
func (t *rowTable[V]) same(a, b types.Row) bool {
	if t.exact {
		return rowsIdentical(a, b)
	}
	return rowsEqual(a, b)
}

// home returns the slot a hash starts probing from: its bits mixed (the
// finaliser of MurmurHash3), as linear probing needs well spread positions.
func (t *rowTable[V]) home(h uint64) int {
	h ^= h >> 33
	h *= 0xff51afd7ed558ccd
	h ^= h >> 33
	h *= 0xc4ceb9fe1a85ec53
	h ^= h >> 33
	return int(h & uint64(len(t.slots)-1))
}

// find returns the slot of key (hash h), or the empty slot where it would
// go, and whether it is there.
func (t *rowTable[V]) find(h uint64, key types.Row) (int, bool) {
	mask := len(t.slots) - 1
	for i := t.home(h); ; i = (i + 1) & mask {
		s := &t.slots[i]
		if s.e == nil {
			return i, false
		}
		if s.hash == h && t.same(s.e.key, key) {
			return i, true
		}
	}
}

// get returns the entry for key, or nil.
func (t *rowTable[V]) get(key types.Row) *rowEntry[V] {
	if t.n == 0 {
		return nil
	}
	if i, ok := t.find(hashRow(key), key); ok {
		return t.slots[i].e
	}
	return nil
}

// getOrCreate returns the entry for key, creating it with init() when absent.
func (t *rowTable[V]) getOrCreate(key types.Row, init func() V) (*rowEntry[V], bool) {
	if (t.n+1)*4 > len(t.slots)*3 {
		t.grow()
	}
	h := hashRow(key)
	i, ok := t.find(h, key)
	if ok {
		return t.slots[i].e, false
	}
	e := t.alloc(len(key))
	copy(e.key, key)
	e.val = init()
	t.slots[i] = rowSlot[V]{hash: h, e: e}
	t.n++
	return e, true
}

// grow doubles the index (from 8 slots) and places every entry again.
func (t *rowTable[V]) grow() {
	old := t.slots
	t.slots = make([]rowSlot[V], max(2*len(old), 8))
	mask := len(t.slots) - 1
	for _, s := range old {
		if s.e == nil {
			continue
		}
		i := t.home(s.hash)
		for t.slots[i].e != nil {
			i = (i + 1) & mask
		}
		t.slots[i] = s
	}
}

// alloc returns an unused entry with room for a key of width w.
func (t *rowTable[V]) alloc(w int) *rowEntry[V] {
	if e := t.free; e != nil && len(e.key) == w {
		t.free, e.next = e.next, nil
		return e
	}
	if len(t.slab) == cap(t.slab) {
		t.slab = make([]rowEntry[V], 0, min(max(2*cap(t.slab), 1), maxEntrySlab))
	}
	t.slab = t.slab[:len(t.slab)+1]
	e := &t.slab[len(t.slab)-1]
	if cap(t.keys)-len(t.keys) < w {
		t.keys = make([]types.Datum, 0, max(min(2*cap(t.keys), maxDatumSlab), w))
	}
	n := len(t.keys)
	t.keys = t.keys[:n+w]
	e.key = t.keys[n : n+w : n+w]
	return e
}

// remove deletes the entry for key. Its key and value are cleared, so a
// caller must not use them afterwards.
func (t *rowTable[V]) remove(key types.Row) {
	if t.n == 0 {
		return
	}
	i, ok := t.find(hashRow(key), key)
	if !ok {
		return
	}
	e := t.slots[i].e
	// Shift back the slots after i whose probe passed through i, so that
	// no lookup stops early at the emptied slot.
	mask := len(t.slots) - 1
	for j := (i + 1) & mask; t.slots[j].e != nil; j = (j + 1) & mask {
		k := t.home(t.slots[j].hash)
		// The entry at j stays when its home lies cyclically in (i, j].
		if (i < j && i < k && k <= j) || (j < i && (i < k || k <= j)) {
			continue
		}
		t.slots[i] = t.slots[j]
		i = j
	}
	t.slots[i] = rowSlot[V]{}
	clear(e.key)
	var zero V
	e.val = zero
	e.next = t.free
	t.free = e
	t.n--
}

// each calls fn for every entry (in no particular order). fn must not add
// or remove entries.
func (t *rowTable[V]) each(fn func(e *rowEntry[V]) error) error {
	for _, s := range t.slots {
		if s.e == nil {
			continue
		}
		if err := fn(s.e); err != nil {
			return err
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

// showForm makes want (nil: none) the row shown in *shown, sending the
// changes to put: the row shown before is taken back (-1) unless it is
// want, and a copy of want is put (+1) when no row is shown.
func showForm(shown *types.Row, want types.Row, put func(types.Row, int64) error) error {
	if *shown != nil && (want == nil || !rowsIdentical(want, *shown)) {
		if err := put(*shown, -1); err != nil {
			return err
		}
		*shown = nil
	}
	if want != nil && *shown == nil {
		*shown = append(types.Row(nil), want...)
		return put(*shown, 1)
	}
	return nil
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
