package query

import (
	"context"
	"errors"

	"github.com/freshetdb/freshet/executor/stream"
	"github.com/freshetdb/freshet/planner/plan"
	"github.com/freshetdb/freshet/sql/catalog"
	"github.com/freshetdb/freshet/sql/expr"
	"github.com/freshetdb/freshet/sql/sqlerr"
	"github.com/freshetdb/freshet/sql/types"
)

// builder drives the leaves of a plan's operators for one run.
type builder struct {
	r      *Runner
	ec     *expr.Ctx
	leaves []stream.Leaf
}

// build creates the operators of n (see stream.Build), feeding out's port.
func (b *builder) build(n plan.Node, out stream.Operator, port int) error {
	leaves, err := stream.Build(b.ec, n, out, port)
	b.leaves = leaves
	return err
}

// drive pushes every leaf's rows, in build order, and flushes it.
func (b *builder) drive() error {
	for _, l := range b.leaves {
		em := stream.NewEmitter(l.Out, l.Port, len(l.Node.Columns()))
		if err := b.emitLeaf(l.Node, em); err != nil {
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
			return canceledErr(b.r.ctx)
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
				return canceledErr(b.r.ctx)
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

// canceledErr is the error of a cancelled statement: by the client, or by
// statement_timeout when ctx's deadline passed.
func canceledErr(ctx context.Context) error {
	if errors.Is(ctx.Err(), context.DeadlineExceeded) {
		return sqlerr.New(sqlerr.QueryCanceled, "canceling statement due to statement timeout")
	}
	return sqlerr.New(sqlerr.QueryCanceled, "canceling statement due to user request")
}
