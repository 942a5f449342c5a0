package stream

import (
	"testing"

	"pgregory.net/rapid"

	"github.com/freshetdb/freshet/planner/plan"
	"github.com/freshetdb/freshet/sql/expr"
	"github.com/freshetdb/freshet/sql/types"
)

// TestNullAwareAntiJoin: the anti join of x NOT IN (SELECT y FROM r),
// maintained over epochs of inserts and deletes on both sides, equals SQL's
// NOT IN computed directly from the current rows: a left row qualifies when
// r is empty, or when x is not NULL, no y equals x and no y is NULL.
func TestNullAwareAntiJoin(t *testing.T) {
	rapid.Check(t, func(rt *rapid.T) {
		val := rapid.SampledFrom([]types.Datum{types.NullDatum, types.NewInt4(0), types.NewInt4(1), types.NewInt4(2)})
		j := &plan.Join{Kind: plan.JoinAnti, NullAware: true,
			LeftKeys: []expr.Expr{col(0, types.Int4)}, RightKeys: []expr.Expr{col(0, types.Int4)}}
		sink := NewViewSink(1)
		op := NewHashJoin(testCtx(), j, 1, 1, sink, 0)
		var left, right []types.Datum // current rows (multisets as lists)
		epochs := rapid.IntRange(1, 8).Draw(rt, "epochs")
		for ep := 0; ep < epochs; ep++ {
			for port, rows := range []*[]types.Datum{&left, &right} {
				c := types.NewChunk(1, 4)
				for n := rapid.IntRange(0, 4).Draw(rt, "changes"); n > 0; n-- {
					if len(*rows) > 0 && rapid.Bool().Draw(rt, "delete") {
						i := rapid.IntRange(0, len(*rows)-1).Draw(rt, "victim")
						c.Append(types.Row{(*rows)[i]}, -1)
						*rows = append((*rows)[:i], (*rows)[i+1:]...)
						continue
					}
					v := val.Draw(rt, "value")
					c.Append(types.Row{v}, 1)
					*rows = append(*rows, v)
				}
				if err := op.Push(port, c); err != nil {
					rt.Fatal(err)
				}
			}
			for port := 0; port < 2; port++ {
				if err := op.Flush(port); err != nil {
					rt.Fatal(err)
				}
			}
			want := map[string]int64{}
			for _, x := range left {
				if notIn(x, right) {
					want[datumKey(x)]++
				}
			}
			got := map[string]int64{}
			_ = sink.Each(func(r types.Row, n int64) error { got[datumKey(r[0])] += n; return nil })
			if len(got) != len(want) {
				rt.Fatalf("epoch %d: left %v right %v: got %v, want %v", ep, left, right, got, want)
			}
			for k, n := range want {
				if got[k] != n {
					rt.Fatalf("epoch %d: left %v right %v: got %v, want %v", ep, left, right, got, want)
				}
			}
		}
	})
}

// notIn is SQL's x NOT IN (ys) in a WHERE clause (NULL counts as false).
func notIn(x types.Datum, ys []types.Datum) bool {
	if len(ys) == 0 {
		return true
	}
	if x.IsNull() {
		return false
	}
	for _, y := range ys {
		if y.IsNull() || types.Equal(x, y) {
			return false
		}
	}
	return true
}

func datumKey(d types.Datum) string {
	if d.IsNull() {
		return "NULL"
	}
	return string(types.FormatText(nil, d, types.Int4, nil))
}
