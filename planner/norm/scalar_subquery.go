package norm

import (
	"github.com/freshetdb/freshet/planner/plan"
	"github.com/freshetdb/freshet/sql/expr"
)

// JoinScalarSubquery turns an uncorrelated scalar subquery that yields at
// most one row (a global aggregate, possibly filtered by HAVING and
// projected) into a left join of the rows with that row, so that a
// maintained view follows changes of the subquery's input too:
//
//	SELECT * FROM bids WHERE price > (SELECT avg(price) FROM bids)
//	  => bids LEFT JOIN (SELECT avg(price) ...) ON true, filtered on the column
//
// The left join gives NULL when the subquery has no row, as the scalar
// subquery does. It applies to the expressions of filters and projections.
func JoinScalarSubquery(n plan.Node) plan.Node {
	switch x := n.(type) {
	case *plan.Filter:
		input, exprs, ok := joinScalars(x.Input, []expr.Expr{x.Pred})
		if !ok {
			return n
		}
		f := plan.WithColumns(&plan.Filter{Input: input, Pred: exprs[0]}, input.Columns())
		return plan.WithColumns(&plan.Project{Input: f, Exprs: columnRefs(x.Columns())}, x.Columns())
	case *plan.Project:
		input, exprs, ok := joinScalars(x.Input, x.Exprs)
		if !ok {
			return n
		}
		return plan.WithColumns(&plan.Project{Input: input, Exprs: exprs}, x.Columns())
	}
	return n
}

// joinScalars joins input with the one-row subqueries found in exprs and
// returns the new input and the expressions reading their columns.
func joinScalars(input plan.Node, exprs []expr.Expr) (plan.Node, []expr.Expr, bool) {
	changed := false
	out := make([]expr.Expr, len(exprs))
	for i, e := range exprs {
		ne, err := expr.Map(e, func(x expr.Expr) (expr.Expr, error) {
			q, ok := x.(*expr.Subquery)
			if !ok || q.Kind != expr.SubScalar || q.Correlated {
				return x, nil
			}
			p, ok := q.Plan.(plan.Node)
			if !ok || !atMostOneRow(p) {
				return x, nil
			}
			nl := len(input.Columns())
			cols := append(append([]plan.Column(nil), input.Columns()...), p.Columns()...)
			input = plan.WithColumns(&plan.Join{Kind: plan.JoinLeft, Left: input, Right: p}, cols)
			changed = true
			return &expr.ColRef{Idx: nl, T: q.T}, nil
		})
		if err != nil {
			return nil, nil, false
		}
		out[i] = ne
	}
	return input, out, changed
}

// atMostOneRow reports whether a plan yields at most one row: a global
// aggregate under projections and filters.
func atMostOneRow(n plan.Node) bool {
	for {
		switch x := n.(type) {
		case *plan.Project:
			n = x.Input
		case *plan.Filter:
			n = x.Input
		case *plan.Aggregate:
			return len(x.GroupBy) == 0
		default:
			return false
		}
	}
}

func columnRefs(cols []plan.Column) []expr.Expr {
	out := make([]expr.Expr, len(cols))
	for i, c := range cols {
		out[i] = &expr.ColRef{Idx: i, T: c.Type, Name: c.Name}
	}
	return out
}
