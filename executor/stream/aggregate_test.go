package stream

import (
	"fmt"
	"testing"

	"github.com/cockroachdb/datadriven"
	"pgregory.net/rapid"

	"github.com/freshetdb/freshet/planner/plan"
	"github.com/freshetdb/freshet/sql/expr"
	"github.com/freshetdb/freshet/sql/types"
)

// Columns of the aggregate tests' input t(g int4, i int4, l int8, n numeric,
// b bool, s text).
var (
	aggG = col(0, types.Int4)
	aggI = col(1, types.Int4)
	aggL = col(2, types.Int8)
	aggN = col(3, types.Numeric)
	aggB = col(4, types.Bool)
	aggS = col(5, types.Text)
)

var aggRow = genRow(genInt4(2), genInt4(3), genInt8(2), genNumeric(), genBool(), genText())

// aggCallCase is an aggregate call under test with its SQL.
type aggCallCase struct {
	sql  string
	call plan.AggCall
}

// aggCalls are the aggregate calls under test.
func aggCalls(tb fataler) []aggCallCase {
	comma := konst(types.NewText(","), types.Text)
	return []aggCallCase{
		{"count(*)", plan.AggCall{Name: "count", T: types.Int8}},
		{"count(i)", plan.AggCall{Name: "count", Args: []expr.Expr{aggI}, T: types.Int8}},
		{"count(DISTINCT i)", plan.AggCall{Name: "count", Args: []expr.Expr{aggI}, Distinct: true, T: types.Int8}},
		{"sum(i)", plan.AggCall{Name: "sum", Args: []expr.Expr{aggI}, T: types.Int8}},
		{"sum(l)", plan.AggCall{Name: "sum", Args: []expr.Expr{aggL}, T: types.Numeric}},
		{"sum(n)", plan.AggCall{Name: "sum", Args: []expr.Expr{aggN}, T: types.Numeric}},
		{"sum(DISTINCT i)", plan.AggCall{Name: "sum", Args: []expr.Expr{aggI}, Distinct: true, T: types.Int8}},
		{"avg(i)", plan.AggCall{Name: "avg", Args: []expr.Expr{aggI}, T: types.Numeric}},
		{"avg(l)", plan.AggCall{Name: "avg", Args: []expr.Expr{aggL}, T: types.Numeric}},
		{"avg(n)", plan.AggCall{Name: "avg", Args: []expr.Expr{aggN}, T: types.Numeric}},
		{"min(i)", plan.AggCall{Name: "min", Args: []expr.Expr{aggI}, T: types.Int4}},
		{"max(i)", plan.AggCall{Name: "max", Args: []expr.Expr{aggI}, T: types.Int4}},
		{"min(s)", plan.AggCall{Name: "min", Args: []expr.Expr{aggS}, T: types.Text}},
		{"max(s)", plan.AggCall{Name: "max", Args: []expr.Expr{aggS}, T: types.Text}},
		{"min(n)", plan.AggCall{Name: "min", Args: []expr.Expr{aggN}, T: types.Numeric}},
		{"max(n)", plan.AggCall{Name: "max", Args: []expr.Expr{aggN}, T: types.Numeric}},
		{"stddev(i)", plan.AggCall{Name: "stddev", Args: []expr.Expr{aggI}, T: types.Numeric}},
		{"var_pop(n)", plan.AggCall{Name: "var_pop", Args: []expr.Expr{aggN}, T: types.Numeric}},
		{"stddev_pop(DISTINCT n)", plan.AggCall{Name: "stddev_pop", Args: []expr.Expr{aggN}, Distinct: true, T: types.Numeric}},
		{"variance(l)", plan.AggCall{Name: "variance", Args: []expr.Expr{aggL}, T: types.Numeric}},
		{"bool_and(b)", plan.AggCall{Name: "bool_and", Args: []expr.Expr{aggB}, T: types.Bool}},
		{"bool_or(b)", plan.AggCall{Name: "bool_or", Args: []expr.Expr{aggB}, T: types.Bool}},
		{"string_agg(s, ',' ORDER BY i)", plan.AggCall{Name: "string_agg", Args: []expr.Expr{aggS, comma},
			OrderBy: []plan.SortExpr{asc(aggI)}, T: types.Text}},
		{"string_agg(s, ',' ORDER BY i DESC, s)", plan.AggCall{Name: "string_agg", Args: []expr.Expr{aggS, comma},
			OrderBy: []plan.SortExpr{desc(aggI), asc(aggS)}, T: types.Text}},
		{"string_agg(DISTINCT s, ',' ORDER BY s)", plan.AggCall{Name: "string_agg", Args: []expr.Expr{aggS, comma},
			Distinct: true, OrderBy: []plan.SortExpr{asc(aggS)}, T: types.Text}},
		{"string_agg(s, repeat('-', g) ORDER BY i)", plan.AggCall{Name: "string_agg",
			Args:    []expr.Expr{aggS, call(tb, "repeat", konst(types.NewText("-"), types.Text), aggG)},
			OrderBy: []plan.SortExpr{asc(aggI)}, T: types.Text}},
		{"jsonb_agg(i ORDER BY s)", plan.AggCall{Name: "jsonb_agg", Args: []expr.Expr{aggI},
			OrderBy: []plan.SortExpr{asc(aggS)}, T: types.JSONB}},
		{"jsonb_object_agg(s, i) FILTER (WHERE s IS NOT NULL)", plan.AggCall{Name: "jsonb_object_agg", Args: []expr.Expr{aggS, aggI},
			Filter: &expr.IsNull{X: aggS, Negate: true}, T: types.JSONB}},
		{"array_agg(i ORDER BY s)", plan.AggCall{Name: "array_agg", Args: []expr.Expr{aggI},
			OrderBy: []plan.SortExpr{asc(aggS)}, T: types.ArrayOf(types.Int4)}},
		{"array_agg(i ORDER BY b DESC, n)", plan.AggCall{Name: "array_agg", Args: []expr.Expr{aggI},
			OrderBy: []plan.SortExpr{desc(aggB), asc(aggN)}, T: types.ArrayOf(types.Int4)}},
		{"array_agg(DISTINCT i ORDER BY i)", plan.AggCall{Name: "array_agg", Args: []expr.Expr{aggI},
			Distinct: true, OrderBy: []plan.SortExpr{asc(aggI)}, T: types.ArrayOf(types.Int4)}},
		{"count(*) FILTER (WHERE b)", plan.AggCall{Name: "count", Filter: aggB, T: types.Int8}},
		{"sum(i) FILTER (WHERE i > 1)", plan.AggCall{Name: "sum", Args: []expr.Expr{aggI},
			Filter: call(tb, ">", aggI, konst(types.NewInt4(1), types.Int4)), T: types.Int8}},
		{"max(s) FILTER (WHERE b IS NULL)", plan.AggCall{Name: "max", Args: []expr.Expr{aggS},
			Filter: &expr.IsNull{X: aggB}, T: types.Text}},
		{"min(n) FILTER (WHERE NOT b)", plan.AggCall{Name: "min", Args: []expr.Expr{aggN},
			Filter: &expr.Not{X: aggB}, T: types.Numeric}},
	}
}

// aggCase is SELECT <group by>, <calls> FROM t GROUP BY <group by>.
func aggCase(groupBy []expr.Expr, calls []plan.AggCall) incCase {
	return incCase{
		widths: []int{6},
		gens:   []*rapid.Generator[types.Row]{aggRow},
		build: func(ctx *expr.Ctx, out Operator) (Operator, error) {
			n := &plan.Aggregate{GroupBy: cloneAll(groupBy), Aggs: make([]plan.AggCall, len(calls))}
			for i, c := range calls {
				c.Args = cloneAll(c.Args)
				c.Filter = cloneTree(c.Filter)
				n.Aggs[i] = c
			}
			return NewAggregate(ctx, n, out, 0)
		},
		empty: func(op Operator) string {
			a := op.(*Aggregate)
			if want := map[bool]int{true: 1}[a.global]; a.groups.len() != want {
				return fmt.Sprintf("%d groups", a.groups.len())
			}
			return ""
		},
	}
}

// TestAggregateIncremental: each aggregate call, grouped and global, over
// epochs of inserts and deletes (including the retraction of the current
// min / max and of the last row of a group) equals the aggregate recomputed
// from scratch.
func TestAggregateIncremental(t *testing.T) {
	groupings := map[string][]expr.Expr{
		"global":         nil,
		"GROUP BY g":     {aggG},
		"GROUP BY g, b":  {aggG, aggB},
		"GROUP BY s, i":  {aggS, aggI},
		"GROUP BY n":     {aggN},
		"GROUP BY i + g": {call(t, "+", aggI, aggG)},
	}
	names := []string{"global", "GROUP BY g", "GROUP BY g, b", "GROUP BY s, i", "GROUP BY n", "GROUP BY i + g"}
	for _, c := range aggCalls(t) {
		t.Run(c.sql, func(t *testing.T) {
			rapid.Check(t, func(rt *rapid.T) {
				g := rapid.SampledFrom(names).Draw(rt, "grouping")
				checkIncremental(rt, aggCase(groupings[g], []plan.AggCall{c.call}), checkOutput)
			})
		})
	}
}

// TestAggregateIncrementalMany: several calls side by side in one operator.
func TestAggregateIncrementalMany(t *testing.T) {
	calls := aggCalls(t)
	rapid.Check(t, func(rt *rapid.T) {
		grouped := rapid.Bool().Draw(rt, "grouped")
		idx := rapid.SliceOfNDistinct(rapid.IntRange(0, len(calls)-1), 2, 5, rapid.ID[int]).Draw(rt, "calls")
		var cs []plan.AggCall
		for _, i := range idx {
			cs = append(cs, calls[i].call)
		}
		var gb []expr.Expr
		if grouped {
			gb = []expr.Expr{aggG}
		}
		checkIncremental(rt, aggCase(gb, cs), checkOutput)
	})
}

// TestAggregateReleasesState: a group whose rows were all deleted is
// dropped (a global aggregate keeps its one group).
func TestAggregateReleasesState(t *testing.T) {
	calls := aggCalls(t)
	rapid.Check(t, func(rt *rapid.T) {
		c := rapid.SampledFrom(calls).Draw(rt, "call")
		gb := []expr.Expr{aggG}
		if rapid.Bool().Draw(rt, "global") {
			gb = nil
		}
		checkIncremental(rt, aggCase(gb, []plan.AggCall{c.call}), checkState)
	})
}

// TestAggregateSteps runs testdata/aggregate: SELECT [g,] min(x), max(x),
// count(x), count(*) FROM t(g, x) [GROUP BY g] stepped epoch by epoch.
// "new" starts the grouped aggregate, "new global" the global one.
func TestAggregateSteps(t *testing.T) {
	var s *stepper
	datadriven.RunTest(t, "testdata/aggregate", func(t *testing.T, td *datadriven.TestData) string {
		if td.Cmd != "new" {
			return s.run(t, td)
		}
		g, x := col(0, types.Int4), col(1, types.Int4)
		n := &plan.Aggregate{Aggs: []plan.AggCall{
			{Name: "min", Args: []expr.Expr{x}, T: types.Int4},
			{Name: "max", Args: []expr.Expr{x}, T: types.Int4},
			{Name: "count", Args: []expr.Expr{x}, T: types.Int8},
			{Name: "count", T: types.Int8},
		}}
		if !td.HasArg("global") {
			n.GroupBy = []expr.Expr{g}
		}
		var err error
		s, err = newStepper([]string{"t"}, []int{2}, func(out Operator) (Operator, error) {
			return NewAggregate(testCtx(), n, out, 0)
		})
		if err != nil {
			return "error: " + err.Error()
		}
		return ""
	})
}
