package stream

import (
	"github.com/freshetdb/freshet/planner/plan"
	"github.com/freshetdb/freshet/sql/expr"
	"github.com/freshetdb/freshet/sql/sqlerr"
	"github.com/freshetdb/freshet/sql/types"
)

// Apply runs a LATERAL subquery for each change's row and emits the row
// joined with each subquery row, with the change's weight. It is linear in
// its input as long as the tables the subquery reads do not change, which
// holds for a one-shot query; maintained views decorrelate instead
// (TODO(#3)).
//
//	SELECT l.v, s.m FROM l, LATERAL (SELECT max(r.x) AS m FROM r WHERE r.k = l.k) s
type Apply struct {
	ctx   *expr.Ctx
	q     *expr.Subquery
	kind  plan.JoinKind
	cond  expr.Expr
	lw    int
	rw    int
	out   *Emitter
	pair  types.Row
	nulls types.Row
}

// NewApply returns an apply operator for the node; lw is the left width.
func NewApply(ctx *expr.Ctx, n *plan.Apply, lw int, out Operator, port int) *Apply {
	rw := len(n.Right.Columns())
	return &Apply{ctx: ctx, q: &expr.Subquery{Plan: n.Right, Correlated: true}, kind: n.Kind, cond: n.Cond,
		lw: lw, rw: rw, out: NewEmitter(out, port, lw+rw), pair: make(types.Row, lw+rw), nulls: make(types.Row, rw)}
}

// Push implements Operator.
func (a *Apply) Push(_ int, c *types.Chunk) error {
	if a.ctx.Subqueries == nil {
		return sqlerr.Internal("apply without a subquery runner")
	}
	for i := 0; i < c.Len(); i++ {
		left, w := c.Row(i), c.Weights[i]
		matched := false
		a.ctx.Outer = append(a.ctx.Outer, left)
		err := a.ctx.Subqueries.Run(a.ctx, a.q, func(r types.Row) (bool, error) {
			copy(a.pair, left)
			copy(a.pair[a.lw:], r)
			if a.cond != nil {
				ok, err := expr.EvalBool(a.ctx, a.cond, a.pair)
				if err != nil || !ok {
					return err == nil, err
				}
			}
			matched = true
			return true, a.out.Emit(a.pair, w)
		})
		a.ctx.Outer = a.ctx.Outer[:len(a.ctx.Outer)-1]
		if err != nil {
			return err
		}
		if !matched && a.kind == plan.JoinLeft {
			copy(a.pair, left)
			copy(a.pair[a.lw:], a.nulls)
			if err := a.out.Emit(a.pair, w); err != nil {
				return err
			}
		}
	}
	return nil
}

// Flush implements Operator.
func (a *Apply) Flush(int) error { return a.out.Flush() }
