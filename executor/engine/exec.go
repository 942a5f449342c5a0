package engine

import (
	"context"
	"fmt"
	"strings"

	"github.com/freshetdb/freshet/executor/query"
	"github.com/freshetdb/freshet/pgwire"
	"github.com/freshetdb/freshet/planner/plan"
	"github.com/freshetdb/freshet/sql/builtin"
	"github.com/freshetdb/freshet/sql/catalog"
	"github.com/freshetdb/freshet/sql/expr"
	"github.com/freshetdb/freshet/sql/sqlerr"
	"github.com/freshetdb/freshet/sql/types"
	"github.com/freshetdb/freshet/storage"
)

// execute runs a prepared statement with its parameter values.
func (s *Session) execute(ctx context.Context, p *prepared, params []types.Datum, w pgwire.ResultWriter) (result, error) {
	switch {
	case p.util != nil:
		return p.util(ctx, params, w)
	case p.query != nil:
		rows, err := s.runQuery(ctx, p.query, params)
		return result{rows: s.nameOIDs(p.cols, rows)}, err
	}
	res, err := s.runDML(ctx, p, params)
	res.rows = s.nameOIDs(p.cols, res.rows)
	return res, err
}

// nameOIDs gives regclass, regproc and regnamespace values in result
// columns their names, which their text output shows (the catalog is not
// visible to the value encoders).
func (s *Session) nameOIDs(cols []pgwire.Column, rows []types.Row) []types.Row {
	var idx []int
	for i, c := range cols {
		switch c.Type.Kind {
		case types.KindRegClass, types.KindRegProc, types.KindRegNamespace:
			idx = append(idx, i)
		}
	}
	if len(idx) == 0 {
		return rows
	}
	ev := s.evalContext()
	for _, r := range rows {
		for _, i := range idx {
			d := r[i]
			if d.IsNull() {
				continue
			}
			name, err := builtin.CastDatum(ev, d, cols[i].Type, types.Text)
			if err == nil {
				r[i] = types.NewNamedOID(d.Kind(), d.Int(), name.Str())
			}
		}
	}
	return rows
}

// readView returns what a read sees: the open transaction's batch (its own
// writes over committed data) or a snapshot of committed data, and a
// function to release it.
func (s *Session) readView() (reader, func()) {
	if s.tx != nil {
		return s.tx.batch, func() {}
	}
	snap := s.e.store.NewSnapshot()
	return snap, func() { _ = snap.Close() }
}

// runQuery runs a SELECT plan.
func (s *Session) runQuery(ctx context.Context, n plan.Node, params []types.Datum) ([]types.Row, error) {
	s.e.views.mu.RLock()
	defer s.e.views.mu.RUnlock()
	r, release := s.readView()
	defer release()
	ec := &expr.Ctx{Eval: s.evalContext(), Params: params}
	return query.NewRunner(ctx, &tableSource{r: r, views: s.e.views}, s.e.cat.Current(), ec).Rows(n)
}

// withWriteTx runs fn with a transaction to write into: the open block's,
// or a new implicit one committed when fn succeeds. Implicit transactions
// hold the engine's write lock throughout, so checks and writes are atomic.
func (s *Session) withWriteTx(fn func(tx *txn) error) error {
	if s.tx != nil {
		return fn(s.tx)
	}
	s.e.writeMu.Lock()
	defer s.e.writeMu.Unlock()
	tx := s.e.beginTx(false, s.e.opts.Clock().UnixMicro())
	if err := fn(tx); err != nil {
		tx.abort()
		return err
	}
	return s.e.commit(tx)
}

// runDML runs INSERT, UPDATE or DELETE.
func (s *Session) runDML(ctx context.Context, p *prepared, params []types.Datum) (result, error) {
	var res result
	err := s.withWriteTx(func(tx *txn) error {
		ec := &expr.Ctx{Eval: s.evalContext(), Params: params}
		s.e.views.mu.RLock()
		defer s.e.views.mu.RUnlock()
		runner := query.NewRunner(ctx, &tableSource{r: tx.batch, views: s.e.views}, s.e.cat.Current(), ec)
		w := &tableWriter{s: s, tx: tx, ec: ec}
		var err error
		switch {
		case p.insert != nil:
			res, err = w.insert(runner, p.insert)
		case p.update != nil:
			res, err = w.update(runner, p.update)
		default:
			res, err = w.delete(runner, p.delete)
		}
		return err
	})
	return res, err
}

// tableWriter applies one DML statement's changes to a transaction.
type tableWriter struct {
	s   *Session
	tx  *txn
	ec  *expr.Ctx
	val []byte
	// schema caches the column types of the table being written.
	schema []types.T
}

func (w *tableWriter) insert(runner *query.Runner, ins *plan.Insert) (result, error) {
	rows, err := runner.Rows(ins.Source)
	if err != nil {
		return result{}, err
	}
	return w.insertRows(ins, rows)
}

// insertRows writes rows (full table rows) into ins.Table, applying its
// conflict rule and RETURNING.
func (w *tableWriter) insertRows(ins *plan.Insert, rows []types.Row) (result, error) {
	t := ins.Table
	var out []types.Row
	n := 0
	touched := map[string]bool{}
	for _, row := range rows {
		if err := checkNotNull(t, row); err != nil {
			return result{}, err
		}
		var key []byte
		if len(t.PrimaryKey) == 0 {
			id, err := w.s.e.rowIDs.next(w.s.e.store)
			if err != nil {
				return result{}, err
			}
			key = rowIDKey(nil, t, id)
		} else {
			key = rowKey(nil, t, row)
		}
		written := row
		if len(t.PrimaryKey) > 0 {
			old, exists, err := getRow(w.tx.batch, t, key)
			if err != nil {
				return result{}, err
			}
			if exists {
				oc := ins.OnConflict
				if oc == nil {
					return result{}, uniqueViolation(t, row)
				}
				if oc.DoNothing {
					continue
				}
				if touched[string(key)] {
					return result{}, sqlerr.New(sqlerr.CardinalityViolation, "ON CONFLICT DO UPDATE command cannot affect row a second time").
						WithHint("Ensure that no rows proposed for insertion within the same command have duplicate constrained values.")
				}
				both := append(append(types.Row(nil), old...), row...)
				if oc.Where != nil {
					ok, err := expr.EvalBool(w.ec, oc.Where, both)
					if err != nil {
						return result{}, err
					}
					if !ok {
						continue
					}
				}
				w.tx.noteChange(t, old, -1)
				upd := append(types.Row(nil), old...)
				for _, si := range oc.Set {
					v, err := si.Expr.Eval(w.ec, both)
					if err != nil {
						return result{}, err
					}
					upd[si.Col] = v
				}
				if err := checkNotNull(t, upd); err != nil {
					return result{}, err
				}
				newKey := rowKey(nil, t, upd)
				if string(newKey) != string(key) {
					return result{}, sqlerr.Unsupported("ON CONFLICT DO UPDATE changing the primary key")
				}
				written = upd
			} else {
				w.tx.noteInsert(key, t.Name)
			}
			touched[string(key)] = true
		}
		if err := w.put(t, key, written); err != nil {
			return result{}, err
		}
		w.tx.noteChange(t, written, 1)
		n++
		if ins.Returning != nil {
			r, err := w.returning(ins.Returning, written)
			if err != nil {
				return result{}, err
			}
			out = append(out, r)
		}
	}
	return result{rows: out, tag: fmt.Sprintf("INSERT 0 %d", n)}, nil
}

func (w *tableWriter) put(t *catalog.Table, key []byte, row types.Row) error {
	if err := w.tx.noteWrite(key); err != nil {
		return err
	}
	if len(w.schema) != len(t.Columns) {
		w.schema = t.ColumnTypes()
	}
	w.val = types.EncodeRow(w.val[:0], row, w.schema)
	w.tx.batch.Set(key, w.val)
	return nil
}

// del removes the row stored under key.
func (w *tableWriter) del(key []byte) error {
	if err := w.tx.noteWrite(key); err != nil {
		return err
	}
	w.tx.batch.Delete(key)
	return nil
}

func (w *tableWriter) returning(r *plan.Returning, row types.Row) (types.Row, error) {
	out := make(types.Row, len(r.Exprs))
	for i, e := range r.Exprs {
		v, err := e.Eval(w.ec, row)
		if err != nil {
			return nil, err
		}
		out[i] = v
	}
	return out, nil
}

// targetRows runs an UPDATE / DELETE input and pairs each distinct target
// row with its storage key (a table row is affected once even when a FROM
// list joins it several times).
func (w *tableWriter) targetRows(runner *query.Runner, t *catalog.Table, input plan.Node) ([]types.Row, [][]byte, error) {
	rows, err := runner.Rows(input)
	if err != nil {
		return nil, nil, err
	}
	width := len(t.Columns)
	var keys [][]byte
	var out []types.Row
	seen := map[string]bool{}
	var byValue map[string][][]byte
	if len(t.PrimaryKey) == 0 {
		// Rows of a table without a primary key are found by value.
		byValue = map[string][][]byte{}
		lo := prefixKey(nil, t, nil)
		if err := scanRange(w.tx.batch, t, lo, storage.PrefixEnd(lo), func(k []byte, r types.Row) error {
			v := string(types.EncodeRow(nil, r, t.ColumnTypes()))
			byValue[v] = append(byValue[v], append([]byte(nil), k...))
			return nil
		}); err != nil {
			return nil, nil, err
		}
	}
	for _, r := range rows {
		var key []byte
		if byValue != nil {
			v := string(types.EncodeRow(nil, r[:width], t.ColumnTypes()))
			ks := byValue[v]
			if len(ks) == 0 {
				continue
			}
			key, byValue[v] = ks[0], ks[1:]
		} else {
			key = rowKey(nil, t, r[:width])
			if seen[string(key)] {
				continue
			}
			seen[string(key)] = true
		}
		keys = append(keys, key)
		out = append(out, r)
	}
	return out, keys, nil
}

func (w *tableWriter) update(runner *query.Runner, up *plan.Update) (result, error) {
	t := up.Table
	rows, keys, err := w.targetRows(runner, t, up.Input)
	if err != nil {
		return result{}, err
	}
	width := len(t.Columns)
	news := make([]types.Row, len(rows))
	newKeys := make([][]byte, len(rows))
	for i, r := range rows {
		nr := append(types.Row(nil), r[:width]...)
		for _, si := range up.Set {
			v, err := si.Expr.Eval(w.ec, r)
			if err != nil {
				return result{}, err
			}
			nr[si.Col] = v
		}
		if err := checkNotNull(t, nr); err != nil {
			return result{}, err
		}
		news[i] = nr
		newKeys[i] = keys[i]
		if len(t.PrimaryKey) > 0 {
			newKeys[i] = rowKey(nil, t, nr)
		}
	}
	// Rows whose key changes are removed first, then every new row is
	// written, checking that a changed key does not collide.
	for i := range rows {
		if string(newKeys[i]) != string(keys[i]) {
			if err := w.del(keys[i]); err != nil {
				return result{}, err
			}
		}
		w.tx.noteChange(t, rows[i][:width], -1)
	}
	var out []types.Row
	for i, nr := range news {
		if string(newKeys[i]) != string(keys[i]) {
			if _, exists, err := w.tx.batch.Get(newKeys[i]); err != nil {
				return result{}, err
			} else if exists {
				return result{}, uniqueViolation(t, nr)
			}
			w.tx.noteInsert(newKeys[i], t.Name)
		}
		if err := w.put(t, newKeys[i], nr); err != nil {
			return result{}, err
		}
		w.tx.noteChange(t, nr, 1)
		if up.Returning != nil {
			r, err := w.returning(up.Returning, nr)
			if err != nil {
				return result{}, err
			}
			out = append(out, r)
		}
	}
	return result{rows: out, tag: fmt.Sprintf("UPDATE %d", len(rows))}, nil
}

func (w *tableWriter) delete(runner *query.Runner, del *plan.Delete) (result, error) {
	t := del.Table
	rows, keys, err := w.targetRows(runner, t, del.Input)
	if err != nil {
		return result{}, err
	}
	var out []types.Row
	for i, r := range rows {
		if err := w.del(keys[i]); err != nil {
			return result{}, err
		}
		w.tx.noteChange(t, r[:len(t.Columns)], -1)
		if del.Returning != nil {
			rr, err := w.returning(del.Returning, r[:len(t.Columns)])
			if err != nil {
				return result{}, err
			}
			out = append(out, rr)
		}
	}
	return result{rows: out, tag: fmt.Sprintf("DELETE %d", len(rows))}, nil
}

// checkNotNull enforces NOT NULL (primary-key columns are NOT NULL).
func checkNotNull(t *catalog.Table, row types.Row) error {
	for i, c := range t.Columns {
		if row[i].IsNull() && (c.NotNull || t.IsPKColumn(i)) {
			return sqlerr.Newf(sqlerr.NotNullViolation, "null value in column %q of relation %q violates not-null constraint", c.Name, t.Name).
				WithDetail("Failing row contains " + rowText(t, row) + ".")
		}
	}
	return nil
}

func uniqueViolation(t *catalog.Table, row types.Row) error {
	var names, vals []string
	for _, k := range t.PrimaryKey {
		names = append(names, t.Columns[k].Name)
		vals = append(vals, string(types.FormatText(nil, row[k], t.Columns[k].Type, nil)))
	}
	return sqlerr.Newf(sqlerr.UniqueViolation, "duplicate key value violates unique constraint %q", t.PKName).
		WithDetail(fmt.Sprintf("Key (%s)=(%s) already exists.", strings.Join(names, ", "), strings.Join(vals, ", ")))
}

// rowText renders a row as Postgres does in "Failing row contains (...)".
func rowText(t *catalog.Table, row types.Row) string {
	parts := make([]string, len(row))
	for i, v := range row {
		if v.IsNull() {
			parts[i] = "null"
		} else {
			parts[i] = string(types.FormatText(nil, v, t.Columns[i].Type, nil))
		}
	}
	return "(" + strings.Join(parts, ", ") + ")"
}
