package engine

import (
	"context"
	"fmt"
	"sort"
	"strings"

	pg "github.com/pganalyze/pg_query_go/v6"

	"github.com/freshetdb/freshet/pgwire"
	"github.com/freshetdb/freshet/planner/norm"
	"github.com/freshetdb/freshet/planner/plan"
	"github.com/freshetdb/freshet/sql/catalog"
	"github.com/freshetdb/freshet/sql/parser"
	"github.com/freshetdb/freshet/sql/sqlerr"
	"github.com/freshetdb/freshet/sql/types"
)

type utilFn = func(ctx context.Context, params []types.Datum, w pgwire.ResultWriter) (result, error)

// tagOnly wraps work that returns only a command tag.
func (s *Session) tagOnly(fn func() (string, error)) utilFn {
	return func(_ context.Context, _ []types.Datum, w pgwire.ResultWriter) (result, error) {
		s.w = w
		defer func() { s.w = nil }()
		tag, err := fn()
		return result{tag: tag}, err
	}
}

// notice sends a NOTICE to the client of the statement being executed.
func (s *Session) notice(code, msg string) error {
	if s.w == nil {
		return nil
	}
	return s.w.Notice("NOTICE", code, msg)
}

func textColumns(names ...string) []pgwire.Column {
	out := make([]pgwire.Column, len(names))
	for i, n := range names {
		out[i] = pgwire.Column{Name: n, Type: types.Text}
	}
	return out
}

// utility prepares a statement that is not a query or DML.
func (s *Session) utility(ctx context.Context, stmt *parser.Stmt) (utilFn, []pgwire.Column, error) {
	if stmt.Source != nil {
		return s.tagOnly(func() (string, error) { return s.createSource(stmt.Source) }), nil, nil
	}
	if stmt.Sink != nil {
		return func(ctx context.Context, _ []types.Datum, _ pgwire.ResultWriter) (result, error) {
			tag, err := s.createSink(ctx, stmt.Sink)
			return result{tag: tag}, err
		}, nil, nil
	}
	switch n := stmt.AST.Node.(type) {
	case *pg.Node_CreateStmt:
		return s.tagOnly(func() (string, error) { return s.createTable(n.CreateStmt) }), nil, nil
	case *pg.Node_CreateSchemaStmt:
		return s.tagOnly(func() (string, error) { return s.createSchema(n.CreateSchemaStmt) }), nil, nil
	case *pg.Node_ViewStmt:
		return s.tagOnly(func() (string, error) { return s.createView(n.ViewStmt, stmt.Text) }), nil, nil
	case *pg.Node_DropStmt:
		return s.tagOnly(func() (string, error) { return s.drop(n.DropStmt) }), nil, nil
	case *pg.Node_RenameStmt:
		return s.tagOnly(func() (string, error) { return s.rename(n.RenameStmt) }), nil, nil
	case *pg.Node_RefreshMatViewStmt:
		return s.tagOnly(func() (string, error) { return s.refresh(n.RefreshMatViewStmt) }), nil, nil
	case *pg.Node_VariableSetStmt:
		return s.setStmt(n.VariableSetStmt), nil, nil
	case *pg.Node_VariableShowStmt:
		return s.showStmt(n.VariableShowStmt)
	case *pg.Node_TransactionStmt:
		return s.transactionStmt(n.TransactionStmt)
	case *pg.Node_ExplainStmt:
		return s.explain(ctx, n.ExplainStmt, stmt.Text)
	case *pg.Node_CopyStmt:
		return s.copyStmt(n.CopyStmt, stmt.Text)
	case *pg.Node_DiscardStmt:
		return s.tagOnly(func() (string, error) {
			if s.tx != nil {
				return "", sqlerr.New(sqlerr.ActiveSQLTransaction, "DISCARD ALL cannot run inside a transaction block")
			}
			for name, st := range settings {
				s.vars[name] = st.def
			}
			s.vars["session_authorization"] = s.user
			s.syncFormat()
			return "DISCARD ALL", nil
		}), nil, nil
	case *pg.Node_DeallocateStmt:
		return s.tagOnly(func() (string, error) {
			if n.DeallocateStmt.Name == "" {
				return "DEALLOCATE ALL", nil
			}
			return "DEALLOCATE", nil
		}), nil, nil
	case *pg.Node_CreateTableAsStmt:
		if n.CreateTableAsStmt.Objtype == pg.ObjectType_OBJECT_MATVIEW {
			return func(ctx context.Context, _ []types.Datum, w pgwire.ResultWriter) (result, error) {
				s.w = w
				defer func() { s.w = nil }()
				tag, err := s.createMaterializedView(ctx, n.CreateTableAsStmt)
				return result{tag: tag}, err
			}, nil, nil
		}
		return func(ctx context.Context, _ []types.Datum, w pgwire.ResultWriter) (result, error) {
			s.w = w
			defer func() { s.w = nil }()
			tag, err := s.createTableAs(ctx, n.CreateTableAsStmt, stmt.Text)
			return result{tag: tag}, err
		}, nil, nil
	}
	return nil, nil, sqlerr.Unsupported(statementName(stmt.AST))
}

// statementName names a statement kind for "not supported" errors.
func statementName(n *pg.Node) string {
	name := strings.TrimPrefix(strings.TrimPrefix(strings.TrimPrefix(typeName(n.Node), "*pg_query.Node_"), "Node_"), "*")
	name = strings.TrimSuffix(name, "Stmt")
	var b strings.Builder
	for i, r := range name {
		if i > 0 && r >= 'A' && r <= 'Z' {
			b.WriteByte(' ')
		}
		b.WriteRune(r)
	}
	return "statement " + strings.ToUpper(b.String())
}

func (s *Session) setStmt(vs *pg.VariableSetStmt) utilFn {
	return func(_ context.Context, _ []types.Datum, w pgwire.ResultWriter) (result, error) {
		name := settingName(vs.Name)
		switch vs.Kind {
		case pg.VariableSetKind_VAR_SET_MULTI:
			// SET TRANSACTION / SESSION CHARACTERISTICS: blocks run at
			// read committed (with write conflicts detected at COMMIT).
			return result{tag: "SET"}, nil
		case pg.VariableSetKind_VAR_RESET_ALL:
			for n, st := range settings {
				if !st.readOnly {
					s.vars[n] = st.def
				}
			}
			s.syncFormat()
			return result{tag: "RESET"}, nil
		}
		var value string
		tag := "SET"
		if vs.Kind == pg.VariableSetKind_VAR_SET_DEFAULT || vs.Kind == pg.VariableSetKind_VAR_RESET {
			st, ok := settings[name]
			if !ok && !strings.Contains(name, ".") {
				return result{}, sqlerr.Newf(sqlerr.UndefinedObject, "unrecognized configuration parameter %q", vs.Name)
			}
			value = st.def
			if vs.Kind == pg.VariableSetKind_VAR_RESET {
				tag = "RESET"
			}
		} else {
			var parts []string
			for _, a := range vs.Args {
				v, err := settingValue(a)
				if err != nil {
					return result{}, err
				}
				parts = append(parts, v)
			}
			value = strings.Join(parts, ", ")
		}
		if err := s.set(name, value, vs.IsLocal); err != nil {
			return result{}, err
		}
		if st, ok := settings[name]; ok && st.report {
			if err := w.ParameterStatus(displayName(name), s.vars[name]); err != nil {
				return result{}, err
			}
		}
		return result{tag: tag}, nil
	}
}

// settingValue renders one SET argument as text.
func settingValue(n *pg.Node) (string, error) {
	switch x := n.Node.(type) {
	case *pg.Node_AConst:
		switch v := x.AConst.Val.(type) {
		case *pg.A_Const_Sval:
			return v.Sval.Sval, nil
		case *pg.A_Const_Ival:
			return itoa(int(v.Ival.Ival)), nil
		case *pg.A_Const_Fval:
			return v.Fval.Fval, nil
		case *pg.A_Const_Boolval:
			if v.Boolval.Boolval {
				return "on", nil
			}
			return "off", nil
		}
	case *pg.Node_TypeCast:
		return settingValue(x.TypeCast.Arg)
	}
	return "", sqlerr.Unsupported("this SET value")
}

func itoa(i int) string {
	if i < 0 {
		return "-" + itoa(-i)
	}
	if i < 10 {
		return string(rune('0' + i))
	}
	return itoa(i/10) + string(rune('0'+i%10))
}

func (s *Session) showStmt(vs *pg.VariableShowStmt) (utilFn, []pgwire.Column, error) {
	name := settingName(vs.Name)
	switch name {
	case "all":
		return func(context.Context, []types.Datum, pgwire.ResultWriter) (result, error) {
			names := make([]string, 0, len(s.vars))
			for n := range s.vars {
				names = append(names, n)
			}
			sort.Strings(names)
			var rows []types.Row
			for _, n := range names {
				rows = append(rows, types.Row{types.NewText(displayName(n)), types.NewText(s.vars[n]), types.NewText("")})
			}
			return result{rows: rows, tag: "SHOW"}, nil
		}, textColumns("name", "setting", "description"), nil
	case "sinks":
		return s.showRelations(catalog.RelSink), textColumns("name"), nil
	case "sources":
		return s.showRelations(catalog.RelSource), textColumns("name"), nil
	case "materialized views":
		return func(context.Context, []types.Datum, pgwire.ResultWriter) (result, error) {
			var rows []types.Row
			for _, n := range s.materializedViewNames() {
				rows = append(rows, types.Row{types.NewText(n)})
			}
			return result{rows: rows, tag: "SHOW"}, nil
		}, textColumns("name"), nil
	case "tables":
		return s.showRelations(catalog.RelTable), textColumns("name"), nil
	}
	if _, ok := s.vars[name]; !ok {
		return nil, nil, sqlerr.Newf(sqlerr.UndefinedObject, "unrecognized configuration parameter %q", vs.Name)
	}
	return func(context.Context, []types.Datum, pgwire.ResultWriter) (result, error) {
		return result{rows: []types.Row{{types.NewText(s.vars[name])}}, tag: "SHOW"}, nil
	}, textColumns(displayName(name)), nil
}

// showRelations lists the names of the relations of one kind in the
// schemas of the search path.
func (s *Session) showRelations(kind catalog.RelKind) utilFn {
	return func(context.Context, []types.Datum, pgwire.ResultWriter) (result, error) {
		cat := s.e.cat.Current()
		var rows []types.Row
		for _, p := range s.SearchPath() {
			sch, _ := cat.SchemaByName(p)
			for _, t := range cat.TablesInSchema(sch.ID) {
				if t.Kind == kind {
					rows = append(rows, types.Row{types.NewText(t.Name)})
				}
			}
		}
		return result{rows: rows, tag: "SHOW"}, nil
	}
}

func (s *Session) transactionStmt(ts *pg.TransactionStmt) (utilFn, []pgwire.Column, error) {
	switch ts.Kind {
	case pg.TransactionStmtKind_TRANS_STMT_BEGIN, pg.TransactionStmtKind_TRANS_STMT_START:
		return func(_ context.Context, _ []types.Datum, w pgwire.ResultWriter) (result, error) {
			if s.implicit {
				// BEGIN inside a multi-statement message makes its
				// implicit transaction an explicit block.
				s.implicit = false
				return result{tag: "BEGIN"}, nil
			}
			if s.tx != nil {
				return result{tag: "BEGIN"}, w.Notice("WARNING", string(sqlerr.ActiveSQLTransaction), "there is already a transaction in progress")
			}
			s.tx = s.e.beginTx(true, s.e.opts.Clock().UnixMicro())
			s.tx.vars = s.copyVars()
			return result{tag: "BEGIN"}, nil
		}, nil, nil
	case pg.TransactionStmtKind_TRANS_STMT_COMMIT:
		return func(_ context.Context, _ []types.Datum, w pgwire.ResultWriter) (result, error) {
			tx := s.tx
			if tx == nil {
				return result{tag: "COMMIT"}, w.Notice("WARNING", string(sqlerr.NoActiveSQLTransaction), "there is no transaction in progress")
			}
			s.tx, s.implicit = nil, false
			if tx.failed {
				s.rollback(tx)
				return result{tag: "ROLLBACK"}, nil
			}
			s.e.writeMu.Lock()
			err := s.e.commit(tx)
			s.e.writeMu.Unlock()
			return result{tag: "COMMIT"}, err
		}, nil, nil
	case pg.TransactionStmtKind_TRANS_STMT_ROLLBACK:
		return func(_ context.Context, _ []types.Datum, w pgwire.ResultWriter) (result, error) {
			if s.tx == nil {
				return result{tag: "ROLLBACK"}, w.Notice("WARNING", string(sqlerr.NoActiveSQLTransaction), "there is no transaction in progress")
			}
			s.rollback(s.tx)
			s.tx, s.implicit = nil, false
			return result{tag: "ROLLBACK"}, nil
		}, nil, nil
	}
	return nil, nil, sqlerr.Unsupported("savepoints and two-phase commit")
}

func (s *Session) explain(_ context.Context, es *pg.ExplainStmt, text string) (utilFn, []pgwire.Column, error) {
	for _, o := range es.Options {
		if de := o.GetDefElem(); de != nil && strings.EqualFold(de.Defname, "analyze") {
			return nil, nil, sqlerr.Unsupported("EXPLAIN ANALYZE")
		}
	}
	b := s.binder(text, nil)
	var root plan.Node
	switch q := es.Query.Node.(type) {
	case *pg.Node_CreateTableAsStmt:
		if q.CreateTableAsStmt.Objtype != pg.ObjectType_OBJECT_MATVIEW {
			return nil, nil, sqlerr.Unsupported("EXPLAIN CREATE TABLE AS")
		}
		sql, err := parser.Deparse(q.CreateTableAsStmt.Query)
		if err != nil {
			return nil, nil, err
		}
		if root, _, err = s.e.bindView(s.e.cat.Current(), sql); err != nil {
			return nil, nil, err
		}
		lines := strings.Split(strings.TrimRight(plan.ExplainDataflow(root, s.e.opts.Workers), "\n"), "\n")
		return func(context.Context, []types.Datum, pgwire.ResultWriter) (result, error) {
			rows := make([]types.Row, len(lines))
			for i, l := range lines {
				rows[i] = types.Row{types.NewText(l)}
			}
			return result{rows: rows, tag: "EXPLAIN"}, nil
		}, textColumns("QUERY PLAN"), nil
	case *pg.Node_SelectStmt:
		n, err := b.Query(q.SelectStmt)
		if err != nil {
			return nil, nil, err
		}
		root = norm.Normalize(n)
	default:
		return nil, nil, sqlerr.Unsupported("EXPLAIN of this statement")
	}
	lines := strings.Split(strings.TrimRight(plan.Explain(root), "\n"), "\n")
	return func(context.Context, []types.Datum, pgwire.ResultWriter) (result, error) {
		rows := make([]types.Row, len(lines))
		for i, l := range lines {
			rows[i] = types.Row{types.NewText(l)}
		}
		return result{rows: rows, tag: "EXPLAIN"}, nil
	}, textColumns("QUERY PLAN"), nil
}

func typeName(v any) string { return fmt.Sprintf("%T", v) }
