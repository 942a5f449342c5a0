package query

import (
	"github.com/freshetdb/freshet/executor/stream"
	"github.com/freshetdb/freshet/planner/plan"
	"github.com/freshetdb/freshet/sql/catalog"
	"github.com/freshetdb/freshet/sql/expr"
	"github.com/freshetdb/freshet/sql/sqlerr"
	"github.com/freshetdb/freshet/sql/types"
)

// builder instantiates operators for a plan and remembers its leaves in
// the order they must be driven.
type builder struct {
	r      *Runner
	ec     *expr.Ctx
	leaves []leaf
}

// leaf is a source of rows feeding port of out.
type leaf struct {
	node plan.Node
	out  stream.Operator
	port int
}

// build creates the operators of n, feeding out's port. Joins build their
// right input first so that it is driven first: probing a complete right
// index emits no padded rows that would be retracted later.
func (b *builder) build(n plan.Node, out stream.Operator, port int) error {
	width := len(n.Columns())
	switch n := n.(type) {
	case *plan.Scan, *plan.Values, *plan.RecursiveUnion, *plan.WorkTable:
		b.leaves = append(b.leaves, leaf{node: n, out: out, port: port})
		return nil
	case *plan.Filter:
		return b.build(n.Input, stream.NewFilter(b.ec, cloneExpr(n.Pred), width, out, port), 0)
	case *plan.Project:
		return b.build(n.Input, stream.NewProject(b.ec, cloneExprs(n.Exprs), out, port), 0)
	case *plan.Join:
		j := *n
		j.LeftKeys, j.RightKeys = cloneExprs(n.LeftKeys), cloneExprs(n.RightKeys)
		if n.Residual != nil {
			j.Residual = cloneExpr(n.Residual)
		}
		op := stream.NewHashJoin(b.ec, &j, len(n.Left.Columns()), len(n.Right.Columns()), out, port)
		if err := b.build(n.Right, op, 1); err != nil {
			return err
		}
		return b.build(n.Left, op, 0)
	case *plan.Aggregate:
		op, err := stream.NewAggregate(b.ec, n, out, port)
		if err != nil {
			return err
		}
		return b.build(n.Input, op, 0)
	case *plan.Distinct:
		return b.build(n.Input, stream.NewDistinct(b.ec, n, width, out, port), 0)
	case *plan.SetOp:
		var op stream.Operator
		if n.Kind == plan.SetUnion && n.All {
			op = stream.NewUnion(width, out, port)
		} else {
			op = stream.NewSetOp(n, width, out, port)
		}
		if err := b.build(n.Right, op, 1); err != nil {
			return err
		}
		return b.build(n.Left, op, 0)
	case *plan.Apply:
		a := *n
		if n.Cond != nil {
			a.Cond = cloneExpr(n.Cond)
		}
		return b.build(n.Left, stream.NewApply(b.ec, &a, len(n.Left.Columns()), out, port), 0)
	case *plan.FlatMap:
		return b.build(n.Input, stream.NewFlatMap(b.ec, n, len(n.Input.Columns()), out, port), 0)
	case *plan.Window:
		return b.build(n.Input, stream.NewWindow(b.ec, n, len(n.Input.Columns()), out, port), 0)
	case *plan.Sort:
		// Order is not a property of a relation inside a dataflow: only a
		// Limit above it (a top-N) or the final result uses it.
		return b.build(n.Input, out, port)
	case *plan.Limit:
		count, offset, err := stream.LimitValues(b.ec, n)
		if err != nil {
			return err
		}
		input, keys := n.Input, []plan.SortExpr(nil)
		if s, ok := input.(*plan.Sort); ok {
			input, keys = s.Input, s.Keys
		}
		return b.build(input, stream.NewTopN(b.ec, keys, count, offset, width, out, port), 0)
	}
	return sqlerr.Unsupported("executing this plan node")
}

// drive pushes every leaf's rows, in build order, and flushes it.
func (b *builder) drive() error {
	for _, l := range b.leaves {
		em := stream.NewEmitter(l.out, l.port, len(l.node.Columns()))
		if err := b.emitLeaf(l.node, em); err != nil {
			return err
		}
		if err := em.Flush(); err != nil {
			return err
		}
	}
	return nil
}

func (b *builder) emitLeaf(n plan.Node, em *stream.Emitter) error {
	switch n := n.(type) {
	case *plan.Scan:
		if err := b.r.ctx.Err(); err != nil {
			return canceled()
		}
		t := n.Table
		if t.Kind == catalog.RelSystem {
			for _, row := range t.Generate(b.r.cat, b.session()) {
				if err := em.Emit(row, 1); err != nil {
					return err
				}
			}
			return nil
		}
		var span KeySpan
		if r := n.Range; r != nil {
			for _, e := range r.Values {
				v, err := e.Eval(b.ec, nil)
				if err != nil {
					return err
				}
				if v.IsNull() {
					return nil
				}
				span.Prefix = append(span.Prefix, v)
			}
			for i, kb := range []*plan.KeyBound{r.Lower, r.Upper} {
				if kb == nil {
					continue
				}
				v, err := kb.Value.Eval(b.ec, nil)
				if err != nil {
					return err
				}
				if v.IsNull() {
					return nil
				}
				bd := &Bound{Value: v, Inclusive: kb.Inclusive}
				if i == 0 {
					span.Lower = bd
				} else {
					span.Upper = bd
				}
			}
		}
		count := 0
		return b.r.src.ScanTable(b.r.ctx, t, span, func(row types.Row) error {
			count++
			if count%4096 == 0 && b.r.ctx.Err() != nil {
				return canceled()
			}
			return em.Emit(row, 1)
		})
	case *plan.RecursiveUnion:
		rows, err := b.r.recursive(b.ec, n)
		if err != nil {
			return err
		}
		for _, row := range rows {
			if err := em.Emit(row, 1); err != nil {
				return err
			}
		}
		return nil
	case *plan.WorkTable:
		for _, row := range b.r.work[n.ID] {
			if err := em.Emit(row, 1); err != nil {
				return err
			}
		}
		return nil
	case *plan.Values:
		row := make(types.Row, len(n.Columns()))
		for _, exprs := range n.Rows {
			for i, e := range exprs {
				v, err := e.Eval(b.ec, nil)
				if err != nil {
					return err
				}
				row[i] = v
			}
			if err := em.Emit(row, 1); err != nil {
				return err
			}
		}
		return nil
	}
	return sqlerr.Unsupported("this leaf")
}

// session returns the session a system relation is generated for, or nil.
func (b *builder) session() catalog.Session {
	if b.ec == nil || b.ec.Eval == nil || b.ec.Eval.Session == nil {
		return nil
	}
	return b.ec.Eval.Session
}

func canceled() error {
	return sqlerr.New(sqlerr.QueryCanceled, "canceling statement due to user request")
}

func cloneExpr(e expr.Expr) expr.Expr { return expr.Clone(e) }

func cloneExprs(es []expr.Expr) []expr.Expr {
	out := make([]expr.Expr, len(es))
	for i, e := range es {
		out[i] = expr.Clone(e)
	}
	return out
}
