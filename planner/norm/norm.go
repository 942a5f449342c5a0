package norm

import (
	"github.com/freshetdb/freshet/planner/plan"
	"github.com/freshetdb/freshet/sql/expr"
)

// Normalize applies every rule bottom-up and returns the rewritten plan.
// It rewrites subquery plans inside expressions too.
func Normalize(n plan.Node) plan.Node {
	rewriteInputs(n)
	rewriteSubqueries(n)
	if f, ok := n.(*plan.Filter); ok {
		n = DecorrelateSubquery(f)
		if n != plan.Node(f) {
			return Normalize(n)
		}
	}
	if j := JoinScalarSubquery(n); j != n {
		return Normalize(j)
	}
	switch x := n.(type) {
	case *plan.Filter:
		LimitRanking(x)
		if j, ok := x.Input.(*plan.Join); ok {
			return PushFilterIntoJoin(x, j)
		}
		if s, ok := x.Input.(*plan.Scan); ok {
			return PushFilterIntoScan(x, s)
		}
		if fm, ok := x.Input.(*plan.FlatMap); ok {
			return PushFilterBelowFlatMap(x, fm)
		}
	case *plan.Join:
		return ExtractJoinKeys(x)
	case *plan.Apply:
		if j := DecorrelateApply(x); j != nil {
			return Normalize(j)
		}
	}
	return n
}

// rewriteInputs normalises a node's inputs in place.
func rewriteInputs(n plan.Node) {
	switch x := n.(type) {
	case *plan.Filter:
		x.Input = Normalize(x.Input)
	case *plan.Project:
		x.Input = Normalize(x.Input)
	case *plan.Join:
		x.Left, x.Right = Normalize(x.Left), Normalize(x.Right)
	case *plan.Aggregate:
		x.Input = Normalize(x.Input)
	case *plan.Window:
		x.Input = Normalize(x.Input)
	case *plan.Distinct:
		x.Input = Normalize(x.Input)
	case *plan.SetOp:
		x.Left, x.Right = Normalize(x.Left), Normalize(x.Right)
	case *plan.Sort:
		x.Input = Normalize(x.Input)
	case *plan.Limit:
		x.Input = Normalize(x.Input)
	case *plan.FlatMap:
		x.Input = Normalize(x.Input)
	case *plan.Apply:
		x.Left, x.Right = Normalize(x.Left), Normalize(x.Right)
	case *plan.RecursiveUnion:
		x.Base, x.Step = Normalize(x.Base), Normalize(x.Step)
	}
}

// rewriteSubqueries normalises the plans of subqueries inside a node's
// expressions.
func rewriteSubqueries(n plan.Node) {
	for _, e := range plan.Exprs(n) {
		expr.Walk(e, func(x expr.Expr) bool {
			if s, ok := x.(*expr.Subquery); ok {
				if p, ok := s.Plan.(plan.Node); ok {
					s.Plan = Normalize(p).(expr.Relation)
				}
			}
			return true
		})
	}
}

// Conjuncts flattens nested ANDs into a list.
func Conjuncts(e expr.Expr) []expr.Expr {
	if e == nil {
		return nil
	}
	if a, ok := e.(*expr.And); ok {
		var out []expr.Expr
		for _, x := range a.Args {
			out = append(out, Conjuncts(x)...)
		}
		return out
	}
	return []expr.Expr{e}
}

// AndAll joins conjuncts with AND; nil for none.
func AndAll(es []expr.Expr) expr.Expr {
	switch len(es) {
	case 0:
		return nil
	case 1:
		return es[0]
	}
	return &expr.And{Args: es}
}

// Side bits: which input columns an expression reads, relative to a split
// point nl (columns below nl are left, the rest right).
const (
	sideLeft  = 1
	sideRight = 2
	// sideOpaque marks expressions that must not move: subqueries and
	// volatile functions.
	sideOpaque = 4
)

func sides(e expr.Expr, nl int) int {
	s := 0
	expr.Walk(e, func(n expr.Expr) bool {
		switch n := n.(type) {
		case *expr.ColRef:
			if n.Idx < nl {
				s |= sideLeft
			} else {
				s |= sideRight
			}
		case *expr.Subquery:
			s |= sideOpaque
		case *expr.Call:
			if n.Fn.Vol != 0 {
				s |= sideOpaque
			}
		}
		return true
	})
	return s
}

// Shift adds delta to every column index of e.
func Shift(e expr.Expr, delta int) expr.Expr {
	out, _ := expr.Map(e, func(n expr.Expr) (expr.Expr, error) {
		if c, ok := n.(*expr.ColRef); ok {
			return &expr.ColRef{Idx: c.Idx + delta, T: c.T, Name: c.Name}, nil
		}
		return n, nil
	})
	return out
}
