package stream

import (
	"runtime"
	"testing"

	"github.com/freshetdb/freshet/planner/plan"
	"github.com/freshetdb/freshet/sql/expr"
	"github.com/freshetdb/freshet/sql/types"
)

// Steady-state benchmarks: an operator already holds its state and takes
// updates (a retraction of a row it holds and the insertion of its new
// version), the way a view follows changes. They report ns/change and
// allocs/change (heap objects allocated per change, GC included).

// steadyKeys is the number of distinct keys an operator's state holds.
const steadyKeys = 1 << 18

// moveChunks returns n updates of row (key(i), from+i) to (key(i), to+i):
// each a -1 and a +1, cut into chunks.
func moveChunks(n, from, to int, key func(i int) int) []*types.Chunk {
	var out []*types.Chunk
	c := types.NewChunk(2, chunkRows)
	for i := 0; i < n; i++ {
		k := types.NewInt4(int32(key(i)))
		c.Append(types.Row{k, types.NewInt4(int32(from + i))}, -1)
		c.Append(types.Row{k, types.NewInt4(int32(to + i))}, 1)
		if c.Len() >= chunkRows {
			out = append(out, c)
			c = types.NewChunk(2, chunkRows)
		}
	}
	if c.Len() > 0 {
		out = append(out, c)
	}
	return out
}

// runSteady pushes rounds of n updates into op's port (then flushes its
// ports), one round an op, and reports ns/change and allocs/change. The
// rounds move every row i from value i to i+1, ..., i+3 and back to i, so
// the state keeps its size.
func runSteady(b *testing.B, op Operator, port, ports, n int, key func(i int) int) {
	var rounds [][]*types.Chunk
	for r := 0; r < 3; r++ {
		rounds = append(rounds, moveChunks(n, r, r+1, key))
	}
	rounds = append(rounds, moveChunks(n, 3, 0, key))
	push := func(chunks []*types.Chunk) {
		for _, c := range chunks {
			if err := op.Push(port, c); err != nil {
				b.Fatal(err)
			}
		}
		for p := 0; p < ports; p++ {
			if err := op.Flush(p); err != nil {
				b.Fatal(err)
			}
		}
	}
	// One warm-up cycle fills the free lists and the emitters' buffers.
	for _, r := range rounds {
		push(r)
	}
	measure(b, n, func(i int) { push(rounds[i%len(rounds)]) })
}

// measure runs op(i) for b.N ops of n updates each and reports ns/change
// and allocs/change (2 changes an update).
func measure(b *testing.B, n int, op func(i int)) {
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		op(i)
	}
	b.StopTimer()
	runtime.ReadMemStats(&after)
	changes := float64(b.N * n * 2)
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/changes, "ns/change")
	b.ReportMetric(float64(after.Mallocs-before.Mallocs)/changes, "allocs/change")
}

// load pushes rows (key(i), i) for i < n into op's port and flushes.
func load(b *testing.B, op Operator, port, ports, n int, key func(i int) int) {
	for _, c := range benchChunks(n, key) {
		if err := op.Push(port, c); err != nil {
			b.Fatal(err)
		}
	}
	for p := 0; p < ports; p++ {
		if err := op.Flush(p); err != nil {
			b.Fatal(err)
		}
	}
}

func identity(i int) int { return i }

// BenchmarkFilterProjectSteady: updates through a filter and a projection
// (stateless).
//
//	SELECT k, x + 1 FROM t WHERE x % 2 = 0
func BenchmarkFilterProjectSteady(b *testing.B) {
	x := col(1, types.Int4)
	proj := NewProject(testCtx(), []expr.Expr{col(0, types.Int4), call(b, "+", x, konst(types.NewInt4(1), types.Int4))}, discard{}, 0)
	pred := call(b, "=", call(b, "%", x, konst(types.NewInt4(2), types.Int4)), konst(types.NewInt4(0), types.Int4))
	f := NewFilter(testCtx(), pred, 2, proj, 0)
	runSteady(b, f, 0, 1, steadyKeys, identity)
}

// BenchmarkHashJoinSteady: the right side holds 256Ki rows with distinct
// keys, the left side one row per key; left rows are updated, each update
// retracting one joined row and emitting another.
//
//	SELECT * FROM l JOIN r ON l.k = r.k
func BenchmarkHashJoinSteady(b *testing.B) {
	j := &plan.Join{Kind: plan.JoinInner, LeftKeys: []expr.Expr{col(0, types.Int4)}, RightKeys: []expr.Expr{col(0, types.Int4)}}
	h := NewHashJoin(testCtx(), j, 2, 2, discard{}, 0)
	load(b, h, 1, 2, steadyKeys, identity)
	load(b, h, 0, 2, steadyKeys, identity)
	runSteady(b, h, 0, 2, steadyKeys/4, identity)
}

// BenchmarkAggregateSteady: 1024 groups of 256 rows; rows are updated
// within their group.
//
//	SELECT k, count(*), sum(x) [, min(x)] FROM t GROUP BY k
func BenchmarkAggregateSteady(b *testing.B) {
	x := col(1, types.Int4)
	calls := []plan.AggCall{
		{Name: "count", T: types.Int8},
		{Name: "sum", Args: []expr.Expr{x}, T: types.Int8},
		{Name: "min", Args: []expr.Expr{x}, T: types.Int4},
	}
	group := func(i int) int { return i % 1024 }
	for _, bc := range []struct {
		name  string
		calls []plan.AggCall
	}{{"count,sum", calls[:2]}, {"count,sum,min", calls}} {
		b.Run(bc.name, func(b *testing.B) {
			a, err := NewAggregate(testCtx(), &plan.Aggregate{GroupBy: []expr.Expr{col(0, types.Int4)}, Aggs: bc.calls}, discard{}, 0)
			if err != nil {
				b.Fatal(err)
			}
			load(b, a, 0, 1, steadyKeys, group)
			runSteady(b, a, 0, 1, steadyKeys/4, group)
		})
	}
}

// BenchmarkTopNSteady: the top 10 by x of 256Ki rows; every row is updated
// (most of them far from the top).
//
//	SELECT * FROM t ORDER BY x DESC LIMIT 10
func BenchmarkTopNSteady(b *testing.B) {
	t := NewTopN(testCtx(), []plan.SortExpr{{Expr: col(1, types.Int4), Desc: true}}, 10, 0, false, 2, discard{}, 0)
	load(b, t, 0, 1, steadyKeys, identity)
	runSteady(b, t, 0, 1, steadyKeys/4, identity)
}

// BenchmarkShardedSteady: a join feeding a grouped aggregate, built on 1
// and on 2 workers with hash exchanges, takes updates of its left input
// (256Ki keys on each side; the aggregate has 1024 groups). An op is one
// epoch of 64Ki updates, posted as a commit posts them and waited for.
//
//	SELECT l.x % 1024, count(*), sum(r.y) FROM l JOIN r ON l.k = r.k GROUP BY 1
func BenchmarkShardedSteady(b *testing.B) {
	cols := int4Columns
	l := plan.WithColumns(&plan.Values{}, cols("k", "x"))
	r := plan.WithColumns(&plan.Values{}, cols("k", "y"))
	k := col(0, types.Int4)
	j := plan.WithColumns(&plan.Join{Kind: plan.JoinInner, Left: l, Right: r, LeftKeys: []expr.Expr{k}, RightKeys: []expr.Expr{k}}, cols("k", "x", "k2", "y"))
	grp := call(b, "%", col(1, types.Int4), konst(types.NewInt4(1024), types.Int4))
	n := plan.WithColumns(&plan.Aggregate{Input: j, GroupBy: []expr.Expr{grp}, Aggs: []plan.AggCall{
		{Name: "count", T: types.Int8}, {Name: "sum", Args: []expr.Expr{col(3, types.Int4)}, T: types.Int8},
	}}, append(cols("g"), plan.Column{Name: "n", Type: types.Int8}, plan.Column{Name: "s", Type: types.Int8}))
	for _, workers := range []int{1, 2} {
		b.Run(map[int]string{1: "1-worker", 2: "2-workers"}[workers], func(b *testing.B) {
			f := newShardedFlow(b, n, workers)
			defer f.w.Close()
			epoch := func(left, right []*types.Chunk) {
				for side, chunks := range [][]*types.Chunk{left, right} {
					for _, leaf := range f.leaves[side] {
						// As a commit's table changes do: whole chunks, shared.
						leaf.PostShared(f.w, chunks)
						leaf.PostFlush(f.w)
					}
				}
				select {
				case <-f.done:
				case <-f.w.Failed():
					b.Fatal(f.w.Err())
				}
			}
			epoch(benchChunks(steadyKeys, identity), benchChunks(steadyKeys, identity))
			n := steadyKeys / 4
			rounds := [][]*types.Chunk{moveChunks(n, 0, 1, identity), moveChunks(n, 1, 0, identity)}
			epoch(rounds[0], nil)
			epoch(rounds[1], nil)
			measure(b, n, func(i int) { epoch(rounds[i%2], nil) })
		})
	}
}

// BenchmarkWindowSteady: 1024 partitions of 256 rows under row_number and
// a running sum; every update recomputes its partition.
//
//	SELECT k, x, row_number() OVER w, sum(x) OVER w FROM t WINDOW w AS (PARTITION BY k ORDER BY x)
func BenchmarkWindowSteady(b *testing.B) {
	k, x := col(0, types.Int4), col(1, types.Int4)
	calls := []plan.WindowCall{
		{Name: "row_number", PartitionBy: []expr.Expr{k}, OrderBy: []plan.SortExpr{{Expr: x}}, Frame: plan.DefaultFrame, T: types.Int8},
		{Name: "sum", IsAgg: true, Args: []expr.Expr{x}, PartitionBy: []expr.Expr{k}, OrderBy: []plan.SortExpr{{Expr: x}}, Frame: plan.DefaultFrame, T: types.Int8},
	}
	w := NewWindow(testCtx(), &plan.Window{Calls: calls}, 2, discard{}, 0)
	group := func(i int) int { return i % 1024 }
	load(b, w, 0, 1, steadyKeys, group)
	// Rounds of 4Ki updates: each epoch touches 4Ki rows in all partitions.
	runSteady(b, w, 0, 1, 4096, group)
}
