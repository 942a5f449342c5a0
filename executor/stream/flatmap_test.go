package stream

import (
	"testing"

	"pgregory.net/rapid"

	"github.com/freshetdb/freshet/planner/plan"
	"github.com/freshetdb/freshet/sql/builtin"
	"github.com/freshetdb/freshet/sql/expr"
	"github.com/freshetdb/freshet/sql/types"
)

// TestFlatMapIncremental: set-returning functions in FROM, one or two
// zipped, inner or outer (LEFT JOIN LATERAL ... ON true), maintained over
// epochs equal the recomputed result: deleting a row retracts exactly the
// rows its insertion produced.
//
//	SELECT * FROM t(a int4, b int4, arr int4[]),
//	       generate_series(b, a) [, unnest(arr)]
func TestFlatMapIncremental(t *testing.T) {
	a, b := col(0, types.Int4), col(1, types.Int4)
	arr := col(2, types.ArrayOf(types.Int4))
	series, _, err := builtin.Resolve("generate_series", []types.T{types.Int4, types.Int4})
	if err != nil {
		t.Fatal(err)
	}
	unnest, _, err := builtin.Resolve("unnest", []types.T{arr.T})
	if err != nil {
		t.Fatal(err)
	}
	genArr := rapid.SampledFrom([]types.Datum{
		types.NullDatum,
		types.NewArray(types.Int4, nil),
		types.NewArray(types.Int4, []types.Datum{types.NewInt4(7)}),
		types.NewArray(types.Int4, []types.Datum{types.NewInt4(7), types.NullDatum, types.NewInt4(8)}),
	})
	intCol := func(name string) []plan.Column { return []plan.Column{{Name: name, Type: types.Int4}} }
	inCols := []plan.Column{{Name: "a", Type: types.Int4}, {Name: "b", Type: types.Int4}, {Name: "arr", Type: arr.T}}
	rapid.Check(t, func(rt *rapid.T) {
		calls := []plan.SetCall{{Fn: series, Args: []expr.Expr{b, a}, Cols: intCol("generate_series")}}
		if rapid.Bool().Draw(rt, "unnest too") {
			calls = append(calls, plan.SetCall{Fn: unnest, Args: []expr.Expr{arr}, Cols: intCol("unnest")})
		}
		outer := rapid.Bool().Draw(rt, "outer")
		cols := append(append([]plan.Column(nil), inCols...), intCol("generate_series")...)
		if len(calls) == 2 {
			cols = append(cols, intCol("unnest")...)
		}
		checkIncremental(rt, incCase{
			widths: []int{3},
			gens:   []*rapid.Generator[types.Row]{genRow(genInt4(3), genInt4(2), genArr)},
			build: func(ctx *expr.Ctx, out Operator) (Operator, error) {
				cs := make([]plan.SetCall, len(calls))
				for i, c := range calls {
					c.Args = cloneAll(c.Args)
					cs[i] = c
				}
				n := plan.WithColumns(&plan.FlatMap{Calls: cs, Outer: outer}, cols)
				return NewFlatMap(ctx, n, 3, out, 0), nil
			},
		}, checkOutput)
	})
}
