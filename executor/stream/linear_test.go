package stream

import (
	"testing"

	"pgregory.net/rapid"

	"github.com/freshetdb/freshet/sql/expr"
	"github.com/freshetdb/freshet/sql/types"
)

// The linear operators map each change to changes of the same weight, so
// a retraction must produce exactly what the insertion produced.

// TestFilterIncremental: WHERE with three-valued logic (NULL drops the row).
func TestFilterIncremental(t *testing.T) {
	a, b := col(0, types.Int4), col(1, types.Int4)
	preds := map[string]expr.Expr{
		"a > 1":                  call(t, ">", a, konst(types.NewInt4(1), types.Int4)),
		"a = b":                  call(t, "=", a, b),
		"a IS NULL OR a < b":     &expr.Or{Args: []expr.Expr{&expr.IsNull{X: a}, call(t, "<", a, b)}},
		"NOT (a <> b AND b > 0)": &expr.Not{X: &expr.And{Args: []expr.Expr{call(t, "<>", a, b), call(t, ">", b, konst(types.NewInt4(0), types.Int4))}}},
	}
	names := []string{"a > 1", "a = b", "a IS NULL OR a < b", "NOT (a <> b AND b > 0)"}
	rapid.Check(t, func(rt *rapid.T) {
		pred := preds[rapid.SampledFrom(names).Draw(rt, "WHERE")]
		checkIncremental(rt, incCase{
			widths: []int{2},
			gens:   []*rapid.Generator[types.Row]{genRow(genInt4(2), genInt4(2))},
			build: func(ctx *expr.Ctx, out Operator) (Operator, error) {
				return NewFilter(ctx, cloneTree(pred), 2, out, 0), nil
			},
		}, checkOutput)
	})
}

// TestProjectIncremental: computed columns, including ones that map
// different input rows to the same output row (weights must add up).
func TestProjectIncremental(t *testing.T) {
	a, b := col(0, types.Int4), col(1, types.Int4)
	exprs := []expr.Expr{
		call(t, "+", a, b),
		&expr.IsNull{X: b},
		a,
		konst(types.NewText("k"), types.Text),
	}
	rapid.Check(t, func(rt *rapid.T) {
		idx := rapid.SliceOfN(rapid.IntRange(0, len(exprs)-1), 1, 3).Draw(rt, "columns")
		var es []expr.Expr
		for _, i := range idx {
			es = append(es, exprs[i])
		}
		checkIncremental(rt, incCase{
			widths: []int{2},
			gens:   []*rapid.Generator[types.Row]{genRow(genInt4(2), genInt4(2))},
			build: func(ctx *expr.Ctx, out Operator) (Operator, error) {
				return NewProject(ctx, cloneAll(es), out, 0), nil
			},
		}, checkOutput)
	})
}

// TestUnionIncremental: UNION ALL adds the weights of both inputs.
func TestUnionIncremental(t *testing.T) {
	rapid.Check(t, func(rt *rapid.T) {
		row := genRow(genInt4(2), genText())
		checkIncremental(rt, incCase{
			widths: []int{2, 2},
			gens:   []*rapid.Generator[types.Row]{row, row},
			build: func(_ *expr.Ctx, out Operator) (Operator, error) {
				return NewUnion(2, out, 0), nil
			},
		}, checkOutput)
	})
}
