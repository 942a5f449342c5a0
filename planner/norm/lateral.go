package norm

import (
	"github.com/freshetdb/freshet/planner/plan"
	"github.com/freshetdb/freshet/sql/builtin"
	"github.com/freshetdb/freshet/sql/expr"
	"github.com/freshetdb/freshet/sql/types"
)

// perKey is a correlated subquery read as "the rows of a relation that
// equal the outer row on some columns, projected, in some order, the first
// limit of them": the shape of a LATERAL subquery and of a scalar subquery
// with ORDER BY ... LIMIT 1.
type perKey struct {
	subqueryBody
	exprs []expr.Expr     // the projection, over from's rows
	cols  []plan.Column   // its columns
	order []plan.SortExpr // over the projection's columns (none: any order)
	limit int64           // 0: all rows
	// out are the subquery's output columns over the projection's (the
	// projection may carry columns only the ORDER BY reads), and outCols
	// their columns.
	out     []expr.Expr
	outCols []plan.Column
}

// decomposePerKey takes a correlated subquery plan apart: an optional LIMIT
// (a constant, no OFFSET) over an optional ORDER BY over a projection of a
// correlated filter (see splitCorrelated). It reports false for another
// shape.
func decomposePerKey(p plan.Node, nOuter int) (perKey, bool) {
	var k perKey
	body := p
	var final *plan.Project
	if f, ok := body.(*plan.Project); ok {
		switch f.Input.(type) {
		case *plan.Limit, *plan.Sort:
			final, body = f, f.Input
		}
	}
	if l, ok := body.(*plan.Limit); ok {
		n, ok := constInt(l.Count)
		if !ok || n < 1 || (l.Offset != nil && !isZero(l.Offset)) {
			return perKey{}, false
		}
		k.limit, body = n, l.Input
	}
	if s, ok := body.(*plan.Sort); ok {
		k.order, body = s.Keys, s.Input
	}
	proj, ok := body.(*plan.Project)
	if !ok {
		return perKey{}, false
	}
	filt, ok := proj.Input.(*plan.Filter)
	if !ok {
		return perKey{}, false
	}
	if k.subqueryBody, ok = splitCorrelated(filt, nOuter); !ok || len(k.outerKeys) == 0 {
		return perKey{}, false
	}
	for _, e := range proj.Exprs {
		if readsOuterDepth(e) {
			return perKey{}, false
		}
	}
	for _, o := range k.order {
		if readsOuterDepth(o.Expr) {
			return perKey{}, false
		}
	}
	k.exprs, k.cols = proj.Exprs, proj.Columns()
	k.out, k.outCols = columnRefs(k.cols), k.cols
	if final != nil {
		for _, e := range final.Exprs {
			if readsOuterDepth(e) {
				return perKey{}, false
			}
		}
		k.out, k.outCols = final.Exprs, final.Columns()
	}
	return k, true
}

// topRows returns the relation of the subquery's rows for every correlation
// value: the correlation keys (columns 0..len(innerKeys)-1) followed by the
// projection, and, with a limit, only the first limit rows per key in the
// subquery's order (row_number over the keys, a window the planner runs as
// a top-N per group), followed by that row number.
func (k perKey) topRows() (plan.Node, bool) {
	nk := len(k.innerKeys)
	exprs := append(append([]expr.Expr(nil), k.innerKeys...), k.exprs...)
	var cols []plan.Column
	for i, e := range k.innerKeys {
		cols = append(cols, plan.Column{Name: "key" + string(rune('0'+i)), Type: e.Type()})
	}
	cols = append(cols, k.cols...)
	proj := plan.WithColumns(&plan.Project{Input: k.from, Exprs: exprs}, cols)
	if k.limit == 0 {
		return proj, true
	}
	partition := make([]expr.Expr, nk)
	for i := range partition {
		partition[i] = &expr.ColRef{Idx: i, T: cols[i].Type}
	}
	order := make([]plan.SortExpr, len(k.order))
	for i, o := range k.order {
		o.Expr = Shift(o.Expr, nk)
		order[i] = o
	}
	win := plan.WithColumns(&plan.Window{Input: proj, RankLimit: k.limit, Calls: []plan.WindowCall{{
		Name: "row_number", PartitionBy: partition, OrderBy: order, Frame: plan.DefaultFrame, T: types.Int8,
	}}}, append(append([]plan.Column(nil), cols...), plan.Column{Name: "rn", Type: types.Int8}))
	le, _, err := builtin.Resolve("<=", []types.T{types.Int8, types.Int8})
	if err != nil {
		return nil, false
	}
	rn := &expr.ColRef{Idx: len(cols), T: types.Int8}
	keep := expr.NewCall(le, []expr.Expr{rn, &expr.Const{V: types.NewInt8(k.limit), T: types.Int8}}, types.Bool)
	return plan.WithColumns(&plan.Filter{Input: win, Pred: keep}, win.Columns()), true
}

// DecorrelateApply turns a LATERAL subquery correlated by equalities into a
// join with the subquery's rows per correlation value, so that a maintained
// view follows changes of both sides:
//
//	SELECT a.id, x.v FROM a, LATERAL (SELECT v FROM b WHERE b.k = a.k ORDER BY v DESC LIMIT 2) x
//	  => a JOIN (the first 2 rows of b per k by v DESC) x ON x.k = a.k
//
// A LATERAL subquery over a global aggregate joins the aggregate grouped by
// the correlation. LEFT JOIN LATERAL ... ON cond keeps its kind and
// condition. Without a
// limit, the other correlated conditions join as the join's residual; with
// one they would change which rows are first, so the Apply stays. It returns
// nil when the subquery has another shape.
func DecorrelateApply(a *plan.Apply) plan.Node {
	nl := len(a.Left.Columns())
	if a.Cond == nil || isTrue(a.Cond) {
		// LATERAL (SELECT count(*), sum(x) ... WHERE u.k = t.k): one row
		// per outer row, from the aggregate grouped by the correlation.
		if j, exprs, ok := joinGroupedAggregate(a.Left, a.Right); ok {
			out := columnRefs(a.Left.Columns())
			return plan.WithColumns(&plan.Project{Input: j, Exprs: append(out, exprs...)}, a.Columns())
		}
	}
	k, ok := decomposePerKey(a.Right, nl)
	if !ok || (k.limit > 0 && k.residual != nil) || (a.Kind != plan.JoinInner && a.Kind != plan.JoinLeft) {
		return nil
	}
	var right plan.Node
	var rightKeys []expr.Expr
	// value returns the expression of the subquery's output column i over
	// the joined row.
	var value func(i int) expr.Expr
	residual := k.residual
	if k.limit == 0 && residual != nil {
		// The residual reads from's columns: join from itself.
		right, rightKeys = k.from, k.innerKeys
		value = func(i int) expr.Expr { return Shift(substitute(k.out[i], k.exprs), nl) }
	} else {
		top, ok := k.topRows()
		if !ok {
			return nil
		}
		nk := len(k.innerKeys)
		right = top
		for i, e := range k.innerKeys {
			rightKeys = append(rightKeys, &expr.ColRef{Idx: i, T: e.Type()})
		}
		value = func(i int) expr.Expr { return Shift(k.out[i], nl+nk) }
	}
	if a.Cond != nil && !isTrue(a.Cond) {
		cond, err := expr.Map(a.Cond, func(e expr.Expr) (expr.Expr, error) {
			if c, ok := e.(*expr.ColRef); ok && c.Idx >= nl {
				return value(c.Idx - nl), nil
			}
			return e, nil
		})
		if err != nil {
			return nil
		}
		residual = AndAll(append(Conjuncts(residual), cond))
	}
	joinCols := append(append([]plan.Column(nil), a.Left.Columns()...), right.Columns()...)
	j := plan.WithColumns(&plan.Join{Kind: a.Kind, Left: a.Left, Right: right, LeftKeys: k.outerKeys, RightKeys: rightKeys, Residual: residual}, joinCols)
	out := make([]expr.Expr, 0, len(a.Columns()))
	for i, c := range a.Left.Columns() {
		out = append(out, &expr.ColRef{Idx: i, T: c.Type, Name: c.Name})
	}
	for i := range k.out {
		out = append(out, value(i))
	}
	return plan.WithColumns(&plan.Project{Input: j, Exprs: out}, a.Columns())
}

// joinTopScalar decorrelates a scalar subquery that picks the first row of
// the rows equal to the outer row on some columns:
//
//	(SELECT price FROM bids b WHERE b.auction = a.id ORDER BY ts DESC LIMIT 1)
//	  => a LEFT JOIN (the first row of bids per auction by ts DESC) t ON t.auction = a.id
func joinTopScalar(input plan.Node, q *expr.Subquery) (plan.Node, expr.Expr, bool) {
	p, ok := q.Plan.(plan.Node)
	if !ok {
		return nil, nil, false
	}
	nl := len(input.Columns())
	k, ok := decomposePerKey(p, nl)
	if !ok || k.limit != 1 || k.residual != nil || len(k.out) != 1 {
		return nil, nil, false
	}
	top, ok := k.topRows()
	if !ok {
		return nil, nil, false
	}
	nk := len(k.innerKeys)
	rightKeys := make([]expr.Expr, nk)
	for i, e := range k.innerKeys {
		rightKeys[i] = &expr.ColRef{Idx: i, T: e.Type()}
	}
	cols := append(append([]plan.Column(nil), input.Columns()...), top.Columns()...)
	j := plan.WithColumns(&plan.Join{Kind: plan.JoinLeft, Left: input, Right: top, LeftKeys: k.outerKeys, RightKeys: rightKeys}, cols)
	return j, Shift(k.out[0], nl+nk), true
}

// substitute replaces the column references of e with the expressions they
// name.
func substitute(e expr.Expr, exprs []expr.Expr) expr.Expr {
	out, _ := expr.Map(e, func(x expr.Expr) (expr.Expr, error) {
		if c, ok := x.(*expr.ColRef); ok {
			return exprs[c.Idx], nil
		}
		return x, nil
	})
	return out
}

// constInt returns the value of an integer constant.
func constInt(e expr.Expr) (int64, bool) {
	c, ok := e.(*expr.Const)
	if !ok || c.V.IsNull() || !isInteger(c.T) {
		return 0, false
	}
	return c.V.Int(), true
}

func isZero(e expr.Expr) bool {
	n, ok := constInt(e)
	return ok && n == 0
}

// isTrue reports whether e is the constant TRUE.
func isTrue(e expr.Expr) bool {
	c, ok := e.(*expr.Const)
	return ok && c.T.Kind == types.KindBool && !c.V.IsNull() && c.V.Bool()
}

// joinArraySubquery decorrelates ARRAY(subquery) over the rows equal to the
// outer row on some columns into a left join with their array_agg, in the
// subquery's order:
//
//	ARRAY(SELECT y FROM u WHERE u.x = t.a ORDER BY y)
//	  => t LEFT JOIN (SELECT x, array_agg(y ORDER BY y) FROM u GROUP BY x) g ON g.x = t.a;
//	     COALESCE(g.array_agg, '{}')
func joinArraySubquery(input plan.Node, q *expr.Subquery) (plan.Node, expr.Expr, bool) {
	p, ok := q.Plan.(plan.Node)
	if !ok || q.T.Elem == nil {
		return nil, nil, false
	}
	nl := len(input.Columns())
	k, ok := decomposePerKey(p, nl)
	if !ok || k.limit != 0 || k.residual != nil || len(k.out) != 1 {
		return nil, nil, false
	}
	nk := len(k.innerKeys)
	rows, ok := k.topRows()
	if !ok {
		return nil, nil, false
	}
	// Group the keyed rows (keys first) by their key columns.
	keyed := subqueryBody{from: rows, outerKeys: k.outerKeys, innerKeys: make([]expr.Expr, nk)}
	for i, e := range k.innerKeys {
		keyed.innerKeys[i] = &expr.ColRef{Idx: i, T: e.Type()}
	}
	order := make([]plan.SortExpr, len(k.order))
	for i, o := range k.order {
		o.Expr = Shift(o.Expr, nk)
		order[i] = o
	}
	call := plan.AggCall{Name: "array_agg", Args: []expr.Expr{Shift(k.out[0], nk)}, OrderBy: order, T: q.T}
	j, refs := keyed.joinGroups(input, nil, nil, []plan.AggCall{call})
	empty := &expr.Const{V: types.NewArray(*q.T.Elem, []types.Datum{}), T: q.T}
	return j, &expr.Coalesce{Args: []expr.Expr{refs[0], empty}, T: q.T}, true
}
