package stream

import (
	"encoding/binary"
	"fmt"
	"slices"
	"sort"
	"testing"

	"pgregory.net/rapid"

	"github.com/freshetdb/freshet/planner/plan"
	"github.com/freshetdb/freshet/sql/expr"
	"github.com/freshetdb/freshet/sql/types"
)

// TestShardedMatchesSingle: a dataflow built on 3 workers, with hash
// exchanges in front of its stateful operators, holds exactly the contents
// of the same dataflow on 1 worker, after every epoch of random inserts and
// deletes on its two tables l(k, x) and r(k, y).
func TestShardedMatchesSingle(t *testing.T) {
	cols := int4Columns
	l := plan.WithColumns(&plan.Values{}, cols("k", "x"))
	r := plan.WithColumns(&plan.Values{}, cols("k", "y"))
	k, x := col(0, types.Int4), col(1, types.Int4)
	plans := map[string]func(tb fataler) plan.Node{
		"join-aggregate": func(tb fataler) plan.Node {
			j := plan.WithColumns(&plan.Join{Kind: plan.JoinLeft, Left: l, Right: r, LeftKeys: []expr.Expr{k}, RightKeys: []expr.Expr{k}}, cols("k", "x", "k2", "y"))
			return plan.WithColumns(&plan.Aggregate{Input: j, GroupBy: []expr.Expr{x}, Aggs: []plan.AggCall{
				{Name: "count", T: types.Int8}, {Name: "max", Args: []expr.Expr{col(3, types.Int4)}, T: types.Int4},
				{Name: "count", Args: []expr.Expr{col(3, types.Int4)}, Distinct: true, T: types.Int8},
			}}, append(cols("x"), plan.Column{Name: "n", Type: types.Int8}, plan.Column{Name: "m", Type: types.Int4}, plan.Column{Name: "d", Type: types.Int8}))
		},
		"global-aggregate": func(tb fataler) plan.Node {
			return plan.WithColumns(&plan.Aggregate{Input: l, Aggs: []plan.AggCall{{Name: "count", T: types.Int8}, {Name: "sum", Args: []expr.Expr{x}, T: types.Int8}}},
				[]plan.Column{{Name: "n", Type: types.Int8}, {Name: "s", Type: types.Int8}})
		},
		"not-in": func(tb fataler) plan.Node {
			return plan.WithColumns(&plan.Join{Kind: plan.JoinAnti, NullAware: true, Left: l, Right: r, LeftKeys: []expr.Expr{k}, RightKeys: []expr.Expr{k}}, cols("k", "x"))
		},
		"not-in-correlated": func(tb fataler) plan.Node {
			return plan.WithColumns(&plan.Join{Kind: plan.JoinAnti, NullAware: true, Left: l, Right: r, LeftKeys: []expr.Expr{k, x}, RightKeys: []expr.Expr{k, x}}, cols("k", "x"))
		},
		"distinct-except": func(tb fataler) plan.Node {
			d := plan.WithColumns(&plan.Distinct{Input: l}, cols("k", "x"))
			return plan.WithColumns(&plan.SetOp{Kind: plan.SetExcept, All: true, Left: d, Right: r}, cols("k", "x"))
		},
		"topn": func(tb fataler) plan.Node {
			s := plan.WithColumns(&plan.Sort{Input: l, Keys: []plan.SortExpr{{Expr: x, Desc: true}}}, cols("k", "x"))
			return plan.WithColumns(&plan.Limit{Input: s, Count: konst(types.NewInt8(2), types.Int8)}, cols("k", "x"))
		},
		"rank-topn": func(tb fataler) plan.Node {
			return plan.WithColumns(&plan.Window{Input: l, RankLimit: 1, Calls: []plan.WindowCall{{Name: "rank", PartitionBy: []expr.Expr{k},
				OrderBy: []plan.SortExpr{{Expr: x, Desc: true}}, Frame: plan.DefaultFrame, T: types.Int8}}}, append(cols("k", "x"), plan.Column{Name: "r", Type: types.Int8}))
		},
		"window": func(tb fataler) plan.Node {
			return plan.WithColumns(&plan.Window{Input: l, Calls: []plan.WindowCall{{Name: "row_number", PartitionBy: []expr.Expr{k},
				OrderBy: []plan.SortExpr{{Expr: x}}, Frame: plan.DefaultFrame, T: types.Int8}}}, append(cols("k", "x"), plan.Column{Name: "rn", Type: types.Int8}))
		},
	}
	for name, mk := range plans {
		t.Run(name, func(t *testing.T) {
			rapid.Check(t, func(rt *rapid.T) {
				n := mk(rt)
				flows := []*shardedFlow{newShardedFlow(rt, n, 1), newShardedFlow(rt, n, 3)}
				defer func() {
					for _, f := range flows {
						f.w.Close()
					}
				}()
				val := rapid.SampledFrom([]types.Datum{types.NullDatum, types.NewInt4(0), types.NewInt4(1), types.NewInt4(2), types.NewInt4(3)})
				model := [2][]types.Row{}
				for ep := rapid.IntRange(1, 6).Draw(rt, "epochs"); ep > 0; ep-- {
					changes := [2]*types.Chunk{types.NewChunk(2, 8), types.NewChunk(2, 8)}
					for side := 0; side < 2; side++ {
						for c := rapid.IntRange(0, 6).Draw(rt, "changes"); c > 0; c-- {
							rows := &model[side]
							if len(*rows) > 0 && rapid.Bool().Draw(rt, "delete") {
								i := rapid.IntRange(0, len(*rows)-1).Draw(rt, "victim")
								changes[side].Append((*rows)[i], -1)
								*rows = append((*rows)[:i], (*rows)[i+1:]...)
								continue
							}
							row := types.Row{val.Draw(rt, "k"), val.Draw(rt, "v")}
							changes[side].Append(row, 1)
							*rows = append(*rows, row)
						}
					}
					var got [2]string
					for i, f := range flows {
						got[i] = f.epoch(rt, changes)
					}
					if got[0] != got[1] {
						rt.Fatalf("1 worker:\n%s\n%d workers:\n%s", got[0], flows[1].w.N(), got[1])
					}
					flows[1].checkpoint(rt)
					switch rapid.IntRange(0, 2).Draw(rt, "restore") {
					case 1:
						// Go on with the state moved to another number of workers.
						moved := flows[1].restored(rt, n, rapid.IntRange(1, 4).Draw(rt, "workers"))
						flows[1].w.Close()
						flows[1] = moved
					case 2:
						// Go on from the checkpoints stored so far, as after a restart.
						moved := flows[1].reloaded(rt, n, rapid.IntRange(1, 4).Draw(rt, "workers"))
						flows[1].w.Close()
						flows[1] = moved
					}
				}
			})
		})
	}
}

// int4Columns returns int4 columns of the given names.
func int4Columns(names ...string) []plan.Column {
	out := make([]plan.Column, len(names))
	for i, n := range names {
		out[i] = plan.Column{Name: n, Type: types.Int4}
	}
	return out
}

// shardedFlow is a dataflow on some workers whose leaves are the plan's
// two Values nodes (l then r), fed directly.
type shardedFlow struct {
	w      *Workers
	flow   *Dataflow
	sink   *ViewSink
	done   chan struct{}
	leaves [2][]*ShardLeaf
	// stored is what the checkpoints wrote so far.
	stored memState
}

// memState is a store of checkpointed state in memory, with the same
// semantics as the engine's: weights summed, zero weights gone.
type memState map[string][]byte

// AddWeight implements StateWriter.
func (st memState) AddWeight(key, delta []byte) error {
	old, ok := st[string(key)]
	if !ok {
		st[string(key)] = slices.Clone(delta)
		return nil
	}
	x, n := binary.Varint(old)
	y, m := binary.Varint(delta)
	if n != len(old) || m != len(delta) {
		return fmt.Errorf("bad weight under %q", key)
	}
	sum := x + y
	if sum == 0 {
		delete(st, string(key))
		return nil
	}
	st[string(key)] = binary.AppendVarint(nil, sum)
	return nil
}

// Put implements StateWriter.
func (m memState) Put(key, value []byte) error {
	m[string(key)] = slices.Clone(value)
	return nil
}

// Remove implements StateWriter.
func (m memState) Remove(key []byte) error {
	delete(m, string(key))
	return nil
}

// checkpoint writes the epoch's state changes to f.stored.
func (f *shardedFlow) checkpoint(tb fataler) {
	if err := f.flow.WriteChanges(f.stored); err != nil {
		tb.Fatalf("checkpoint: %v", err)
	}
}

// reloaded builds plan n on the given number of workers and loads it with
// the state f's checkpoints stored, which it goes on storing.
func (f *shardedFlow) reloaded(tb fataler, n plan.Node, workers int) *shardedFlow {
	g := newShardedFlow(tb, n, workers)
	g.stored = f.stored
	g.flow.SetLogging(false)
	if err := g.flow.LoadStored(func(yield func([]byte, []byte) bool) {
		for k, v := range f.stored {
			if !yield([]byte(k), v) {
				return
			}
		}
	}, func([]byte) {}); err != nil {
		tb.Fatalf("load stored: %v", err)
	}
	g.flow.SetLogging(true)
	return g
}

// restored builds plan n on the given number of workers and loads it with
// f's saved state (its operators' and its sink's).
func (f *shardedFlow) restored(tb fataler, n plan.Node, workers int) *shardedFlow {
	g := newShardedFlow(tb, n, workers)
	type opRecord struct {
		op  int
		rec StateRecord
	}
	var recs []opRecord
	if err := f.flow.SaveState(func(op int, rec StateRecord) error {
		rec.Row = slices.Clone(rec.Row)
		recs = append(recs, opRecord{op, rec})
		return nil
	}); err != nil {
		tb.Fatalf("save: %v", err)
	}
	g.flow.SetLogging(false)
	if err := g.flow.LoadState(func(yield func(int, StateRecord) bool) {
		for _, r := range recs {
			if !yield(r.op, r.rec) {
				return
			}
		}
	}); err != nil {
		tb.Fatalf("load: %v", err)
	}
	// The checkpoints stored so far stay valid: go on from them.
	g.stored = f.stored
	g.flow.SetLogging(true)
	return g
}

type signalSink struct {
	*ViewSink
	done chan struct{}
}

func (s *signalSink) Flush(port int) error {
	err := s.ViewSink.Flush(port)
	s.done <- struct{}{}
	return err
}

func newShardedFlow(tb fataler, n plan.Node, workers int) *shardedFlow {
	f := &shardedFlow{w: StartWorkers(workers), sink: NewViewSink(len(n.Columns())), done: make(chan struct{}, 1)}
	ecs := make([]*expr.Ctx, workers)
	for i := range ecs {
		ecs[i] = testCtx()
	}
	flow, err := BuildSharded(ecs, n, &signalSink{ViewSink: f.sink, done: f.done}, f.w)
	if err != nil {
		tb.Fatalf("build: %v", err)
	}
	f.flow = flow
	f.stored = memState{}
	flow.SetLogging(true)
	leaves := flow.Leaves
	for i := range leaves {
		side := 0
		if leaves[i].Node.Columns()[1].Name == "y" {
			side = 1
		}
		f.leaves[side] = append(f.leaves[side], &leaves[i])
	}
	return f
}

// epoch posts one epoch of changes and returns the contents afterwards.
func (f *shardedFlow) epoch(tb fataler, changes [2]*types.Chunk) string {
	for side, ls := range f.leaves {
		for _, l := range ls {
			l.Post(f.w, changes[side])
			l.PostFlush(f.w)
		}
	}
	select {
	case <-f.done:
	case <-f.w.Failed():
		tb.Fatalf("dataflow failed: %v", f.w.Err())
	}
	var rows []string
	_ = f.sink.Each(func(r types.Row, n int64) error {
		rows = append(rows, fmt.Sprintf("%d %s", n, rowText(r)))
		return nil
	})
	sort.Strings(rows)
	return fmt.Sprint(rows)
}
