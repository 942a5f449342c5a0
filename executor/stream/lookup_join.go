package stream

import (
	"iter"

	"github.com/freshetdb/freshet/planner/plan"
	"github.com/freshetdb/freshet/sql/expr"
	"github.com/freshetdb/freshet/sql/sqlerr"
	"github.com/freshetdb/freshet/sql/types"
)

// LookupJoin is a join whose right input is looked up as of processing
// time (FOR SYSTEM_TIME AS OF PROCTIME(), see plan.Join.Lookup):
//
//	SELECT b.auction, s.value FROM bid b
//	JOIN side_input FOR SYSTEM_TIME AS OF PROCTIME() s ON b.auction % 10000 = s.key
//
// It keeps the right rows, indexed by key; changes to them emit nothing.
// The left rows of an epoch are held until its end, when each is joined
// with the right rows present then (so a left row and the right row it
// needs may come in the same epoch) and forgotten. The left input must
// only insert: a left row's retraction cannot be matched to what it
// joined, and is an error (the engine admits only left inputs that
// cannot retract).
type LookupJoin struct {
	ctx      *expr.Ctx
	left     bool // LEFT JOIN: an unmatched left row comes out padded
	keys     [2][]expr.Expr
	residual expr.Expr
	width    [2]int
	// right maps a key to the right rows with that key and their weights.
	right   *rowTable[*multiset]
	pending *types.Chunk
	out     *Emitter
	gate    flushGate
	key     types.Row
	scratch types.Row
	nulls   types.Row
}

// NewLookupJoin returns a lookup join of rows of widths lw and rw.
func NewLookupJoin(ctx *expr.Ctx, j *plan.Join, lw, rw int, out Operator, port int) *LookupJoin {
	return &LookupJoin{
		ctx: ctx, left: j.Kind == plan.JoinLeft, keys: [2][]expr.Expr{j.LeftKeys, j.RightKeys}, residual: j.Residual,
		width: [2]int{lw, rw}, right: newRowTable[*multiset](), pending: types.NewChunk(lw, chunkRows),
		out: NewEmitter(out, port, lw+rw), gate: flushGate{inputs: 2},
		key: make(types.Row, len(j.LeftKeys)), scratch: make(types.Row, lw+rw), nulls: make(types.Row, rw),
	}
}

// keyOf evaluates side s's join key of r into l.key; ok is false when a
// key is NULL (such a row matches nothing).
func (l *LookupJoin) keyOf(s int, r types.Row) (bool, error) {
	if err := evalInto(l.ctx, l.keys[s], r, l.key); err != nil {
		return false, err
	}
	for _, v := range l.key {
		if v.IsNull() {
			return false, nil
		}
	}
	return true, nil
}

// Push implements Operator: port 0 is the left input, 1 the right.
func (l *LookupJoin) Push(port int, c *types.Chunk) error {
	for i := 0; i < c.Len(); i++ {
		r, w := c.Row(i), c.Weights[i]
		if port == 0 {
			if w < 0 {
				return sqlerr.Internal("a lookup join's left input retracted a row")
			}
			l.pending.Append(r, w)
			continue
		}
		if err := l.changeRight(r, w); err != nil {
			return err
		}
	}
	return nil
}

// changeRight applies a change of the right side.
func (l *LookupJoin) changeRight(r types.Row, w int64) error {
	ok, err := l.keyOf(1, r)
	if err != nil || !ok {
		return err
	}
	e, _ := l.right.getOrCreate(l.key, newMultiset)
	e.val.add(r, w)
	if e.val.t.len() == 0 {
		l.right.remove(e.key)
	}
	return nil
}

// Flush implements Operator: at the end of the epoch the held left rows
// are joined.
func (l *LookupJoin) Flush(int) error {
	if !l.gate.arrive() {
		return nil
	}
	for i := 0; i < l.pending.Len(); i++ {
		if err := l.probe(l.pending.Row(i), l.pending.Weights[i]); err != nil {
			return err
		}
	}
	l.pending.Reset()
	return l.out.Flush()
}

// probe emits left row r (weight w) joined with the right rows now.
func (l *LookupJoin) probe(r types.Row, w int64) error {
	matched := false
	ok, err := l.keyOf(0, r)
	if err != nil {
		return err
	}
	if ok {
		if e := l.right.get(l.key); e != nil {
			err := e.val.t.each(func(re *rowEntry[int64]) error {
				copy(l.scratch, r)
				copy(l.scratch[l.width[0]:], re.key)
				if l.residual != nil {
					hit, err := expr.EvalBool(l.ctx, l.residual, l.scratch)
					if err != nil || !hit {
						return err
					}
				}
				matched = true
				return l.out.Emit(l.scratch, w*re.val)
			})
			if err != nil {
				return err
			}
		}
	}
	if !matched && l.left {
		copy(l.scratch, r)
		copy(l.scratch[l.width[0]:], l.nulls)
		return l.out.Emit(l.scratch, w)
	}
	return nil
}

// SaveState implements Stateful: table 1 holds the right rows with their
// weights (the left rows are state only within an epoch).
func (l *LookupJoin) SaveState(yield func(StateRecord) error) error {
	return l.right.each(func(e *rowEntry[*multiset]) error {
		return saveMultiset(e.val, 1, yield)
	})
}

// LoadState implements Stateful.
func (l *LookupJoin) LoadState(recs iter.Seq[StateRecord]) error {
	for rec := range recs {
		if rec.Table != 1 || len(rec.Row) != l.width[1] {
			return badRecord("lookup join", rec)
		}
		if err := l.changeRight(rec.Row, rec.Weight); err != nil {
			return err
		}
	}
	return nil
}

// stateRoute implements Stateful: a right row routes by its join key.
func (l *LookupJoin) stateRoute(rec StateRecord) (types.Row, error) {
	if rec.Table != 1 {
		return nil, badRecord("lookup join", rec)
	}
	return evalRow(l.ctx, l.keys[1], rec.Row)
}

// inputTable implements inputLogged: the right input's changes are table
// 1; the left input's are not state (noTable).
func (l *LookupJoin) inputTable(port int) int {
	if port == 0 {
		return noTable
	}
	return 1
}

func (l *LookupJoin) loggedOutput() (*Emitter, int) { return nil, 0 }
