package stream

import (
	"fmt"
	"testing"

	"pgregory.net/rapid"

	"github.com/freshetdb/freshet/planner/plan"
	"github.com/freshetdb/freshet/sql/expr"
	"github.com/freshetdb/freshet/sql/types"
)

// Columns of the distinct tests' input t(a int4, b text, c bool).
var (
	distA = col(0, types.Int4)
	distB = col(1, types.Text)
	distC = col(2, types.Bool)
)

func distinctCase(n plan.Distinct) incCase {
	return incCase{
		widths: []int{3},
		gens:   []*rapid.Generator[types.Row]{genRow(genInt4(2), genText(), genBool())},
		build: func(ctx *expr.Ctx, out Operator) (Operator, error) {
			nn := n
			nn.On = cloneAll(n.On)
			return NewDistinct(ctx, &nn, 3, out, 0), nil
		},
		empty: func(op Operator) string {
			d := op.(*Distinct)
			if d.rows.len() > 0 || d.onGrp.len() > 0 {
				return fmt.Sprintf("%d rows, %d DISTINCT ON groups", d.rows.len(), d.onGrp.len())
			}
			return ""
		},
	}
}

var distinctNodes = []struct {
	sql  string
	node plan.Distinct
}{
	{"SELECT DISTINCT *", plan.Distinct{}},
	{"SELECT DISTINCT ON (a) * ORDER BY a", plan.Distinct{On: []expr.Expr{distA}, Sort: []plan.SortExpr{asc(distA)}}},
	{"SELECT DISTINCT ON (a) * ORDER BY a, b DESC", plan.Distinct{On: []expr.Expr{distA}, Sort: []plan.SortExpr{asc(distA), desc(distB)}}},
	{"SELECT DISTINCT ON (a, c) * ORDER BY a, c, b", plan.Distinct{On: []expr.Expr{distA, distC}, Sort: []plan.SortExpr{asc(distA), asc(distC), asc(distB)}}},
	{"SELECT DISTINCT ON (c) * ORDER BY c DESC, b, a DESC", plan.Distinct{On: []expr.Expr{distC}, Sort: []plan.SortExpr{desc(distC), asc(distB), desc(distA)}}},
}

// TestDistinctIncremental: SELECT DISTINCT and DISTINCT ON (with its sort
// picking the row kept per group, which must change when that row is
// deleted) maintained over epochs equal the recomputed result.
func TestDistinctIncremental(t *testing.T) {
	for _, d := range distinctNodes {
		t.Run(d.sql, func(t *testing.T) {
			rapid.Check(t, func(rt *rapid.T) { checkIncremental(rt, distinctCase(d.node), checkOutput) })
		})
	}
}

// TestDistinctReleasesState: rows and DISTINCT ON groups whose rows were all
// deleted are dropped.
func TestDistinctReleasesState(t *testing.T) {
	rapid.Check(t, func(rt *rapid.T) {
		d := rapid.SampledFrom(distinctNodes).Draw(rt, "distinct")
		checkIncremental(rt, distinctCase(d.node), checkState)
	})
}

// setOpCase is SELECT * FROM l <kind> [ALL] SELECT * FROM r over rows of
// one int4 column or of (int4, bool).
func setOpCase(kind plan.SetOpKind, all bool, width int) incCase {
	cols := []*rapid.Generator[types.Datum]{genInt4(2), genBool()}[:width]
	row := genRow(cols...)
	return incCase{
		widths: []int{width, width},
		gens:   []*rapid.Generator[types.Row]{row, row},
		build: func(_ *expr.Ctx, out Operator) (Operator, error) {
			if kind == plan.SetUnion && all {
				return NewUnion(width, out, 0), nil
			}
			return NewSetOp(&plan.SetOp{Kind: kind, All: all}, width, out, 0), nil
		},
		empty: func(op Operator) string {
			if s, ok := op.(*SetOp); ok && s.rows.len() > 0 {
				return fmt.Sprintf("%d rows", s.rows.len())
			}
			return ""
		},
	}
}

// TestSetOpIncremental: UNION, INTERSECT and EXCEPT, distinct and ALL
// (UNION ALL is the Union operator), maintained over epochs of changes on
// both inputs equal the recomputed result.
func TestSetOpIncremental(t *testing.T) {
	for _, kind := range []plan.SetOpKind{plan.SetUnion, plan.SetIntersect, plan.SetExcept} {
		for _, all := range []bool{false, true} {
			name := kind.String()
			if all {
				name += " all"
			}
			t.Run(name, func(t *testing.T) {
				rapid.Check(t, func(rt *rapid.T) {
					width := rapid.IntRange(1, 2).Draw(rt, "width")
					checkIncremental(rt, setOpCase(kind, all, width), checkOutput)
				})
			})
		}
	}
}

// TestSetOpReleasesState: rows deleted from both inputs are dropped.
func TestSetOpReleasesState(t *testing.T) {
	rapid.Check(t, func(rt *rapid.T) {
		kind := rapid.SampledFrom([]plan.SetOpKind{plan.SetUnion, plan.SetIntersect, plan.SetExcept}).Draw(rt, "kind")
		checkIncremental(rt, setOpCase(kind, rapid.Bool().Draw(rt, "all"), 1), checkState)
	})
}
