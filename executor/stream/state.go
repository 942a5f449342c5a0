package stream

import (
	"errors"
	"iter"
	"slices"
	"sync"

	"github.com/freshetdb/freshet/sql/expr"
	"github.com/freshetdb/freshet/sql/sqlerr"
	"github.com/freshetdb/freshet/sql/types"
)

// StateRecord is one row of an operator's state with its multiplicity. An
// operator's state is a multiset of rows in a few numbered tables (what
// each table holds is the operator's own business), so a checkpoint can
// store it as rows and a delta between checkpoints is a multiset of changes
// like any other.
type StateRecord struct {
	Table  int
	Row    types.Row
	Weight int64
}

// Stateful is an operator that keeps state from one epoch to the next.
// Between epochs (after its Flush, before the next Push) its state can be
// enumerated, and a freshly built operator of the same plan node loaded
// with those records continues exactly as the original would: the same
// input gives the same output.
type Stateful interface {
	Operator
	// SaveState calls yield with every record of the state. A record's
	// row is only valid during the call.
	SaveState(yield func(StateRecord) error) error
	// LoadState loads records, in any order, into a freshly built
	// operator that has seen no input.
	LoadState(recs iter.Seq[StateRecord]) error
	// stateRoute returns the values whose hash picks the shard owning a
	// record, matching the exchange in front of the operator (see
	// plan.Partitioning); it is only asked of partitioned operators.
	stateRoute(rec StateRecord) (types.Row, error)
}

// saveMultiset yields the rows of m with their weights as records of table.
func saveMultiset(m *multiset, table int, yield func(StateRecord) error) error {
	return m.t.each(func(e *rowEntry[int64]) error {
		return yield(StateRecord{Table: table, Row: e.key, Weight: e.val})
	})
}

// canonicalKey returns the form of a key a saved record shows: the first
// present form in a fixed order, so that the state saved does not depend
// on which form happened to arrive first.
func canonicalKey(key types.Row, f *forms) types.Row {
	if k := f.pick(nil); k != nil {
		return k
	}
	return key
}

// evalRow evaluates es on r into a new row.
func evalRow(ctx *expr.Ctx, es []expr.Expr, r types.Row) (types.Row, error) {
	out := make(types.Row, len(es))
	return out, evalInto(ctx, es, r, out)
}

// evalInto evaluates es on r into out (of their length).
func evalInto(ctx *expr.Ctx, es []expr.Expr, r, out types.Row) error {
	for i, e := range es {
		v, err := e.Eval(ctx, r)
		if err != nil {
			return err
		}
		out[i] = v
	}
	return nil
}

// badRecord is the error of a record an operator cannot place.
func badRecord(op string, rec StateRecord) error {
	return sqlerr.Internal("%s state: unexpected record in table %d of width %d", op, rec.Table, len(rec.Row))
}

// discard is an operator that drops what it receives: the output of an
// operator replaying its saved input.
type discard struct{}

// Push implements Operator.
func (discard) Push(int, *types.Chunk) error { return nil }

// Flush implements Operator.
func (discard) Flush(int) error { return nil }

// shardedOp is one stateful operator of a sharded dataflow: its instance
// on every shard, and whether rows reach it partitioned by key (otherwise
// shard 0 holds all of its state).
type shardedOp struct {
	shards      []Stateful
	logs        []*stateLog
	partitioned bool
}

// Dataflow is a plan built on shards (see BuildSharded): the leaves where
// changes enter and the stateful operators, whose state can be saved and
// loaded as a whole.
type Dataflow struct {
	Leaves []ShardLeaf
	ops    []shardedOp
	// logging says whether the operators log their state changes (see
	// SetLogging); shared by every log.
	logging *bool
}

// SaveState calls yield with every record of every stateful operator's
// state; op numbers the operators in an order that is the same for every
// build of the same plan, whatever the number of shards. The workers must
// be idle (between epochs). A record's row is only valid during the call.
func (d *Dataflow) SaveState(yield func(op int, rec StateRecord) error) error {
	for i, o := range d.ops {
		for _, s := range o.shards {
			if err := s.SaveState(func(rec StateRecord) error { return yield(i, rec) }); err != nil {
				return err
			}
		}
	}
	return nil
}

// LoadState loads saved records into a freshly built dataflow of the same
// plan, on any number of shards: each record goes to the shard that owns
// its key. The workers must be idle.
func (d *Dataflow) LoadState(recs iter.Seq2[int, StateRecord]) error {
	return d.load(recs, false)
}

// load routes the records to their shards, then loads every shard's
// operators, the shards in parallel (each shard's operators share its
// evaluation context, so one goroutine loads them all). owned says the
// records' rows are the caller's to keep.
func (d *Dataflow) load(recs iter.Seq2[int, StateRecord], owned bool) error {
	per := make([][][]StateRecord, len(d.ops))
	shards := 0
	for i, o := range d.ops {
		per[i] = make([][]StateRecord, len(o.shards))
		shards = max(shards, len(o.shards))
	}
	for op, rec := range recs {
		if op < 0 || op >= len(d.ops) {
			return sqlerr.Internal("dataflow state: no operator %d", op)
		}
		o := d.ops[op]
		shard := 0
		if o.partitioned && len(o.shards) > 1 {
			key, err := o.shards[0].stateRoute(rec)
			if err != nil {
				return err
			}
			shard = int(hashRow(key) % uint64(len(o.shards)))
		}
		if !owned {
			rec.Row = slices.Clone(rec.Row)
		}
		per[op][shard] = append(per[op][shard], rec)
	}
	errs := make([]error, shards)
	var wg sync.WaitGroup
	for s := range shards {
		wg.Go(func() {
			for i, o := range d.ops {
				if s >= len(o.shards) {
					continue
				}
				if errs[s] = o.shards[s].LoadState(slices.Values(per[i][s])); errs[s] != nil {
					return
				}
				per[i][s] = nil
			}
		})
	}
	wg.Wait()
	return errors.Join(errs...)
}
