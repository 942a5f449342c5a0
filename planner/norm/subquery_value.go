package norm

import (
	"github.com/freshetdb/freshet/planner/plan"
	"github.com/freshetdb/freshet/sql/builtin"
	"github.com/freshetdb/freshet/sql/expr"
	"github.com/freshetdb/freshet/sql/sqlerr"
	"github.com/freshetdb/freshet/sql/types"
)

// joinSubqueryValue decorrelates an EXISTS, IN, ANY or ALL subquery used as
// a value (in the select list, under OR or NOT, anywhere a semi or anti
// join cannot stand for it) into left joins of input with aggregates of the
// subquery's rows grouped by the correlation, and returns the new input and
// the expression replacing the subquery:
//
//	EXISTS (SELECT 1 FROM u WHERE u.k = t.k)
//	  => t LEFT JOIN (SELECT k, count(*) FROM u GROUP BY k) g ON g.k = t.k;  g.count IS NOT NULL
//	t.x IN (SELECT u.y FROM u WHERE u.k = t.k)
//	  => also LEFT JOIN (SELECT k, y, count(*) FROM u GROUP BY k, y) m ON (m.k, m.y) = (t.k, t.x)
//	     and LEFT JOIN (SELECT k, bool_or(y IS NULL) FROM u GROUP BY k) s ON s.k = t.k;
//	     TRUE when m matched, FALSE when s is missing (no rows), NULL when
//	     t.x or some y is NULL, FALSE otherwise
//	t.x > ALL (SELECT ...)
//	  => the min, max and NULL presence of y per group, compared with t.x
//
// Each aggregate has at most one row per correlation value, so the joins
// keep the input's rows as they are. The subquery must be uncorrelated or
// correlated by equalities only (see decompose).
func joinSubqueryValue(input plan.Node, q *expr.Subquery) (plan.Node, expr.Expr, bool) {
	switch q.Kind {
	case expr.SubExists, expr.SubAny, expr.SubAll:
	default:
		return nil, nil, false
	}
	b, ok := decompose(q, len(input.Columns()))
	if !ok || b.residual != nil {
		return nil, nil, false
	}
	if q.Kind == expr.SubExists {
		in, cols := b.joinGroups(input, nil, nil, []plan.AggCall{{Name: "count", T: types.Int8}})
		return in, &expr.IsNull{X: cols[0], Negate: true}, true
	}
	switch op := q.Op.Fn.Name; {
	case q.Kind == expr.SubAny && op == "=":
		return b.joinIn(input, q)
	case q.Kind == expr.SubAll && op == "<>":
		// x <> ALL (S) is NOT (x = ANY (S)): NOT IN.
		in, v, ok := b.joinIn(input, q)
		return in, &expr.Not{X: v}, ok
	case op == "<", op == "<=", op == ">", op == ">=", op == "=", op == "<>":
		return b.joinCompare(input, q)
	}
	return nil, nil, false
}

// joinGroups left-joins input with the aggregates of b's rows grouped by
// the correlation keys and the extra inner keys, matched with the outer
// correlation keys and the extra outer keys, and returns the new input and
// references to the aggregates' columns. An uncorrelated subquery without
// extra keys groups by a constant, so that its one group exists only when
// it has rows.
func (b subqueryBody) joinGroups(input plan.Node, outer, inner []expr.Expr, aggs []plan.AggCall) (plan.Node, []expr.Expr) {
	leftKeys := append(append([]expr.Expr(nil), b.outerKeys...), outer...)
	groupBy := append(append([]expr.Expr(nil), b.innerKeys...), inner...)
	if len(groupBy) == 0 {
		groupBy = []expr.Expr{&expr.Const{V: types.NewBool(true), T: types.Bool}}
	}
	var cols []plan.Column
	for i, k := range groupBy {
		cols = append(cols, plan.Column{Name: "key" + string(rune('0'+i)), Type: k.Type()})
	}
	for i, a := range aggs {
		cols = append(cols, plan.Column{Name: "agg" + string(rune('0'+i)), Type: a.T})
	}
	grouped := plan.WithColumns(&plan.Aggregate{Input: b.from, GroupBy: groupBy, Aggs: aggs}, cols)
	rightKeys := make([]expr.Expr, len(leftKeys))
	for i := range leftKeys {
		rightKeys[i] = &expr.ColRef{Idx: i, T: groupBy[i].Type()}
	}
	nl := len(input.Columns())
	joined := plan.WithColumns(&plan.Join{Kind: plan.JoinLeft, Left: input, Right: grouped, LeftKeys: leftKeys, RightKeys: rightKeys},
		append(append([]plan.Column(nil), input.Columns()...), cols...))
	refs := make([]expr.Expr, len(aggs))
	for i, a := range aggs {
		refs[i] = &expr.ColRef{Idx: nl + len(groupBy) + i, T: a.T}
	}
	return joined, refs
}

// hasNullCall is bool_or(value IS NULL): whether a group holds a NULL
// value (and, being NULL only for a missing group, whether it has rows).
func (b subqueryBody) hasNullCall() plan.AggCall {
	return plan.AggCall{Name: "bool_or", Args: []expr.Expr{&expr.IsNull{X: b.value}}, T: types.Bool}
}

// joinIn decorrelates x IN (subquery) as a value: a match of (correlation,
// x) among the subquery's (correlation, value) groups makes it TRUE;
// otherwise no rows make it FALSE, a NULL x or value NULL, else FALSE.
func (b subqueryBody) joinIn(input plan.Node, q *expr.Subquery) (plan.Node, expr.Expr, bool) {
	if !q.X.Type().SameKind(b.value.Type()) {
		return nil, nil, false
	}
	input, match := b.joinGroups(input, []expr.Expr{q.X}, []expr.Expr{b.value}, []plan.AggCall{{Name: "count", T: types.Int8}})
	input, group := b.joinGroups(input, nil, nil, []plan.AggCall{b.hasNullCall()})
	hasNull := group[0]
	return input, &expr.Case{T: types.Bool, Whens: []expr.When{
		{Cond: &expr.IsNull{X: match[0], Negate: true}, Then: boolConst(true)},
		{Cond: &expr.IsNull{X: hasNull}, Then: boolConst(false)},
		{Cond: &expr.Or{Args: []expr.Expr{&expr.IsNull{X: q.X}, hasNull}}, Then: &expr.Const{V: types.NullDatum, T: types.Bool}},
	}, Else: boolConst(false)}, true
}

// joinCompare decorrelates x op ANY / ALL (subquery) for an ordering
// comparison (and = ALL, <> ANY) from the least and greatest value of each
// group and whether it holds a NULL: x > ANY (S) holds when x > min(S),
// x > ALL (S) fails when x <= max(S); with no decision, a NULL x or value
// makes the result NULL; an empty subquery makes ANY false and ALL true.
func (b subqueryBody) joinCompare(input plan.Node, q *expr.Subquery) (plan.Node, expr.Expr, bool) {
	t := b.value.Type()
	input, g := b.joinGroups(input, nil, nil, []plan.AggCall{
		{Name: "min", Args: []expr.Expr{b.value}, T: t},
		{Name: "max", Args: []expr.Expr{b.value}, T: t},
		b.hasNullCall(),
	})
	lo, hi, hasNull := g[0], g[1], g[2]
	cmp := func(y expr.Expr) expr.Expr {
		return &expr.Call{Fn: q.Op.Fn, Args: []expr.Expr{q.X, y}, T: types.Bool}
	}
	op := q.Op.Fn.Name
	isAny := q.Kind == expr.SubAny
	// decide is the condition that settles the result (TRUE for ANY, FALSE
	// for ALL) on the non-NULL values.
	var decide expr.Expr
	switch {
	case op == "=" || op == "<>":
		// x = ALL (S) fails unless min(S) = max(S) = x; x <> ANY (S)
		// holds on the same condition.
		eq := func(y expr.Expr) expr.Expr {
			if op == "=" {
				return cmp(y)
			}
			return &expr.Not{X: cmp(y)}
		}
		decide = &expr.Not{X: &expr.And{Args: []expr.Expr{eq(lo), eq(hi)}}}
		if isAny != (op == "<>") {
			return nil, nil, false
		}
	case isAny == (op == "<" || op == "<="):
		// ANY with < compares with the greatest value, ALL with > too.
		decide = cmp(hi)
	default:
		decide = cmp(lo)
	}
	settled, otherwise := boolConst(isAny), boolConst(!isAny)
	if !isAny && op != "=" {
		decide = &expr.Not{X: decide}
	}
	return input, &expr.Case{T: types.Bool, Whens: []expr.When{
		{Cond: &expr.IsNull{X: hasNull}, Then: otherwise},
		{Cond: decide, Then: settled},
		{Cond: &expr.Or{Args: []expr.Expr{&expr.IsNull{X: q.X}, hasNull}}, Then: &expr.Const{V: types.NullDatum, T: types.Bool}},
	}, Else: otherwise}, true
}

func boolConst(v bool) expr.Expr { return &expr.Const{V: types.NewBool(v), T: types.Bool} }

// joinScalarLookup decorrelates a scalar subquery that is not an aggregate,
// a lookup such as
//
//	(SELECT d.name FROM d WHERE d.id = t.k)
//	  => t LEFT JOIN (SELECT id, count(*), min(name) FROM d GROUP BY id) g ON g.id = t.k;
//	     CASE WHEN g.count > 1 THEN error 21000 ELSE g.min END
//
// With one row per correlation value min is that row's value; no rows give
// NULL as the subquery does, and more than one the error it raises (21000),
// for the outer rows that see them. The value's type must be orderable.
func joinScalarLookup(input plan.Node, q *expr.Subquery) (plan.Node, expr.Expr, bool) {
	b, ok := decompose(q, len(input.Columns()))
	if !ok || b.residual != nil {
		return nil, nil, false
	}
	t := b.value.Type()
	switch t.Kind {
	case types.KindJSON, types.KindJSONB, types.KindRecord, types.KindArray, types.KindUnknown, types.KindNull:
		return nil, nil, false
	}
	gt, _, err := builtin.Resolve(">", []types.T{types.Int8, types.Int8})
	if err != nil {
		return nil, nil, false
	}
	input, g := b.joinGroups(input, nil, nil, []plan.AggCall{{Name: "count", T: types.Int8}, {Name: "min", Args: []expr.Expr{b.value}, T: t}})
	many := expr.NewCall(gt, []expr.Expr{g[0], &expr.Const{V: types.NewInt8(1), T: types.Int8}}, types.Bool)
	tooMany := &expr.Fail{T: t, Err: sqlerr.New(sqlerr.CardinalityViolation, "more than one row returned by a subquery used as an expression")}
	return input, &expr.Case{T: t, Whens: []expr.When{{Cond: many, Then: tooMany}}, Else: g[1]}, true
}
