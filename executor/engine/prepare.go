package engine

import (
	"context"
	"fmt"

	pg "github.com/pganalyze/pg_query_go/v6"
	"google.golang.org/protobuf/proto"

	"github.com/freshetdb/freshet/pgwire"
	"github.com/freshetdb/freshet/planner/bind"
	"github.com/freshetdb/freshet/planner/norm"
	"github.com/freshetdb/freshet/planner/plan"
	"github.com/freshetdb/freshet/sql/parser"
	"github.com/freshetdb/freshet/sql/sqlerr"
	"github.com/freshetdb/freshet/sql/types"
)

// prepared is a statement ready to run. Queries and DML are bound at
// prepare time (so Describe knows parameter and result types); utility
// statements run their work at execute time.
type prepared struct {
	s       *Session
	stmt    *parser.Stmt
	params  []types.T
	cols    []pgwire.Column
	version uint64
	// exactly one of these is set
	query  plan.Node
	insert *plan.Insert
	update *plan.Update
	delete *plan.Delete
	util   func(ctx context.Context, params []types.Datum, w pgwire.ResultWriter) (result, error)
}

// result is what a statement produced: rows to return and a command tag.
type result struct {
	rows []types.Row
	tag  string
}

// ParamTypes implements pgwire.Prepared.
func (p *prepared) ParamTypes() []types.T { return p.params }

// Columns implements pgwire.Prepared.
func (p *prepared) Columns() []pgwire.Column { return p.cols }

func (s *Session) binder(sql string, params []types.T) *bind.Binder {
	cat := s.e.cat.Current()
	return bind.New(cat, s.searchPath(), s.evalContext(), sql, params)
}

// prepare binds one statement.
func (s *Session) prepare(ctx context.Context, stmt *parser.Stmt, params []types.T) (*prepared, error) {
	p := &prepared{s: s, stmt: stmt, params: params, version: s.e.cat.Current().Version}
	b := s.binder(stmt.Text, params)
	b.SQL = stmt.Text
	switch n := stmt.AST.Node.(type) {
	case *pg.Node_SelectStmt:
		if into := n.SelectStmt.IntoClause; into != nil {
			// SELECT ... INTO t is CREATE TABLE t AS SELECT ...
			sel := proto.Clone(n.SelectStmt).(*pg.SelectStmt)
			sel.IntoClause = nil
			cs := &pg.CreateTableAsStmt{Query: &pg.Node{Node: &pg.Node_SelectStmt{SelectStmt: sel}}, Into: into, Objtype: pg.ObjectType_OBJECT_TABLE}
			p.util = func(ctx context.Context, _ []types.Datum, w pgwire.ResultWriter) (result, error) {
				s.w = w
				defer func() { s.w = nil }()
				tag, err := s.createTableAs(ctx, cs, stmt.Text)
				return result{tag: tag}, err
			}
			return p, nil
		}
		q, err := b.Query(n.SelectStmt)
		if err != nil {
			return nil, err
		}
		p.query = norm.PruneColumns(norm.Normalize(q))
		p.cols = wireColumns(q.Columns())
	case *pg.Node_InsertStmt:
		ins, err := b.Insert(n.InsertStmt)
		if err != nil {
			return nil, err
		}
		ins.Source = norm.Normalize(ins.Source)
		p.insert = ins
		p.cols = returningColumns(ins.Returning)
	case *pg.Node_UpdateStmt:
		up, err := b.Update(n.UpdateStmt)
		if err != nil {
			return nil, err
		}
		up.Input = norm.Normalize(up.Input)
		p.update = up
		p.cols = returningColumns(up.Returning)
	case *pg.Node_DeleteStmt:
		del, err := b.Delete(n.DeleteStmt)
		if err != nil {
			return nil, err
		}
		del.Input = norm.Normalize(del.Input)
		p.delete = del
		p.cols = returningColumns(del.Returning)
	default:
		u, cols, err := s.utility(ctx, stmt)
		if err != nil {
			return nil, err
		}
		p.util, p.cols = u, cols
		return p, nil
	}
	p.params = b.ParamTypes()
	return p, nil
}

func wireColumns(cols []plan.Column) []pgwire.Column {
	out := make([]pgwire.Column, len(cols))
	for i, c := range cols {
		out[i] = pgwire.Column{Name: c.Name, Type: c.Type, TableOID: c.TableOID, AttrNum: c.AttrNum}
	}
	return out
}

func returningColumns(r *plan.Returning) []pgwire.Column {
	if r == nil {
		return nil
	}
	return wireColumns(r.Columns)
}

// Bind implements pgwire.Prepared.
func (p *prepared) Bind(ctx context.Context, params []types.Datum) (pgwire.Portal, error) {
	if len(params) != len(p.params) {
		return nil, sqlerr.Newf(sqlerr.ProtocolViolation, "bind message supplies %d parameters, but prepared statement requires %d", len(params), len(p.params))
	}
	target := p
	if p.util == nil && p.version != p.s.e.cat.Current().Version {
		// The catalog changed since PREPARE: bind again so that dropped or
		// altered objects are seen. The result shape must not change.
		np, err := p.s.prepare(ctx, p.stmt, p.params)
		if err != nil {
			return nil, err
		}
		if len(np.cols) != len(p.cols) {
			return nil, sqlerr.New(sqlerr.FeatureNotSupported, "cached plan must not change result type")
		}
		target = np
	}
	return &portal{p: target, params: params}, nil
}

// portal runs a prepared statement once and hands out its rows.
type portal struct {
	p      *prepared
	params []types.Datum
	res    *result
	pos    int
}

// Execute implements pgwire.Portal.
func (pt *portal) Execute(ctx context.Context, maxRows int, w pgwire.ResultWriter) (bool, string, error) {
	s := pt.p.s
	if pt.res == nil {
		if d, err := durationSetting(s.vars["statement_timeout"]); err == nil && d > 0 {
			var cancel context.CancelFunc
			ctx, cancel = context.WithTimeout(ctx, d)
			defer cancel()
		}
		res, err := s.execute(ctx, pt.p, pt.params, w)
		if err != nil {
			s.failTx()
			return true, "", err
		}
		pt.res = &res
	}
	rows := pt.res.rows
	n := 0
	for pt.pos < len(rows) {
		if maxRows > 0 && n >= maxRows {
			return false, "", nil
		}
		if err := w.WriteRow(rows[pt.pos]); err != nil {
			return true, "", err
		}
		pt.pos++
		n++
	}
	if maxRows > 0 && n >= maxRows && n > 0 {
		return false, "", nil
	}
	tag := pt.res.tag
	if pt.p.query != nil {
		// As in Postgres, the count is of the rows this Execute sent, also
		// when earlier ones stopped at their row limit.
		tag = fmt.Sprintf("SELECT %d", n)
	}
	return true, tag, nil
}

// Close implements pgwire.Portal.
func (pt *portal) Close() error { pt.res = nil; return nil }
