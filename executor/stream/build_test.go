package stream

import (
	"testing"

	"github.com/freshetdb/freshet/planner/plan"
	"github.com/freshetdb/freshet/sql/builtin"
	"github.com/freshetdb/freshet/sql/expr"
	"github.com/freshetdb/freshet/sql/types"
)

// TestBuildClonesExpressions: Build promises that one plan may be built
// several times. A Call keeps scratch space that Eval writes, so two built
// dataflows (two views, two workers of one fragment, a view and a SELECT)
// must not share a Call: every operator gets its own copy of its
// expressions.
func TestBuildClonesExpressions(t *testing.T) {
	cols := []plan.Column{{Name: "a", Type: types.Int4}}
	leaf := plan.WithColumns(&plan.Values{}, cols)
	a := col(0, types.Int4)
	plus1 := func() expr.Expr { return call(t, "+", a, konst(types.NewInt4(1), types.Int4)) }
	series, _, err := builtin.Resolve("generate_series", []types.T{types.Int4, types.Int4})
	if err != nil {
		t.Fatal(err)
	}
	int4 := func(name string) []plan.Column { return []plan.Column{{Name: name, Type: types.Int4}} }
	nodes := map[string]plan.Node{
		"Filter":  plan.WithColumns(&plan.Filter{Input: leaf, Pred: call(t, ">", plus1(), a)}, cols),
		"Project": plan.WithColumns(&plan.Project{Input: leaf, Exprs: []expr.Expr{plus1()}}, int4("p")),
		"Join": plan.WithColumns(&plan.Join{Kind: plan.JoinInner, Left: leaf, Right: leaf,
			LeftKeys: []expr.Expr{plus1()}, RightKeys: []expr.Expr{plus1()}, Residual: call(t, "<", a, plus1())},
			append(int4("a"), int4("b")...)),
		"Aggregate": plan.WithColumns(&plan.Aggregate{Input: leaf, GroupBy: []expr.Expr{plus1()}, Aggs: []plan.AggCall{
			{Name: "sum", Args: []expr.Expr{plus1()}, Filter: call(t, ">", plus1(), a),
				OrderBy: []plan.SortExpr{asc(plus1())}, T: types.Int8},
		}}, append(int4("g"), plan.Column{Name: "sum", Type: types.Int8})),
		"Distinct": plan.WithColumns(&plan.Distinct{Input: leaf, On: []expr.Expr{plus1()}}, cols),
		"Window": plan.WithColumns(&plan.Window{Input: leaf, Calls: []plan.WindowCall{{Name: "sum", IsAgg: true,
			Args: []expr.Expr{plus1()}, PartitionBy: []expr.Expr{plus1()}, OrderBy: []plan.SortExpr{asc(plus1())},
			Frame: plan.DefaultFrame, T: types.Int8}}}, append(int4("a"), plan.Column{Name: "sum", Type: types.Int8})),
		"TopN": plan.WithColumns(&plan.Limit{Input: plan.WithColumns(&plan.Sort{Input: leaf,
			Keys: []plan.SortExpr{asc(plus1())}}, cols), Count: konst(types.NewInt8(2), types.Int8)}, cols),
		"FlatMap": plan.WithColumns(&plan.FlatMap{Input: leaf, Calls: []plan.SetCall{
			{Fn: series, Args: []expr.Expr{a, plus1()}, Cols: int4("generate_series")}}}, append(int4("a"), int4("generate_series")...)),
	}
	for _, name := range []string{"Filter", "Project", "Join", "Aggregate", "Distinct", "Window", "TopN", "FlatMap"} {
		t.Run(name, func(t *testing.T) {
			var calls [2]map[*expr.Call]bool
			for i := range calls {
				leaves, err := Build(testCtx(), nodes[name], NewCollect(), 0)
				if err != nil {
					t.Fatal(err)
				}
				calls[i] = map[*expr.Call]bool{}
				for _, e := range operatorExprs(leaves[0].Out) {
					expr.Walk(e, func(n expr.Expr) bool {
						if c, ok := n.(*expr.Call); ok {
							calls[i][c] = true
						}
						return true
					})
				}
				if len(calls[i]) == 0 {
					t.Fatalf("found no call in the built %s", name)
				}
			}
			for c := range calls[0] {
				if calls[1][c] {
					t.Errorf("two builds of one %s plan share the call %s", name, c)
				}
			}
		})
	}
}

// operatorExprs returns the expressions an operator evaluates.
func operatorExprs(op Operator) []expr.Expr {
	var out []expr.Expr
	sorts := func(ss []plan.SortExpr) {
		for _, s := range ss {
			out = append(out, s.Expr)
		}
	}
	switch op := op.(type) {
	case *Filter:
		out = append(out, op.pred)
	case *Project:
		out = append(out, op.exprs...)
	case *HashJoin:
		out = append(append(append(out, op.keys[0]...), op.keys[1]...), op.residual)
	case *Aggregate:
		out = append(out, op.groupBy...)
		for _, c := range op.calls {
			out = append(append(out, c.Args...), c.Filter)
			sorts(c.OrderBy)
		}
	case *Distinct:
		out = append(out, op.on...)
		sorts(op.sort)
	case *Window:
		for _, c := range op.calls {
			out = append(append(out, c.Args...), c.PartitionBy...)
			sorts(c.OrderBy)
		}
	case *TopN:
		sorts(op.rows.keys)
	case *FlatMap:
		for _, c := range op.calls {
			out = append(out, c.Args...)
		}
	}
	return out
}
