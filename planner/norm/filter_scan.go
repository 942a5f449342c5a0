package norm

import (
	"github.com/freshetdb/freshet/planner/plan"
	"github.com/freshetdb/freshet/sql/catalog"
	"github.com/freshetdb/freshet/sql/expr"
)

// PushFilterIntoScan turns equalities on a leading prefix of a stored
// table's primary key, and comparisons on the key column after it, into a
// key range, so the scan reads only matching keys instead of the whole table:
//
//	SELECT * FROM t WHERE id = $1                 -- point read
//	SELECT * FROM t WHERE id BETWEEN 10 AND 20    -- range read
//	SELECT * FROM t WHERE a = 1 AND b > 2         -- prefix a = 1, b > 2
//
// Only constants and parameters qualify as values (of the column's exact
// type); the filter stays in place, so the range is purely an access path.
func PushFilterIntoScan(f *plan.Filter, s *plan.Scan) plan.Node {
	t := s.Table
	if t.Kind != catalog.RelTable || len(t.PrimaryKey) == 0 || s.Range != nil {
		return f
	}
	type cmp struct {
		op  string
		val expr.Expr
	}
	byCol := map[int][]cmp{}
	flip := map[string]string{"=": "=", "<": ">", "<=": ">=", ">": "<", ">=": "<="}
	for _, c := range Conjuncts(f.Pred) {
		call, ok := c.(*expr.Call)
		if !ok || len(call.Args) != 2 || flip[call.Fn.Name] == "" {
			continue
		}
		op, col, val := call.Fn.Name, call.Args[0], call.Args[1]
		if _, ok := col.(*expr.ColRef); !ok {
			op, col, val = flip[op], val, col
		}
		ref, ok := col.(*expr.ColRef)
		if !ok || !isParamOrConst(val) || !val.Type().Equal(t.Columns[ref.Idx].Type) {
			continue
		}
		byCol[ref.Idx] = append(byCol[ref.Idx], cmp{op, val})
	}
	r := &plan.KeyRange{}
	for _, k := range t.PrimaryKey {
		var eq expr.Expr
		for _, c := range byCol[k] {
			if c.op == "=" {
				eq = c.val
			}
		}
		if eq != nil {
			r.Values = append(r.Values, eq)
			continue
		}
		for _, c := range byCol[k] {
			switch c.op {
			case ">", ">=":
				if r.Lower == nil {
					r.Lower = &plan.KeyBound{Value: c.val, Inclusive: c.op == ">="}
				}
			case "<", "<=":
				if r.Upper == nil {
					r.Upper = &plan.KeyBound{Value: c.val, Inclusive: c.op == "<="}
				}
			}
		}
		break
	}
	if len(r.Values) > 0 || r.Lower != nil || r.Upper != nil {
		s.Range = r
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
