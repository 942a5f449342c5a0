package stream

import (
	"iter"
	"slices"

	"github.com/freshetdb/freshet/planner/plan"
	"github.com/freshetdb/freshet/sql/expr"
	"github.com/freshetdb/freshet/sql/types"
)

// Distinct emits each distinct row once while its total weight is
// positive: SELECT DISTINCT. With On (DISTINCT ON), it emits per distinct
// On value the first row in Sort order, recomputed for changed groups.
type Distinct struct {
	ctx   *expr.Ctx
	on    []expr.Expr
	sort  []plan.SortExpr
	rows  *rowTable[*distinctRow]
	onGrp *rowTable[*distinctOnGroup]
	dirty []types.Row
	out   *Emitter
	key   types.Row
}

type distinctRow struct {
	weight  int64
	emitted types.Row // the form shown, nil when none
	dirty   bool
	forms   *forms
}

type distinctOnGroup struct {
	rows    *multiset
	emitted types.Row
	dirty   bool
}

// NewDistinct returns a distinct operator over rows of the given width.
func NewDistinct(ctx *expr.Ctx, n *plan.Distinct, width int, out Operator, port int) *Distinct {
	return &Distinct{
		ctx:   ctx,
		on:    n.On,
		sort:  n.Sort,
		rows:  newRowTable[*distinctRow](),
		onGrp: newRowTable[*distinctOnGroup](),
		out:   NewEmitter(out, port, width),
		key:   make(types.Row, len(n.On)),
	}
}

// Push implements Operator.
func (d *Distinct) Push(_ int, c *types.Chunk) error {
	for i := 0; i < c.Len(); i++ {
		if err := d.add(c.Row(i), c.Weights[i]); err != nil {
			return err
		}
	}
	return nil
}

// add applies a change of weight w of row r.
func (d *Distinct) add(r types.Row, w int64) error {
	if len(d.on) > 0 {
		g, err := d.onGroup(r)
		if err != nil {
			return err
		}
		g.val.rows.add(r, w)
		if !g.val.dirty {
			g.val.dirty = true
			d.dirty = append(d.dirty, g.key)
		}
		return nil
	}
	e := d.row(r)
	e.val.weight += w
	e.val.forms.add(r, w)
	if !e.val.dirty {
		e.val.dirty = true
		d.dirty = append(d.dirty, e.key)
	}
	return nil
}

// row returns the entry of the distinct row r (DISTINCT).
func (d *Distinct) row(r types.Row) *rowEntry[*distinctRow] {
	e, _ := d.rows.getOrCreate(r, func() *distinctRow { return &distinctRow{forms: newForms()} })
	return e
}

// onGroup returns the group of row r (DISTINCT ON).
func (d *Distinct) onGroup(r types.Row) (*rowEntry[*distinctOnGroup], error) {
	if err := evalInto(d.ctx, d.on, r, d.key); err != nil {
		return nil, err
	}
	g, _ := d.onGrp.getOrCreate(d.key, func() *distinctOnGroup { return &distinctOnGroup{rows: newMultiset()} })
	return g, nil
}

// The tables of a distinct's saved state.
const (
	distinctInputTable   = iota // the input rows with their weights
	distinctEmittedTable        // the rows emitted
)

// SaveState implements Stateful.
func (d *Distinct) SaveState(yield func(StateRecord) error) error {
	if len(d.on) > 0 {
		return d.onGrp.each(func(e *rowEntry[*distinctOnGroup]) error {
			if err := saveMultiset(e.val.rows, distinctInputTable, yield); err != nil {
				return err
			}
			if e.val.emitted == nil {
				return nil
			}
			return yield(StateRecord{Table: distinctEmittedTable, Row: e.val.emitted, Weight: 1})
		})
	}
	return d.rows.each(func(e *rowEntry[*distinctRow]) error {
		if err := saveMultiset(e.val.forms.m, distinctInputTable, yield); err != nil {
			return err
		}
		if e.val.emitted == nil {
			return nil
		}
		return yield(StateRecord{Table: distinctEmittedTable, Row: e.val.emitted, Weight: 1})
	})
}

// LoadState implements Stateful.
func (d *Distinct) LoadState(recs iter.Seq[StateRecord]) error {
	width := d.out.buf.Width
	for rec := range recs {
		if len(rec.Row) != width {
			return badRecord("distinct", rec)
		}
		switch {
		case rec.Table == distinctInputTable:
			if err := d.add(rec.Row, rec.Weight); err != nil {
				return err
			}
		case rec.Table == distinctEmittedTable && len(d.on) > 0:
			g, err := d.onGroup(rec.Row)
			if err != nil {
				return err
			}
			g.val.emitted = slices.Clone(rec.Row)
		case rec.Table == distinctEmittedTable:
			d.row(rec.Row).val.emitted = slices.Clone(rec.Row)
		default:
			return badRecord("distinct", rec)
		}
	}
	for _, k := range d.dirty {
		if len(d.on) > 0 {
			d.onGrp.get(k).val.dirty = false
		} else {
			d.rows.get(k).val.dirty = false
		}
	}
	d.dirty = d.dirty[:0]
	return nil
}

// stateRoute implements Stateful: records route as input rows do, by the
// DISTINCT ON values or by the whole row.
func (d *Distinct) stateRoute(rec StateRecord) (types.Row, error) {
	if len(d.on) > 0 {
		return evalRow(d.ctx, d.on, rec.Row)
	}
	return rec.Row, nil
}

// Flush implements Operator.
func (d *Distinct) Flush(int) error {
	for _, k := range d.dirty {
		if len(d.on) > 0 {
			if err := d.flushOn(k); err != nil {
				return err
			}
			continue
		}
		e := d.rows.get(k)
		g := e.val
		g.dirty = false
		var want types.Row
		if g.weight > 0 {
			want = g.forms.pick(g.emitted)
		}
		if err := showForm(&g.emitted, want, d.out.Emit); err != nil {
			return err
		}
		if g.weight == 0 {
			d.rows.remove(k)
		}
	}
	d.dirty = d.dirty[:0]
	return d.out.Flush()
}

func (d *Distinct) flushOn(k types.Row) error {
	e := d.onGrp.get(k)
	g := e.val
	g.dirty = false
	var best types.Row
	err := g.rows.t.each(func(x *rowEntry[int64]) error {
		if x.val <= 0 {
			return nil
		}
		if best == nil || compareRows(x.key, best, d.sort) < 0 {
			best = x.key
		}
		return nil
	})
	if err != nil {
		return err
	}
	if err := showForm(&g.emitted, best, d.out.Emit); err != nil {
		return err
	}
	if g.rows.t.len() == 0 {
		d.onGrp.remove(k)
	}
	return nil
}

// compareRows orders two rows by sort keys evaluated on them (the keys are
// column references of the rows), then by all values for a total order.
func compareRows(a, b types.Row, keys []plan.SortExpr) int {
	for _, k := range keys {
		ref, ok := k.Expr.(*expr.ColRef)
		if !ok {
			continue
		}
		if c := compareSort(a[ref.Idx], b[ref.Idx], k); c != 0 {
			return c
		}
	}
	for i := range a {
		if c := types.Compare(a[i], b[i]); c != 0 {
			return c
		}
	}
	return 0
}

// SetOp computes UNION, INTERSECT and EXCEPT (distinct, and ALL for
// INTERSECT / EXCEPT) from the weight of each row on both inputs: the output
// multiplicity is a function of the two counts, and at Flush every changed
// row emits the difference from what it emitted before.
type SetOp struct {
	kind  plan.SetOpKind
	all   bool
	rows  *rowTable[*setOpRow]
	dirty []types.Row
	out   *Emitter
	gate  flushGate
	// log receives the records of every row a Flush changed.
	log *stateLog
}

type setOpRow struct {
	n       [2]int64
	emitted int64
	shown   types.Row // the form emitted, while emitted > 0
	dirty   bool
	forms   *forms
}

// NewSetOp returns a set operation over rows of the given width. UNION ALL
// is the Union operator, not this one.
func NewSetOp(n *plan.SetOp, width int, out Operator, port int) *SetOp {
	return &SetOp{kind: n.Kind, all: n.All, rows: newRowTable[*setOpRow](), out: NewEmitter(out, port, width), gate: flushGate{inputs: 2}}
}

// Push implements Operator.
func (s *SetOp) Push(port int, c *types.Chunk) error {
	for i := 0; i < c.Len(); i++ {
		e := s.entry(c.Row(i))
		e.val.n[port] += c.Weights[i]
		e.val.forms.add(c.Row(i), c.Weights[i])
		if !e.val.dirty {
			e.val.dirty = true
			s.dirty = append(s.dirty, e.key)
		}
	}
	return nil
}

// The tables of a set operation's saved state.
const (
	setOpFormTable  = iota // a written form of a row, weighted by its count on both inputs
	setOpCountTable        // a row ++ [left count, right count]
	setOpShownTable        // the form emitted, weighted by its emitted multiplicity
)

// SaveState implements Stateful.
func (s *SetOp) SaveState(yield func(StateRecord) error) error {
	return s.rows.each(func(e *rowEntry[*setOpRow]) error { return s.saveRow(e, yield) })
}

// saveRow yields the records of one row (all its written forms).
func (s *SetOp) saveRow(e *rowEntry[*setOpRow], yield func(StateRecord) error) error {
	g := e.val
	if err := saveMultiset(g.forms.m, setOpFormTable, yield); err != nil {
		return err
	}
	row := append(append(types.Row{}, canonicalKey(e.key, g.forms)...), types.NewInt8(g.n[0]), types.NewInt8(g.n[1]))
	if err := yield(StateRecord{Table: setOpCountTable, Row: row, Weight: 1}); err != nil {
		return err
	}
	if g.emitted == 0 {
		return nil
	}
	return yield(StateRecord{Table: setOpShownTable, Row: g.shown, Weight: g.emitted})
}

// LoadState implements Stateful.
func (s *SetOp) LoadState(recs iter.Seq[StateRecord]) error {
	width := s.out.buf.Width
	for rec := range recs {
		r := rec.Row
		switch {
		case rec.Table == setOpFormTable && len(r) == width:
			s.entry(r).val.forms.add(r, rec.Weight)
		case rec.Table == setOpCountTable && len(r) == width+2:
			g := s.entry(r[:width]).val
			g.n[0] += r[width].Int() * rec.Weight
			g.n[1] += r[width+1].Int() * rec.Weight
		case rec.Table == setOpShownTable && len(r) == width:
			g := s.entry(r).val
			g.shown, g.emitted = slices.Clone(r), rec.Weight
		default:
			return badRecord("set operation", rec)
		}
	}
	return nil
}

// stateRoute implements Stateful: records route by the row, as inputs do.
func (s *SetOp) stateRoute(rec StateRecord) (types.Row, error) {
	if rec.Table == setOpCountTable && len(rec.Row) >= 2 {
		return rec.Row[:len(rec.Row)-2], nil
	}
	return rec.Row, nil
}

// entry returns the state of row r, creating it.
func (s *SetOp) entry(r types.Row) *rowEntry[*setOpRow] {
	e, _ := s.rows.getOrCreate(r, func() *setOpRow { return &setOpRow{forms: newForms()} })
	return e
}

func (s *SetOp) multiplicity(l, r int64) int64 {
	switch s.kind {
	case plan.SetUnion:
		if l+r > 0 {
			return 1
		}
	case plan.SetIntersect:
		if s.all {
			return max(min(l, r), 0)
		}
		if l > 0 && r > 0 {
			return 1
		}
	case plan.SetExcept:
		if s.all {
			return max(l-r, 0)
		}
		if l > 0 && r <= 0 {
			return 1
		}
	}
	return 0
}

// Flush implements Operator.
func (s *SetOp) Flush(int) error {
	if !s.gate.arrive() {
		return nil
	}
	for _, k := range s.dirty {
		e := s.rows.get(k)
		g := e.val
		g.dirty = false
		m := s.multiplicity(g.n[0], g.n[1])
		var form types.Row
		if m > 0 {
			form = g.forms.pick(g.shown)
		}
		if g.emitted > 0 && (form == nil || !rowsIdentical(form, g.shown)) {
			if err := s.out.Emit(g.shown, -g.emitted); err != nil {
				return err
			}
			g.emitted, g.shown = 0, nil
		}
		if m != g.emitted {
			if g.shown == nil {
				g.shown = append(types.Row(nil), form...)
			}
			if err := s.out.Emit(g.shown, m-g.emitted); err != nil {
				return err
			}
			g.emitted = m
		}
		if g.n[0] == 0 && g.n[1] == 0 {
			if s.log.logging() {
				if err := s.log.unit(k, nil); err != nil {
					return err
				}
			}
			s.rows.remove(k)
			continue
		}
		if s.log.logging() {
			if err := s.log.unit(k, func(yield func(StateRecord) error) error { return s.saveRow(e, yield) }); err != nil {
				return err
			}
		}
	}
	s.dirty = s.dirty[:0]
	return s.out.Flush()
}
