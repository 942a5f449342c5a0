package norm

import (
	"github.com/freshetdb/freshet/planner/plan"
	"github.com/freshetdb/freshet/sql/expr"
	"github.com/freshetdb/freshet/sql/types"
)

// LimitRanking recognises top-N per group: a filter keeping the rows whose
// row_number, rank or dense_rank is at most n, over the window computing it
// (under an optional projection), and records n in the window so that it
// only computes the rows ranked at most n:
//
//	SELECT * FROM (SELECT *, row_number() OVER (PARTITION BY k ORDER BY x) AS rn FROM t) s WHERE rn <= 3
//
// rn <= n, rn < n + 1 and rn = 1 qualify. The filter stays: it is what
// drops the rows; the window just leaves out rows it would drop.
func LimitRanking(f *plan.Filter) {
	input := f.Input
	var proj *plan.Project
	if p, ok := input.(*plan.Project); ok {
		proj, input = p, p.Input
	}
	w, ok := input.(*plan.Window)
	if !ok || len(w.Calls) != 1 {
		return
	}
	switch w.Calls[0].Name {
	case "row_number", "rank", "dense_rank":
	default:
		return
	}
	rankCol := len(w.Input.Columns())
	for _, c := range Conjuncts(f.Pred) {
		call, ok := c.(*expr.Call)
		if !ok || len(call.Args) != 2 {
			continue
		}
		ref, ok := call.Args[0].(*expr.ColRef)
		n, isConst := constInt(call.Args[1])
		if !ok || !isConst {
			continue
		}
		idx := ref.Idx
		if proj != nil {
			r, ok := proj.Exprs[idx].(*expr.ColRef)
			if !ok {
				continue
			}
			idx = r.Idx
		}
		if idx != rankCol {
			continue
		}
		var limit int64
		switch call.Fn.Name {
		case "<=":
			limit = n
		case "<":
			limit = n - 1
		case "=":
			if n != 1 {
				continue
			}
			limit = 1
		default:
			continue
		}
		if limit >= 1 && (w.RankLimit == 0 || limit < w.RankLimit) {
			w.RankLimit = limit
		}
	}
}

func isInteger(t types.T) bool {
	switch t.Kind {
	case types.KindInt2, types.KindInt4, types.KindInt8:
		return true
	}
	return false
}
