package norm

import (
	"github.com/freshetdb/freshet/planner/plan"
	"github.com/freshetdb/freshet/sql/expr"
	"github.com/freshetdb/freshet/sql/types"
)

// JoinScalarSubquery turns a scalar subquery into a join: an uncorrelated
// one that yields at most one row (a global aggregate, possibly filtered by HAVING and
// projected) into a left join of the rows with that row, so that a
// maintained view follows changes of the subquery's input too:
//
//	SELECT * FROM bids WHERE price > (SELECT avg(price) FROM bids)
//	  => bids LEFT JOIN (SELECT avg(price) ...) ON true, filtered on the column
//
// The left join gives NULL when the subquery has no row, as the scalar
// subquery does. A correlated one computing an aggregate joins the
// aggregate grouped by the correlation (see joinCorrelatedAggregate).
// Another scalar subquery, a lookup of the rows equal to the outer row on
// some columns, joins their count and value (see joinScalarLookup), or with
// ORDER BY ... LIMIT 1 the first of them (see joinTopScalar). EXISTS,
// IN, ANY and ALL used as values join aggregates of their rows too (see
// joinSubqueryValue). It applies to the expressions of filters and
// projections.
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
			if !ok {
				return x, nil
			}
			if q.Kind == expr.SubArray {
				ni, v, ok := joinArraySubquery(input, q)
				if ok {
					input, changed = ni, true
					return v, nil
				}
				return x, nil
			}
			if q.Kind != expr.SubScalar {
				ni, v, ok := joinSubqueryValue(input, q)
				if ok {
					input, changed = ni, true
					return v, nil
				}
				return x, nil
			}
			p, ok := q.Plan.(plan.Node)
			if !ok {
				return x, nil
			}
			if q.Correlated {
				ni, v, ok := joinCorrelatedAggregate(input, p)
				if !ok {
					ni, v, ok = joinScalarLookup(input, q)
				}
				if !ok {
					ni, v, ok = joinTopScalar(input, q)
				}
				if ok {
					input, changed = ni, true
					return v, nil
				}
				return x, nil
			}
			if !atMostOneRow(p) {
				ni, v, ok := joinScalarLookup(input, q)
				if ok {
					input, changed = ni, true
					return v, nil
				}
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

// joinCorrelatedAggregate decorrelates a scalar subquery computing one
// aggregate over rows that equal the outer row on some columns:
//
//	(SELECT count(*) FROM u WHERE u.k = t.k AND u.x > 0)
//	  => t LEFT JOIN (SELECT k, count(*) FROM u WHERE u.x > 0 GROUP BY k) g ON g.k = t.k
//
// and returns the new input and the expression replacing the subquery.
func joinCorrelatedAggregate(input plan.Node, p plan.Node) (plan.Node, expr.Expr, bool) {
	j, out, ok := joinGroupedAggregate(input, p)
	if !ok || len(out) != 1 {
		return nil, nil, false
	}
	return j, out[0], true
}

// joinGroupedAggregate decorrelates a subquery that projects a global
// aggregate over rows equal to the outer row on some columns (a scalar
// subquery, or LATERAL (SELECT count(*), sum(x) ...)) into a left join of
// input with the aggregate grouped by the correlation, and returns the join
// and the expressions of the subquery's columns over it. A missing group
// means the subquery saw no rows: count is then 0 (hence a COALESCE), every
// other aggregate NULL, as the padding gives.
func joinGroupedAggregate(input plan.Node, p plan.Node) (plan.Node, []expr.Expr, bool) {
	proj, ok := p.(*plan.Project)
	if !ok {
		return nil, nil, false
	}
	agg, ok := proj.Input.(*plan.Aggregate)
	if !ok || len(agg.GroupBy) != 0 {
		return nil, nil, false
	}
	for _, e := range proj.Exprs {
		if readsOuterDepth(e) {
			return nil, nil, false
		}
	}
	filt, ok := agg.Input.(*plan.Filter)
	if !ok || plan.ReadsOuter(filt.Input) {
		return nil, nil, false
	}
	for _, a := range agg.Aggs {
		for _, e := range a.Args {
			if readsOuterDepth(e) {
				return nil, nil, false
			}
		}
		if a.Filter != nil && readsOuterDepth(a.Filter) {
			return nil, nil, false
		}
	}
	nl := len(input.Columns())
	b, ok := splitCorrelated(filt, nl)
	if !ok || b.residual != nil || len(b.outerKeys) == 0 {
		return nil, nil, false
	}
	for _, k := range b.outerKeys {
		if !onlyLeft(k, nl) {
			return nil, nil, false
		}
	}
	j, refs := b.joinGroups(input, nil, nil, agg.Aggs)
	aggs := make([]expr.Expr, len(agg.Aggs))
	for i, a := range agg.Aggs {
		aggs[i] = refs[i]
		if a.Name == "count" {
			aggs[i] = &expr.Coalesce{Args: []expr.Expr{refs[i], &expr.Const{V: types.NewInt8(0), T: types.Int8}}, T: types.Int8}
		}
	}
	out := make([]expr.Expr, len(proj.Exprs))
	for i, e := range proj.Exprs {
		out[i] = substitute(e, aggs)
	}
	return j, out, true
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
