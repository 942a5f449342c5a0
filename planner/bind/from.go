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

// from binds a FROM list (items are cross-joined) and returns the input node
// and its scope. An empty FROM yields one empty row.
func (b *Binder) from(items []*pg.Node, outer *scope) (plan.Node, *scope, error) {
	if len(items) == 0 {
		return plan.WithColumns(&plan.Values{Rows: [][]expr.Expr{{}}}, nil), newScope(nil, outer), nil
	}
	var node plan.Node
	var sc *scope
	for _, it := range items {
		if rs := it.GetRangeSubselect(); rs != nil && rs.Lateral && node != nil {
			var err error
			if node, sc, err = b.lateralSubquery(rs, plan.JoinInner, nil, node, sc, outer); err != nil {
				return nil, nil, err
			}
			continue
		}
		if rf := it.GetRangeFunction(); rf != nil {
			if _, _, ok := isWindowTVF(rf); !ok {
				var err error
				if node, sc, err = b.functionItem(rf, node, sc, outer, false); err != nil {
					return nil, nil, err
				}
				continue
			}
		}
		n, s, err := b.fromItem(it, outer)
		if err != nil {
			return nil, nil, err
		}
		if node == nil {
			node, sc = n, s
			continue
		}
		node, sc, err = b.crossJoin(node, sc, n, s, outer)
		if err != nil {
			return nil, nil, err
		}
	}
	return node, sc, nil
}

func (b *Binder) crossJoin(l plan.Node, ls *scope, r plan.Node, rs *scope, outer *scope) (plan.Node, *scope, error) {
	for q := range rs.quals {
		if ls.quals[q] {
			return nil, nil, sqlerr.Newf(sqlerr.DuplicateAlias, "table name %q specified more than once", q)
		}
	}
	cols := append(append([]plan.Column(nil), l.Columns()...), r.Columns()...)
	j := plan.WithColumns(&plan.Join{Kind: plan.JoinInner, Left: l, Right: r}, cols)
	return j, newScope(append(append([]scopeCol(nil), ls.cols...), rs.cols...), outer), nil
}

func (b *Binder) fromItem(n *pg.Node, outer *scope) (plan.Node, *scope, error) {
	switch x := n.Node.(type) {
	case *pg.Node_RangeVar:
		return b.rangeVar(x.RangeVar, outer)
	case *pg.Node_JoinExpr:
		return b.join(x.JoinExpr, outer)
	case *pg.Node_RangeSubselect:
		// A subquery without an alias is allowed, as in PostgreSQL 16
		// and RisingWave (Nexmark's q18 and q19 are written so); its
		// columns are reached by their names only.
		sel := x.RangeSubselect.Subquery.GetSelectStmt()
		node, err := b.bindQuery(sel, outer)
		if err != nil {
			return nil, nil, err
		}
		alias := ""
		if a := x.RangeSubselect.Alias; a != nil {
			alias = a.Aliasname
			if node, err = renameColumns(node, a.Colnames, alias); err != nil {
				return nil, nil, err
			}
		}
		return node, scopeFromNode(node, alias, outer), nil
	case *pg.Node_RangeFunction:
		if name, fc, ok := isWindowTVF(x.RangeFunction); ok {
			return b.windowTVF(x.RangeFunction, name, fc, outer)
		}
		return b.functionItem(x.RangeFunction, nil, nil, outer, false)
	}
	return nil, nil, sqlerr.Unsupported("FROM item " + nodeName(n))
}

func (b *Binder) rangeVar(rv *pg.RangeVar, outer *scope) (plan.Node, *scope, error) {
	alias := rv.Relname
	if rv.Alias != nil {
		alias = rv.Alias.Aliasname
	}
	var node plan.Node
	if rv.Schemaname == "" {
		for i := len(b.ctes) - 1; i >= 0; i-- {
			if c, ok := b.ctes[i][rv.Relname]; ok {
				node = c.node
				break
			}
		}
	}
	if node != nil && rv.Relpersistence == parser.ProcTimeLookup {
		return nil, nil, b.errAt(sqlerr.Unsupported("FOR SYSTEM_TIME AS OF PROCTIME() on a WITH query (it looks up a table or a materialized view)"), rv.Location)
	}
	if node == nil {
		t, err := b.Cat.Resolve(b.SearchPath, rv.Schemaname, rv.Relname)
		if err != nil {
			return nil, nil, b.errAt(sqlerr.As(err), rv.Location)
		}
		if rv.Relpersistence == parser.ProcTimeLookup {
			if err := b.checkLookup(rv, t); err != nil {
				return nil, nil, b.errAt(sqlerr.As(err), rv.Location)
			}
		}
		if b.deps == nil {
			b.deps = map[uint32]bool{}
		}
		b.deps[t.ID] = true
		if node, err = b.relation(t); err != nil {
			return nil, nil, err
		}
	}
	if rv.Alias != nil {
		var err error
		if node, err = renameColumns(node, rv.Alias.Colnames, alias); err != nil {
			return nil, nil, err
		}
	}
	return node, scopeFromNode(node, alias, outer), nil
}

// checkLookup checks a relation written FOR SYSTEM_TIME AS OF PROCTIME():
// a table or materialized view on the right of a join.
func (b *Binder) checkLookup(rv *pg.RangeVar, t *catalog.Table) error {
	if b.lookup != rv {
		return sqlerr.Unsupported("FOR SYSTEM_TIME AS OF PROCTIME() other than on the right side of a JOIN")
	}
	if t.Kind != catalog.RelTable && t.Kind != catalog.RelMaterializedView {
		return sqlerr.Unsupported("FOR SYSTEM_TIME AS OF PROCTIME() on a " + t.Kind.Noun() + " (it looks up a table or a materialized view)")
	}
	return nil
}

// relation returns the plan reading a catalog relation: a scan of a table
// or system relation, or the bound query of a view.
func (b *Binder) relation(t *catalog.Table) (plan.Node, error) {
	if t.Kind == catalog.RelSink {
		return nil, sqlerr.Newf(sqlerr.WrongObjectType, "%q is a sink: it writes to Kafka and holds no rows to read", t.Name)
	}
	if t.Kind == catalog.RelView {
		stmts, err := parser.Parse(t.Query)
		if err != nil || len(stmts) != 1 || stmts[0].AST.GetSelectStmt() == nil {
			return nil, sqlerr.Newf(sqlerr.DataCorrupted, "view %q has an invalid stored definition", t.Name)
		}
		vb := &Binder{Cat: b.Cat, SearchPath: b.SearchPath, Eval: b.Eval, SQL: t.Query}
		node, err := vb.Query(stmts[0].AST.GetSelectStmt())
		if err != nil {
			return nil, sqlerr.Wrap(err, "view "+t.Name)
		}
		cols := append([]plan.Column(nil), node.Columns()...)
		for i := range cols {
			if i < len(t.Columns) {
				cols[i].Name = t.Columns[i].Name
			}
		}
		return castColumns(node, plan.Types(cols)), nil
	}
	return plan.NewScan(t), nil
}

// functionItem binds functions in FROM as a FlatMap over the items to
// their left (functions in FROM are implicitly LATERAL, as in Postgres), or
// over a single empty row when they come first.
func (b *Binder) functionItem(rf *pg.RangeFunction, left plan.Node, ls *scope, outer *scope, outerJoin bool) (plan.Node, *scope, error) {
	if rf.Ordinality {
		return nil, nil, sqlerr.Unsupported("WITH ORDINALITY")
	}
	if left == nil {
		left = plan.WithColumns(&plan.Values{Rows: [][]expr.Expr{{}}}, nil)
		ls = newScope(nil, outer)
	}
	ec := &exprCtx{scope: ls, clause: "functions in FROM"}
	fm := &plan.FlatMap{Input: left, Outer: outerJoin}
	var cols []plan.Column
	for _, fn := range rf.Functions {
		fc := fn.GetList().Items[0].GetFuncCall()
		if fc == nil {
			return nil, nil, sqlerr.Unsupported("this function in FROM")
		}
		call, err := b.setCall(ec, fc)
		if err != nil {
			return nil, nil, err
		}
		fm.Calls = append(fm.Calls, call)
		cols = append(cols, call.Cols...)
	}
	alias := ""
	if rf.Alias != nil {
		alias = rf.Alias.Aliasname
		if len(cols) == 1 && len(rf.Alias.Colnames) == 0 {
			cols[0].Name = alias
		}
		if len(rf.Alias.Colnames) > len(cols) {
			return nil, nil, sqlerr.Newf(sqlerr.InvalidColumnReference, "table %q has %d columns available but %d columns specified", alias, len(cols), len(rf.Alias.Colnames))
		}
		for i, n := range rf.Alias.Colnames {
			cols[i].Name = n.GetString_().Sval
		}
	} else if len(rf.Functions) == 1 {
		name, _ := funcName(rf.Functions[0].GetList().Items[0].GetFuncCall().Funcname)
		alias = name
	}
	all := append(append([]plan.Column(nil), left.Columns()...), cols...)
	node := plan.WithColumns(fm, all)
	scols := append([]scopeCol(nil), ls.cols...)
	for _, c := range cols {
		scols = append(scols, scopeCol{qual: alias, name: c.Name, typ: c.Type})
	}
	return node, newScope(scols, outer), nil
}

// setCall binds a call of a set-returning function.
func (b *Binder) setCall(ec *exprCtx, fc *pg.FuncCall) (plan.SetCall, error) {
	name, err := funcName(fc.Funcname)
	if err != nil {
		return plan.SetCall{}, err
	}
	args, err := b.bindExprs(ec, fc.Args)
	if err != nil {
		return plan.SetCall{}, err
	}
	ts := make([]types.T, len(args))
	for i, a := range args {
		ts[i] = a.Type()
	}
	fn, argTypes, err := builtin.Resolve(name, ts)
	if err != nil {
		return plan.SetCall{}, b.errAt(sqlerr.As(err), fc.Location)
	}
	if fn.SetFn == nil {
		return plan.SetCall{}, b.errAt(sqlerr.Unsupported("non-set-returning function "+name+" in FROM"), fc.Location)
	}
	for i, a := range args {
		if args[i], err = b.coerce(a, argTypes[i], builtin.CastImplicit, "argument"); err != nil {
			return plan.SetCall{}, err
		}
	}
	call := plan.SetCall{Fn: fn, Args: args}
	for _, c := range fn.SetColumns(argTypes) {
		call.Cols = append(call.Cols, plan.Column{Name: c.Name, Type: c.T})
	}
	return call, nil
}

func (b *Binder) join(je *pg.JoinExpr, outer *scope) (plan.Node, *scope, error) {
	l, ls, err := b.fromItem(je.Larg, outer)
	if err != nil {
		return nil, nil, err
	}
	if rf := je.Rarg.GetRangeFunction(); rf != nil {
		if _, _, ok := isWindowTVF(rf); !ok {
			return b.lateralFunctionJoin(je, rf, l, ls, outer)
		}
	}
	if rs := je.Rarg.GetRangeSubselect(); rs != nil && rs.Lateral {
		kind := plan.JoinInner
		switch je.Jointype {
		case pg.JoinType_JOIN_INNER:
		case pg.JoinType_JOIN_LEFT:
			kind = plan.JoinLeft
		default:
			return nil, nil, sqlerr.Unsupported("RIGHT or FULL JOIN LATERAL")
		}
		if len(je.UsingClause) > 0 || je.IsNatural {
			return nil, nil, sqlerr.Unsupported("USING or NATURAL with LATERAL")
		}
		return b.lateralSubquery(rs, kind, je.Quals, l, ls, outer)
	}
	lookup := false
	if rv := je.Rarg.GetRangeVar(); rv != nil && rv.Relpersistence == parser.ProcTimeLookup {
		lookup, b.lookup = true, rv
	}
	r, rs, err := b.fromItem(je.Rarg, outer)
	b.lookup = nil
	if err != nil {
		return nil, nil, err
	}
	kind := plan.JoinInner
	switch je.Jointype {
	case pg.JoinType_JOIN_LEFT:
		kind = plan.JoinLeft
	case pg.JoinType_JOIN_RIGHT:
		kind = plan.JoinRight
	case pg.JoinType_JOIN_FULL:
		kind = plan.JoinFull
	case pg.JoinType_JOIN_INNER:
	default:
		return nil, nil, sqlerr.Unsupported("this join type")
	}
	node, sc, err := b.crossJoin(l, ls, r, rs, outer)
	if err != nil {
		return nil, nil, err
	}
	j := node.(*plan.Join)
	j.Kind = kind
	if lookup {
		if kind != plan.JoinInner && kind != plan.JoinLeft {
			return nil, nil, sqlerr.Unsupported("FOR SYSTEM_TIME AS OF PROCTIME() in a RIGHT or FULL JOIN")
		}
		j.Lookup = true
	}
	nl := len(l.Columns())

	using := je.UsingClause
	if je.IsNatural {
		for _, lc := range ls.cols {
			for _, rc := range rs.cols {
				if lc.name == rc.name && !lc.qualOnly && !rc.qualOnly {
					using = append(using, pg.MakeStrNode(lc.name))
				}
			}
		}
	}
	var cond expr.Expr
	if je.Quals != nil {
		c, err := b.bindExpr(&exprCtx{scope: sc, clause: "JOIN conditions"}, je.Quals)
		if err != nil {
			return nil, nil, err
		}
		if cond, err = b.requireBool(c, "JOIN/ON"); err != nil {
			return nil, nil, err
		}
	}
	if len(using) == 0 {
		j.Residual = cond
		if je.Alias != nil {
			return nil, nil, sqlerr.Unsupported("an alias on a JOIN without USING")
		}
		return j, sc, nil
	}
	// USING / NATURAL: equality on the named columns, merged into one
	// output column each, listed first.
	var merged []expr.Expr
	var mergedCols []scopeCol
	usedL, usedR := map[int]bool{}, map[int]bool{}
	var conds []expr.Expr
	for _, u := range using {
		name := u.GetString_().Sval
		li, ri := findUsing(ls, name), findUsing(rs, name)
		if li < 0 {
			return nil, nil, sqlerr.Newf(sqlerr.UndefinedColumn, "column %q specified in USING clause does not exist in left table", name)
		}
		if ri < 0 {
			return nil, nil, sqlerr.Newf(sqlerr.UndefinedColumn, "column %q specified in USING clause does not exist in right table", name)
		}
		usedL[li], usedR[ri] = true, true
		lref := &expr.ColRef{Idx: li, T: ls.cols[li].typ, Name: name}
		rref := &expr.ColRef{Idx: nl + ri, T: rs.cols[ri].typ, Name: name}
		eq, err := b.call("=", []expr.Expr{lref, rref})
		if err != nil {
			return nil, nil, err
		}
		conds = append(conds, eq)
		all, t, err := b.commonType("JOIN/USING", []expr.Expr{lref, rref})
		if err != nil {
			return nil, nil, err
		}
		var m expr.Expr
		switch kind {
		case plan.JoinRight:
			m = all[1]
		case plan.JoinFull:
			m = &expr.Coalesce{Args: all, T: t}
		default:
			m = all[0]
		}
		merged = append(merged, m)
		mergedCols = append(mergedCols, scopeCol{name: name, typ: t})
	}
	if cond != nil {
		conds = append(conds, cond)
	}
	var all expr.Expr = &expr.And{Args: conds}
	if len(conds) == 1 {
		all = conds[0]
	}
	j.Residual = all
	// Project: merged columns, then the rest of left and right.
	exprs := append([]expr.Expr(nil), merged...)
	cols := append([]scopeCol(nil), mergedCols...)
	for i, c := range sc.cols {
		exprs = append(exprs, &expr.ColRef{Idx: i, T: c.typ, Name: c.name})
		c.qualOnly = c.qualOnly || (i < nl && usedL[i]) || (i >= nl && usedR[i-nl])
		cols = append(cols, c)
	}
	if je.Alias != nil {
		for i := range cols {
			if i < len(mergedCols) || !cols[i].qualOnly {
				cols[i].qual = je.Alias.Aliasname
			}
		}
	}
	pcols := make([]plan.Column, len(cols))
	for i, c := range cols {
		pcols[i] = plan.Column{Name: c.name, Type: c.typ, TableOID: c.tableOID, AttrNum: c.attr}
	}
	p := plan.WithColumns(&plan.Project{Input: j, Exprs: exprs}, pcols)
	return p, newScope(cols, outer), nil
}

func findUsing(s *scope, name string) int {
	for i, c := range s.cols {
		if c.name == name && !c.qualOnly {
			return i
		}
	}
	return -1
}

// lateralFunctionJoin binds "l [LEFT] JOIN [LATERAL] f(...) ON cond" and
// "l CROSS JOIN f(...)": a FlatMap over l, filtered by the condition.
func (b *Binder) lateralFunctionJoin(je *pg.JoinExpr, rf *pg.RangeFunction, l plan.Node, ls *scope, outer *scope) (plan.Node, *scope, error) {
	isTrue := func(n *pg.Node) bool {
		c := n.GetAConst()
		return c != nil && c.GetBoolval() != nil && c.GetBoolval().Boolval
	}
	switch {
	case je.Jointype == pg.JoinType_JOIN_INNER:
	case je.Jointype == pg.JoinType_JOIN_LEFT && je.Quals != nil && isTrue(je.Quals):
	default:
		return nil, nil, sqlerr.Unsupported("this join with a function in FROM")
	}
	if len(je.UsingClause) > 0 || je.IsNatural {
		return nil, nil, sqlerr.Unsupported("USING or NATURAL with a function in FROM")
	}
	node, sc, err := b.functionItem(rf, l, ls, outer, je.Jointype == pg.JoinType_JOIN_LEFT)
	if err != nil {
		return nil, nil, err
	}
	if je.Quals != nil && je.Jointype == pg.JoinType_JOIN_INNER {
		c, err := b.bindExpr(&exprCtx{scope: sc, clause: "JOIN conditions"}, je.Quals)
		if err != nil {
			return nil, nil, err
		}
		if c, err = b.requireBool(c, "JOIN/ON"); err != nil {
			return nil, nil, err
		}
		node = filter(node, c)
	}
	return node, sc, nil
}

// lateralSubquery binds a LATERAL subquery to the right of left: it may
// read left's columns, and runs once per left row (an Apply).
func (b *Binder) lateralSubquery(rs *pg.RangeSubselect, kind plan.JoinKind, quals *pg.Node, left plan.Node, ls *scope, outer *scope) (plan.Node, *scope, error) {
	inner := newScope(ls.cols, outer)
	right, err := b.bindQuery(rs.Subquery.GetSelectStmt(), inner)
	if err != nil {
		return nil, nil, err
	}
	if right, err = renameColumns(right, rs.GetAlias().GetColnames(), rs.GetAlias().GetAliasname()); err != nil {
		return nil, nil, err
	}
	rsc := scopeFromNode(right, rs.GetAlias().GetAliasname(), outer)
	cols := append(append([]plan.Column(nil), left.Columns()...), right.Columns()...)
	sc := newScope(append(append([]scopeCol(nil), ls.cols...), rsc.cols...), outer)
	a := &plan.Apply{Kind: kind, Left: left, Right: right}
	if quals != nil {
		c, err := b.bindExpr(&exprCtx{scope: sc, clause: "JOIN conditions"}, quals)
		if err != nil {
			return nil, nil, err
		}
		if a.Cond, err = b.requireBool(c, "JOIN/ON"); err != nil {
			return nil, nil, err
		}
	}
	return plan.WithColumns(a, cols), sc, nil
}
