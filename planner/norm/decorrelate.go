package norm

import (
	"github.com/freshetdb/freshet/planner/plan"
	"github.com/freshetdb/freshet/sql/expr"
)

// DecorrelateSubquery turns EXISTS, NOT EXISTS and IN subqueries among the
// conjuncts of a filter into semi and anti joins, so they run as one hash
// join instead of one subquery execution per row:
//
//	SELECT * FROM t WHERE EXISTS (SELECT 1 FROM u WHERE u.k = t.k AND u.x > 0)
//	  => t SEMI JOIN (u WHERE u.x > 0) ON u.k = t.k
//	SELECT * FROM t WHERE t.a IN (SELECT b FROM u)   => semi join on a = b
//	SELECT * FROM t WHERE NOT EXISTS (...)           => anti join
//
// A correlated subquery qualifies when it is a filter (under an optional
// projection and DISTINCT) over a relation that reads nothing of the outer
// query, and its correlated conjuncts read only the immediately enclosing
// query. Equalities between a subquery expression and an outer expression
// become hash keys; other correlated conjuncts become the join's residual.
// NOT IN becomes a null-aware anti join (SQL's NULL rules: no row qualifies
// once its subquery yields a NULL, a NULL operand only when the subquery is
// empty), when correlated only if every correlated conjunct is an equality,
// so that the outer row's subquery is the group of right rows with its
// correlation values.
// Semi and anti joins ignore duplicates on the right, which makes IN and
// EXISTS exact.
func DecorrelateSubquery(f *plan.Filter) plan.Node {
	var keep []expr.Expr
	input := f.Input
	changed := false
	for _, c := range Conjuncts(f.Pred) {
		if j := subqueryJoin(input, c); j != nil {
			input, changed = j, true
			continue
		}
		keep = append(keep, c)
	}
	if !changed {
		return f
	}
	if len(keep) == 0 {
		return input
	}
	return plan.WithColumns(&plan.Filter{Input: input, Pred: AndAll(keep)}, f.Columns())
}

// subqueryJoin returns the semi/anti join replacing conjunct c over input,
// or nil when c does not qualify.
func subqueryJoin(input plan.Node, c expr.Expr) plan.Node {
	kind := plan.JoinSemi
	if n, ok := c.(*expr.Not); ok {
		c, kind = n.X, plan.JoinAnti
	}
	q, ok := c.(*expr.Subquery)
	if !ok {
		return nil
	}
	if q.Kind == expr.SubAny && q.Op.Fn.Name == "row=" && kind == plan.JoinSemi && !q.Correlated {
		return rowInJoin(input, q)
	}
	nullAware := false
	switch {
	case q.Kind == expr.SubExists:
	case q.Kind == expr.SubAny && q.Op.Fn.Name == "=" && kind == plan.JoinSemi:
	case q.Kind == expr.SubAny && q.Op.Fn.Name == "=" && kind == plan.JoinAnti:
		// NOT IN: a null-aware anti join keeps SQL's NULL rules.
		nullAware = true
	default:
		return nil
	}
	b, ok := decompose(q, len(input.Columns()))
	if !ok || (nullAware && b.residual != nil) {
		// A correlated NOT IN needs each left row's whole subquery, which
		// only equalities on the outer row pick out as a group.
		return nil
	}
	j := &plan.Join{Kind: kind, Left: input, Right: b.from, NullAware: nullAware,
		LeftKeys: b.outerKeys, RightKeys: b.innerKeys, Residual: b.residual}
	if q.Kind == expr.SubAny {
		if !q.X.Type().SameKind(b.value.Type()) {
			return nil
		}
		j.LeftKeys = append(j.LeftKeys, q.X)
		j.RightKeys = append(j.RightKeys, b.value)
	}
	return plan.WithColumns(j, input.Columns())
}

// rowInJoin returns the semi join of an uncorrelated (a, b) IN (SELECT x,
// y ...), on a = x and b = y, or nil when the subquery has another shape.
// The binder gives it as ROW(a, b) row= ANY over a projection of ROW(x, y).
func rowInJoin(input plan.Node, q *expr.Subquery) plan.Node {
	x, ok := q.X.(*expr.RowCtor)
	if !ok {
		return nil
	}
	proj, ok := q.Plan.(*plan.Project)
	if !ok || len(proj.Exprs) != 1 {
		return nil
	}
	y, ok := proj.Exprs[0].(*expr.RowCtor)
	if !ok || len(y.Fields) != len(x.Fields) {
		return nil
	}
	for i, f := range x.Fields {
		if !onlyLeft(f, len(input.Columns())) || !f.Type().SameKind(y.Fields[i].Type()) || readsOuterDepth(y.Fields[i]) {
			return nil
		}
	}
	j := &plan.Join{Kind: plan.JoinSemi, Left: input, Right: proj.Input, LeftKeys: x.Fields, RightKeys: y.Fields}
	return plan.WithColumns(j, input.Columns())
}

// subqueryBody is a subquery taken apart for decorrelation: the relation
// it reads (from), its correlation equalities (outerKeys over the outer
// row, innerKeys over from's rows), its other correlated conditions
// (residual, over the outer row followed by from's row), and for IN, ANY,
// ALL and a scalar subquery the value it yields (over from's rows).
type subqueryBody struct {
	from                 plan.Node
	outerKeys, innerKeys []expr.Expr
	residual             expr.Expr
	value                expr.Expr
}

// decompose takes subquery q of an outer row of width nOuter apart, or
// reports false when it has another shape. An uncorrelated subquery is its
// plan (the value is its one column). A correlated one must be a filter
// (under an optional projection and DISTINCT, which EXISTS, IN, ANY and
// ALL ignore) over a relation that reads nothing of the outer query, whose
// correlated conjuncts read only the immediately enclosing query.
func decompose(q *expr.Subquery, nOuter int) (subqueryBody, bool) {
	p, ok := q.Plan.(plan.Node)
	if !ok {
		return subqueryBody{}, false
	}
	wantValue := q.Kind == expr.SubAny || q.Kind == expr.SubAll || q.Kind == expr.SubScalar
	if wantValue && (len(p.Columns()) != 1 || (q.X != nil && !onlyLeft(q.X, nOuter))) {
		return subqueryBody{}, false
	}
	if !q.Correlated {
		b := subqueryBody{from: p}
		if wantValue {
			b.value = &expr.ColRef{Idx: 0, T: p.Columns()[0].Type}
		}
		return b, true
	}
	body := p
	if d, ok := body.(*plan.Distinct); ok && len(d.On) == 0 {
		body = d.Input
	}
	var proj *plan.Project
	if pr, ok := body.(*plan.Project); ok {
		proj, body = pr, pr.Input
	}
	b, ok := groupedBody(body, nOuter)
	if !ok {
		filt, isFilter := body.(*plan.Filter)
		if !isFilter {
			return subqueryBody{}, false
		}
		if b, ok = splitCorrelated(filt, nOuter); !ok {
			return subqueryBody{}, false
		}
	}
	if wantValue {
		if proj == nil || len(proj.Exprs) != 1 || readsOuterDepth(proj.Exprs[0]) {
			return subqueryBody{}, false
		}
		b.value = proj.Exprs[0]
	}
	return b, true
}

// groupedBody takes apart a grouped subquery correlated on its grouping:
// an aggregate (under an optional HAVING filter) over a filter whose
// correlated conjuncts equate GROUP BY expressions with the outer row.
//
//	EXISTS (SELECT 1 FROM u WHERE u.k = t.k GROUP BY u.k HAVING count(*) > 2)
//	  => the groups of u (HAVING count(*) > 2), matched on their k = t.k
//
// Grouping by a correlated column makes each outer row see only its group,
// so the aggregate runs once, uncorrelated, and the correlation becomes a
// join key on the group's column.
func groupedBody(body plan.Node, nOuter int) (subqueryBody, bool) {
	var having *plan.Filter
	if f, ok := body.(*plan.Filter); ok {
		if _, ok := f.Input.(*plan.Aggregate); ok {
			having, body = f, f.Input
		}
	}
	agg, ok := body.(*plan.Aggregate)
	if !ok || len(agg.GroupBy) == 0 {
		return subqueryBody{}, false
	}
	filt, ok := agg.Input.(*plan.Filter)
	if !ok {
		return subqueryBody{}, false
	}
	inner, ok := splitCorrelated(filt, nOuter)
	if !ok || inner.residual != nil || len(inner.outerKeys) == 0 {
		return subqueryBody{}, false
	}
	if having != nil && readsOuterDepth(having.Pred) {
		return subqueryBody{}, false
	}
	for _, e := range plan.Exprs(agg) {
		if readsOuterDepth(e) {
			return subqueryBody{}, false
		}
	}
	keys := make([]expr.Expr, len(inner.innerKeys))
	for i, k := range inner.innerKeys {
		for j, g := range agg.GroupBy {
			if expr.Equal(g, k) {
				keys[i] = &expr.ColRef{Idx: j, T: g.Type()}
				break
			}
		}
		if keys[i] == nil {
			return subqueryBody{}, false
		}
	}
	grouped := *agg
	grouped.Input = inner.from
	var from plan.Node = plan.WithColumns(&grouped, agg.Columns())
	if having != nil {
		from = plan.WithColumns(&plan.Filter{Input: from, Pred: having.Pred}, having.Columns())
	}
	return subqueryBody{from: from, outerKeys: inner.outerKeys, innerKeys: keys}, true
}

// splitCorrelated takes a correlated filter apart: its input, filtered by
// the conjuncts that read only it, must read nothing of the outer query;
// equalities between the outer row (of width nOuter) and the input become
// keys, other correlated conjuncts the residual. It reports false when a
// conjunct reads a query further out or a subquery.
func splitCorrelated(filt *plan.Filter, nOuter int) (subqueryBody, bool) {
	if plan.ReadsOuter(filt.Input) {
		return subqueryBody{}, false
	}
	b := subqueryBody{from: filt.Input}
	var local []expr.Expr
	for _, fc := range Conjuncts(filt.Pred) {
		if !readsOuterDepth(fc) {
			if plan.ReadsOuter(plan.WithColumns(&plan.Filter{Input: b.from, Pred: fc}, b.from.Columns())) {
				return subqueryBody{}, false
			}
			local = append(local, fc)
			continue
		}
		if !onlyDepthOne(fc) {
			return subqueryBody{}, false
		}
		if lk, rk, ok := correlatedKey(fc); ok {
			b.outerKeys = append(b.outerKeys, lk)
			b.innerKeys = append(b.innerKeys, rk)
			continue
		}
		b.residual = AndAll(append(Conjuncts(b.residual), toJoinRow(fc, nOuter)))
	}
	if len(local) > 0 {
		b.from = plan.WithColumns(&plan.Filter{Input: b.from, Pred: AndAll(local)}, b.from.Columns())
	}
	return b, true
}

// readsOuterDepth reports whether e reads an outer query's column directly
// (not inside a nested subquery).
func readsOuterDepth(e expr.Expr) bool {
	found := false
	expr.Walk(e, func(n expr.Expr) bool {
		switch n := n.(type) {
		case *expr.OuterRef:
			found = true
		case *expr.Subquery:
			found = found || n.Correlated
		}
		return !found
	})
	return found
}

// onlyDepthOne reports whether every outer reference of e is to the
// immediately enclosing query and e holds no subquery.
func onlyDepthOne(e expr.Expr) bool {
	ok := true
	expr.Walk(e, func(n expr.Expr) bool {
		switch n := n.(type) {
		case *expr.OuterRef:
			ok = ok && n.Depth == 1
		case *expr.Subquery:
			ok = false
		}
		return ok
	})
	return ok
}

// onlyLeft reports whether e reads only columns below n and no subquery.
func onlyLeft(e expr.Expr, n int) bool {
	return sides(e, n)&(sideRight|sideOpaque) == 0
}

// correlatedKey recognises "local = outer" (either order) where one side
// reads only the subquery's row and the other only the outer row; it
// returns the outer side as a left key and the local side as a right key.
func correlatedKey(c expr.Expr) (expr.Expr, expr.Expr, bool) {
	call, ok := c.(*expr.Call)
	if !ok || call.Fn.Name != "=" || len(call.Args) != 2 {
		return nil, nil, false
	}
	a, b := call.Args[0], call.Args[1]
	if !a.Type().SameKind(b.Type()) {
		return nil, nil, false
	}
	switch {
	case isLocalOnly(a) && isOuterOnly(b):
		return outerToLeft(b), a, true
	case isLocalOnly(b) && isOuterOnly(a):
		return outerToLeft(a), b, true
	}
	return nil, nil, false
}

func isLocalOnly(e expr.Expr) bool {
	local := false
	ok := true
	expr.Walk(e, func(n expr.Expr) bool {
		switch n.(type) {
		case *expr.ColRef:
			local = true
		case *expr.OuterRef, *expr.Subquery, *expr.Param:
			ok = false
		}
		return ok
	})
	return ok && local
}

func isOuterOnly(e expr.Expr) bool {
	outer := false
	ok := true
	expr.Walk(e, func(n expr.Expr) bool {
		switch n.(type) {
		case *expr.OuterRef:
			outer = true
		case *expr.ColRef, *expr.Subquery:
			ok = false
		}
		return ok
	})
	return ok && outer
}

// outerToLeft rewrites depth-1 outer references into columns of the
// join's left row.
func outerToLeft(e expr.Expr) expr.Expr {
	out, _ := expr.Map(e, func(n expr.Expr) (expr.Expr, error) {
		if o, ok := n.(*expr.OuterRef); ok {
			return &expr.ColRef{Idx: o.Idx, T: o.T}, nil
		}
		return n, nil
	})
	return out
}

// toJoinRow rewrites a correlated conjunct to read the join row: outer
// references become left columns, local columns move right by n.
func toJoinRow(e expr.Expr, n int) expr.Expr {
	out, _ := expr.Map(e, func(x expr.Expr) (expr.Expr, error) {
		switch x := x.(type) {
		case *expr.OuterRef:
			return &expr.ColRef{Idx: x.Idx, T: x.T}, nil
		case *expr.ColRef:
			return &expr.ColRef{Idx: x.Idx + n, T: x.T, Name: x.Name}, nil
		}
		return x, nil
	})
	return out
}
