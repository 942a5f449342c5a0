package stream

import (
	"github.com/freshetdb/freshet/planner/plan"
	"github.com/freshetdb/freshet/sql/expr"
	"github.com/freshetdb/freshet/sql/types"
)

// FlatMap expands each change by set-returning function calls evaluated on
// its row: row ++ f(row) for every output row of f, with the change's
// weight. It is linear, so a retraction retracts exactly the rows its
// insertion produced.
//
//	SELECT id, e FROM j, jsonb_array_elements(doc -> 'tags') e
//	SELECT generate_series(1, n) FROM t
type FlatMap struct {
	ctx   *expr.Ctx
	calls []plan.SetCall
	outer bool
	width int
	out   *Emitter
	args  [][]types.Datum
	rows  [][]types.Row
	// produced counts output rows, to check for cancellation now and then.
	produced int
}

// NewFlatMap returns a flat-map over rows of the given width.
func NewFlatMap(ctx *expr.Ctx, n *plan.FlatMap, width int, out Operator, port int) *FlatMap {
	f := &FlatMap{ctx: ctx, calls: n.Calls, outer: n.Outer, width: width, out: NewEmitter(out, port, len(n.Columns())),
		args: make([][]types.Datum, len(n.Calls)), rows: make([][]types.Row, len(n.Calls))}
	for i, c := range n.Calls {
		f.args[i] = make([]types.Datum, len(c.Args))
	}
	return f
}

// Push implements Operator.
func (f *FlatMap) Push(_ int, c *types.Chunk) error {
	if len(f.calls) == 1 && !f.outer {
		return f.pushStreaming(c)
	}
	for i := 0; i < c.Len(); i++ {
		in, w := c.Row(i), c.Weights[i]
		longest := 0
		for k, call := range f.calls {
			f.rows[k] = f.rows[k][:0]
			args := f.args[k]
			if run, err := f.evalArgs(call, args, in); err != nil || !run {
				if err != nil {
					return err
				}
				continue
			}
			err := call.Fn.SetFn(f.ctx.Eval, args, func(r []types.Datum) error {
				f.rows[k] = append(f.rows[k], append(types.Row(nil), r...))
				return nil
			})
			if err != nil {
				return err
			}
			longest = max(longest, len(f.rows[k]))
		}
		if longest == 0 && f.outer {
			longest = 1
		}
		for n := 0; n < longest; n++ {
			row := f.out.Space(w)
			copy(row, in)
			pos := f.width
			for k, call := range f.calls {
				if n < len(f.rows[k]) {
					copy(row[pos:], f.rows[k][n])
				}
				pos += len(call.Cols)
			}
			if err := f.out.Done(); err != nil {
				return err
			}
		}
	}
	return nil
}

// evalArgs evaluates a call's arguments on a row into args; run is false
// when a strict function got a NULL (it returns no rows).
func (f *FlatMap) evalArgs(call plan.SetCall, args []types.Datum, in types.Row) (run bool, err error) {
	isNull := false
	for j, a := range call.Args {
		if args[j], err = a.Eval(f.ctx, in); err != nil {
			return false, err
		}
		isNull = isNull || args[j].IsNull()
	}
	return !(isNull && call.Fn.Strict), nil
}

// pushStreaming expands rows by a single call, emitting each output row as
// the function yields it, so that a long series is never held in memory.
func (f *FlatMap) pushStreaming(c *types.Chunk) error {
	call := f.calls[0]
	args := f.args[0]
	for i := 0; i < c.Len(); i++ {
		in, w := c.Row(i), c.Weights[i]
		if run, err := f.evalArgs(call, args, in); err != nil || !run {
			if err != nil {
				return err
			}
			continue
		}
		err := call.Fn.SetFn(f.ctx.Eval, args, func(r []types.Datum) error {
			if f.produced++; f.produced%4096 == 0 {
				if err := f.ctx.CheckInterrupt(); err != nil {
					return err
				}
			}
			row := f.out.Space(w)
			copy(row, in)
			copy(row[f.width:], r)
			return f.out.Done()
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// Flush implements Operator.
func (f *FlatMap) Flush(int) error { return f.out.Flush() }
