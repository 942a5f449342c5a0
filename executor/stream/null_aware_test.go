package stream

import (
	"fmt"
	"testing"

	"pgregory.net/rapid"

	"github.com/freshetdb/freshet/planner/plan"
	"github.com/freshetdb/freshet/sql/expr"
	"github.com/freshetdb/freshet/sql/types"
)

// TestNullAwareAntiJoin: the anti join of x NOT IN (SELECT y FROM r
// [WHERE r.k = l.k]), maintained over epochs of inserts and deletes on both
// sides and reloaded from its saved state now and then, equals SQL's NOT IN
// computed directly from the current rows: a left row qualifies when its
// subquery is empty (always so for a NULL l.k when correlated), or when x
// is not NULL, no y equals x and no y is NULL.
func TestNullAwareAntiJoin(t *testing.T) {
	rapid.Check(t, func(rt *rapid.T) {
		val := rapid.SampledFrom([]types.Datum{types.NullDatum, types.NewInt4(0), types.NewInt4(1), types.NewInt4(2)})
		correlated := rapid.Bool().Draw(rt, "correlated")
		c := notInCase(correlated)
		sink := NewViewSink(2)
		op, _ := c.build(testCtx(), sink)
		var left, right []types.Row // current rows (multisets as lists)
		epochs := rapid.IntRange(1, 8).Draw(rt, "epochs")
		for ep := 0; ep < epochs; ep++ {
			for port, rows := range []*[]types.Row{&left, &right} {
				c := types.NewChunk(2, 4)
				for n := rapid.IntRange(0, 4).Draw(rt, "changes"); n > 0; n-- {
					if len(*rows) > 0 && rapid.Bool().Draw(rt, "delete") {
						i := rapid.IntRange(0, len(*rows)-1).Draw(rt, "victim")
						c.Append((*rows)[i], -1)
						*rows = append((*rows)[:i], (*rows)[i+1:]...)
						continue
					}
					r := types.Row{val.Draw(rt, "k"), val.Draw(rt, "x")}
					c.Append(r, 1)
					*rows = append(*rows, r)
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
			for _, l := range left {
				var sub []types.Datum
				for _, r := range right {
					if !correlated || (!l[0].IsNull() && types.Equal(l[0], r[0])) {
						sub = append(sub, r[1])
					}
				}
				if notIn(l[1], sub) {
					want[rowText(l)]++
				}
			}
			got := map[string]int64{}
			_ = sink.Each(func(r types.Row, n int64) error { got[rowText(r)] += n; return nil })
			if !sameBag(got, want) {
				rt.Fatalf("epoch %d: left %v right %v:\ngot\n%swant\n%s", ep, left, right, formatBag(got), formatBag(want))
			}
			if rapid.Bool().Draw(rt, "restore") {
				var err error
				if op, err = restored(c, op.(Stateful), sink); err != nil {
					rt.Fatal(err)
				}
			}
		}
	})
}

// TestNullAwareAntiJoinReleasesState: once every row is deleted, a NOT IN
// join holds no state, its correlation groups included.
func TestNullAwareAntiJoinReleasesState(t *testing.T) {
	rapid.Check(t, func(rt *rapid.T) {
		checkIncremental(rt, notInCase(rapid.Bool().Draw(rt, "correlated")), checkState)
	})
}

// notInCase is l(k, x) WHERE x NOT IN (SELECT y FROM r(k, y) [WHERE r.k = l.k]).
func notInCase(correlated bool) incCase {
	keys := func() []expr.Expr {
		if correlated {
			return []expr.Expr{col(0, types.Int4), col(1, types.Int4)}
		}
		return []expr.Expr{col(1, types.Int4)}
	}
	row := genRow(genInt4(2), genInt4(2))
	return incCase{
		widths: []int{2, 2},
		gens:   []*rapid.Generator[types.Row]{row, row},
		build: func(ctx *expr.Ctx, out Operator) (Operator, error) {
			j := &plan.Join{Kind: plan.JoinAnti, NullAware: true, LeftKeys: keys(), RightKeys: keys()}
			return NewHashJoin(ctx, j, 2, 2, out, 0), nil
		},
		empty: func(op Operator) string {
			h := op.(*HashJoin)
			s := joinState(h)
			if n := h.naGroups.len(); n > 0 {
				s += fmt.Sprintf("%d correlation groups", n)
			}
			return s
		},
	}
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
