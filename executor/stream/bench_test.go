package stream

import (
	"testing"

	"github.com/freshetdb/freshet/planner/plan"
	"github.com/freshetdb/freshet/sql/expr"
	"github.com/freshetdb/freshet/sql/types"
)

// benchRows is the number of rows a benchmark iteration pushes.
const benchRows = 1 << 20

// benchChunks returns n insert-only rows of two int4 columns, (key(i), i),
// cut into chunks of chunkRows.
func benchChunks(n int, key func(i int) int) []*types.Chunk {
	var out []*types.Chunk
	c := types.NewChunk(2, chunkRows)
	for i := 0; i < n; i++ {
		c.Append(types.Row{types.NewInt4(int32(key(i))), types.NewInt4(int32(i))}, 1)
		if c.Len() == chunkRows {
			out = append(out, c)
			c = types.NewChunk(2, chunkRows)
		}
	}
	if c.Len() > 0 {
		out = append(out, c)
	}
	return out
}

// reportPerRow adds ns/row for benchRows rows an iteration.
func reportPerRow(b *testing.B) {
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/benchRows, "ns/row")
}

// BenchmarkHashJoin pushes 1M rows through an inner equi-join: 512Ki right
// rows with distinct keys, then 512Ki left rows that each match one.
//
//	SELECT * FROM l JOIN r ON l.k = r.k
func BenchmarkHashJoin(b *testing.B) {
	right := benchChunks(benchRows/2, func(i int) int { return i })
	left := benchChunks(benchRows/2, func(i int) int { return (i * 7919) % (benchRows / 2) })
	j := &plan.Join{Kind: plan.JoinInner,
		LeftKeys: []expr.Expr{col(0, types.Int4)}, RightKeys: []expr.Expr{col(0, types.Int4)}}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		h := NewHashJoin(testCtx(), j, 2, 2, discard{}, 0)
		for _, c := range right {
			if err := h.Push(1, c); err != nil {
				b.Fatal(err)
			}
		}
		for _, c := range left {
			if err := h.Push(0, c); err != nil {
				b.Fatal(err)
			}
		}
		if err := h.Flush(1); err != nil {
			b.Fatal(err)
		}
		if err := h.Flush(0); err != nil {
			b.Fatal(err)
		}
	}
	reportPerRow(b)
}

// BenchmarkAggregate pushes 1M rows into 1024 groups, with and without a
// min (whose retractable state keeps every distinct value: here every row's).
//
//	SELECT k, count(*), sum(x) [, min(x)] FROM t GROUP BY k
func BenchmarkAggregate(b *testing.B) {
	chunks := benchChunks(benchRows, func(i int) int { return i % 1024 })
	x := col(1, types.Int4)
	calls := []plan.AggCall{
		{Name: "count", T: types.Int8},
		{Name: "sum", Args: []expr.Expr{x}, T: types.Int8},
		{Name: "min", Args: []expr.Expr{x}, T: types.Int4},
	}
	for _, bc := range []struct {
		name  string
		calls []plan.AggCall
	}{{"count,sum", calls[:2]}, {"count,sum,min", calls}} {
		b.Run(bc.name, func(b *testing.B) {
			n := &plan.Aggregate{GroupBy: []expr.Expr{col(0, types.Int4)}, Aggs: bc.calls}
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				a, err := NewAggregate(testCtx(), n, discard{}, 0)
				if err != nil {
					b.Fatal(err)
				}
				for _, c := range chunks {
					if err := a.Push(0, c); err != nil {
						b.Fatal(err)
					}
				}
				if err := a.Flush(0); err != nil {
					b.Fatal(err)
				}
			}
			reportPerRow(b)
		})
	}
}
