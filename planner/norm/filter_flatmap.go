package norm

import (
	"github.com/freshetdb/freshet/planner/plan"
	"github.com/freshetdb/freshet/sql/expr"
)

// PushFilterBelowFlatMap moves the conjuncts of a filter that read only the
// FlatMap's input columns below it, so a set-returning function never runs
// on rows the filter would drop (and never fails on them):
//
//	SELECT k FROM j, jsonb_object_keys(doc) k WHERE id = 1
//	  id = 1 filters j before jsonb_object_keys runs
func PushFilterBelowFlatMap(f *plan.Filter, fm *plan.FlatMap) plan.Node {
	n := len(fm.Input.Columns())
	var below, keep []expr.Expr
	for _, c := range Conjuncts(f.Pred) {
		if s := sides(c, n); s&(sideRight|sideOpaque) == 0 && s != 0 {
			below = append(below, c)
		} else {
			keep = append(keep, c)
		}
	}
	if len(below) == 0 {
		return f
	}
	fm.Input = Normalize(filterOver(fm.Input, AndAll(below)))
	if len(keep) == 0 {
		return fm
	}
	return plan.WithColumns(&plan.Filter{Input: fm, Pred: AndAll(keep)}, f.Columns())
}
