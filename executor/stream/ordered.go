package stream

import (
	"slices"

	"github.com/google/btree"

	"github.com/freshetdb/freshet/planner/plan"
	"github.com/freshetdb/freshet/sql/expr"
	"github.com/freshetdb/freshet/sql/types"
)

// orderedRows is a multiset of rows kept in a B-tree in sort order: by the
// sort keys, then by the rows' values, then by how values are written, so
// that every distinct row has its place. A change costs a tree update;
// walking the first rows costs only those rows. Removed items are reused,
// so changes allocate nothing in steady state.
type orderedRows struct {
	ctx    *expr.Ctx
	keys   []plan.SortExpr
	tree   *btree.BTreeG[*sortedRow]
	keyBuf types.Row // the sort keys of the row being added
	free   []*sortedRow
	// staged holds rows a load added, put into the tree by settle.
	staged []*sortedRow
}

// sortedRow is one distinct row with its sort keys and weight.
type sortedRow struct {
	keys, row types.Row
	n         int64
}

func newOrderedRows(ctx *expr.Ctx, keys []plan.SortExpr) *orderedRows {
	o := &orderedRows{ctx: ctx, keys: keys}
	o.tree = btree.NewG(32, o.less)
	o.keyBuf = make(types.Row, len(keys))
	return o
}

// less orders rows by sort keys, then values, then written forms.
func (o *orderedRows) less(a, b *sortedRow) bool { return o.compare(a, b) < 0 }

// compare is less as a three-way comparison; 0 means the same row.
func (o *orderedRows) compare(a, b *sortedRow) int {
	if c := o.compareKeys(a.keys, b.keys); c != 0 {
		return c
	}
	for i := range a.row {
		if c := types.Compare(a.row[i], b.row[i]); c != 0 {
			return c
		}
	}
	switch {
	case rowsIdentical(a.row, b.row):
		return 0
	case rowLess(a.row, b.row):
		return -1
	}
	return 1
}

// compareKeys compares two rows' sort keys; 0 means they are peers.
func (o *orderedRows) compareKeys(a, b types.Row) int {
	for i, s := range o.keys {
		if c := compareSort(a[i], b[i], s); c != 0 {
			return c
		}
	}
	return 0
}

// add changes the weight of row r by w.
func (o *orderedRows) add(r types.Row, w int64) error {
	if err := o.evalKeys(r); err != nil {
		return err
	}
	it := o.item(r)
	it.n = w
	o.insert(it)
	return nil
}

// stage adds row r with weight w at the next settle: a B-tree takes rows
// in order several times faster than in random order, so a load stages
// its rows and settles them sorted.
func (o *orderedRows) stage(r types.Row, w int64) error {
	if err := o.evalKeys(r); err != nil {
		return err
	}
	it := o.item(r)
	it.n = w
	o.staged = append(o.staged, it)
	return nil
}

// settle puts the staged rows into the tree.
func (o *orderedRows) settle() {
	slices.SortFunc(o.staged, o.compare)
	for _, it := range o.staged {
		o.insert(it)
	}
	o.staged = nil
}

// evalKeys evaluates the sort keys of r into keyBuf.
func (o *orderedRows) evalKeys(r types.Row) error {
	for i, s := range o.keys {
		v, err := s.Expr.Eval(o.ctx, r)
		if err != nil {
			return err
		}
		o.keyBuf[i] = v
	}
	return nil
}

// insert adds item it (with its weight) to the tree. One descent inserts
// a new item or replaces the row's item, whose weight the new one takes
// over.
func (o *orderedRows) insert(it *sortedRow) {
	if old, replaced := o.tree.ReplaceOrInsert(it); replaced {
		it.n += old.n
		o.free = append(o.free, old)
	}
	if it.n == 0 {
		o.tree.Delete(it)
		o.free = append(o.free, it)
	}
}

// item returns an unused item holding row r and the keys in keyBuf (both
// copied).
func (o *orderedRows) item(r types.Row) *sortedRow {
	var it *sortedRow
	if n := len(o.free); n > 0 && len(o.free[n-1].row) == len(r) {
		it, o.free = o.free[n-1], o.free[:n-1]
	} else {
		buf := make(types.Row, len(o.keys)+len(r))
		it = &sortedRow{keys: buf[:len(o.keys):len(o.keys)], row: buf[len(o.keys):]}
	}
	copy(it.keys, o.keyBuf)
	copy(it.row, r)
	it.n = 0
	return it
}

// ascend calls fn for the rows in order until it returns false.
func (o *orderedRows) ascend(fn func(it *sortedRow) bool) { o.tree.Ascend(fn) }

// len returns the number of distinct rows.
func (o *orderedRows) len() int { return o.tree.Len() }

// save yields the rows with their weights as records of table.
func (o *orderedRows) save(table int, yield func(StateRecord) error) error {
	var err error
	o.tree.Ascend(func(it *sortedRow) bool {
		err = yield(StateRecord{Table: table, Row: it.row, Weight: it.n})
		return err == nil
	})
	return err
}
