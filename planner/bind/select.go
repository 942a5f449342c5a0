package bind

import (
	"slices"

	pg "github.com/pganalyze/pg_query_go/v6"

	"github.com/freshetdb/freshet/planner/plan"
	"github.com/freshetdb/freshet/sql/builtin"
	"github.com/freshetdb/freshet/sql/expr"
	"github.com/freshetdb/freshet/sql/sqlerr"
	"github.com/freshetdb/freshet/sql/types"
)

// cte is a bound common table expression.
type cte struct {
	node plan.Node
}

// Query binds a top-level SELECT (or VALUES) statement.
func (b *Binder) Query(sel *pg.SelectStmt) (plan.Node, error) {
	return b.bindQuery(sel, nil)
}

// bindQuery binds a query; outer is the scope of the enclosing query for a
// subquery (nil at top level).
func (b *Binder) bindQuery(sel *pg.SelectStmt, outer *scope) (plan.Node, error) {
	if sel.WithClause != nil {
		pop, err := b.bindWith(sel.WithClause, outer)
		if err != nil {
			return nil, err
		}
		defer pop()
	}
	var (
		node plan.Node
		err  error
	)
	switch {
	case sel.Op != pg.SetOperation_SETOP_NONE:
		node, err = b.setOp(sel, outer)
	case len(sel.ValuesLists) > 0:
		node, err = b.values(sel.ValuesLists, outer)
	default:
		return b.simpleSelect(sel, outer)
	}
	if err != nil {
		return nil, err
	}
	return b.orderLimitOutput(node, sel)
}

// bindWith binds the CTEs of a WITH clause into a new frame visible to the
// statement; the returned function removes the frame.
func (b *Binder) bindWith(w *pg.WithClause, outer *scope) (func(), error) {
	frame := map[string]*cte{}
	b.ctes = append(b.ctes, frame)
	pop := func() { b.ctes = b.ctes[:len(b.ctes)-1] }
	for _, n := range w.Ctes {
		c := n.GetCommonTableExpr()
		q := c.Ctequery.GetSelectStmt()
		if q == nil {
			pop()
			return nil, b.errAt(sqlerr.Unsupported("data-modifying statements in WITH"), c.Location)
		}
		if _, dup := frame[c.Ctename]; dup {
			pop()
			return nil, b.errAt(sqlerr.Newf(sqlerr.DuplicateAlias, "WITH query name %q specified more than once", c.Ctename), c.Location)
		}
		var node plan.Node
		var err error
		if w.Recursive && q.Op == pg.SetOperation_SETOP_UNION && refersTo(q.Rarg, c.Ctename) {
			node, err = b.recursiveCTE(c, q, frame, outer)
		} else {
			node, err = b.bindQuery(q, outer)
			if err == nil {
				node, err = renameColumns(node, c.Aliascolnames, c.Ctename)
			}
		}
		if err != nil {
			pop()
			return nil, err
		}
		frame[c.Ctename] = &cte{node: node}
	}
	return pop, nil
}

// orderLimitOutput applies ORDER BY (by output name or ordinal) and
// LIMIT/OFFSET to a set operation or VALUES.
func (b *Binder) orderLimitOutput(node plan.Node, sel *pg.SelectStmt) (plan.Node, error) {
	if len(sel.SortClause) > 0 {
		sc := scopeFromNode(node, "", nil)
		var keys []plan.SortExpr
		for _, it := range sel.SortClause {
			sb := it.GetSortBy()
			idx, err := b.outputOrdinal(sb.Node, node.Columns())
			if err != nil {
				return nil, err
			}
			var e expr.Expr
			if idx >= 0 {
				c := node.Columns()[idx]
				e = &expr.ColRef{Idx: idx, T: c.Type, Name: c.Name}
			} else {
				if e, err = b.bindExpr(&exprCtx{scope: sc, clause: "ORDER BY"}, sb.Node); err != nil {
					return nil, err
				}
				if _, ok := e.(*expr.ColRef); !ok {
					return nil, b.errAt(sqlerr.Unsupported("ORDER BY on an expression of a UNION/INTERSECT/EXCEPT result"), sb.Location)
				}
			}
			se, err := sortSpec(sb, e)
			if err != nil {
				return nil, err
			}
			keys = append(keys, se)
		}
		node = plan.WithColumns(&plan.Sort{Input: node, Keys: keys}, node.Columns())
	}
	return b.limit(node, sel)
}

// outputOrdinal resolves an ORDER BY item that is an integer ordinal or the
// bare name of an output column; -1 when it is neither.
func (b *Binder) outputOrdinal(n *pg.Node, cols []plan.Column) (int, error) {
	if c := n.GetAConst(); c != nil && c.GetIval() != nil {
		k := int(c.GetIval().Ival)
		if k < 1 || k > len(cols) {
			return -1, b.errAt(sqlerr.Newf(sqlerr.InvalidColumnReference, "ORDER BY position %d is not in select list", k), c.Location)
		}
		return k - 1, nil
	}
	if cr := n.GetColumnRef(); cr != nil && len(cr.Fields) == 1 && cr.Fields[0].GetString_() != nil {
		name := cr.Fields[0].GetString_().Sval
		found := -1
		for i, c := range cols {
			if c.Name == name {
				if found >= 0 {
					return -1, b.errAt(sqlerr.Newf(sqlerr.AmbiguousColumn, "ORDER BY %q is ambiguous", name), cr.Location)
				}
				found = i
			}
		}
		return found, nil
	}
	return -1, nil
}

func (b *Binder) limit(node plan.Node, sel *pg.SelectStmt) (plan.Node, error) {
	if sel.LimitCount == nil && sel.LimitOffset == nil {
		return node, nil
	}
	l := &plan.Limit{Input: node, WithTies: sel.LimitOption == pg.LimitOption_LIMIT_OPTION_WITH_TIES}
	if c := sel.LimitCount.GetAConst(); l.WithTies && (sel.LimitCount == nil || (c != nil && c.Isnull)) {
		return nil, sqlerr.New(sqlerr.InvalidRowCountInLimit, "row count cannot be null in FETCH FIRST ... WITH TIES clause")
	}
	bindCount := func(n *pg.Node, clause string) (expr.Expr, error) {
		if n == nil {
			return nil, nil
		}
		if c := n.GetAConst(); c != nil && c.Isnull {
			return nil, nil
		}
		e, err := b.bindExpr(&exprCtx{clause: clause}, n)
		if err != nil {
			return nil, err
		}
		return b.coerce(e, types.Int8, builtin.CastImplicit, "argument of "+clause)
	}
	var err error
	if l.Count, err = bindCount(sel.LimitCount, "LIMIT"); err != nil {
		return nil, err
	}
	if l.Offset, err = bindCount(sel.LimitOffset, "OFFSET"); err != nil {
		return nil, err
	}
	return plan.WithColumns(l, node.Columns()), nil
}

func (b *Binder) setOp(sel *pg.SelectStmt, outer *scope) (plan.Node, error) {
	b.inSetOp++
	left, err := b.bindQuery(sel.Larg, outer)
	if err != nil {
		b.inSetOp--
		return nil, err
	}
	right, err := b.bindQuery(sel.Rarg, outer)
	b.inSetOp--
	if err != nil {
		return nil, err
	}
	kind := map[pg.SetOperation]plan.SetOpKind{pg.SetOperation_SETOP_UNION: plan.SetUnion, pg.SetOperation_SETOP_INTERSECT: plan.SetIntersect, pg.SetOperation_SETOP_EXCEPT: plan.SetExcept}[sel.Op]
	lc, rc := left.Columns(), right.Columns()
	opName := map[plan.SetOpKind]string{plan.SetUnion: "UNION", plan.SetIntersect: "INTERSECT", plan.SetExcept: "EXCEPT"}[kind]
	if len(lc) != len(rc) {
		return nil, sqlerr.Newf(sqlerr.SyntaxError, "each %s query must have the same number of columns", opName)
	}
	lt, rt := make([]types.T, len(lc)), make([]types.T, len(lc))
	cols := make([]plan.Column, len(lc))
	for i := range lc {
		t, err := builtin.CommonType(opName, []types.T{lc[i].Type, rc[i].Type})
		if err != nil {
			return nil, err
		}
		if lc[i].Type.Equal(rc[i].Type) && !isUnknownType(lc[i].Type) {
			t = lc[i].Type
		}
		lt[i], rt[i] = t, t
		cols[i] = plan.Column{Name: lc[i].Name, Type: t}
	}
	left, right = castColumns(left, lt), castColumns(right, rt)
	return plan.WithColumns(&plan.SetOp{Kind: kind, All: sel.All, Left: left, Right: right}, cols), nil
}

func (b *Binder) values(lists []*pg.Node, outer *scope) (plan.Node, error) {
	ec := &exprCtx{scope: outer, clause: "VALUES"}
	var rows [][]expr.Expr
	width := -1
	for _, l := range lists {
		row, err := b.bindExprs(ec, l.GetList().Items)
		if err != nil {
			return nil, err
		}
		if width >= 0 && len(row) != width {
			return nil, sqlerr.New(sqlerr.SyntaxError, "VALUES lists must all be the same length")
		}
		width = len(row)
		rows = append(rows, row)
	}
	cols := make([]plan.Column, width)
	for j := 0; j < width; j++ {
		colExprs := make([]expr.Expr, len(rows))
		for i := range rows {
			colExprs[i] = rows[i][j]
		}
		colExprs, t, err := b.commonType("VALUES", colExprs)
		if err != nil {
			return nil, err
		}
		for i := range rows {
			rows[i][j] = colExprs[i]
		}
		cols[j] = plan.Column{Name: "column" + itoa(j+1), Type: t}
	}
	return plan.WithColumns(&plan.Values{Rows: rows}, cols), nil
}

// target is one bound select-list item.
type target struct {
	e    expr.Expr
	name string
	col  plan.Column
}

func (b *Binder) simpleSelect(sel *pg.SelectStmt, outer *scope) (plan.Node, error) {
	if len(sel.LockingClause) > 0 {
		return nil, sqlerr.Unsupported("SELECT ... FOR UPDATE/SHARE")
	}
	if sel.IntoClause != nil {
		return nil, sqlerr.Unsupported("SELECT INTO")
	}
	input, sc, err := b.from(sel.FromClause, outer)
	if err != nil {
		return nil, err
	}
	if sel.WhereClause != nil {
		pred, err := b.bindExpr(&exprCtx{scope: sc, clause: "WHERE"}, sel.WhereClause)
		if err != nil {
			return nil, err
		}
		if pred, err = b.requireBool(pred, "WHERE"); err != nil {
			return nil, b.errAt(sqlerr.As(err), nodeLocation(sel.WhereClause))
		}
		input = filter(input, pred)
	}

	aggs := &aggCollector{}
	wins := &winCollector{named: map[string]*pg.WindowDef{}}
	for _, w := range sel.WindowClause {
		wd := w.GetWindowDef()
		wins.named[wd.Name] = wd
	}
	srfs := &srfCollector{}
	selCtx := &exprCtx{scope: sc, clause: "SELECT", aggs: aggs, wins: wins, srfs: srfs}

	targets, err := b.targets(selCtx, sel.TargetList)
	if err != nil {
		return nil, err
	}

	// GROUP BY items: input expressions, select-list ordinals or aliases.
	var groups []expr.Expr
	// sets lists the grouping sets (indexes into groups); nil for a plain
	// GROUP BY, which is the one set of all groups.
	var sets [][]int
	groupIndex := func(g *pg.Node) (int, error) {
		e, err := b.groupItem(sc, g, targets, sel.TargetList)
		if err != nil {
			return 0, err
		}
		for i, x := range groups {
			if expr.Equal(x, e) {
				return i, nil
			}
		}
		groups = append(groups, e)
		return len(groups) - 1, nil
	}
	for _, g := range sel.GroupClause {
		var itemSets [][]int
		if gs := g.GetGroupingSet(); gs != nil {
			var err error
			if itemSets, err = b.groupingSets(gs, groupIndex); err != nil {
				return nil, err
			}
		} else {
			i, err := groupIndex(g)
			if err != nil {
				return nil, err
			}
			itemSets = [][]int{{i}}
		}
		// Items of a GROUP BY list multiply: GROUP BY a, ROLLUP (b) is the
		// sets (a, b) and (a).
		if sets == nil {
			sets = itemSets
			continue
		}
		if len(sets)*len(itemSets) > maxGroupingSets {
			return nil, sqlerr.Newf(sqlerr.StatementTooComplex, "too many grouping sets present (maximum %d)", maxGroupingSets)
		}
		var product [][]int
		for _, x := range sets {
			for _, y := range itemSets {
				product = append(product, append(append([]int(nil), x...), y...))
			}
		}
		sets = product
	}
	plainGroupBy := true
	for _, g := range sel.GroupClause {
		plainGroupBy = plainGroupBy && g.GetGroupingSet() == nil
	}
	if plainGroupBy {
		sets = nil
	}

	var having expr.Expr
	if sel.HavingClause != nil {
		h, err := b.bindExpr(&exprCtx{scope: sc, clause: "HAVING", aggs: aggs}, sel.HavingClause)
		if err != nil {
			return nil, err
		}
		if having, err = b.requireBool(h, "HAVING"); err != nil {
			return nil, err
		}
	}

	// ORDER BY: output ordinals/names, else expressions over the input.
	type orderItem struct {
		sb     *pg.SortBy
		target int // index into targets, or -1
		e      expr.Expr
	}
	var order []orderItem
	for _, it := range sel.SortClause {
		sb := it.GetSortBy()
		cols := make([]plan.Column, len(targets))
		for i, t := range targets {
			cols[i] = plan.Column{Name: t.name}
		}
		idx, err := b.outputOrdinal(sb.Node, cols)
		if err != nil {
			return nil, err
		}
		oi := orderItem{sb: sb, target: idx}
		if idx < 0 {
			if oi.e, err = b.bindExpr(&exprCtx{scope: sc, clause: "ORDER BY", aggs: aggs, wins: wins}, sb.Node); err != nil {
				return nil, err
			}
		}
		order = append(order, oi)
	}
	var distinctOn []expr.Expr
	isDistinct := len(sel.DistinctClause) > 0
	for _, d := range sel.DistinctClause {
		if d == nil || d.Node == nil {
			continue
		}
		e, err := b.bindExpr(&exprCtx{scope: sc, clause: "DISTINCT ON", aggs: aggs, wins: wins}, d)
		if err != nil {
			return nil, err
		}
		distinctOn = append(distinctOn, e)
	}

	// rewriteOutputs maps the select list and ORDER BY expressions onto
	// the output of the node just added (aggregate, window, flat-map).
	rewriteOutputs := func(rw func(expr.Expr) (expr.Expr, error)) error {
		var err error
		for i := range targets {
			if targets[i].e, err = rw(targets[i].e); err != nil {
				return err
			}
		}
		for i := range order {
			if order[i].e != nil {
				if order[i].e, err = rw(order[i].e); err != nil {
					return err
				}
			}
		}
		return nil
	}
	if err := b.sessionGroups(&input, &groups, sets != nil, aggs, wins, srfs, rewriteOutputs, &having, distinctOn); err != nil {
		return nil, err
	}
	grouped := len(groups) > 0 || len(aggs.calls) > 0 || having != nil || aggs.groupings > 0
	if grouped {
		cols := make([]plan.Column, 0, len(groups)+len(aggs.calls))
		for i, g := range groups {
			cols = append(cols, plan.Column{Name: "group" + itoa(i), Type: g.Type()})
		}
		for _, a := range aggs.calls {
			cols = append(cols, plan.Column{Name: a.Name, Type: a.T})
		}
		// groupingCalls lists the GROUPING() calls as group indexes; with
		// grouping sets each is a column after the aggregates, and without
		// them every call is 0.
		var groupingCalls [][]int
		grouping := func(idxs []int) expr.Expr {
			if sets == nil {
				return &expr.Const{V: types.NewInt4(0), T: types.Int4}
			}
			groupingCalls = append(groupingCalls, idxs)
			cols = append(cols, plan.Column{Name: "grouping", Type: types.Int4})
			return &expr.ColRef{Idx: len(cols) - 1, T: types.Int4}
		}
		rw := func(e expr.Expr) (expr.Expr, error) { return rewriteGrouped(e, groups, sc, grouping) }
		if err := rewriteOutputs(rw); err != nil {
			return nil, err
		}
		for i := range distinctOn {
			if distinctOn[i], err = rw(distinctOn[i]); err != nil {
				return nil, err
			}
		}
		for i := range wins.calls {
			if err := rewriteWindowCall(&wins.calls[i], rw); err != nil {
				return nil, err
			}
		}
		for i := range srfs.calls {
			for j := range srfs.calls[i].Args {
				if srfs.calls[i].Args[j], err = rw(srfs.calls[i].Args[j]); err != nil {
					return nil, err
				}
			}
		}
		if having != nil {
			if having, err = rw(having); err != nil {
				return nil, err
			}
		}
		if sets == nil {
			input = plan.WithColumns(&plan.Aggregate{Input: input, GroupBy: groups, Aggs: aggs.calls}, cols)
		} else {
			input = groupingSetsNode(input, groups, sets, aggs.calls, groupingCalls, cols)
		}
		if having != nil {
			input = filter(input, having)
		}
	}
	if len(wins.calls) > 0 {
		base := len(input.Columns())
		cols := append([]plan.Column(nil), input.Columns()...)
		for _, w := range wins.calls {
			cols = append(cols, plan.Column{Name: w.Name, Type: w.T})
		}
		input = plan.WithColumns(&plan.Window{Input: input, Calls: wins.calls}, cols)
		rw := func(e expr.Expr) (expr.Expr, error) { return replaceWinRefs(e, base) }
		if err := rewriteOutputs(rw); err != nil {
			return nil, err
		}
	}

	if len(srfs.calls) > 0 {
		base := len(input.Columns())
		cols := append([]plan.Column(nil), input.Columns()...)
		offsets := make([]int, len(srfs.calls))
		for i := range srfs.calls {
			c := &srfs.calls[i]
			for j := range c.Args {
				if c.Args[j], err = replaceWinRefs(c.Args[j], base-len(wins.calls)); err != nil {
					return nil, err
				}
			}
			offsets[i] = len(cols)
			cols = append(cols, c.Cols...)
		}
		input = plan.WithColumns(&plan.FlatMap{Input: input, Calls: srfs.calls}, cols)
		rw := func(e expr.Expr) (expr.Expr, error) { return replaceSRFRefs(e, srfs.calls, offsets) }
		if err := rewriteOutputs(rw); err != nil {
			return nil, err
		}
	}

	// Projection: the targets, then hidden ORDER BY / DISTINCT ON columns.
	exprs := make([]expr.Expr, 0, len(targets)+len(order))
	cols := make([]plan.Column, 0, len(targets)+len(order))
	for _, t := range targets {
		exprs = append(exprs, t.e)
		cols = append(cols, t.col)
	}
	visible := len(exprs)
	addHidden := func(e expr.Expr) int {
		for i := 0; i < len(exprs); i++ {
			if expr.Equal(exprs[i], e) {
				return i
			}
		}
		exprs = append(exprs, e)
		cols = append(cols, plan.Column{Name: "?order?", Type: e.Type()})
		return len(exprs) - 1
	}
	var keys []plan.SortExpr
	for _, o := range order {
		idx := o.target
		if idx < 0 {
			idx = addHidden(o.e)
		}
		se, err := sortSpec(o.sb, &expr.ColRef{Idx: idx, T: cols[idx].Type, Name: cols[idx].Name})
		if err != nil {
			return nil, err
		}
		if isUnknown(se.Expr) {
			return nil, sqlerr.Unsupported("ORDER BY an untyped literal")
		}
		keys = append(keys, se)
	}
	var onRefs []expr.Expr
	for _, d := range distinctOn {
		idx := addHidden(d)
		onRefs = append(onRefs, &expr.ColRef{Idx: idx, T: cols[idx].Type})
	}
	if isDistinct && len(distinctOn) == 0 && len(exprs) > visible {
		return nil, b.errAt(sqlerr.New(sqlerr.InvalidColumnReference, "for SELECT DISTINCT, ORDER BY expressions must appear in select list"), order[0].sb.Location)
	}
	var node plan.Node = plan.WithColumns(&plan.Project{Input: input, Exprs: exprs}, cols)
	if isDistinct {
		node = plan.WithColumns(&plan.Distinct{Input: node, On: onRefs, Sort: keys}, cols)
	}
	if len(keys) > 0 {
		node = plan.WithColumns(&plan.Sort{Input: node, Keys: keys}, cols)
	}
	if node, err = b.limit(node, sel); err != nil {
		return nil, err
	}
	if len(exprs) > visible {
		node = trimColumns(node, visible)
	}
	// SESSION_START and friends that no GROUP BY SESSION took.
	if err := checkNoSessionCalls(node); err != nil {
		return nil, err
	}
	return node, nil
}

// targets binds the select list, expanding * and naming columns.
func (b *Binder) targets(ec *exprCtx, list []*pg.Node) ([]target, error) {
	var out []target
	for _, n := range list {
		rt := n.GetResTarget()
		if cr := rt.Val.GetColumnRef(); cr != nil && cr.Fields[len(cr.Fields)-1].GetAStar() != nil {
			qual := ""
			if len(cr.Fields) >= 2 {
				qual = cr.Fields[len(cr.Fields)-2].GetString_().Sval
			}
			if ec.scope == nil {
				return nil, b.errAt(sqlerr.New(sqlerr.SyntaxError, "SELECT * with no tables specified is not valid"), cr.Location)
			}
			idxs, err := ec.scope.star(qual)
			if err != nil {
				return nil, b.errAt(sqlerr.As(err), cr.Location)
			}
			for _, i := range idxs {
				c := ec.scope.cols[i]
				out = append(out, target{
					e:    &expr.ColRef{Idx: i, T: c.typ, Name: c.name},
					name: c.name,
					col:  plan.Column{Name: c.name, Type: c.typ, TableOID: c.tableOID, AttrNum: c.attr, Fields: c.fields},
				})
			}
			continue
		}
		e, err := b.bindExpr(ec, rt.Val)
		if err != nil {
			return nil, err
		}
		if isUnknown(e) && (b.inSetOp == 0 || len(list) == 0) {
			if e, err = b.coerce(e, types.Text, builtin.CastImplicit, "SELECT"); err != nil {
				return nil, err
			}
		}
		name := rt.Name
		if name == "" {
			name = outputName(rt.Val)
		}
		col := plan.Column{Name: name, Type: e.Type(), Fields: b.rowFields(ec, e)}
		if cr, ok := e.(*expr.ColRef); ok && ec.scope != nil {
			c := ec.scope.cols[cr.Idx]
			col.TableOID, col.AttrNum = c.tableOID, c.attr
		}
		out = append(out, target{e: e, name: name, col: col})
	}
	return out, nil
}

// groupItem binds one GROUP BY item.
func (b *Binder) groupItem(sc *scope, g *pg.Node, targets []target, list []*pg.Node) (expr.Expr, error) {
	if c := g.GetAConst(); c != nil && c.GetIval() != nil {
		k := int(c.GetIval().Ival)
		if k < 1 || k > len(targets) {
			return nil, b.errAt(sqlerr.Newf(sqlerr.InvalidColumnReference, "GROUP BY position %d is not in select list", k), c.Location)
		}
		return b.rebindTarget(sc, list, k-1)
	}
	ec := &exprCtx{scope: sc, clause: "GROUP BY"}
	e, err := b.bindExpr(ec, g)
	if err == nil {
		return e, nil
	}
	if cr := g.GetColumnRef(); cr != nil && len(cr.Fields) == 1 && sqlerr.CodeOf(err) == sqlerr.UndefinedColumn {
		name := cr.Fields[0].GetString_().Sval
		for i, t := range targets {
			if t.name == name {
				return b.rebindTarget(sc, list, i)
			}
		}
	}
	return nil, err
}

// rebindTarget binds select-list item i again as a grouping expression (no
// aggregates allowed).
func (b *Binder) rebindTarget(sc *scope, list []*pg.Node, i int) (expr.Expr, error) {
	pos := 0
	for _, n := range list {
		rt := n.GetResTarget()
		if pos == i {
			return b.bindExpr(&exprCtx{scope: sc, clause: "GROUP BY"}, rt.Val)
		}
		pos++
	}
	return nil, sqlerr.Unsupported("GROUP BY a position of a * expansion")
}

// rewriteGrouped maps an expression over the input rows to one over the
// Aggregate's output: group expressions become their columns and aggregate
// references their result columns; any other input column is a grouping
// error.
func rewriteGrouped(e expr.Expr, groups []expr.Expr, sc *scope, grouping func([]int) expr.Expr) (expr.Expr, error) {
	for i, g := range groups {
		if expr.Equal(e, g) {
			return &expr.ColRef{Idx: i, T: g.Type()}, nil
		}
	}
	switch x := e.(type) {
	case *aggRef:
		return &expr.ColRef{Idx: len(groups) + x.idx, T: x.t}, nil
	case *expr.ColRef:
		c := sc.cols[x.Idx]
		name := c.name
		if c.qual != "" {
			name = c.qual + "." + c.name
		}
		return nil, sqlerr.Newf(sqlerr.GroupingError, "column %q must appear in the GROUP BY clause or be used in an aggregate function", name)
	case *expr.Subquery:
		if x.Correlated {
			return nil, sqlerr.Unsupported("a correlated subquery in a grouped query's select list")
		}
	case *winRef:
		return e, nil
	case *groupingRef:
		idxs := make([]int, len(x.args))
		for i, a := range x.args {
			idxs[i] = -1
			for j, g := range groups {
				if expr.Equal(a, g) {
					idxs[i] = j
				}
			}
			if idxs[i] < 0 {
				err := sqlerr.New(sqlerr.GroupingError, "arguments to GROUPING must be grouping expressions of the associated query level")
				err.Position = x.positions[i]
				return nil, err
			}
		}
		return grouping(idxs), nil
	}
	ch := e.Children()
	if len(ch) == 0 {
		return e, nil
	}
	nch := make([]expr.Expr, len(ch))
	for i, c := range ch {
		n, err := rewriteGrouped(c, groups, sc, grouping)
		if err != nil {
			return nil, err
		}
		nch[i] = n
	}
	return e.WithChildren(nch), nil
}

func rewriteWindowCall(w *plan.WindowCall, rw func(expr.Expr) (expr.Expr, error)) error {
	var err error
	for i := range w.Args {
		if w.Args[i], err = rw(w.Args[i]); err != nil {
			return err
		}
	}
	for i := range w.PartitionBy {
		if w.PartitionBy[i], err = rw(w.PartitionBy[i]); err != nil {
			return err
		}
	}
	for i := range w.OrderBy {
		if w.OrderBy[i].Expr, err = rw(w.OrderBy[i].Expr); err != nil {
			return err
		}
	}
	return nil
}

// replaceWinRefs turns window references into columns of the Window node's
// output (input columns first, then one per call).
func replaceWinRefs(e expr.Expr, base int) (expr.Expr, error) {
	return expr.Map(e, func(n expr.Expr) (expr.Expr, error) {
		if w, ok := n.(*winRef); ok {
			return &expr.ColRef{Idx: base + w.idx, T: w.t}, nil
		}
		return n, nil
	})
}

func filter(input plan.Node, pred expr.Expr) plan.Node {
	return plan.WithColumns(&plan.Filter{Input: input, Pred: pred}, input.Columns())
}

// trimColumns projects away all but the first n columns.
func trimColumns(node plan.Node, n int) plan.Node {
	cols := node.Columns()[:n]
	exprs := make([]expr.Expr, n)
	for i, c := range cols {
		exprs[i] = &expr.ColRef{Idx: i, T: c.Type, Name: c.Name}
	}
	return plan.WithColumns(&plan.Project{Input: node, Exprs: exprs}, cols)
}

// renameColumns applies a column alias list to a node's output.
func renameColumns(node plan.Node, names []*pg.Node, what string) (plan.Node, error) {
	if len(names) == 0 {
		return node, nil
	}
	cols := append([]plan.Column(nil), node.Columns()...)
	if len(names) > len(cols) {
		return nil, sqlerr.Newf(sqlerr.InvalidColumnReference, "table %q has %d columns available but %d columns specified", what, len(cols), len(names))
	}
	for i, n := range names {
		cols[i].Name = n.GetString_().Sval
	}
	exprs := make([]expr.Expr, len(cols))
	for i, c := range cols {
		exprs[i] = &expr.ColRef{Idx: i, T: c.Type, Name: c.Name}
	}
	return plan.WithColumns(&plan.Project{Input: node, Exprs: exprs}, cols), nil
}

// outputName is the column name Postgres gives an unnamed select-list item.
func outputName(n *pg.Node) string {
	switch x := n.Node.(type) {
	case *pg.Node_ColumnRef:
		f := x.ColumnRef.Fields
		if s := f[len(f)-1].GetString_(); s != nil {
			return s.Sval
		}
	case *pg.Node_FuncCall:
		name, _ := funcName(x.FuncCall.Funcname)
		return name
	case *pg.Node_TypeCast:
		if inner := outputName(x.TypeCast.Arg); inner != "?column?" {
			return inner
		}
		names := x.TypeCast.TypeName.Names
		return names[len(names)-1].GetString_().Sval
	case *pg.Node_CaseExpr:
		return "case"
	case *pg.Node_CoalesceExpr:
		return "coalesce"
	case *pg.Node_MinMaxExpr:
		if x.MinMaxExpr.Op == pg.MinMaxOp_IS_LEAST {
			return "least"
		}
		return "greatest"
	case *pg.Node_AExpr:
		if x.AExpr.Kind == pg.A_Expr_Kind_AEXPR_NULLIF {
			return "nullif"
		}
	case *pg.Node_SubLink:
		switch x.SubLink.SubLinkType {
		case pg.SubLinkType_EXISTS_SUBLINK:
			return "exists"
		case pg.SubLinkType_ARRAY_SUBLINK:
			return "array"
		case pg.SubLinkType_EXPR_SUBLINK:
			if sel := x.SubLink.Subselect.GetSelectStmt(); sel != nil && len(sel.TargetList) == 1 {
				rt := sel.TargetList[0].GetResTarget()
				if rt.Name != "" {
					return rt.Name
				}
				return outputName(rt.Val)
			}
		}
	case *pg.Node_AArrayExpr:
		return "array"
	case *pg.Node_RowExpr:
		return "row"
	case *pg.Node_SqlvalueFunction:
		return sqlValueName(x.SqlvalueFunction.Op)
	case *pg.Node_CollateClause:
		return outputName(x.CollateClause.Arg)
	case *pg.Node_AIndirection:
		return outputName(x.AIndirection.Arg)
	case *pg.Node_GroupingFunc:
		return "grouping"
	}
	return "?column?"
}

func sqlValueName(op pg.SQLValueFunctionOp) string {
	switch op {
	case pg.SQLValueFunctionOp_SVFOP_CURRENT_DATE:
		return "current_date"
	case pg.SQLValueFunctionOp_SVFOP_CURRENT_TIMESTAMP, pg.SQLValueFunctionOp_SVFOP_CURRENT_TIMESTAMP_N:
		return "current_timestamp"
	case pg.SQLValueFunctionOp_SVFOP_LOCALTIMESTAMP, pg.SQLValueFunctionOp_SVFOP_LOCALTIMESTAMP_N:
		return "localtimestamp"
	case pg.SQLValueFunctionOp_SVFOP_LOCALTIME, pg.SQLValueFunctionOp_SVFOP_LOCALTIME_N:
		return "localtime"
	case pg.SQLValueFunctionOp_SVFOP_CURRENT_USER:
		return "current_user"
	case pg.SQLValueFunctionOp_SVFOP_CURRENT_ROLE:
		return "current_role"
	case pg.SQLValueFunctionOp_SVFOP_USER:
		return "user"
	case pg.SQLValueFunctionOp_SVFOP_SESSION_USER:
		return "session_user"
	case pg.SQLValueFunctionOp_SVFOP_CURRENT_CATALOG:
		return "current_catalog"
	case pg.SQLValueFunctionOp_SVFOP_CURRENT_SCHEMA:
		return "current_schema"
	}
	return "?column?"
}

// replaceSRFRefs turns set-returning call references into columns of the
// FlatMap's output (a row value for a call with several columns).
func replaceSRFRefs(e expr.Expr, calls []plan.SetCall, offsets []int) (expr.Expr, error) {
	return expr.Map(e, func(n expr.Expr) (expr.Expr, error) {
		r, ok := n.(*srfRef)
		if !ok {
			return n, nil
		}
		c := calls[r.idx]
		if len(c.Cols) == 1 {
			return &expr.ColRef{Idx: offsets[r.idx], T: r.t}, nil
		}
		fields := make([]expr.Expr, len(c.Cols))
		for i, col := range c.Cols {
			fields[i] = &expr.ColRef{Idx: offsets[r.idx] + i, T: col.Type}
		}
		return &expr.RowCtor{Fields: fields}, nil
	})
}

func isUnknownType(t types.T) bool { return t.Kind == types.KindUnknown || t.Kind == types.KindNull }

// recursiveCTE binds WITH RECURSIVE name AS (base UNION [ALL] step): the
// step reads name as a work table holding the previous round's rows.
func (b *Binder) recursiveCTE(c *pg.CommonTableExpr, q *pg.SelectStmt, frame map[string]*cte, outer *scope) (plan.Node, error) {
	if refersTo(q.Larg, c.Ctename) {
		return nil, b.errAt(sqlerr.Newf(sqlerr.InvalidRecursion, "recursive reference to query %q must not appear within its non-recursive term", c.Ctename), c.Location)
	}
	base, err := b.bindQuery(q.Larg, outer)
	if err != nil {
		return nil, err
	}
	if base, err = renameColumns(base, c.Aliascolnames, c.Ctename); err != nil {
		return nil, err
	}
	cols := append([]plan.Column(nil), base.Columns()...)
	for i := range cols {
		if isUnknownType(cols[i].Type) {
			cols[i].Type = types.Text
		}
	}
	base = castColumns(base, plan.Types(cols))
	b.nextWorkID++
	id := b.nextWorkID
	frame[c.Ctename] = &cte{node: plan.WithColumns(&plan.WorkTable{ID: id}, cols)}
	step, err := b.bindQuery(q.Rarg, outer)
	delete(frame, c.Ctename)
	if err != nil {
		return nil, err
	}
	if len(step.Columns()) != len(cols) {
		return nil, sqlerr.New(sqlerr.SyntaxError, "each UNION query must have the same number of columns")
	}
	for i, sc := range step.Columns() {
		if _, err := builtin.CommonType("UNION", []types.T{cols[i].Type, sc.Type}); err != nil {
			return nil, sqlerr.Newf(sqlerr.DatatypeMismatch, "recursive query %q column %d has type %s in non-recursive term but type %s overall", c.Ctename, i+1, cols[i].Type, sc.Type)
		}
	}
	step = castColumns(step, plan.Types(cols))
	return plan.WithColumns(&plan.RecursiveUnion{ID: id, Base: base, Step: step, All: q.All}, cols), nil
}

// refersTo reports whether a query mentions relation name anywhere (an
// over-approximation that is exact for the shapes recursive CTEs take).
func refersTo(sel *pg.SelectStmt, name string) bool {
	found := false
	var walk func(n any)
	walk = func(n any) {
		if found || n == nil {
			return
		}
		switch x := n.(type) {
		case *pg.Node:
			if x == nil {
				return
			}
			if rv := x.GetRangeVar(); rv != nil && rv.Schemaname == "" && rv.Relname == name {
				found = true
				return
			}
			walk(nodeValue(x))
		case *pg.SelectStmt:
			if x == nil {
				return
			}
			for _, f := range x.FromClause {
				walk(f)
			}
			walk(x.WhereClause)
			for _, t := range x.TargetList {
				walk(t)
			}
			walk(x.Larg)
			walk(x.Rarg)
		case *pg.JoinExpr:
			walk(x.Larg)
			walk(x.Rarg)
		case *pg.RangeSubselect:
			walk(x.Subquery)
		case *pg.SubLink:
			walk(x.Subselect)
		case *pg.ResTarget:
			walk(x.Val)
		case *pg.A_Expr:
			walk(x.Lexpr)
			walk(x.Rexpr)
		case *pg.BoolExpr:
			for _, a := range x.Args {
				walk(a)
			}
		}
	}
	walk(sel)
	return found
}

// nodeValue returns the concrete message inside a Node.
func nodeValue(n *pg.Node) any {
	switch x := n.Node.(type) {
	case *pg.Node_SelectStmt:
		return x.SelectStmt
	case *pg.Node_JoinExpr:
		return x.JoinExpr
	case *pg.Node_RangeSubselect:
		return x.RangeSubselect
	case *pg.Node_SubLink:
		return x.SubLink
	case *pg.Node_ResTarget:
		return x.ResTarget
	case *pg.Node_AExpr:
		return x.AExpr
	case *pg.Node_BoolExpr:
		return x.BoolExpr
	}
	return nil
}

// maxGroupingSets is PostgreSQL's limit on the grouping sets of one query.
const maxGroupingSets = 4096

// groupingSets expands ROLLUP, CUBE and GROUPING SETS into lists of group
// indexes (see groupIndex).
func (b *Binder) groupingSets(gs *pg.GroupingSet, groupIndex func(*pg.Node) (int, error)) ([][]int, error) {
	// unit binds one item: an expression, or a parenthesised list, which
	// counts as one unit of a ROLLUP or CUBE and as one set of GROUPING SETS.
	unit := func(c *pg.Node) ([]int, error) {
		items := []*pg.Node{c}
		if r := c.GetRowExpr(); r != nil {
			items = r.Args
		}
		var out []int
		for _, it := range items {
			i, err := groupIndex(it)
			if err != nil {
				return nil, err
			}
			out = append(out, i)
		}
		return out, nil
	}
	elems := func() ([][]int, error) {
		var out [][]int
		for _, c := range gs.Content {
			u, err := unit(c)
			if err != nil {
				return nil, err
			}
			out = append(out, u)
		}
		return out, nil
	}
	switch gs.Kind {
	case pg.GroupingSetKind_GROUPING_SET_EMPTY:
		return [][]int{{}}, nil
	case pg.GroupingSetKind_GROUPING_SET_SIMPLE:
		units, err := elems()
		if err != nil {
			return nil, err
		}
		var set []int
		for _, u := range units {
			set = append(set, u...)
		}
		return [][]int{set}, nil
	case pg.GroupingSetKind_GROUPING_SET_ROLLUP:
		units, err := elems()
		if err != nil {
			return nil, err
		}
		var out [][]int
		for n := len(units); n >= 0; n-- {
			var set []int
			for _, u := range units[:n] {
				set = append(set, u...)
			}
			out = append(out, set)
		}
		return out, nil
	case pg.GroupingSetKind_GROUPING_SET_CUBE:
		units, err := elems()
		if err != nil {
			return nil, err
		}
		if len(units) > 12 {
			return nil, sqlerr.New(sqlerr.TooManyColumns, "CUBE is limited to 12 elements")
		}
		var out [][]int
		for mask := (1 << len(units)) - 1; mask >= 0; mask-- {
			var set []int
			for i, u := range units {
				if mask&(1<<i) != 0 {
					set = append(set, u...)
				}
			}
			out = append(out, set)
		}
		return out, nil
	case pg.GroupingSetKind_GROUPING_SET_SETS:
		var out [][]int
		for _, c := range gs.Content {
			if inner := c.GetGroupingSet(); inner != nil {
				sub, err := b.groupingSets(inner, groupIndex)
				if err != nil {
					return nil, err
				}
				out = append(out, sub...)
				continue
			}
			set, err := unit(c)
			if err != nil {
				return nil, err
			}
			out = append(out, set)
		}
		return out, nil
	}
	return nil, sqlerr.Unsupported("this grouping set")
}

// groupingSetsNode computes one aggregate per grouping set and unions them
// (UNION ALL), each with every group column of the query: the set's own, and
// NULL for the others, so that the result has the columns of one Aggregate
// over all groups; then one column per GROUPING() call, whose bits say which
// of its arguments the set leaves out.
func groupingSetsNode(input plan.Node, groups []expr.Expr, sets [][]int, aggs []plan.AggCall, groupingCalls [][]int, cols []plan.Column) plan.Node {
	var out plan.Node
	for _, set := range sets {
		setGroups := make([]expr.Expr, len(set))
		aggCols := make([]plan.Column, 0, len(set)+len(aggs))
		for i, g := range set {
			setGroups[i] = groups[g]
			aggCols = append(aggCols, cols[g])
		}
		aggCols = append(aggCols, cols[len(groups):]...)
		agg := plan.WithColumns(&plan.Aggregate{Input: input, GroupBy: setGroups, Aggs: aggs}, aggCols)
		exprs := make([]expr.Expr, 0, len(cols))
		for g := range groups {
			var e expr.Expr = &expr.Const{T: groups[g].Type()}
			for i, x := range set {
				if x == g {
					e = &expr.ColRef{Idx: i, T: groups[g].Type()}
				}
			}
			exprs = append(exprs, e)
		}
		for i := range aggs {
			exprs = append(exprs, &expr.ColRef{Idx: len(set) + i, T: aggs[i].T})
		}
		for _, call := range groupingCalls {
			var bits int32
			for _, g := range call {
				bits <<= 1
				if !slices.Contains(set, g) {
					bits |= 1
				}
			}
			exprs = append(exprs, &expr.Const{V: types.NewInt4(bits), T: types.Int4})
		}
		p := plan.WithColumns(&plan.Project{Input: agg, Exprs: exprs}, cols)
		if out == nil {
			out = p
		} else {
			out = plan.WithColumns(&plan.SetOp{Kind: plan.SetUnion, All: true, Left: out, Right: p}, cols)
		}
	}
	return out
}
