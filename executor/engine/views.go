package engine

import (
	"context"
	"fmt"
	"sync"

	"github.com/freshetdb/freshet/executor/query"
	"github.com/freshetdb/freshet/executor/stream"
	"github.com/freshetdb/freshet/planner/bind"
	"github.com/freshetdb/freshet/planner/norm"
	"github.com/freshetdb/freshet/planner/plan"
	"github.com/freshetdb/freshet/sql/builtin"
	"github.com/freshetdb/freshet/sql/catalog"
	"github.com/freshetdb/freshet/sql/expr"
	"github.com/freshetdb/freshet/sql/parser"
	"github.com/freshetdb/freshet/sql/sqlerr"
	"github.com/freshetdb/freshet/sql/types"
)

// viewManager maintains every materialized view: one dataflow each, whose
// table leaves receive the changes of every committed write, in commit
// order, and whose sink holds the view's contents.
//
// Consistency: a commit writes storage and applies its changes to every
// view under mu (write); a query reads storage and views under mu (read),
// so every SELECT sees all views and tables at the same prefix of commits.
type viewManager struct {
	mu    sync.RWMutex
	views map[uint32]*mview
	// order lists the views in creation order: a view only reads relations
	// created before it, so this order feeds upstream views first.
	order []*mview
}

// mview is one maintained view.
type mview struct {
	t      *catalog.Table
	sink   *stream.ViewSink
	ec     *expr.Ctx
	tables map[uint32][]stream.Leaf // table id -> leaves reading it
	consts []stream.Leaf            // leaves without changes after backfill
	// upstream lists the views whose sinks feed this one.
	upstream []*mview
	// err is set when applying changes failed; the view then reports it.
	err error
}

func newViewManager() *viewManager { return &viewManager{views: map[uint32]*mview{}} }

// viewEvalContext is the evaluation context of view dataflows: independent
// of any session, in UTC.
func (e *Engine) viewEvalContext() *builtin.EvalContext {
	return &builtin.EvalContext{
		Format:        types.NewFormatContext(nil),
		Clock:         e.opts.Clock,
		ServerVersion: e.opts.Version,
		Cache:         &builtin.EvalCache{},
	}
}

// bindView binds and normalises a view's stored query against cat.
func (e *Engine) bindView(cat *catalog.Catalog, query string) (plan.Node, *bind.Binder, error) {
	stmts, err := parser.Parse(query)
	if err != nil {
		return nil, nil, err
	}
	if len(stmts) != 1 || stmts[0].AST.GetSelectStmt() == nil {
		return nil, nil, sqlerr.New(sqlerr.WrongObjectType, "a materialized view must be defined by a query")
	}
	b := bind.New(cat, []string{"public"}, e.viewEvalContext(), query, nil)
	n, err := b.Query(stmts[0].AST.GetSelectStmt())
	if err != nil {
		return nil, nil, err
	}
	n = norm.Normalize(n)
	if err := checkMaintainable(n); err != nil {
		return nil, nil, err
	}
	return n, b, nil
}

// checkMaintainable refuses what the incremental engine cannot keep
// correct yet, naming the construct (0A000), rather than accepting the view
// and computing a wrong result later.
func checkMaintainable(n plan.Node) error {
	var err error
	plan.Walk(n, func(x plan.Node) {
		if err != nil {
			return
		}
		switch x := x.(type) {
		case *plan.Apply:
			err = sqlerr.Unsupported("LATERAL subqueries in a materialized view")
		case *plan.RecursiveUnion, *plan.WorkTable:
			err = sqlerr.Unsupported("WITH RECURSIVE in a materialized view")
		case *plan.Scan:
			if x.Table.Kind == catalog.RelSystem {
				err = sqlerr.Unsupported("system catalog relations in a materialized view")
			}
		}
		for _, ex := range plan.Exprs(x) {
			expr.Walk(ex, func(s expr.Expr) bool {
				switch s := s.(type) {
				case *expr.Subquery:
					err = sqlerr.Unsupported("a subquery that cannot be turned into a join (in the select list, or NOT IN) in a materialized view")
				case *expr.Param:
					err = sqlerr.New(sqlerr.UndefinedParameter, "there is no parameter $"+fmt.Sprint(s.Idx+1))
				case *expr.Call:
					if s.Fn.Vol != builtin.Immutable {
						err = sqlerr.Unsupported(fmt.Sprintf("function %s() in a materialized view (its result changes over time)", s.Fn.Name))
					}
				}
				return err == nil
			})
		}
	})
	return err
}

// create builds the dataflow of view t over the current contents of its
// inputs (read through r), registers it, and returns once the view holds
// its complete result. The caller holds the engine's write lock and mu.
func (m *viewManager) create(ctx context.Context, e *Engine, cat *catalog.Catalog, t *catalog.Table, r reader) error {
	n, _, err := e.bindView(cat, t.Query)
	if err != nil {
		return err
	}
	v := &mview{t: t, sink: stream.NewViewSink(len(n.Columns())), tables: map[uint32][]stream.Leaf{}}
	v.ec = &expr.Ctx{Eval: e.viewEvalContext()}
	leaves, err := stream.Build(v.ec, n, v.sink, 0)
	if err != nil {
		return err
	}
	src := &tableSource{r: r, views: m}
	// Backfill: every leaf pushes its current rows as one batch, then
	// flushes; table and view leaves stay subscribed for later epochs.
	for _, l := range leaves {
		em := stream.NewEmitter(l.Out, l.Port, len(l.Node.Columns()))
		switch x := l.Node.(type) {
		case *plan.Scan:
			err = src.ScanTable(ctx, x.Table, query.KeySpan{}, func(row types.Row) error { return em.Emit(row, 1) })
		case *plan.Values:
			for _, exprs := range x.Rows {
				row := make(types.Row, len(exprs))
				for i, ex := range exprs {
					if row[i], err = ex.Eval(v.ec, nil); err != nil {
						return err
					}
				}
				if err = em.Emit(row, 1); err != nil {
					return err
				}
			}
		default:
			err = sqlerr.Unsupported(fmt.Sprintf("%T in a materialized view", l.Node))
		}
		if err != nil {
			return err
		}
		if err := em.Flush(); err != nil {
			return err
		}
		if s, ok := l.Node.(*plan.Scan); ok {
			if up, isView := m.views[s.Table.ID]; isView {
				up.sink.Subscribe(l, v)
				v.upstream = append(v.upstream, up)
			} else {
				v.tables[s.Table.ID] = append(v.tables[s.Table.ID], l)
			}
		} else {
			v.consts = append(v.consts, l)
		}
	}
	m.views[t.ID] = v
	m.order = append(m.order, v)
	return nil
}

// apply feeds one commit's table changes to every view, upstream views
// first. The caller holds mu. A view whose update fails keeps the error
// and reports it on every read; the others go on.
func (m *viewManager) apply(changes map[uint32]*types.Chunk) {
	if len(m.order) == 0 {
		return
	}
	for _, v := range m.order {
		if v.err != nil {
			continue
		}
		if err := v.applyEpoch(changes); err != nil {
			v.err = err
		}
	}
}

// applyEpoch pushes the changes of the tables v reads and flushes every
// leaf v owns; leaves fed by upstream views are flushed by those views.
func (v *mview) applyEpoch(changes map[uint32]*types.Chunk) error {
	for id, leaves := range v.tables {
		c := changes[id]
		for _, l := range leaves {
			if c != nil && c.Len() > 0 {
				if err := l.Out.Push(l.Port, c); err != nil {
					return err
				}
			}
			if err := l.Out.Flush(l.Port); err != nil {
				return err
			}
		}
	}
	for _, l := range v.consts {
		if err := l.Out.Flush(l.Port); err != nil {
			return err
		}
	}
	return nil
}

// scan calls fn for every row of view id (repeated by multiplicity). The
// caller holds mu for reading.
func (m *viewManager) scan(id uint32, name string, fn func(types.Row) error) error {
	v, ok := m.views[id]
	if !ok {
		return sqlerr.Newf(sqlerr.ObjectNotInPrerequisiteState, "materialized view %q is not running", name)
	}
	if v.err != nil {
		return sqlerr.Newf(sqlerr.DataException, "materialized view %q stopped: %v", name, v.err).
			WithHint("Drop the view and create it again once the input that failed is fixed.")
	}
	return v.sink.Each(func(r types.Row, n int64) error {
		for i := int64(0); i < n; i++ {
			if err := fn(r); err != nil {
				return err
			}
		}
		return nil
	})
}

// prune drops the dataflows of views no longer in the catalog. The caller
// holds mu.
func (m *viewManager) prune(cat *catalog.Catalog) {
	kept := m.order[:0]
	for _, v := range m.order {
		if _, ok := cat.TableByID(v.t.ID); ok {
			kept = append(kept, v)
			continue
		}
		for _, up := range v.upstream {
			up.sink.Unsubscribe(v)
		}
		delete(m.views, v.t.ID)
	}
	m.order = kept
}
