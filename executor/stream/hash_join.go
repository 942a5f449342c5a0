package stream

import (
	"iter"

	"github.com/freshetdb/freshet/planner/plan"
	"github.com/freshetdb/freshet/sql/expr"
	"github.com/freshetdb/freshet/sql/types"
)

// HashJoin joins two inputs on equal keys plus an optional residual
// condition, for every join kind. Each side keeps an index of its rows by
// key; a change on one side probes the other side's index, so the output
// changes by exactly delta(L) ⋈ R + L ⋈ delta(R) (+ their product), the
// incremental join of DBSP.
//
//	SELECT * FROM a LEFT JOIN b ON a.k = b.k AND a.x < b.y
//
// Outer joins track, per distinct row, the total weight of its matches; a
// row is NULL-padded while that count is zero, and the padded row is
// retracted when the first match arrives (and emitted again when the last
// match leaves). Semi and anti joins emit left rows whose match count turns
// positive / zero. NULL keys never match. With no keys every row falls in
// one bucket (a nested-loop join).
type HashJoin struct {
	// nullAware: the anti join of NOT IN (see plan.Join), whose right rows
	// are counted in naGroups by their correlation keys (all keys but the
	// last; none when the subquery is uncorrelated).
	nullAware bool
	naGroups  *rowTable[*naGroup]
	naKey     types.Row
	ctx       *expr.Ctx
	kind      plan.JoinKind
	keys      [2][]expr.Expr
	residual  expr.Expr
	width     [2]int
	sides     [2]*joinSide
	// index maps a key to the lists of both sides' rows with that key, so
	// that one lookup finds where a new row goes and what it matches.
	index      *rowTable[[2]joinBucket]
	out        *Emitter
	gate       flushGate
	scratch    types.Row
	keyScratch types.Row
	// probes counts pair evaluations, to check for cancellation now and then.
	probes       int
	nullsScratch [2]types.Row
}

// joinSide is one input's rows: every distinct row with its state.
type joinSide struct {
	rows *rowTable[joinEntry]
}

// joinBucket is the list of a side's entries with one key, in insertion
// order. Entries stay where the row table put them, so the list links them
// in place.
type joinBucket struct{ head, tail *joinEntry }

// joinEntry is one distinct row of a side.
type joinEntry struct {
	row     types.Row
	weight  int64
	matches int64 // total weight of matching rows on the other side
	// bucket is the index entry of the entry's key (nil for a NULL key),
	// and prev and next its neighbours in its side's list there, so that an
	// entry whose weight returns to zero leaves its list at once.
	bucket     *rowEntry[[2]joinBucket]
	prev, next *joinEntry
	// out says whether a left row of a null-aware anti join is emitted;
	// na is its correlation group (nil when a correlation key is NULL) and
	// naPos its index among the group's left entries.
	out   bool
	na    *rowEntry[*naGroup]
	naPos int
}

// naGroup is one value of a null-aware anti join's correlation keys: the
// total weight of its right rows, the weight of those whose compared value
// is NULL, and the left entries with that value.
type naGroup struct {
	total, nulls int64
	lefts        []*joinEntry
}

// NewHashJoin returns a join of rows of widths lw and rw.
func NewHashJoin(ctx *expr.Ctx, j *plan.Join, lw, rw int, out Operator, port int) *HashJoin {
	ow := lw + rw
	if j.Kind == plan.JoinSemi || j.Kind == plan.JoinAnti {
		ow = lw
	}
	h := &HashJoin{
		ctx:      ctx,
		kind:     j.Kind,
		keys:     [2][]expr.Expr{j.LeftKeys, j.RightKeys},
		residual: j.Residual,
		width:    [2]int{lw, rw},
		out:      NewEmitter(out, port, ow),
		gate:     flushGate{inputs: 2},
		scratch:  make(types.Row, lw+rw),
	}
	h.nullAware = j.NullAware && j.Kind == plan.JoinAnti
	if h.nullAware {
		h.naGroups = newRowTable[*naGroup]()
		h.naKey = make(types.Row, len(j.LeftKeys)-1)
	}
	for s := 0; s < 2; s++ {
		h.sides[s] = &joinSide{rows: newExactRowTable[joinEntry]()}
	}
	h.index = newRowTable[[2]joinBucket]()
	h.nullsScratch = [2]types.Row{make(types.Row, lw), make(types.Row, rw)}
	return h
}

func newJoinEntry() joinEntry       { return joinEntry{} }
func newJoinBuckets() [2]joinBucket { return [2]joinBucket{} }

// keyOf evaluates side s's key for row r; ok is false when a key is NULL.
func (h *HashJoin) keyOf(s int, r types.Row) (types.Row, bool, error) {
	ks := h.keys[s]
	if cap(h.keyScratch) < len(ks) {
		h.keyScratch = make(types.Row, len(ks))
	}
	k := h.keyScratch[:len(ks)]
	for i, e := range ks {
		v, err := e.Eval(h.ctx, r)
		if err != nil {
			return nil, false, err
		}
		if v.IsNull() {
			return nil, false, nil
		}
		k[i] = v
	}
	return k, true, nil
}

// pair fills the scratch row with left and right values.
func (h *HashJoin) pair(l, r types.Row) types.Row {
	copy(h.scratch, l)
	copy(h.scratch[h.width[0]:], r)
	return h.scratch
}

func (h *HashJoin) matchesResidual(l, r types.Row) (bool, error) {
	if h.residual == nil {
		return true, nil
	}
	return expr.EvalBool(h.ctx, h.residual, h.pair(l, r))
}

// padsSide reports whether unmatched rows of side s are emitted NULL-padded.
func (h *HashJoin) padsSide(s int) bool {
	switch h.kind {
	case plan.JoinLeft:
		return s == 0
	case plan.JoinRight:
		return s == 1
	case plan.JoinFull:
		return true
	}
	return false
}

// Push implements Operator: port 0 is the left input, 1 the right.
func (h *HashJoin) Push(port int, c *types.Chunk) error {
	for i := 0; i < c.Len(); i++ {
		if err := h.change(port, c.Row(i), c.Weights[i]); err != nil {
			return err
		}
	}
	return nil
}

func (h *HashJoin) change(s int, r types.Row, w int64) error {
	other := 1 - s
	me := h.sides[s]
	key, ok, err := h.keyOf(s, r)
	if err != nil {
		return err
	}
	// The entry of r on its own side (created on first sight).
	ent, created := me.rows.getOrCreate(r, newJoinEntry)
	e := &ent.val
	if created {
		e.row = ent.key
		if ok {
			b, _ := h.index.getOrCreate(key, newJoinBuckets)
			l := &b.val[s]
			e.bucket, e.prev = b, l.tail
			if l.tail != nil {
				l.tail.next = e
			} else {
				l.head = e
			}
			l.tail = e
		}
	}
	// Probe the other side: emit pairs and update the other rows' matches.
	var m int64
	var touched []*joinEntry
	var g *rowEntry[*naGroup]
	var oldTotal, oldNulls int64
	if h.nullAware {
		var valueNull bool
		if g, valueNull, err = h.naGroupOf(s, r); err != nil {
			return err
		}
		switch {
		case g == nil:
		case s == 0 && created:
			e.na, e.naPos = g, len(g.val.lefts)
			g.val.lefts = append(g.val.lefts, e)
		case s == 1:
			oldTotal, oldNulls = g.val.total, g.val.nulls
			g.val.total += w
			if valueNull {
				g.val.nulls += w
			}
		}
	}
	if ok {
		if b := e.bucket; b != nil {
			for o := b.val[other].head; o != nil; o = o.next {
				if h.probes++; h.probes%4096 == 0 {
					if err := h.ctx.CheckInterrupt(); err != nil {
						return err
					}
				}
				l, rr := r, o.row
				if s == 1 {
					l, rr = o.row, r
				}
				hit, err := h.matchesResidual(l, rr)
				if err != nil {
					return err
				}
				if !hit {
					continue
				}
				m += o.weight
				if err := h.emitPair(l, rr, w*o.weight); err != nil {
					return err
				}
				if err := h.rematch(other, o, w); err != nil {
					return err
				}
				if h.nullAware {
					touched = append(touched, o)
				}
			}
		}
	}
	if created {
		e.matches = m
	}
	// r's own output as an unmatched / semi / anti row.
	if err := h.emitOwn(s, e, w); err != nil {
		return err
	}
	e.weight += w
	if h.nullAware {
		if err := h.naChange(s, e, w, touched, g, oldTotal, oldNulls); err != nil {
			return err
		}
	}
	if e.weight == 0 {
		if e.na != nil {
			h.naLeave(e)
		}
		if b := e.bucket; b != nil {
			l := &b.val[s]
			if e.prev != nil {
				e.prev.next = e.next
			} else {
				l.head = e.next
			}
			if e.next != nil {
				e.next.prev = e.prev
			} else {
				l.tail = e.prev
			}
			if b.val[0].head == nil && b.val[1].head == nil {
				h.index.remove(key)
			}
		}
		me.rows.remove(r) // last: it clears the entry
	}
	if g != nil && s == 1 {
		h.naDrop(g)
	}
	return nil
}

// naGroupOf returns the correlation group of row r of side s (created when
// absent), or nil when a correlation key is NULL: such a left row faces an
// empty subquery, such a right row is in no left row's subquery. valueNull
// says whether the compared value (the last key) is NULL.
func (h *HashJoin) naGroupOf(s int, r types.Row) (g *rowEntry[*naGroup], valueNull bool, err error) {
	ks := h.keys[s]
	for i, k := range ks[:len(ks)-1] {
		if h.naKey[i], err = k.Eval(h.ctx, r); err != nil {
			return nil, false, err
		}
		if h.naKey[i].IsNull() {
			return nil, false, nil
		}
	}
	v, err := ks[len(ks)-1].Eval(h.ctx, r)
	if err != nil {
		return nil, false, err
	}
	g, _ = h.naGroups.getOrCreate(h.naKey, func() *naGroup { return &naGroup{} })
	return g, v.IsNull(), nil
}

// naLeave removes left entry e, whose weight is zero, from its group.
func (h *HashJoin) naLeave(e *joinEntry) {
	g := e.na
	last := g.val.lefts[len(g.val.lefts)-1]
	g.val.lefts[e.naPos], last.naPos = last, e.naPos
	g.val.lefts[len(g.val.lefts)-1] = nil
	g.val.lefts = g.val.lefts[:len(g.val.lefts)-1]
	e.na = nil
	h.naDrop(g)
}

// naDrop forgets group g once it holds nothing.
func (h *HashJoin) naDrop(g *rowEntry[*naGroup]) {
	if g.val.total == 0 && g.val.nulls == 0 && len(g.val.lefts) == 0 {
		h.naGroups.remove(g.key)
	}
}

// naChange updates the output of a null-aware anti join after a change of
// weight w to entry e of side s in correlation group g: a left row
// qualifies when its subquery is empty, or when its compared value is not
// NULL, nothing matches it and the subquery holds no NULL. A right change
// re-evaluates the left rows it matched, or all those of its group when the
// group's emptiness or NULL presence flipped.
func (h *HashJoin) naChange(s int, e *joinEntry, w int64, touched []*joinEntry, g *rowEntry[*naGroup], oldTotal, oldNulls int64) error {
	if s == 0 {
		return h.naEval(e, e.weight-w)
	}
	if g == nil {
		return nil
	}
	if (oldTotal == 0) != (g.val.total == 0) || (oldNulls == 0) != (g.val.nulls == 0) {
		for _, le := range g.val.lefts {
			if err := h.naEval(le, le.weight); err != nil {
				return err
			}
		}
		return nil
	}
	for _, o := range touched {
		if err := h.naEval(o, o.weight); err != nil {
			return err
		}
	}
	return nil
}

// naEval emits the change in left entry e's output, given the weight it
// had when last evaluated. In a group (correlation keys not NULL) a nil
// bucket means the compared value is NULL.
func (h *HashJoin) naEval(e *joinEntry, prevWeight int64) error {
	q := e.na == nil || e.na.val.total == 0 || (e.bucket != nil && e.matches == 0 && e.na.val.nulls == 0)
	var before, after int64
	if e.out {
		before = prevWeight
	}
	if q {
		after = e.weight
	}
	e.out = q
	return h.out.Emit(e.row, after-before)
}

// emitPair emits a joined row for the kinds that output pairs.
func (h *HashJoin) emitPair(l, r types.Row, w int64) error {
	switch h.kind {
	case plan.JoinSemi, plan.JoinAnti:
		return nil
	}
	return h.out.Emit(h.pair(l, r), w)
}

// emitOwn emits the change of weight w of entry e of side s in its
// unmatched (padded), semi or anti form, given its current matches.
func (h *HashJoin) emitOwn(s int, e *joinEntry, w int64) error {
	switch {
	case h.padsSide(s):
		if e.matches == 0 {
			return h.emitPadded(s, e.row, w)
		}
	case h.kind == plan.JoinSemi && s == 0:
		// Within an epoch a delete may come before the insert it cancels,
		// so matches may be negative for a while: like rematch, count any
		// non-zero total as matched (it is positive again at epoch end).
		if e.matches != 0 {
			return h.out.Emit(e.row, w)
		}
	case h.kind == plan.JoinAnti && s == 0 && !h.nullAware:
		if e.matches == 0 {
			return h.out.Emit(e.row, w)
		}
	}
	return nil
}

// rematch adds dm to the matches of entry o on side s and emits the
// change in its padded / semi / anti output when the count crosses zero.
func (h *HashJoin) rematch(s int, o *joinEntry, dm int64) error {
	before := o.matches
	o.matches += dm
	after := o.matches
	if (before == 0) == (after == 0) {
		return nil
	}
	// The row's zero-match output goes away (before==0) or appears (after==0).
	sign := int64(1)
	if before == 0 {
		sign = -1
	}
	switch {
	case h.padsSide(s):
		return h.emitPadded(s, o.row, sign*o.weight)
	case h.kind == plan.JoinSemi && s == 0:
		return h.out.Emit(o.row, -sign*o.weight)
	case h.kind == plan.JoinAnti && s == 0 && !h.nullAware:
		return h.out.Emit(o.row, sign*o.weight)
	}
	return nil
}

func (h *HashJoin) emitPadded(s int, r types.Row, w int64) error {
	if s == 0 {
		return h.out.Emit(h.pair(r, h.nullsScratch[1]), w)
	}
	return h.out.Emit(h.pair(h.nullsScratch[0], r), w)
}

// Flush implements Operator.
func (h *HashJoin) Flush(int) error {
	if h.gate.arrive() {
		return h.out.Flush()
	}
	return nil
}

// SaveState implements Stateful: table s holds side s's rows with their
// weights; everything else (match counts, NOT IN totals) follows from them.
func (h *HashJoin) SaveState(yield func(StateRecord) error) error {
	for s, side := range h.sides {
		if err := side.rows.each(func(e *rowEntry[joinEntry]) error {
			return yield(StateRecord{Table: s, Row: e.val.row, Weight: e.val.weight})
		}); err != nil {
			return err
		}
	}
	return nil
}

// LoadState implements Stateful: the saved rows are applied as changes
// whose output is dropped (it is what the join emitted before), which
// rebuilds the indexes and the match counts.
func (h *HashJoin) LoadState(recs iter.Seq[StateRecord]) error {
	out := h.out
	h.out = NewEmitter(discard{}, 0, out.buf.Width)
	defer func() { h.out = out }()
	for rec := range recs {
		if rec.Table < 0 || rec.Table > 1 || len(rec.Row) != h.width[rec.Table] {
			return badRecord("join", rec)
		}
		if err := h.change(rec.Table, rec.Row, rec.Weight); err != nil {
			return err
		}
	}
	return nil
}

// stateRoute implements Stateful: a row routes by its side's join key.
func (h *HashJoin) stateRoute(rec StateRecord) (types.Row, error) {
	if rec.Table < 0 || rec.Table > 1 {
		return nil, badRecord("join", rec)
	}
	ks := h.keys[rec.Table]
	if h.nullAware {
		ks = ks[:len(ks)-1]
	}
	return evalRow(h.ctx, ks, rec.Row)
}
