package engine

import (
	"context"
	"fmt"

	pg "github.com/pganalyze/pg_query_go/v6"

	"github.com/freshetdb/freshet/executor/query"
	"github.com/freshetdb/freshet/planner/norm"
	"github.com/freshetdb/freshet/planner/plan"
	"github.com/freshetdb/freshet/sql/catalog"
	"github.com/freshetdb/freshet/sql/expr"
	"github.com/freshetdb/freshet/sql/sqlerr"
	"github.com/freshetdb/freshet/sql/types"
)

// createTableAs runs CREATE TABLE name [(cols)] AS query [WITH [NO] DATA]
// (and SELECT ... INTO): a stored table, without a primary key, with the
// query's columns, filled with its rows in the same transaction. The tag
// is SELECT n, as in PostgreSQL.
func (s *Session) createTableAs(ctx context.Context, cs *pg.CreateTableAsStmt, text string) (string, error) {
	into := cs.Into
	if into.Rel.Relpersistence == "t" {
		return "", sqlerr.Unsupported("temporary tables")
	}
	sel := cs.Query.GetSelectStmt()
	if sel == nil {
		return "", sqlerr.Unsupported("CREATE TABLE AS of a statement other than a query")
	}
	b := s.binder(text, nil)
	n, err := b.Query(sel)
	if err != nil {
		return "", err
	}
	n = norm.Normalize(n)
	t := &catalog.Table{Name: into.Rel.Relname, Kind: catalog.RelTable}
	cols := n.Columns()
	if len(into.ColNames) > len(cols) {
		return "", sqlerr.New(sqlerr.SyntaxError, "too many column names were specified")
	}
	for i, c := range cols {
		name := c.Name
		if i < len(into.ColNames) {
			name = into.ColNames[i].GetString_().Sval
		}
		if t.ColumnIndex(name) >= 0 {
			return "", sqlerr.Newf(sqlerr.DuplicateColumn, "column %q specified more than once", name)
		}
		typ := c.Type
		if typ.Kind == types.KindUnknown || typ.Kind == types.KindNull {
			typ = types.Text
		}
		t.Columns = append(t.Columns, catalog.Column{Name: name, Type: typ})
	}
	exists := false
	if _, err := s.e.cat.Apply(func(e *catalog.Edit) (err error) {
		exists, err = s.putNewRelation(e, t, into.Rel.Schemaname, cs.IfNotExists)
		return err
	}); err != nil {
		return "", err
	}
	if exists {
		return "CREATE TABLE AS", s.notice("42P07", "relation \""+t.Name+"\" already exists, skipping")
	}
	if into.SkipData {
		return "CREATE TABLE AS", nil
	}
	count := 0
	err = s.withWriteTx(func(tx *txn) error {
		ec := &expr.Ctx{Eval: s.evalContext()}
		s.e.views.mu.RLock()
		runner := query.NewRunner(ctx, &tableSource{r: tx.batch, views: s.e.views}, s.e.cat.Current(), ec)
		rows, err := runner.Rows(n)
		s.e.views.mu.RUnlock()
		if err != nil {
			return err
		}
		for _, r := range rows {
			for i, c := range t.Columns {
				if c.Type.Kind == types.KindText && r[i].Kind() == types.KindUnknown {
					r[i] = r[i].WithKind(types.KindText)
				}
			}
		}
		w := &tableWriter{s: s, tx: tx, ec: ec}
		_, err = w.insertRows(&plan.Insert{Table: t}, rows)
		count = len(rows)
		return err
	})
	if err != nil {
		// A table that could not be filled does not stay behind (outside a
		// block; a block's ROLLBACK drops it).
		if s.tx == nil {
			if _, derr := s.e.cat.Apply(func(e *catalog.Edit) error { e.DropTable(t.ID); return nil }); derr != nil {
				s.e.opts.Logger.Warn("could not remove a table CREATE TABLE AS failed to fill", "table", t.Name, "err", derr)
			}
		}
		return "", err
	}
	return fmt.Sprintf("SELECT %d", count), nil
}
