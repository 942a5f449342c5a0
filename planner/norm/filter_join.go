package norm

import (
	"github.com/freshetdb/freshet/planner/plan"
	"github.com/freshetdb/freshet/sql/expr"
)

// PushFilterIntoJoin moves the conjuncts of a WHERE clause over a join to
// where they can act earliest:
//
//	SELECT * FROM a, b WHERE a.id = b.id AND a.x > 1
//	  a.x > 1 filters a's input; a.id = b.id becomes the join key
//
// For an inner join, a conjunct reading one side moves into that input and
// one reading both joins the condition. For a left join only left-side
// conjuncts move down (into the left input); right and full joins keep the
// filter above, as do conjuncts with subqueries or volatile functions.
func PushFilterIntoJoin(f *plan.Filter, j *plan.Join) plan.Node {
	if j.Kind != plan.JoinInner && j.Kind != plan.JoinLeft {
		return f
	}
	nl := len(j.Left.Columns())
	var left, right, both, keep []expr.Expr
	for _, c := range Conjuncts(f.Pred) {
		s := sides(c, nl)
		switch {
		case s&sideOpaque != 0 || s == 0:
			keep = append(keep, c)
		case s == sideLeft:
			left = append(left, c)
		case s == sideRight && j.Kind == plan.JoinInner:
			right = append(right, Shift(c, -nl))
		case j.Kind == plan.JoinInner:
			both = append(both, c)
		default:
			keep = append(keep, c)
		}
	}
	if len(left)+len(right)+len(both) == 0 {
		return f
	}
	if len(left) > 0 {
		j.Left = Normalize(filterOver(j.Left, AndAll(left)))
	}
	if len(right) > 0 {
		j.Right = Normalize(filterOver(j.Right, AndAll(right)))
	}
	if len(both) > 0 {
		j.Residual = AndAll(append(Conjuncts(j.Residual), both...))
	}
	out := ExtractJoinKeys(j)
	if len(keep) > 0 {
		return plan.WithColumns(&plan.Filter{Input: out, Pred: AndAll(keep)}, f.Columns())
	}
	return out
}

func filterOver(n plan.Node, pred expr.Expr) plan.Node {
	return plan.WithColumns(&plan.Filter{Input: n, Pred: pred}, n.Columns())
}
