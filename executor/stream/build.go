package stream

import (
	"github.com/freshetdb/freshet/planner/plan"
	"github.com/freshetdb/freshet/sql/expr"
	"github.com/freshetdb/freshet/sql/sqlerr"
)

// Leaf is where changes enter a built dataflow: the rows of Node (a Scan,
// Values, RecursiveUnion or WorkTable) are pushed into Out at Port.
type Leaf struct {
	Node plan.Node
	Out  Operator
	Port int
}

// Build instantiates the operators of plan n, feeding out's port, and
// returns its leaves in the order a one-shot run drives them: a join's right
// input comes first, so that probing a complete right index emits no padded
// rows that would be retracted later. Expressions are cloned, so one plan
// may be built several times. Every operator evaluates with ec.
func Build(ec *expr.Ctx, n plan.Node, out Operator, port int) ([]Leaf, error) {
	b := &builder{ec: ec}
	if err := b.build(n, out, port); err != nil {
		return nil, err
	}
	return b.leaves, nil
}

type builder struct {
	ec     *expr.Ctx
	leaves []Leaf
}

// build creates the operators of n, feeding out's port.
func (b *builder) build(n plan.Node, out Operator, port int) error {
	width := len(n.Columns())
	switch n := n.(type) {
	case *plan.Scan, *plan.Values, *plan.RecursiveUnion, *plan.WorkTable:
		b.leaves = append(b.leaves, Leaf{Node: n, Out: out, Port: port})
		return nil
	case *plan.Filter:
		return b.build(n.Input, NewFilter(b.ec, cloneExpr(n.Pred), width, out, port), 0)
	case *plan.Project:
		return b.build(n.Input, NewProject(b.ec, cloneExprs(n.Exprs), out, port), 0)
	case *plan.Join:
		j := *n
		j.LeftKeys, j.RightKeys = cloneExprs(n.LeftKeys), cloneExprs(n.RightKeys)
		if n.Residual != nil {
			j.Residual = cloneExpr(n.Residual)
		}
		op := NewHashJoin(b.ec, &j, len(n.Left.Columns()), len(n.Right.Columns()), out, port)
		if err := b.build(n.Right, op, 1); err != nil {
			return err
		}
		return b.build(n.Left, op, 0)
	case *plan.Aggregate:
		op, err := NewAggregate(b.ec, n, out, port)
		if err != nil {
			return err
		}
		return b.build(n.Input, op, 0)
	case *plan.Distinct:
		return b.build(n.Input, NewDistinct(b.ec, n, width, out, port), 0)
	case *plan.SetOp:
		var op Operator
		if n.Kind == plan.SetUnion && n.All {
			op = NewUnion(width, out, port)
		} else {
			op = NewSetOp(n, width, out, port)
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
		return b.build(n.Left, NewApply(b.ec, &a, len(n.Left.Columns()), out, port), 0)
	case *plan.FlatMap:
		return b.build(n.Input, NewFlatMap(b.ec, n, len(n.Input.Columns()), out, port), 0)
	case *plan.Window:
		return b.build(n.Input, NewWindow(b.ec, n, len(n.Input.Columns()), out, port), 0)
	case *plan.Sort:
		// Order is not a property of a relation inside a dataflow: only a
		// Limit above it (a top-N) or the final result uses it.
		return b.build(n.Input, out, port)
	case *plan.Limit:
		count, offset, err := LimitValues(b.ec, n)
		if err != nil {
			return err
		}
		input, keys := n.Input, []plan.SortExpr(nil)
		if s, ok := input.(*plan.Sort); ok {
			input, keys = s.Input, s.Keys
		}
		return b.build(input, NewTopN(b.ec, keys, count, offset, width, out, port), 0)
	}
	return sqlerr.Unsupported("executing this plan node")
}

func cloneExpr(e expr.Expr) expr.Expr { return expr.Clone(e) }

func cloneExprs(es []expr.Expr) []expr.Expr {
	out := make([]expr.Expr, len(es))
	for i, e := range es {
		out[i] = expr.Clone(e)
	}
	return out
}
