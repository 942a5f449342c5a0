package stream

import (
	"iter"

	"github.com/freshetdb/freshet/planner/plan"
	"github.com/freshetdb/freshet/sql/expr"
	"github.com/freshetdb/freshet/sql/types"
)

// RankTopN is a window of one ranking function (row_number, rank or
// dense_rank) whose consumer keeps only the rows ranked at most limit: top-N
// per group (see plan.Window's RankLimit).
//
//	SELECT * FROM (SELECT *, row_number() OVER (PARTITION BY k ORDER BY x DESC) AS rn FROM t) s WHERE rn <= 3
//
// Each partition keeps its rows in window order (the ORDER BY, then the
// rows' values, as Window orders peers); a flush walks each changed
// partition only up to its first row ranked above limit and emits the
// difference from what it emitted before. A change costs a B-tree update,
// a flush the size of the top of the partitions it changed.
type RankTopN struct {
	ctx    *expr.Ctx
	call   plan.WindowCall
	width  int
	limit  int64
	parts  *rowTable[*rankPart]
	dirty  []types.Row
	key    types.Row
	out    *Emitter
	rowBuf types.Row
}

// rankPart is one partition's rows and the rows it emitted.
type rankPart struct {
	rows    *orderedRows
	emitted *multiset
	dirty   bool
}

// NewRankTopN returns the operator of window n (whose RankLimit is set)
// over rows of the given width.
func NewRankTopN(ctx *expr.Ctx, n *plan.Window, width int, out Operator, port int) *RankTopN {
	c := n.Calls[0]
	return &RankTopN{ctx: ctx, call: c, width: width, limit: n.RankLimit, parts: newRowTable[*rankPart](),
		key: make(types.Row, len(c.PartitionBy)), out: NewEmitter(out, port, width+1), rowBuf: make(types.Row, width+1)}
}

// part returns the partition of row r (an input row, or an output row,
// which starts with its input row).
func (t *RankTopN) part(r types.Row) (*rowEntry[*rankPart], error) {
	if err := evalInto(t.ctx, t.call.PartitionBy, r, t.key); err != nil {
		return nil, err
	}
	e, _ := t.parts.getOrCreate(t.key, func() *rankPart {
		return &rankPart{rows: newOrderedRows(t.ctx, t.call.OrderBy), emitted: newMultiset()}
	})
	return e, nil
}

// Push implements Operator.
func (t *RankTopN) Push(_ int, c *types.Chunk) error {
	for i := 0; i < c.Len(); i++ {
		e, err := t.part(c.Row(i))
		if err != nil {
			return err
		}
		if err := e.val.rows.add(c.Row(i), c.Weights[i]); err != nil {
			return err
		}
		if !e.val.dirty {
			e.val.dirty = true
			t.dirty = append(t.dirty, e.key)
		}
	}
	return nil
}

// Flush implements Operator.
func (t *RankTopN) Flush(int) error {
	for _, k := range t.dirty {
		e := t.parts.get(k)
		p := e.val
		p.dirty = false
		next := t.top(p.rows)
		if err := emitDiff(t.out, p.emitted, next); err != nil {
			return err
		}
		p.emitted = next
		if p.rows.len() == 0 {
			t.parts.remove(k)
		}
	}
	t.dirty = t.dirty[:0]
	return t.out.Flush()
}

// top returns a partition's rows ranked at most limit, each with its rank.
func (t *RankTopN) top(rows *orderedRows) *multiset {
	next := newMultiset()
	var pos, rank, dense int64
	var prev types.Row
	rows.ascend(func(it *sortedRow) bool {
		for c := int64(0); c < it.n; c++ {
			pos++
			if prev == nil || rows.compareKeys(it.keys, prev) != 0 {
				rank, dense = pos, dense+1
			}
			prev = it.keys
			v := pos
			switch t.call.Name {
			case "rank":
				v = rank
			case "dense_rank":
				v = dense
			}
			if v > t.limit {
				return false
			}
			copy(t.rowBuf, it.row)
			t.rowBuf[t.width] = types.NewInt8(v)
			next.add(t.rowBuf, 1)
		}
		return true
	})
	return next
}

// The tables of a ranking top-N's saved state.
const (
	rankInputTable   = iota // the input rows with their weights
	rankEmittedTable        // the rows emitted
)

// SaveState implements Stateful.
func (t *RankTopN) SaveState(yield func(StateRecord) error) error {
	return t.parts.each(func(e *rowEntry[*rankPart]) error {
		if err := e.val.rows.save(rankInputTable, yield); err != nil {
			return err
		}
		return saveMultiset(e.val.emitted, rankEmittedTable, yield)
	})
}

// LoadState implements Stateful.
func (t *RankTopN) LoadState(recs iter.Seq[StateRecord]) error {
	for rec := range recs {
		e, err := t.part(rec.Row)
		switch {
		case err != nil:
			return err
		case rec.Table == rankInputTable && len(rec.Row) == t.width:
			if err := e.val.rows.stage(rec.Row, rec.Weight); err != nil {
				return err
			}
		case rec.Table == rankEmittedTable && len(rec.Row) == t.width+1:
			e.val.emitted.add(rec.Row, rec.Weight)
		default:
			return badRecord("ranking top-N", rec)
		}
	}
	return t.parts.each(func(e *rowEntry[*rankPart]) error {
		e.val.rows.settle()
		return nil
	})
}

// stateRoute implements Stateful: records route by the PARTITION BY.
func (t *RankTopN) stateRoute(rec StateRecord) (types.Row, error) {
	return evalRow(t.ctx, t.call.PartitionBy, rec.Row)
}
