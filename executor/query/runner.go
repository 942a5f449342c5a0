package query

import (
	"context"

	"github.com/freshetdb/freshet/executor/stream"
	"github.com/freshetdb/freshet/planner/plan"
	"github.com/freshetdb/freshet/sql/catalog"
	"github.com/freshetdb/freshet/sql/expr"
	"github.com/freshetdb/freshet/sql/sqlerr"
	"github.com/freshetdb/freshet/sql/types"
)

// Source reads stored rows for table scans.
type Source interface {
	// ScanTable calls fn for every row of stored table t within the key
	// span, in primary-key order. fn must not retain the row.
	ScanTable(ctx context.Context, t *catalog.Table, span KeySpan, fn func(types.Row) error) error
}

// KeySpan restricts a scan by primary key: rows whose leading key values
// equal Prefix and whose next key value lies within Lower / Upper (nil for
// unbounded). The zero KeySpan is the whole table.
type KeySpan struct {
	Prefix       []types.Datum
	Lower, Upper *Bound
}

// Bound is one end of a KeySpan.
type Bound struct {
	Value     types.Datum
	Inclusive bool
}

// Runner executes plans for one statement. It implements
// expr.SubqueryRunner for the subqueries inside them. Not safe for
// concurrent use.
type Runner struct {
	ctx   context.Context
	src   Source
	cat   *catalog.Catalog
	eval  *expr.Ctx
	cache map[*expr.Subquery][]types.Row
	sets  map[*expr.Subquery]*expr.ValueSet
	// work holds, per recursive CTE, the rows its previous round added.
	work map[int][]types.Row
}

// NewRunner returns a runner reading stored rows from src and system
// relations from cat. ec is the evaluation context (parameters, session);
// the runner installs itself as ec's subquery runner.
func NewRunner(ctx context.Context, src Source, cat *catalog.Catalog, ec *expr.Ctx) *Runner {
	r := &Runner{ctx: ctx, src: src, cat: cat, eval: ec, cache: map[*expr.Subquery][]types.Row{}, sets: map[*expr.Subquery]*expr.ValueSet{}, work: map[int][]types.Row{}}
	ec.Subqueries = r
	ec.Interrupted = func() error {
		if ctx.Err() != nil {
			return canceledErr(ctx)
		}
		return nil
	}
	return r
}

// Rows runs the plan and returns its result rows, in ORDER BY order when the
// plan ends in a Sort (under an optional Limit), otherwise in a
// deterministic order.
func (r *Runner) Rows(n plan.Node) ([]types.Row, error) {
	return r.rows(r.eval, n)
}

func (r *Runner) rows(ec *expr.Ctx, n plan.Node) ([]types.Row, error) {
	// A projection over the final ORDER BY / LIMIT (dropping the hidden
	// sort columns) applies to the sorted rows, keeping their order.
	if p, ok := n.(*plan.Project); ok {
		switch p.Input.(type) {
		case *plan.Sort, *plan.Limit:
			in, err := r.rows(ec, p.Input)
			if err != nil {
				return nil, err
			}
			out := make([]types.Row, len(in))
			for i, row := range in {
				o := make(types.Row, len(p.Exprs))
				for j, e := range p.Exprs {
					v, err := e.Eval(ec, row)
					if err != nil {
						return nil, err
					}
					o[j] = v
				}
				out[i] = o
			}
			return out, nil
		}
	}
	// The final ORDER BY / LIMIT applies to the collected result.
	var keys []plan.SortExpr
	count, offset := int64(-1), int64(0)
	ties := false
	body := n
	if l, ok := body.(*plan.Limit); ok {
		var err error
		if count, offset, err = stream.LimitValues(ec, l); err != nil {
			return nil, err
		}
		body, ties = l.Input, l.WithTies
	}
	if s, ok := body.(*plan.Sort); ok {
		keys = s.Keys
		body = s.Input
	}
	sink := stream.NewCollect()
	b := &builder{r: r, ec: ec}
	if err := b.build(body, sink, 0); err != nil {
		return nil, err
	}
	if err := b.drive(); err != nil {
		return nil, err
	}
	rows, err := sink.Sorted(ec, keys)
	if err != nil {
		return nil, err
	}
	if offset > 0 {
		if offset >= int64(len(rows)) {
			rows = nil
		} else {
			rows = rows[offset:]
		}
	}
	if count >= 0 && count < int64(len(rows)) {
		end := int(count)
		if ties {
			if end, err = stream.TiesEnd(ec, rows, keys, end); err != nil {
				return nil, err
			}
		}
		rows = rows[:end]
	}
	return rows, nil
}

// Run implements expr.SubqueryRunner.
func (r *Runner) Run(c *expr.Ctx, q *expr.Subquery, yield func(types.Row) (bool, error)) error {
	rows, ok := r.cache[q]
	if !ok {
		n, isNode := q.Plan.(plan.Node)
		if !isNode {
			return sqlerr.Internal("subquery without a plan")
		}
		var err error
		if rows, err = r.rows(c, n); err != nil {
			return err
		}
		if !q.Correlated {
			r.cache[q] = rows
		}
	}
	for _, row := range rows {
		more, err := yield(row)
		if err != nil || !more {
			return err
		}
	}
	return nil
}

// ValueSet implements expr.SetRunner for uncorrelated "= ANY" subqueries.
func (r *Runner) ValueSet(c *expr.Ctx, q *expr.Subquery) (*expr.ValueSet, error) {
	if s, ok := r.sets[q]; ok {
		return s, nil
	}
	var rows []types.Row
	if err := r.Run(c, q, func(row types.Row) (bool, error) { rows = append(rows, row); return true, nil }); err != nil {
		return nil, err
	}
	s := expr.NewValueSet(rows)
	r.sets[q] = s
	return s, nil
}

// recursive evaluates a RecursiveUnion round by round until a round adds
// no rows.
func (r *Runner) recursive(ec *expr.Ctx, n *plan.RecursiveUnion) ([]types.Row, error) {
	rows, err := r.rows(ec, n.Base)
	if err != nil {
		return nil, err
	}
	seen := map[string]bool{}
	key := func(row types.Row) string { return string(types.EncodeRow(nil, row, n.OutputTypes())) }
	var all []types.Row
	add := func(in []types.Row) []types.Row {
		var fresh []types.Row
		for _, row := range in {
			if !n.All {
				k := key(row)
				if seen[k] {
					continue
				}
				seen[k] = true
			}
			fresh = append(fresh, row)
		}
		all = append(all, fresh...)
		return fresh
	}
	work := add(rows)
	defer delete(r.work, n.ID)
	for len(work) > 0 {
		if r.ctx.Err() != nil {
			return nil, canceledErr(r.ctx)
		}
		r.work[n.ID] = work
		next, err := r.rows(ec, n.Step)
		if err != nil {
			return nil, err
		}
		work = add(next)
	}
	return all, nil
}
