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

var joinKinds = []plan.JoinKind{plan.JoinInner, plan.JoinLeft, plan.JoinRight, plan.JoinFull, plan.JoinSemi, plan.JoinAnti}

// TestHashJoinIncremental: for every join kind, with one or two equi-keys
// (NULL keys included) or none (a nested loop), with and without a residual
// condition, the join maintained over epochs of inserts and deletes equals
// the join recomputed from scratch.
//
//	SELECT * FROM l <kind> JOIN r ON l.k = r.k [AND l.x = r.y] [AND l.x < r.y]
func TestHashJoinIncremental(t *testing.T) {
	for _, kind := range joinKinds {
		t.Run(kind.String(), func(t *testing.T) {
			rapid.Check(t, func(rt *rapid.T) {
				keys := rapid.SampledFrom([]string{"none", "k", "k,x"}).Draw(rt, "keys")
				residual := rapid.SampledFrom([]string{"none", "l.x < r.y", "l.x <> r.y OR l.k IS NULL"}).Draw(rt, "residual")
				checkIncremental(rt, joinCase(rt, kind, keys, residual), checkOutput)
			})
		})
	}
}

// TestHashJoinReleasesState: once every row of both inputs has been
// deleted, the join holds no state (a view over a stream of short-lived
// keys must not grow without bound).
func TestHashJoinReleasesState(t *testing.T) {
	rapid.Check(t, func(rt *rapid.T) {
		kind := rapid.SampledFrom(joinKinds).Draw(rt, "kind")
		keys := rapid.SampledFrom([]string{"none", "k", "k,x"}).Draw(rt, "keys")
		checkIncremental(rt, joinCase(rt, kind, keys, "none"), checkState)
	})
}

// joinCase is a join of l(k int4, x int4) and r(k int4, y int4).
func joinCase(tb fataler, kind plan.JoinKind, keys, residual string) incCase {
	row := genRow(genInt4(2), genInt4(2))
	j := &plan.Join{Kind: kind}
	switch keys {
	case "k":
		j.LeftKeys = []expr.Expr{col(0, types.Int4)}
		j.RightKeys = []expr.Expr{col(0, types.Int4)}
	case "k,x":
		j.LeftKeys = []expr.Expr{col(0, types.Int4), col(1, types.Int4)}
		j.RightKeys = []expr.Expr{col(0, types.Int4), col(1, types.Int4)}
	}
	switch residual {
	case "l.x < r.y":
		j.Residual = call(tb, "<", col(1, types.Int4), col(3, types.Int4))
	case "l.x <> r.y OR l.k IS NULL":
		j.Residual = &expr.Or{Args: []expr.Expr{
			call(tb, "<>", col(1, types.Int4), col(3, types.Int4)),
			&expr.IsNull{X: col(0, types.Int4)},
		}}
	}
	return incCase{
		widths: []int{2, 2},
		gens:   []*rapid.Generator[types.Row]{row, row},
		build: func(ctx *expr.Ctx, out Operator) (Operator, error) {
			jj := *j
			jj.LeftKeys, jj.RightKeys, jj.Residual = cloneAll(j.LeftKeys), cloneAll(j.RightKeys), cloneTree(j.Residual)
			return NewHashJoin(ctx, &jj, 2, 2, out, 0), nil
		},
		empty: func(op Operator) string { return joinState(op.(*HashJoin)) },
	}
}

// joinState describes what a join still holds ("" when nothing).
func joinState(h *HashJoin) string {
	s := ""
	for side, js := range h.sides {
		if js.rows.len() > 0 {
			s += fmt.Sprintf("side %d: %d rows; ", side, js.rows.len())
		}
	}
	entries := 0
	_ = h.index.each(func(e *rowEntry[[2]joinBucket]) error {
		for _, l := range e.val {
			for o := l.head; o != nil; o = o.next {
				entries++
			}
		}
		return nil
	})
	if h.index.len() > 0 {
		s += fmt.Sprintf("%d keys indexed, holding %d entries; ", h.index.len(), entries)
	}
	return s
}

// TestHashJoinSteps runs testdata/hash_join: joins of l(k, x) and r(k, y)
// stepped epoch by epoch. "new kind=left [keys=none|k|kx] [residual=x<y]"
// starts a join (keys=k by default; kx is l.k = r.k AND l.x = r.y).
func TestHashJoinSteps(t *testing.T) {
	var s *stepper
	datadriven.RunTest(t, "testdata/hash_join", func(t *testing.T, td *datadriven.TestData) string {
		if td.Cmd != "new" {
			return s.run(t, td)
		}
		var kindName string
		td.ScanArgs(t, "kind", &kindName)
		kind := plan.JoinKind(255)
		for _, k := range joinKinds {
			if k.String() == kindName {
				kind = k
			}
		}
		if kind == 255 {
			return "unknown join kind " + kindName
		}
		keys, residual := "k", "none"
		if td.HasArg("keys") {
			td.ScanArgs(t, "keys", &keys)
		}
		if keys == "kx" {
			keys = "k,x"
		}
		if td.HasArg("residual") {
			td.ScanArgs(t, "residual", &residual)
			if residual != "x<y" {
				return "unknown residual " + residual
			}
			residual = "l.x < r.y"
		}
		c := joinCase(t, kind, keys, residual)
		var err error
		s, err = newStepper([]string{"left", "right"}, c.widths, func(out Operator) (Operator, error) {
			return c.build(testCtx(), out)
		})
		if err != nil {
			return "error: " + err.Error()
		}
		return ""
	})
}
