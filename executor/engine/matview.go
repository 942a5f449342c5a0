package engine

import (
	"context"

	pg "github.com/pganalyze/pg_query_go/v6"

	"github.com/freshetdb/freshet/sql/catalog"
	"github.com/freshetdb/freshet/sql/parser"
	"github.com/freshetdb/freshet/sql/sqlerr"
)

// createMaterializedView runs CREATE MATERIALIZED VIEW: it binds the query,
// stores the view, builds its dataflow and backfills it from the current
// contents of its inputs. The statement returns once the view holds its
// complete result; writes wait meanwhile, so no change is missed or
// counted twice. Inside a transaction block (before the block writes) the
// view exists at once, and ROLLBACK drops it again.
func (s *Session) createMaterializedView(ctx context.Context, cs *pg.CreateTableAsStmt) (string, error) {
	into := cs.Into
	if into.SkipData {
		return "", sqlerr.Unsupported("WITH NO DATA (a materialized view is always populated and maintained)")
	}
	if s.tx != nil && len(s.tx.changes) > 0 {
		// The view is built from committed data at once; the block's own
		// writes would reach it only at COMMIT, so it could not show them
		// to the block as PostgreSQL would.
		return "", sqlerr.Unsupported("CREATE MATERIALIZED VIEW after writes in the same transaction block").
			WithHint("Create the view before the block's first write, or outside the block.")
	}
	q, err := parser.Deparse(cs.Query)
	if err != nil {
		return "", err
	}
	e := s.e
	e.writeMu.Lock()
	defer e.writeMu.Unlock()
	e.views.mu.Lock()
	defer e.views.mu.Unlock()

	cur := e.cat.Current()
	node, b, err := e.bindView(cur, q)
	if err != nil {
		return "", err
	}
	t := &catalog.Table{Name: into.Rel.Relname, Kind: catalog.RelMaterializedView, Query: q, Depends: b.Dependencies()}
	cols := node.Columns()
	if len(into.ColNames) > len(cols) {
		return "", sqlerr.New(sqlerr.SyntaxError, "too many column names were specified")
	}
	seen := map[string]bool{}
	for i, c := range cols {
		name := c.Name
		if i < len(into.ColNames) {
			name = into.ColNames[i].GetString_().Sval
		}
		if seen[name] {
			return "", sqlerr.Newf(sqlerr.DuplicateColumn, "column %q specified more than once", name)
		}
		seen[name] = true
		t.Columns = append(t.Columns, catalog.Column{Name: name, Type: c.Type})
	}
	exists := false
	cat, err := e.cat.Apply(func(ed *catalog.Edit) (err error) {
		exists, err = s.putNewRelation(ed, t, into.Rel.Schemaname, cs.IfNotExists)
		return err
	})
	if err != nil {
		return "", err
	}
	if exists {
		return "CREATE MATERIALIZED VIEW", s.notice("42P07", "relation \""+t.Name+"\" already exists, skipping")
	}
	snap := e.store.NewSnapshot()
	defer snap.Close()
	if err := e.views.create(ctx, e, cat, t, snap); err != nil {
		// Undo the descriptor: a view that cannot run does not exist.
		if _, derr := e.cat.Apply(func(ed *catalog.Edit) error { ed.DropTable(t.ID); return nil }); derr != nil {
			e.opts.Logger.Warn("could not remove a failed materialized view", "view", t.Name, "err", derr)
		}
		return "", err
	}
	return "CREATE MATERIALIZED VIEW", nil
}

// pruneViews stops the dataflows of views that DDL removed and deletes
// their stored state, and the error records of dropped sources (a crash
// before that is mended at the next start, which deletes the state of
// views and the records of sources that no longer exist).
func (e *Engine) pruneViews() {
	e.views.mu.Lock()
	defer e.views.mu.Unlock()
	cat := e.cat.Current()
	dropped := e.views.prune(cat)
	b := e.store.NewBatch()
	defer b.Close()
	for _, id := range dropped {
		clearState(b, id)
	}
	e.views.pruneSinks(cat, b)
	e.pruneTableFeeds(cat, b)
	if err := sweepSourceErrors(e.store, cat, b); err != nil {
		e.opts.Logger.Warn("could not read the error records of sources", "err", err)
	}
	if b.Len() == 0 {
		return
	}
	if err := e.store.Commit(b); err != nil {
		e.opts.Logger.Warn("could not delete the state of dropped materialized views; the next start deletes it", "err", err)
	}
}

// refreshViewDescriptors gives every running view its current catalog
// descriptor (after a rename changed its name or its stored query).
func (e *Engine) refreshViewDescriptors() {
	e.views.mu.Lock()
	defer e.views.mu.Unlock()
	cat := e.cat.Current()
	for _, v := range e.views.order {
		if t, ok := cat.TableByID(v.t.ID); ok {
			v.t = t
		}
	}
}

// materializedViewNames lists the materialized views on the search path.
func (s *Session) materializedViewNames() []string {
	cat := s.e.cat.Current()
	var out []string
	for _, p := range s.SearchPath() {
		sch, _ := cat.SchemaByName(p)
		for _, t := range cat.TablesInSchema(sch.ID) {
			if t.Kind == catalog.RelMaterializedView {
				out = append(out, t.Name)
			}
		}
	}
	return out
}
