package norm

import (
	"github.com/freshetdb/freshet/planner/plan"
	"github.com/freshetdb/freshet/sql/catalog"
	"github.com/freshetdb/freshet/sql/expr"
)

// PushFilterIntoScan turns equalities on a leading prefix of a stored
// table's primary key into a key range, so the scan reads only matching
// keys instead of the whole table:
//
//	SELECT * FROM t WHERE id = $1          -- point read
//	SELECT * FROM t WHERE a = 1 AND b > 2  -- prefix a = 1, filter b > 2 kept
//
// Only constants and parameters qualify as values (of the column's exact
// type); the filter stays in place, so the range is purely an access path.
func PushFilterIntoScan(f *plan.Filter, s *plan.Scan) plan.Node {
	t := s.Table
	if t.Kind != catalog.RelTable || len(t.PrimaryKey) == 0 || s.Range != nil {
		return f
	}
	eq := map[int]expr.Expr{}
	for _, c := range Conjuncts(f.Pred) {
		call, ok := c.(*expr.Call)
		if !ok || call.Fn.Name != "=" || len(call.Args) != 2 {
			continue
		}
		col, val := call.Args[0], call.Args[1]
		if _, ok := col.(*expr.ColRef); !ok {
			col, val = val, col
		}
		ref, ok := col.(*expr.ColRef)
		if !ok || !isParamOrConst(val) || !val.Type().Equal(t.Columns[ref.Idx].Type) {
			continue
		}
		eq[ref.Idx] = val
	}
	var vals []expr.Expr
	for _, k := range t.PrimaryKey {
		v, ok := eq[k]
		if !ok {
			break
		}
		vals = append(vals, v)
	}
	if len(vals) > 0 {
		s.Range = &plan.KeyRange{Values: vals}
	}
	return f
}

func isParamOrConst(e expr.Expr) bool {
	switch e.(type) {
	case *expr.Const, *expr.Param:
		return true
	}
	return false
}
