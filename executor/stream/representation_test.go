package stream

import (
	"fmt"
	"testing"

	"pgregory.net/rapid"

	"github.com/freshetdb/freshet/planner/plan"
	"github.com/freshetdb/freshet/sql/expr"
	"github.com/freshetdb/freshet/sql/types"
)

// TestOutputShowsPresentValues: values that are equal in SQL but written
// differently (numeric 1, 1.0 and 1.00) share one group, one distinct row,
// one join key. Postgres shows one of the forms present in the input; after
// the rows written one way are deleted, a maintained operator must not go on
// showing that form.
//
//	INSERT 1.0; INSERT 1.00; DELETE 1.0  =>  SELECT DISTINCT n shows 1.00
//
// State keyed by SQL equality (rowTable, multiset) keeps the form of the
// first row it saw, so every stateful operator below, and the view sink,
// fails this; the linear operators pass.
func TestOutputShowsPresentValues(t *testing.T) {
	n := col(0, types.Numeric)
	value := rapid.SampledFrom([]types.Datum{types.NullDatum, numeric("1"), numeric("1.0"), numeric("1.00"), numeric("2"), numeric("2.0")})
	row := genRow(value)
	one := func(build func(ctx *expr.Ctx, out Operator) (Operator, error)) incCase {
		return incCase{widths: []int{1}, gens: []*rapid.Generator[types.Row]{row}, build: build}
	}
	two := func(build func(ctx *expr.Ctx, out Operator) (Operator, error)) incCase {
		return incCase{widths: []int{1, 1}, gens: []*rapid.Generator[types.Row]{row, row}, build: build}
	}
	cases := []struct {
		sql string
		c   incCase
	}{
		{"SELECT n FROM t WHERE n IS NOT NULL", one(func(ctx *expr.Ctx, out Operator) (Operator, error) {
			return NewFilter(ctx, &expr.IsNull{X: n, Negate: true}, 1, out, 0), nil
		})},
		{"SELECT DISTINCT n FROM t", one(func(ctx *expr.Ctx, out Operator) (Operator, error) {
			return NewDistinct(ctx, &plan.Distinct{}, 1, out, 0), nil
		})},
		{"SELECT n, count(*) FROM t GROUP BY n", one(func(ctx *expr.Ctx, out Operator) (Operator, error) {
			return NewAggregate(ctx, &plan.Aggregate{GroupBy: []expr.Expr{n}, Aggs: []plan.AggCall{{Name: "count", T: types.Int8}}}, out, 0)
		})},
		{"SELECT min(n), max(n) FROM t", one(func(ctx *expr.Ctx, out Operator) (Operator, error) {
			return NewAggregate(ctx, &plan.Aggregate{Aggs: []plan.AggCall{
				{Name: "min", Args: []expr.Expr{n}, T: types.Numeric},
				{Name: "max", Args: []expr.Expr{n}, T: types.Numeric},
			}}, out, 0)
		})},
		{"SELECT min(DISTINCT n), max(DISTINCT n) FROM t", one(func(ctx *expr.Ctx, out Operator) (Operator, error) {
			return NewAggregate(ctx, &plan.Aggregate{Aggs: []plan.AggCall{
				{Name: "min", Args: []expr.Expr{n}, Distinct: true, T: types.Numeric},
				{Name: "max", Args: []expr.Expr{n}, Distinct: true, T: types.Numeric},
			}}, out, 0)
		})},
		{"SELECT * FROM l UNION SELECT * FROM r", two(func(_ *expr.Ctx, out Operator) (Operator, error) {
			return NewSetOp(&plan.SetOp{Kind: plan.SetUnion}, 1, out, 0), nil
		})},
		{"SELECT * FROM l JOIN r ON l.n = r.n", two(func(ctx *expr.Ctx, out Operator) (Operator, error) {
			return NewHashJoin(ctx, &plan.Join{Kind: plan.JoinInner, LeftKeys: []expr.Expr{n}, RightKeys: []expr.Expr{n}}, 1, 1, out, 0), nil
		})},
	}
	for _, tc := range cases {
		t.Run(tc.sql, func(t *testing.T) {
			rapid.Check(t, func(rt *rapid.T) { checkIncremental(rt, tc.c, checkPresent) })
		})
	}
}

// TestViewSinkShowsPresentValues: a view's contents show the rows its
// input holds now, as they are written.
//
//	CREATE MATERIALIZED VIEW v AS SELECT n FROM t;
//	INSERT 1.0; INSERT 1.00; DELETE 1.0  =>  SELECT * FROM v shows 1.00
func TestViewSinkShowsPresentValues(t *testing.T) {
	s := NewViewSink(1)
	for _, c := range []change{{types.Row{numeric("1.0")}, 1}, {types.Row{numeric("1.00")}, 1}, {types.Row{numeric("1.0")}, -1}} {
		ch := types.NewChunk(1, 1)
		ch.Append(c.row, c.w)
		if err := s.Push(0, ch); err != nil {
			t.Fatal(err)
		}
		if err := s.Flush(0); err != nil {
			t.Fatal(err)
		}
	}
	var got []string
	if err := s.Each(func(r types.Row, n int64) error {
		got = append(got, fmt.Sprintf("%d %s", n, rowText(r)))
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if want := "1 (1.00)"; len(got) != 1 || got[0] != want {
		t.Errorf("view contents %q, want %q", got, want)
	}
}
