package stream

import (
	"fmt"
	"sort"
	"testing"

	"pgregory.net/rapid"

	"github.com/freshetdb/freshet/planner/plan"
	"github.com/freshetdb/freshet/sql/expr"
	"github.com/freshetdb/freshet/sql/types"
)

// TestWindowIncremental: window functions over t(p int4, o int4, x int4)
// maintained over epochs equal the recomputed result. A change in a
// partition shifts row numbers, ranks, neighbours and frames of the other
// rows of that partition, which must be retracted and re-emitted.
func TestWindowIncremental(t *testing.T) {
	p, o, x := col(0, types.Int4), col(1, types.Int4), col(2, types.Int4)
	one4 := konst(types.NewInt4(1), types.Int4)
	one8 := konst(types.NewInt8(1), types.Int8)
	rows1 := plan.Frame{Mode: plan.FrameRows, Start: plan.BoundPreceding, StartOffset: one8, End: plan.BoundCurrentRow}
	range1 := plan.Frame{Mode: plan.FrameRange, Start: plan.BoundPreceding, StartOffset: one4, End: plan.BoundFollowing, EndOffset: one4}
	rowsAll := plan.Frame{Mode: plan.FrameRows, Start: plan.BoundUnboundedPreceding, End: plan.BoundUnboundedFollowing}
	funcs := map[string]plan.WindowCall{
		"row_number()": {Name: "row_number", T: types.Int8, Frame: plan.DefaultFrame},
		"rank()":       {Name: "rank", T: types.Int8, Frame: plan.DefaultFrame},
		"dense_rank()": {Name: "dense_rank", T: types.Int8, Frame: plan.DefaultFrame},
		"lag(x)":       {Name: "lag", Args: []expr.Expr{x, one4, konst(types.NullDatum, types.Int4)}, T: types.Int4, Frame: plan.DefaultFrame},
		"lead(x, 2, -1)": {Name: "lead", Args: []expr.Expr{x, konst(types.NewInt4(2), types.Int4), konst(types.NewInt4(-1), types.Int4)},
			T: types.Int4, Frame: plan.DefaultFrame},
		"first_value(x)": {Name: "first_value", Args: []expr.Expr{x}, T: types.Int4, Frame: plan.DefaultFrame},
		"sum(x)":         {Name: "sum", IsAgg: true, Args: []expr.Expr{x}, T: types.Int8, Frame: plan.DefaultFrame},
		"sum(x) ROWS BETWEEN 1 PRECEDING AND CURRENT ROW":  {Name: "sum", IsAgg: true, Args: []expr.Expr{x}, T: types.Int8, Frame: rows1},
		"sum(x) RANGE BETWEEN 1 PRECEDING AND 1 FOLLOWING": {Name: "sum", IsAgg: true, Args: []expr.Expr{x}, T: types.Int8, Frame: range1},
		"count(x) ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING": {Name: "count", IsAgg: true, Args: []expr.Expr{x},
			T: types.Int8, Frame: rowsAll},
	}
	var names []string
	for n := range funcs {
		names = append(names, n)
	}
	sort.Strings(names)
	rapid.Check(t, func(rt *rapid.T) {
		ncalls := rapid.IntRange(1, 3).Draw(rt, "calls")
		var calls []plan.WindowCall
		for i := 0; i < ncalls; i++ {
			c := funcs[rapid.SampledFrom(names).Draw(rt, "function")]
			if rapid.Bool().Draw(rt, "PARTITION BY p") {
				c.PartitionBy = []expr.Expr{p}
			}
			// RANGE with an offset needs exactly one ORDER BY column.
			orders := [][]plan.SortExpr{{asc(o)}, {desc(o)}, {asc(o), asc(x)}, nil}
			if c.Frame.Mode == plan.FrameRange && c.Frame.StartOffset != nil {
				orders = orders[:2]
			}
			c.OrderBy = rapid.SampledFrom(orders).Draw(rt, "ORDER BY")
			calls = append(calls, c)
		}
		checkIncremental(rt, incCase{
			widths: []int{3},
			gens:   []*rapid.Generator[types.Row]{genRow(genInt4(1), genInt4(3), genInt4(3))},
			build: func(ctx *expr.Ctx, out Operator) (Operator, error) {
				cs := make([]plan.WindowCall, len(calls))
				for i, c := range calls {
					c.Args, c.PartitionBy = cloneAll(c.Args), cloneAll(c.PartitionBy)
					cs[i] = c
				}
				return NewWindow(ctx, &plan.Window{Calls: cs}, 3, out, 0), nil
			},
		}, checkOutput)
	})
}

// TestRankTopNMatchesWindow: top-N per group (row_number, rank or
// dense_rank at most n) kept by RankTopN equals the window over all rows
// filtered on the rank, after every epoch of random changes, also when
// RankTopN is reloaded from its saved state between epochs.
//
//	SELECT * FROM (SELECT *, rank() OVER (PARTITION BY p ORDER BY o DESC) AS r FROM t) s WHERE r <= n
func TestRankTopNMatchesWindow(t *testing.T) {
	p, o, x := col(0, types.Int4), col(1, types.Int4), col(2, types.Int4)
	rapid.Check(t, func(rt *rapid.T) {
		wc := plan.WindowCall{Name: rapid.SampledFrom([]string{"row_number", "rank", "dense_rank"}).Draw(rt, "function"),
			T: types.Int8, Frame: plan.DefaultFrame}
		if rapid.Bool().Draw(rt, "PARTITION BY p") {
			wc.PartitionBy = []expr.Expr{p}
		}
		wc.OrderBy = rapid.SampledFrom([][]plan.SortExpr{{asc(o)}, {desc(o)}, {asc(o), desc(x)}, nil}).Draw(rt, "ORDER BY")
		limit := int64(rapid.IntRange(1, 3).Draw(rt, "limit"))
		window := func() *plan.Window {
			c := wc
			c.PartitionBy = cloneAll(wc.PartitionBy)
			return &plan.Window{Calls: []plan.WindowCall{c}, RankLimit: limit}
		}
		want, got := newRecorder(), newRecorder()
		pred := call(rt, "<=", col(3, types.Int8), konst(types.NewInt8(limit), types.Int8))
		full := NewWindow(testCtx(), window(), 3, NewFilter(testCtx(), pred, 4, want, 0), 0)
		c := incCase{widths: []int{3}, build: func(ctx *expr.Ctx, out Operator) (Operator, error) {
			return NewRankTopN(ctx, window(), 3, out, 0), nil
		}}
		var top Operator
		top, _ = c.build(testCtx(), got)
		model := newBag()
		gen := genRow(genInt4(1), genInt4(3), genInt4(3))
		for ep := 0; ep < rapid.IntRange(1, 6).Draw(rt, "epochs"); ep++ {
			delta := drawDelta(rt, model, gen, false, fmt.Sprintf("e%d", ep))
			ch := types.NewChunk(3, len(delta))
			for _, d := range delta {
				ch.Append(d.row, d.w)
			}
			for _, op := range []Operator{full, top} {
				if err := op.Push(0, ch); err != nil {
					rt.Fatal(err)
				}
				if err := op.Flush(0); err != nil {
					rt.Fatal(err)
				}
			}
			w, g := consolidated(want.total), consolidated(got.total)
			if !sameBag(w, g) {
				rt.Fatalf("epoch %d: window then filter:\n%sranking top-N:\n%s", ep, formatBag(w), formatBag(g))
			}
			if rapid.Bool().Draw(rt, "restore") {
				var err error
				if top, err = restored(c, top.(Stateful), got); err != nil {
					rt.Fatal(err)
				}
			}
		}
	})
}
