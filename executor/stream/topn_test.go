package stream

import (
	"fmt"
	"testing"

	"pgregory.net/rapid"

	"github.com/freshetdb/freshet/planner/plan"
	"github.com/freshetdb/freshet/sql/expr"
	"github.com/freshetdb/freshet/sql/types"
)

// TestTopNIncremental: ORDER BY ... LIMIT n OFFSET m (and LIMIT without
// ORDER BY, ordered by the rows themselves) maintained over epochs equals
// the recomputed top rows: a deleted top row is replaced by the next one,
// an inserted better row evicts the last, ties at the boundary included.
//
//	SELECT * FROM t(a int4, b text) ORDER BY <keys> LIMIT <count> OFFSET <offset>
func TestTopNIncremental(t *testing.T) {
	a, b := col(0, types.Int4), col(1, types.Text)
	orders := map[string][]plan.SortExpr{
		"none":                   nil,
		"a":                      {asc(a)},
		"a DESC NULLS FIRST, b":  {desc(a), asc(b)},
		"b":                      {asc(b)},
		"a + 1 DESC NULLS FIRST": {desc(call(t, "+", a, konst(types.NewInt4(1), types.Int4)))},
		"b NULLS FIRST, a DESC":  {{Expr: b, NullsFirst: true}, {Expr: a, Desc: true}},
	}
	names := []string{"none", "a", "a DESC NULLS FIRST, b", "b", "a + 1 DESC NULLS FIRST", "b NULLS FIRST, a DESC"}
	rapid.Check(t, func(rt *rapid.T) {
		keys := orders[rapid.SampledFrom(names).Draw(rt, "order by")]
		count := rapid.Int64Range(-1, 4).Draw(rt, "limit (-1: none)")
		offset := rapid.Int64Range(0, 2).Draw(rt, "offset")
		ties := len(keys) > 0 && count >= 0 && rapid.Bool().Draw(rt, "with ties")
		checkIncremental(rt, incCase{
			widths: []int{2},
			gens:   []*rapid.Generator[types.Row]{genRow(genInt4(3), genText())},
			build: func(ctx *expr.Ctx, out Operator) (Operator, error) {
				ks := make([]plan.SortExpr, len(keys))
				for i, k := range keys {
					k.Expr = cloneTree(k.Expr)
					ks[i] = k
				}
				return NewTopN(ctx, ks, count, offset, ties, 2, out, 0), nil
			},
		}, checkOutput)
	})
}

// TestTopNLimitValues: LIMIT and OFFSET are evaluated, NULL means none, and
// negative values are the errors Postgres raises.
func TestTopNLimitValues(t *testing.T) {
	i8 := func(v int64) expr.Expr { return konst(types.NewInt8(v), types.Int8) }
	null := konst(types.NullDatum, types.Int8)
	for _, tc := range []struct {
		count, offset expr.Expr
		want          string
	}{
		{nil, nil, "-1 0 <nil>"},
		{i8(3), i8(2), "3 2 <nil>"},
		{null, null, "-1 0 <nil>"},
		{i8(-1), nil, "0 0 LIMIT must not be negative"},
		{nil, i8(-1), "0 0 OFFSET must not be negative"},
	} {
		c, o, err := LimitValues(testCtx(), &plan.Limit{Count: tc.count, Offset: tc.offset})
		if got := fmt.Sprint(c, " ", o, " ", errText(err)); got != tc.want {
			t.Errorf("LimitValues(%v, %v) = %d %d %v, want %s", tc.count, tc.offset, c, o, err, tc.want)
		}
	}
}

func errText(err error) string {
	if err == nil {
		return "<nil>"
	}
	return err.Error()
}
