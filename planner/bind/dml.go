package bind

import (
	pg "github.com/pganalyze/pg_query_go/v6"

	"github.com/freshetdb/freshet/planner/plan"
	"github.com/freshetdb/freshet/sql/builtin"
	"github.com/freshetdb/freshet/sql/catalog"
	"github.com/freshetdb/freshet/sql/expr"
	"github.com/freshetdb/freshet/sql/parser"
	"github.com/freshetdb/freshet/sql/sqlerr"
	"github.com/freshetdb/freshet/sql/types"
)

// targetTable resolves the table a DML statement writes.
func (b *Binder) targetTable(rv *pg.RangeVar) (*catalog.Table, string, error) {
	t, err := b.Cat.Resolve(b.SearchPath, rv.Schemaname, rv.Relname)
	if err != nil {
		return nil, "", b.errAt(sqlerr.As(err), rv.Location)
	}
	if t.Kind == catalog.RelTable && t.Source != nil {
		return nil, "", b.errAt(sqlerr.Newf(sqlerr.WrongObjectType, "cannot change table %q: Kafka fills it (FORMAT %s)", t.Name, t.Source.Format), rv.Location)
	}
	if t.Kind != catalog.RelTable {
		kind := "view"
		switch t.Kind {
		case catalog.RelSystem:
			kind = "system relation"
		case catalog.RelMaterializedView:
			kind = "materialized view"
		case catalog.RelSource:
			kind = "source"
		}
		return nil, "", b.errAt(sqlerr.Newf(sqlerr.WrongObjectType, "cannot change %s %q", kind, t.Name), rv.Location)
	}
	alias := t.Name
	if rv.Alias != nil {
		alias = rv.Alias.Aliasname
	}
	return t, alias, nil
}

// tableScope is the scope of a table's own columns under a qualifier.
func tableScope(t *catalog.Table, qual string, parent *scope) *scope {
	cols := make([]scopeCol, len(t.Columns))
	for i, c := range t.Columns {
		cols[i] = scopeCol{qual: qual, name: c.Name, typ: c.Type, tableOID: t.ID, attr: int16(i + 1)}
	}
	return newScope(cols, parent)
}

// DefaultExpr binds the DEFAULT of column i of t (NULL when it has none),
// coerced to the column type.
func (b *Binder) DefaultExpr(t *catalog.Table, i int) (expr.Expr, error) {
	c := t.Columns[i]
	if c.Default == "" {
		return &expr.Const{V: types.NullDatum, T: c.Type}, nil
	}
	stmts, err := parser.Parse("SELECT " + c.Default)
	if err != nil || len(stmts) != 1 {
		return nil, sqlerr.Newf(sqlerr.DataCorrupted, "default of column %q does not parse", c.Name)
	}
	rt := stmts[0].AST.GetSelectStmt().TargetList[0].GetResTarget()
	sub := &Binder{Cat: b.Cat, SearchPath: b.SearchPath, Eval: b.Eval, SQL: "SELECT " + c.Default}
	e, err := sub.bindExpr(&exprCtx{clause: "DEFAULT expressions"}, rt.Val)
	if err != nil {
		return nil, err
	}
	return sub.coerce(e, c.Type, builtin.CastAssignment, "column \""+c.Name+"\"")
}

// CheckDefault validates a DEFAULT expression for a column of type t at
// CREATE TABLE time and returns it deparsed.
func (b *Binder) CheckDefault(n *pg.Node, colName string, t types.T) (string, error) {
	e, err := b.bindExpr(&exprCtx{clause: "DEFAULT expressions"}, n)
	if err != nil {
		return "", err
	}
	if _, err := b.coerce(e, t, builtin.CastAssignment, "column \""+colName+"\""); err != nil {
		return "", err
	}
	return deparseExpr(n)
}

// deparseExpr renders an expression AST back to SQL text.
func deparseExpr(n *pg.Node) (string, error) {
	s, err := parser.Deparse(&pg.Node{Node: &pg.Node_SelectStmt{SelectStmt: &pg.SelectStmt{
		TargetList: []*pg.Node{{Node: &pg.Node_ResTarget{ResTarget: &pg.ResTarget{Val: n}}}},
	}}})
	if err != nil {
		return "", err
	}
	return s[len("SELECT "):], nil
}

// Insert binds an INSERT statement.
func (b *Binder) Insert(ins *pg.InsertStmt) (*plan.Insert, error) {
	if ins.WithClause != nil {
		pop, err := b.bindWith(ins.WithClause, nil)
		if err != nil {
			return nil, err
		}
		defer pop()
	}
	t, alias, err := b.targetTable(ins.Relation)
	if err != nil {
		return nil, err
	}
	// Target columns: explicit list or all, in table order.
	var targetCols []int
	if len(ins.Cols) == 0 {
		for i := range t.Columns {
			targetCols = append(targetCols, i)
		}
	} else {
		seen := map[int]bool{}
		for _, c := range ins.Cols {
			rt := c.GetResTarget()
			if len(rt.Indirection) > 0 {
				return nil, sqlerr.Unsupported("INSERT into a subfield or array element")
			}
			i := t.ColumnIndex(rt.Name)
			if i < 0 {
				return nil, b.errAt(sqlerr.Newf(sqlerr.UndefinedColumn, "column %q of relation %q does not exist", rt.Name, t.Name), rt.Location)
			}
			if seen[i] {
				return nil, b.errAt(sqlerr.Newf(sqlerr.DuplicateColumn, "column %q specified more than once", rt.Name), rt.Location)
			}
			seen[i] = true
			targetCols = append(targetCols, i)
		}
	}
	defaults := make([]expr.Expr, len(t.Columns))
	defaultOf := func(i int) (expr.Expr, error) {
		if defaults[i] == nil {
			d, err := b.DefaultExpr(t, i)
			if err != nil {
				return nil, err
			}
			defaults[i] = d
		}
		return defaults[i], nil
	}
	assign := func(e expr.Expr, i int) (expr.Expr, error) {
		return b.coerce(e, t.Columns[i].Type, builtin.CastAssignment, "column \""+t.Columns[i].Name+"\"")
	}
	tableCols := plan.NewScan(t).Columns()
	out := &plan.Insert{Table: t}
	sel := ins.SelectStmt.GetSelectStmt()
	switch {
	case sel == nil:
		row := make([]expr.Expr, len(t.Columns))
		for i := range row {
			if row[i], err = defaultOf(i); err != nil {
				return nil, err
			}
		}
		out.Source = plan.WithColumns(&plan.Values{Rows: [][]expr.Expr{row}}, tableCols)
	case len(sel.ValuesLists) > 0 && sel.Op == pg.SetOperation_SETOP_NONE && len(sel.SortClause) == 0 && sel.LimitCount == nil && sel.WithClause == nil:
		var rows [][]expr.Expr
		for _, l := range sel.ValuesLists {
			items := l.GetList().Items
			if len(items) > len(targetCols) {
				return nil, b.errAt(sqlerr.New(sqlerr.SyntaxError, "INSERT has more expressions than target columns"), nodeLocation(items[len(targetCols)]))
			}
			if len(items) < len(targetCols) && len(ins.Cols) > 0 {
				return nil, sqlerr.New(sqlerr.SyntaxError, "INSERT has more target columns than expressions")
			}
			row := make([]expr.Expr, len(t.Columns))
			for k, it := range items {
				i := targetCols[k]
				if it.GetSetToDefault() != nil {
					if row[i], err = defaultOf(i); err != nil {
						return nil, err
					}
					continue
				}
				e, err := b.bindExpr(&exprCtx{clause: "VALUES"}, it)
				if err != nil {
					return nil, err
				}
				if row[i], err = assign(e, i); err != nil {
					return nil, b.errAt(sqlerr.As(err), nodeLocation(it))
				}
			}
			for i := range row {
				if row[i] == nil {
					if row[i], err = defaultOf(i); err != nil {
						return nil, err
					}
				}
			}
			rows = append(rows, row)
		}
		out.Source = plan.WithColumns(&plan.Values{Rows: rows}, tableCols)
	default:
		q, err := b.Query(sel)
		if err != nil {
			return nil, err
		}
		qc := q.Columns()
		if len(qc) > len(targetCols) {
			return nil, sqlerr.New(sqlerr.SyntaxError, "INSERT has more expressions than target columns")
		}
		if len(qc) < len(targetCols) {
			if len(ins.Cols) > 0 {
				return nil, sqlerr.New(sqlerr.SyntaxError, "INSERT has more target columns than expressions")
			}
			targetCols = targetCols[:len(qc)]
		}
		exprs := make([]expr.Expr, len(t.Columns))
		for k, i := range targetCols {
			if exprs[i], err = assign(&expr.ColRef{Idx: k, T: qc[k].Type, Name: qc[k].Name}, i); err != nil {
				return nil, err
			}
		}
		for i := range exprs {
			if exprs[i] == nil {
				if exprs[i], err = defaultOf(i); err != nil {
					return nil, err
				}
			}
		}
		out.Source = plan.WithColumns(&plan.Project{Input: q, Exprs: exprs}, tableCols)
	}
	if oc := ins.OnConflictClause; oc != nil {
		if out.OnConflict, err = b.onConflict(t, alias, oc); err != nil {
			return nil, err
		}
	}
	if out.Returning, err = b.returning(ins.ReturningList, tableScope(t, alias, nil)); err != nil {
		return nil, err
	}
	return out, nil
}

func (b *Binder) onConflict(t *catalog.Table, alias string, oc *pg.OnConflictClause) (*plan.OnConflict, error) {
	if inf := oc.Infer; inf != nil {
		if inf.Conname != "" {
			if inf.Conname != t.PKName {
				return nil, sqlerr.Newf(sqlerr.UndefinedObject, "constraint %q for table %q does not exist", inf.Conname, t.Name)
			}
		} else {
			cols := map[int]bool{}
			for _, e := range inf.IndexElems {
				ie := e.GetIndexElem()
				i := t.ColumnIndex(ie.Name)
				if ie.Name == "" || i < 0 {
					return nil, sqlerr.New(sqlerr.InvalidColumnReference, "there is no unique or exclusion constraint matching the ON CONFLICT specification")
				}
				cols[i] = true
			}
			match := len(cols) == len(t.PrimaryKey)
			for _, k := range t.PrimaryKey {
				match = match && cols[k]
			}
			if !match {
				return nil, sqlerr.New(sqlerr.InvalidColumnReference, "there is no unique or exclusion constraint matching the ON CONFLICT specification")
			}
		}
	} else if oc.Action == pg.OnConflictAction_ONCONFLICT_UPDATE {
		return nil, sqlerr.New(sqlerr.SyntaxError, "ON CONFLICT DO UPDATE requires inference specification or constraint name").
			WithHint("For example, ON CONFLICT (column_name).")
	}
	if len(t.PrimaryKey) == 0 {
		return nil, sqlerr.New(sqlerr.InvalidColumnReference, "there is no unique or exclusion constraint matching the ON CONFLICT specification")
	}
	if oc.Action == pg.OnConflictAction_ONCONFLICT_NOTHING {
		return &plan.OnConflict{DoNothing: true}, nil
	}
	cols := tableScope(t, alias, nil).cols
	for i, c := range t.Columns {
		cols = append(cols, scopeCol{qual: "excluded", name: c.Name, typ: c.Type, attr: int16(i + 1)})
	}
	sc := newScope(cols, nil)
	out := &plan.OnConflict{}
	set, err := b.setItems(t, oc.TargetList, sc)
	if err != nil {
		return nil, err
	}
	out.Set = set
	if oc.WhereClause != nil {
		w, err := b.bindExpr(&exprCtx{scope: sc, clause: "WHERE"}, oc.WhereClause)
		if err != nil {
			return nil, err
		}
		if out.Where, err = b.requireBool(w, "WHERE"); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// setItems binds SET col = expr assignments.
func (b *Binder) setItems(t *catalog.Table, list []*pg.Node, sc *scope) ([]plan.SetItem, error) {
	var out []plan.SetItem
	seen := map[int]bool{}
	for _, n := range list {
		rt := n.GetResTarget()
		if len(rt.Indirection) > 0 {
			return nil, sqlerr.Unsupported("assigning to a subfield or array element")
		}
		if rt.Val.GetMultiAssignRef() != nil {
			return nil, sqlerr.Unsupported("multiple-column assignment")
		}
		i := t.ColumnIndex(rt.Name)
		if i < 0 {
			return nil, b.errAt(sqlerr.Newf(sqlerr.UndefinedColumn, "column %q of relation %q does not exist", rt.Name, t.Name), rt.Location)
		}
		if seen[i] {
			return nil, b.errAt(sqlerr.Newf(sqlerr.SyntaxError, "multiple assignments to same column %q", rt.Name), rt.Location)
		}
		seen[i] = true
		var e expr.Expr
		var err error
		if rt.Val.GetSetToDefault() != nil {
			e, err = b.DefaultExpr(t, i)
		} else {
			if e, err = b.bindExpr(&exprCtx{scope: sc, clause: "UPDATE"}, rt.Val); err == nil {
				e, err = b.coerce(e, t.Columns[i].Type, builtin.CastAssignment, "column \""+t.Columns[i].Name+"\"")
			}
		}
		if err != nil {
			if se := sqlerr.As(err); se != nil {
				return nil, b.errAt(se, rt.Location)
			}
			return nil, err
		}
		out = append(out, plan.SetItem{Col: i, Expr: e})
	}
	return out, nil
}

func (b *Binder) returning(list []*pg.Node, sc *scope) (*plan.Returning, error) {
	if len(list) == 0 {
		return nil, nil
	}
	ts, err := b.targets(&exprCtx{scope: sc, clause: "RETURNING"}, list)
	if err != nil {
		return nil, err
	}
	r := &plan.Returning{}
	for _, t := range ts {
		r.Exprs = append(r.Exprs, t.e)
		r.Columns = append(r.Columns, t.col)
	}
	return r, nil
}

// dmlInput builds the rows an UPDATE or DELETE acts on: the table's rows,
// joined with extra FROM/USING items, filtered by WHERE.
func (b *Binder) dmlInput(t *catalog.Table, alias string, extra []*pg.Node, where *pg.Node) (plan.Node, *scope, error) {
	var node plan.Node = plan.NewScan(t)
	sc := tableScope(t, alias, nil)
	for _, it := range extra {
		n, s, err := b.fromItem(it, nil)
		if err != nil {
			return nil, nil, err
		}
		if node, sc, err = b.crossJoin(node, sc, n, s, nil); err != nil {
			return nil, nil, err
		}
	}
	if where != nil {
		pred, err := b.bindExpr(&exprCtx{scope: sc, clause: "WHERE"}, where)
		if err != nil {
			return nil, nil, err
		}
		if pred, err = b.requireBool(pred, "WHERE"); err != nil {
			return nil, nil, err
		}
		node = filter(node, pred)
	}
	return node, sc, nil
}

// Update binds an UPDATE statement.
func (b *Binder) Update(up *pg.UpdateStmt) (*plan.Update, error) {
	if up.WithClause != nil {
		pop, err := b.bindWith(up.WithClause, nil)
		if err != nil {
			return nil, err
		}
		defer pop()
	}
	t, alias, err := b.targetTable(up.Relation)
	if err != nil {
		return nil, err
	}
	input, sc, err := b.dmlInput(t, alias, up.FromClause, up.WhereClause)
	if err != nil {
		return nil, err
	}
	set, err := b.setItems(t, up.TargetList, sc)
	if err != nil {
		return nil, err
	}
	ret, err := b.returning(up.ReturningList, tableScope(t, alias, nil))
	if err != nil {
		return nil, err
	}
	return &plan.Update{Table: t, Input: input, Set: set, Returning: ret}, nil
}

// Delete binds a DELETE statement.
func (b *Binder) Delete(del *pg.DeleteStmt) (*plan.Delete, error) {
	if del.WithClause != nil {
		pop, err := b.bindWith(del.WithClause, nil)
		if err != nil {
			return nil, err
		}
		defer pop()
	}
	t, alias, err := b.targetTable(del.Relation)
	if err != nil {
		return nil, err
	}
	input, _, err := b.dmlInput(t, alias, del.UsingClause, del.WhereClause)
	if err != nil {
		return nil, err
	}
	ret, err := b.returning(del.ReturningList, tableScope(t, alias, nil))
	if err != nil {
		return nil, err
	}
	return &plan.Delete{Table: t, Input: input, Returning: ret}, nil
}
