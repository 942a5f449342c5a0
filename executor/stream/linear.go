package stream

import (
	"github.com/freshetdb/freshet/sql/expr"
	"github.com/freshetdb/freshet/sql/types"
)

// Filter passes the changes whose row satisfies Pred (true; NULL and false
// drop the row). It is linear: a retraction passes exactly when the
// insertion did.
type Filter struct {
	ctx  *expr.Ctx
	pred expr.Expr
	out  *Emitter
}

// NewFilter returns a filter over rows of width width.
func NewFilter(ctx *expr.Ctx, pred expr.Expr, width int, out Operator, port int) *Filter {
	return &Filter{ctx: ctx, pred: pred, out: NewEmitter(out, port, width)}
}

// Push implements Operator.
func (f *Filter) Push(_ int, c *types.Chunk) error {
	for i := 0; i < c.Len(); i++ {
		r := c.Row(i)
		ok, err := expr.EvalBool(f.ctx, f.pred, r)
		if err != nil {
			return err
		}
		if ok {
			if err := f.out.Emit(r, c.Weights[i]); err != nil {
				return err
			}
		}
	}
	return nil
}

// Flush implements Operator.
func (f *Filter) Flush(int) error { return f.out.Flush() }

// Project computes one expression per output column for every change,
// keeping its weight.
type Project struct {
	ctx   *expr.Ctx
	exprs []expr.Expr
	out   *Emitter
}

// NewProject returns a projection.
func NewProject(ctx *expr.Ctx, exprs []expr.Expr, out Operator, port int) *Project {
	return &Project{ctx: ctx, exprs: exprs, out: NewEmitter(out, port, len(exprs))}
}

// Push implements Operator.
func (p *Project) Push(_ int, c *types.Chunk) error {
	for i := 0; i < c.Len(); i++ {
		in := c.Row(i)
		if err := evalInto(p.ctx, p.exprs, in, p.out.Space(c.Weights[i])); err != nil {
			return err
		}
		if err := p.out.Done(); err != nil {
			return err
		}
	}
	return nil
}

// Flush implements Operator.
func (p *Project) Flush(int) error { return p.out.Flush() }

// Union merges its two inputs (UNION ALL): weights add up.
type Union struct {
	out  *Emitter
	gate flushGate
}

// NewUnion returns a two-input union of rows of width width.
func NewUnion(width int, out Operator, port int) *Union {
	return &Union{out: NewEmitter(out, port, width), gate: flushGate{inputs: 2}}
}

// Push implements Operator.
func (u *Union) Push(_ int, c *types.Chunk) error {
	for i := 0; i < c.Len(); i++ {
		if err := u.out.Emit(c.Row(i), c.Weights[i]); err != nil {
			return err
		}
	}
	return nil
}

// Flush implements Operator.
func (u *Union) Flush(int) error {
	if u.gate.arrive() {
		return u.out.Flush()
	}
	return nil
}
