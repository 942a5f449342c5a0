package stream

import (
	"iter"
	"slices"

	"github.com/freshetdb/freshet/planner/plan"
	"github.com/freshetdb/freshet/sql/expr"
	"github.com/freshetdb/freshet/sql/types"
)

// Aggregate groups changes by the GROUP BY values and keeps per group the
// retractable state of each aggregate call. At Flush it emits, for every
// group that changed, the retraction of the row it emitted before and the
// group's new row (none when the group became empty).
//
//	SELECT k, count(*), sum(x) FROM t GROUP BY k
//
// A global aggregate (no GROUP BY) always has its one row, even over empty
// input (count(*) = 0, sum = NULL), as SQL requires.
type Aggregate struct {
	ctx     *expr.Ctx
	groupBy []expr.Expr
	calls   []plan.AggCall
	global  bool
	groups  *rowTable[*aggGroup]
	dirty   []*rowEntry[*aggGroup]
	out     *Emitter
	key     types.Row
	args    [][]types.Datum
	// log receives the records of every group a Flush changed, and the
	// rows added to multiset states (min/max, lists) as they come.
	log *stateLog
	// rec is a scratch row for logged records.
	rec types.Row
	// callLogs log, per call, the records of its DISTINCT states.
	callLogs []callLog
	// keyForms says the group key has types whose equal values can be
	// written differently (numeric 1.0 and 1.00): each group then counts
	// its key's forms to show one that is present.
	keyForms bool
}

// callLog logs the changes of one call's state as records of the call's
// table under the input's own form of the group key: the rows a multiset
// state adds, the records a DISTINCT state changes.
type callLog struct {
	a    *Aggregate
	call int
}

// record logs that the weight of the call's state row r changed by w,
// with tag (when not noTag) before the row.
func (l *callLog) record(tag int32, r types.Row, w int64) {
	a := l.a
	if !a.log.logging() {
		return
	}
	a.rec = append(append(a.rec[:0], a.key...), types.NewInt4(int32(l.call)))
	if tag != noTag {
		a.rec = append(a.rec, types.NewInt4(tag))
	}
	a.rec = append(a.rec, r...)
	a.log.record(aggCallTable, a.rec, w)
}

// noTag marks a record without a tag.
const noTag = -1

type aggGroup struct {
	count   int64
	states  []aggState
	emitted types.Row
	dirty   bool
	// forms counts the representations of the group key present in the
	// input; the output shows one of them. Nil unless keyForms.
	forms *forms
}

// NewAggregate returns an aggregate operator for the node.
func NewAggregate(ctx *expr.Ctx, n *plan.Aggregate, out Operator, port int) (*Aggregate, error) {
	a := &Aggregate{
		ctx:     ctx,
		groupBy: n.GroupBy,
		calls:   n.Aggs,
		global:  len(n.GroupBy) == 0,
		groups:  newRowTable[*aggGroup](),
		out:     NewEmitter(out, port, len(n.GroupBy)+len(n.Aggs)),
		key:     make(types.Row, len(n.GroupBy)),
		args:    make([][]types.Datum, len(n.Aggs)),
	}
	for _, g := range n.GroupBy {
		a.keyForms = a.keyForms || !oneFormKinds[g.Type().Kind]
	}
	a.callLogs = make([]callLog, len(n.Aggs))
	for i, c := range n.Aggs {
		a.args[i] = make([]types.Datum, len(c.Args)+len(c.OrderBy))
		a.callLogs[i] = callLog{a: a, call: i}
	}
	if a.global {
		e, err := a.group(a.key)
		if err != nil {
			return nil, err
		}
		a.markDirty(e)
	}
	return a, nil
}

func (a *Aggregate) group(key types.Row) (*rowEntry[*aggGroup], error) {
	var err error
	e, _ := a.groups.getOrCreate(key, func() *aggGroup {
		g := &aggGroup{states: make([]aggState, len(a.calls))}
		if a.keyForms {
			g.forms = newForms()
		}
		for i := range a.calls {
			if g.states[i], err = newAggState(&a.calls[i], a.ctx.Eval); err != nil {
				return g
			}
			if d, ok := g.states[i].(*distinctState); ok && d.oneForm && !a.keyForms {
				d.log = &a.callLogs[i]
			}
		}
		return g
	})
	return e, err
}

func (a *Aggregate) markDirty(e *rowEntry[*aggGroup]) {
	if !e.val.dirty {
		e.val.dirty = true
		a.dirty = append(a.dirty, e)
	}
}

// dropGlobalRow makes a global aggregate on a shard other than the one
// gathering its input emit nothing: the one row of a global aggregate comes
// from a single shard.
func (a *Aggregate) dropGlobalRow() {
	a.global = false
	a.groups = newRowTable[*aggGroup]()
	a.dirty = a.dirty[:0]
}

// Push implements Operator.
func (a *Aggregate) Push(_ int, c *types.Chunk) error {
	for i := 0; i < c.Len(); i++ {
		r, w := c.Row(i), c.Weights[i]
		if err := evalInto(a.ctx, a.groupBy, r, a.key); err != nil {
			return err
		}
		e, err := a.group(a.key)
		if err != nil {
			return err
		}
		g := e.val
		g.count += w
		if a.keyForms && !a.global {
			g.forms.add(a.key, w)
		}
		for k := range a.calls {
			call := &a.calls[k]
			if call.Filter != nil {
				ok, err := expr.EvalBool(a.ctx, call.Filter, r)
				if err != nil {
					return err
				}
				if !ok {
					continue
				}
			}
			args := a.args[k]
			for j, ae := range call.Args {
				if args[j], err = ae.Eval(a.ctx, r); err != nil {
					return err
				}
			}
			for j, o := range call.OrderBy {
				if args[len(call.Args)+j], err = o.Expr.Eval(a.ctx, r); err != nil {
					return err
				}
			}
			if err := g.states[k].add(args, w); err != nil {
				return err
			}
			if m, ok := g.states[k].(multisetState); ok {
				if r, ok := m.addedRow(args); ok {
					a.callLogs[k].record(noTag, r, w)
				}
			}
		}
		a.markDirty(e)
	}
	return nil
}

// Flush implements Operator.
func (a *Aggregate) Flush(int) error {
	for _, e := range a.dirty {
		g := e.val
		g.dirty = false
		if g.emitted != nil {
			if err := a.out.Emit(g.emitted, -1); err != nil {
				return err
			}
			g.emitted = nil
		}
		if g.count <= 0 && !a.global {
			if a.log.logging() {
				if err := a.log.unit(e.key, nil); err != nil {
					return err
				}
			}
			a.groups.remove(e.key)
			continue
		}
		key := types.Row(e.key)
		if a.keyForms && !a.global {
			var shown types.Row
			if g.emitted != nil {
				shown = g.emitted[:len(e.key)]
			}
			if key = g.forms.pick(shown); key == nil {
				key = e.key
			}
		}
		row := make(types.Row, len(e.key)+len(a.calls))
		copy(row, key)
		for k, s := range g.states {
			v, err := s.result()
			if err != nil {
				return err
			}
			row[len(e.key)+k] = v
		}
		if err := a.out.Emit(row, 1); err != nil {
			return err
		}
		g.emitted = row
		if a.log.logging() {
			if err := a.log.unit(e.key, func(yield func(StateRecord) error) error { return a.saveGroup(e, false, yield) }); err != nil {
				return err
			}
		}
	}
	a.dirty = a.dirty[:0]
	return a.out.Flush()
}

// The tables of an aggregate's saved state.
const (
	aggGroupTable   = iota // group key ++ [input row count]
	aggFormTable           // a written form of a group key, weighted by its count
	aggEmittedTable        // the row a group emitted
	aggCallTable           // group key ++ [call number] ++ a row of that call's state
)

// SaveState implements Stateful.
func (a *Aggregate) SaveState(yield func(StateRecord) error) error {
	return a.groups.each(func(e *rowEntry[*aggGroup]) error { return a.saveGroup(e, true, yield) })
}

// saveGroup yields the records of one group; without multisets, it leaves
// out the states whose changes are logged record by record (multiset and
// DISTINCT states).
func (a *Aggregate) saveGroup(e *rowEntry[*aggGroup], multisets bool, yield func(StateRecord) error) error {
	g := e.val
	key := e.key
	if a.keyForms && !a.global {
		key = canonicalKey(key, g.forms)
	}
	if err := yield(StateRecord{Table: aggGroupTable, Row: append(append(types.Row{}, key...), types.NewInt8(g.count)), Weight: 1}); err != nil {
		return err
	}
	if a.keyForms && !a.global {
		if err := saveMultiset(g.forms.m, aggFormTable, yield); err != nil {
			return err
		}
	}
	if g.emitted != nil {
		if err := yield(StateRecord{Table: aggEmittedTable, Row: g.emitted, Weight: 1}); err != nil {
			return err
		}
	}
	for k, s := range g.states {
		if logsRecords(s) && !multisets {
			continue
		}
		if err := s.save(func(r types.Row, w int64) error {
			row := append(append(append(types.Row{}, key...), types.NewInt4(int32(k))), r...)
			return yield(StateRecord{Table: aggCallTable, Row: row, Weight: w})
		}); err != nil {
			return err
		}
	}
	return nil
}

// logsRecords says whether state s logs its changes record by record.
func logsRecords(s aggState) bool {
	_, multiset := s.(multisetState)
	d, distinct := s.(*distinctState)
	return multiset || distinct && d.log != nil
}

// LoadState implements Stateful.
func (a *Aggregate) LoadState(recs iter.Seq[StateRecord]) error {
	nk := len(a.groupBy)
	for rec := range recs {
		r := rec.Row
		if len(r) < nk {
			return badRecord("aggregate", rec)
		}
		e, err := a.group(r[:nk])
		if err != nil {
			return err
		}
		g := e.val
		switch {
		case rec.Table == aggGroupTable && len(r) == nk+1:
			g.count += r[nk].Int() * rec.Weight
		case rec.Table == aggFormTable && len(r) == nk && a.keyForms && !a.global:
			g.forms.add(r, rec.Weight)
		case rec.Table == aggEmittedTable && len(r) == nk+len(a.calls):
			g.emitted = slices.Clone(r)
		case rec.Table == aggCallTable && len(r) > nk && r[nk].Int() >= 0 && r[nk].Int() < int64(len(a.calls)):
			if err := g.states[r[nk].Int()].load(r[nk+1:], rec.Weight); err != nil {
				return err
			}
		default:
			return badRecord("aggregate", rec)
		}
	}
	// A loaded global aggregate has emitted its row already.
	for _, e := range a.dirty {
		e.val.dirty = false
	}
	a.dirty = a.dirty[:0]
	return nil
}

// stateRoute implements Stateful: every record starts with its group key.
func (a *Aggregate) stateRoute(rec StateRecord) (types.Row, error) {
	if len(rec.Row) < len(a.groupBy) {
		return nil, badRecord("aggregate", rec)
	}
	return rec.Row[:len(a.groupBy)], nil
}
