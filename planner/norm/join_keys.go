package norm

import (
	"github.com/freshetdb/freshet/planner/plan"
	"github.com/freshetdb/freshet/sql/expr"
)

// ExtractJoinKeys turns conjuncts "left-expr = right-expr" of a join's
// residual condition into hash-join keys, so the join probes an index
// instead of comparing every pair.
//
//	SELECT * FROM a JOIN b ON a.x = b.y AND a.z < b.w
//	  keys: a.x = b.y   residual: a.z < b.w
//
// Both sides must have the same type kind (the binder's casts make them
// so); keys never match NULL, exactly as "=" yields NULL for NULL.
func ExtractJoinKeys(j *plan.Join) plan.Node {
	if j.Residual == nil {
		return j
	}
	nl := len(j.Left.Columns())
	var rest []expr.Expr
	for _, c := range Conjuncts(j.Residual) {
		if lk, rk, ok := equiKey(c, nl); ok {
			j.LeftKeys = append(j.LeftKeys, lk)
			j.RightKeys = append(j.RightKeys, rk)
			continue
		}
		rest = append(rest, c)
	}
	j.Residual = AndAll(rest)
	return j
}

func equiKey(c expr.Expr, nl int) (expr.Expr, expr.Expr, bool) {
	call, ok := c.(*expr.Call)
	if !ok || call.Fn.Name != "=" || len(call.Args) != 2 {
		return nil, nil, false
	}
	a, b := call.Args[0], call.Args[1]
	if !a.Type().SameKind(b.Type()) {
		return nil, nil, false
	}
	sa, sb := sides(a, nl), sides(b, nl)
	switch {
	case sa == sideLeft && sb == sideRight:
		return a, Shift(b, -nl), true
	case sa == sideRight && sb == sideLeft:
		return b, Shift(a, -nl), true
	}
	return nil, nil, false
}
