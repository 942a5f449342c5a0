package engine

import (
	"context"
	"math/rand"
	"strconv"
	"strings"

	pg "github.com/pganalyze/pg_query_go/v6"

	"github.com/freshetdb/freshet/pgwire"
	"github.com/freshetdb/freshet/sql/builtin"
	"github.com/freshetdb/freshet/sql/catalog"
	"github.com/freshetdb/freshet/sql/parser"
	"github.com/freshetdb/freshet/sql/sqlerr"
	"github.com/freshetdb/freshet/sql/types"
)

// Session is one client connection's state: settings, transaction block,
// and the statements it prepares. pgwire calls it from one goroutine.
type Session struct {
	e    *Engine
	pid  int32
	user string
	db   string
	vars map[string]string
	fc   types.FormatContext
	tx   *txn
	rand *rand.Rand
	// w is the result writer of the utility statement being executed, for
	// notices.
	w pgwire.ResultWriter
	// implicit is set while tx is the implicit transaction of a
	// multi-statement simple query.
	implicit bool
}

// BeginImplicit implements pgwire.ImplicitTransactor: the statements of one
// simple-query message share a transaction unless one is already open.
func (s *Session) BeginImplicit() {
	if s.tx == nil {
		s.tx = s.e.beginTx(true, s.e.opts.Clock().UnixMicro())
		s.tx.vars = s.copyVars()
		s.implicit = true
	}
}

// EndImplicit implements pgwire.ImplicitTransactor: it commits the implicit
// transaction (or rolls it back after an error).
func (s *Session) EndImplicit(ok bool) error {
	if !s.implicit {
		return nil
	}
	s.implicit = false
	tx := s.tx
	s.tx = nil
	if !ok || tx.failed {
		s.rollback(tx)
		return nil
	}
	s.e.writeMu.Lock()
	defer s.e.writeMu.Unlock()
	return s.e.commit(tx)
}

func (s *Session) copyVars() map[string]string {
	cp := make(map[string]string, len(s.vars))
	for k, v := range s.vars {
		cp[k] = v
	}
	return cp
}

// rollback undoes a transaction: its writes are dropped, its settings
// restored, the relations it renamed get their names back, and the objects
// it created are dropped again.
func (s *Session) rollback(tx *txn) {
	tx.abort()
	if tx.vars != nil {
		s.vars = tx.vars
		s.syncFormat()
	}
	if len(tx.created) > 0 || len(tx.replaced) > 0 {
		_, err := s.e.cat.Apply(func(e *catalog.Edit) error {
			for i := len(tx.replaced) - 1; i >= 0; i-- {
				if _, ok := e.Cat.TableByID(tx.replaced[i].ID); ok {
					e.PutTable(tx.replaced[i])
				}
			}
			for i := len(tx.created) - 1; i >= 0; i-- {
				id := tx.created[i]
				if _, ok := e.Cat.TableByID(id); ok {
					e.DropTable(id)
				} else if _, ok := e.Cat.SchemaByID(id); ok {
					e.DropSchema(id)
				}
			}
			return nil
		})
		if err != nil {
			s.e.opts.Logger.Warn("rollback could not undo the block's DDL", "err", err)
		}
		s.e.pruneViews()
		s.e.refreshViewDescriptors()
	}
}

func newSession(e *Engine, params map[string]string) *Session {
	s := &Session{
		e:    e,
		pid:  e.nextPID.Add(1),
		user: params["user"],
		db:   params["database"],
		vars: map[string]string{},
		rand: rand.New(rand.NewSource(e.opts.Clock().UnixNano())),
	}
	if s.user == "" {
		s.user = catalog.DefaultOwnerName
	}
	if s.db == "" {
		s.db = s.user
	}
	for name, st := range settings {
		s.vars[name] = st.def
	}
	s.vars["session_authorization"] = s.user
	for k, v := range params {
		switch k {
		case "user", "database", "replication":
		case "options":
			s.applyOptions(v)
		default:
			_ = s.set(k, v, false)
		}
	}
	s.syncFormat()
	return s
}

// applyOptions applies "-c name=value" pairs from the startup options.
func (s *Session) applyOptions(opts string) {
	f := strings.Fields(opts)
	for i := 0; i < len(f); i++ {
		kv := f[i]
		if kv == "-c" && i+1 < len(f) {
			i++
			kv = f[i]
		}
		kv = strings.TrimPrefix(strings.TrimPrefix(kv, "-c"), "--")
		if name, val, ok := strings.Cut(kv, "="); ok {
			_ = s.set(strings.ReplaceAll(name, "-", "_"), val, false)
		}
	}
}

// set changes a parameter after validating it.
func (s *Session) set(name, value string, _ bool) error {
	n := settingName(name)
	st, known := settings[n]
	if !known && !strings.Contains(n, ".") {
		return sqlerr.Newf(sqlerr.UndefinedObject, "unrecognized configuration parameter %q", name)
	}
	if st.readOnly {
		if value == s.vars[n] {
			return nil
		}
		return sqlerr.Newf(sqlerr.CantChangeRuntimeParam, "parameter %q cannot be changed", name)
	}
	if st.check != nil {
		v, err := st.check(value)
		if err != nil {
			return err
		}
		value = v
	}
	s.vars[n] = value
	s.syncFormat()
	return nil
}

// syncFormat refreshes the format context from TimeZone and
// extra_float_digits.
func (s *Session) syncFormat() {
	loc, err := loadLocation(s.vars["timezone"])
	if err != nil {
		return
	}
	s.fc.Location = loc
	n := 1
	if x, err := checkExtraFloatDigits(s.vars["extra_float_digits"]); err == nil {
		n, _ = strconv.Atoi(x)
	}
	s.fc.ExtraFloatDigits = n
}

// searchPath returns the schemas of search_path ("$user" dropped when no
// such schema exists).
func (s *Session) searchPath() []string {
	var out []string
	for _, p := range strings.Split(s.vars["search_path"], ",") {
		p = strings.Trim(strings.TrimSpace(p), `"`)
		if p == "$user" {
			p = s.user
		}
		if p != "" {
			out = append(out, p)
		}
	}
	return out
}

// ParameterStatus implements pgwire.Session.
func (s *Session) ParameterStatus() map[string]string {
	out := map[string]string{}
	for name, st := range settings {
		if st.report {
			out[displayName(name)] = s.vars[name]
		}
	}
	return out
}

// TxStatus implements pgwire.Session.
func (s *Session) TxStatus() byte {
	switch {
	case s.tx == nil:
		return 'I'
	case s.tx.failed:
		return 'E'
	}
	return 'T'
}

// FormatContext implements pgwire.Session.
func (s *Session) FormatContext() *types.FormatContext { return &s.fc }

// Close implements pgwire.Session: an open transaction block is rolled back.
func (s *Session) Close() error {
	if s.tx != nil {
		s.rollback(s.tx)
		s.tx = nil
	}
	return nil
}

// statement is a parsed statement.
type statement struct{ p *parser.Stmt }

// SQL implements pgwire.Statement.
func (st *statement) SQL() string { return st.p.Text }

// Parse implements pgwire.Session.
func (s *Session) Parse(sql string) ([]pgwire.Statement, error) {
	stmts, err := parser.Parse(sql)
	if err != nil {
		s.failTx()
		return nil, err
	}
	out := make([]pgwire.Statement, len(stmts))
	for i, st := range stmts {
		out[i] = &statement{p: st}
	}
	return out, nil
}

// failTx marks an open transaction block failed after an error.
func (s *Session) failTx() {
	if s.tx != nil {
		s.tx.failed = true
	}
}

// Prepare implements pgwire.Session.
func (s *Session) Prepare(ctx context.Context, st pgwire.Statement, paramOIDs []uint32) (pgwire.Prepared, error) {
	stmt, ok := st.(*statement)
	if !ok {
		return nil, sqlerr.Internal("foreign statement type %T", st)
	}
	if s.tx != nil && s.tx.failed && !endsTransaction(stmt.p.AST) {
		return nil, sqlerr.New(sqlerr.InFailedSQLTransaction, "current transaction is aborted, commands ignored until end of transaction block")
	}
	if rv, pos := parser.ForeignRelation(stmt.p.AST, s.db); rv != nil {
		s.failTx()
		return nil, sqlerr.Newf(sqlerr.FeatureNotSupported, "cross-database references are not implemented: \"%s.%s.%s\"", rv.Catalogname, rv.Schemaname, rv.Relname).WithPosition(pos)
	}
	params := make([]types.T, len(paramOIDs))
	for i, oid := range paramOIDs {
		params[i] = types.Unknown
		if oid != 0 {
			t, ok := types.FromOID(oid)
			if !ok {
				return nil, sqlerr.Newf(sqlerr.UndefinedObject, "type with OID %d does not exist", oid)
			}
			params[i] = t
		}
	}
	p, err := s.prepare(ctx, stmt.p, params)
	if err != nil {
		s.failTx()
		return nil, err
	}
	return p, nil
}

// endsTransaction reports whether a statement is COMMIT / ROLLBACK, which a
// failed transaction block still accepts.
func endsTransaction(n *pg.Node) bool {
	t := n.GetTransactionStmt()
	if t == nil {
		return false
	}
	switch t.Kind {
	case pg.TransactionStmtKind_TRANS_STMT_COMMIT, pg.TransactionStmtKind_TRANS_STMT_ROLLBACK, pg.TransactionStmtKind_TRANS_STMT_ROLLBACK_TO:
		return true
	}
	return false
}

// evalContext returns the evaluation context of one statement.
func (s *Session) evalContext() *builtin.EvalContext {
	now := s.e.opts.Clock().UnixMicro()
	txnTS := now
	if s.tx != nil && s.tx.explicit {
		txnTS = s.tx.start
	}
	var xid int64
	if s.tx != nil {
		xid = s.tx.xid
	} else {
		xid = s.e.nextXID.Add(1)
	}
	return &builtin.EvalContext{
		Format:        &s.fc,
		TxnTimestamp:  txnTS,
		StmtTimestamp: now,
		Clock:         s.e.opts.Clock,
		Rand:          s.rand,
		Catalog:       &catalogReader{cat: s.e.cat.Current(), searchPath: s.searchPath()},
		Session:       s,
		ServerVersion: s.e.opts.Version,
		BackendPID:    s.pid,
		XactID:        xid,
		StartTime:     s.e.start.UnixMicro(),
		Cache:         &builtin.EvalCache{},
	}
}

// CurrentSetting implements builtin.SessionReader.
func (s *Session) CurrentSetting(name string) (string, bool) {
	n := settingName(name)
	v, ok := s.vars[n]
	return v, ok
}

// SetConfig implements builtin.SessionReader.
func (s *Session) SetConfig(name, value string, isLocal bool) (string, error) {
	if err := s.set(name, value, isLocal); err != nil {
		return "", err
	}
	return s.vars[settingName(name)], nil
}

// CurrentUser implements builtin.SessionReader.
func (s *Session) CurrentUser() string { return s.user }

// CurrentDatabase implements builtin.SessionReader.
func (s *Session) CurrentDatabase() string { return s.db }

// CurrentSchema implements builtin.SessionReader.
func (s *Session) CurrentSchema() string {
	cat := s.e.cat.Current()
	for _, p := range s.searchPath() {
		if _, ok := cat.SchemaByName(p); ok {
			return p
		}
	}
	return ""
}

// SearchPath implements builtin.SessionReader.
func (s *Session) SearchPath() []string {
	cat := s.e.cat.Current()
	var out []string
	for _, p := range s.searchPath() {
		if _, ok := cat.SchemaByName(p); ok {
			out = append(out, p)
		}
	}
	return out
}
