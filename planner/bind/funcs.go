package bind

import (
	"strings"

	pg "github.com/pganalyze/pg_query_go/v6"

	"github.com/freshetdb/freshet/planner/plan"
	"github.com/freshetdb/freshet/sql/builtin"
	"github.com/freshetdb/freshet/sql/expr"
	"github.com/freshetdb/freshet/sql/parser"
	"github.com/freshetdb/freshet/sql/sqlerr"
	"github.com/freshetdb/freshet/sql/types"
)

// funcName returns the lower-case function name, dropping a pg_catalog
// qualification.
func funcName(names []*pg.Node) (string, error) {
	var parts []string
	for _, n := range names {
		parts = append(parts, n.GetString_().Sval)
	}
	if len(parts) == 2 && parts[0] == "pg_catalog" || len(parts) == 1 {
		return strings.ToLower(parts[len(parts)-1]), nil
	}
	if len(parts) == 2 && parts[0] == "information_schema" && strings.HasPrefix(parts[1], "_pg_") {
		// information_schema's helper functions, which drivers call.
		return parts[1], nil
	}
	return "", sqlerr.Newf(sqlerr.UndefinedFunction, "function %s does not exist", strings.Join(parts, "."))
}

func (b *Binder) funcCall(ec *exprCtx, fc *pg.FuncCall) (expr.Expr, error) {
	name, err := funcName(fc.Funcname)
	if err != nil {
		return nil, b.errAt(sqlerr.As(err), fc.Location)
	}
	if isSessionFunc(name) && fc.Over == nil && !fc.AggStar && !fc.AggDistinct {
		return b.sessionCall(ec, fc, name)
	}
	if fc.Over != nil {
		return b.windowCall(ec, fc, name)
	}
	if IsAggregate(name) {
		return b.aggCall(ec, fc, name)
	}
	if fc.AggStar || fc.AggDistinct || len(fc.AggOrder) > 0 || fc.AggFilter != nil {
		return nil, b.errAt(sqlerr.Newf(sqlerr.WrongObjectType, "%s is not an aggregate function", name), fc.Location)
	}
	if isWindowOnly(name) {
		return nil, b.errAt(sqlerr.Newf(sqlerr.WrongObjectType, "window function %s requires an OVER clause", name), fc.Location)
	}
	if isSetReturning(name) {
		if ec.srfs == nil || ec.inAgg {
			return nil, b.errAt(sqlerr.Newf(sqlerr.FeatureNotSupported, "set-returning functions are not allowed in %s", ec.clause), fc.Location)
		}
		call, err := b.setCall(ec, fc)
		if err != nil {
			return nil, err
		}
		ec.srfs.calls = append(ec.srfs.calls, call)
		t := call.Cols[0].Type
		if len(call.Cols) > 1 {
			t = types.Record
		}
		return &srfRef{idx: len(ec.srfs.calls) - 1, t: t}, nil
	}
	if name == "pg_typeof" && len(fc.Args) == 1 {
		// pg_typeof reports the argument's type as bound, untyped
		// literals included ("unknown").
		arg, err := b.bindExpr(ec, fc.Args[0])
		if err != nil {
			return nil, err
		}
		oid := arg.Type().OID()
		if arg.Type().Kind == types.KindNull {
			oid = types.OIDUnknown
		}
		return &expr.Const{V: types.NewInt(types.KindRegType, int64(oid)), T: types.RegType}, nil
	}
	fcArgs, err := b.namedArgs(name, fc.Args)
	if err != nil {
		return nil, b.errAt(sqlerr.As(err), fc.Location)
	}
	args, err := b.bindExprs(ec, fcArgs)
	if err != nil {
		return nil, err
	}
	e, err := b.call(name, args)
	if err != nil {
		return nil, b.errAt(sqlerr.As(err), fc.Location)
	}
	return e, nil
}

// isSetReturning reports whether name is a set-returning function.
func isSetReturning(name string) bool {
	for _, f := range builtin.Lookup(name) {
		if f.SetFn != nil {
			return true
		}
	}
	return false
}

// srfCollector gathers the set-returning calls of a select list.
type srfCollector struct {
	calls []plan.SetCall
}

// srfRef stands for a set-returning call's value until the FlatMap exists.
type srfRef struct {
	idx int
	t   types.T
}

func (e *srfRef) Type() types.T { return e.t }
func (e *srfRef) Eval(*expr.Ctx, types.Row) (types.Datum, error) {
	return types.Datum{}, sqlerr.Internal("unbound set-returning function reference")
}
func (e *srfRef) String() string                     { return "srf#" + itoa(e.idx) }
func (e *srfRef) Children() []expr.Expr              { return nil }
func (e *srfRef) WithChildren([]expr.Expr) expr.Expr { return e }

func (b *Binder) aggCall(ec *exprCtx, fc *pg.FuncCall, name string) (expr.Expr, error) {
	if ec.aggs == nil {
		return nil, b.errAt(sqlerr.Newf(sqlerr.GroupingError, "aggregate functions are not allowed in %s", ec.clause), fc.Location)
	}
	if ec.inAgg {
		return nil, b.errAt(sqlerr.New(sqlerr.GroupingError, "aggregate function calls cannot be nested"), fc.Location)
	}
	if fc.AggWithinGroup {
		return nil, b.errAt(sqlerr.Unsupported("WITHIN GROUP"), fc.Location)
	}
	inner := *ec
	inner.inAgg = true
	inner.wins = nil
	inner.clause = "aggregate function calls"
	var args []expr.Expr
	if fc.AggStar {
		if name != "count" {
			return nil, b.errAt(sqlerr.Newf(sqlerr.WrongObjectType, "%s(*) must be used to call a parameterless aggregate function", name), fc.Location)
		}
	} else {
		var err error
		if args, err = b.bindExprs(&inner, fc.Args); err != nil {
			return nil, err
		}
	}
	t, args, err := b.resolveAgg(name, args)
	if err != nil {
		return nil, b.errAt(sqlerr.As(err), fc.Location)
	}
	call := plan.AggCall{Name: name, Args: args, Distinct: fc.AggDistinct, T: t}
	if fc.AggFilter != nil {
		inner.clause = "FILTER"
		f, err := b.bindExpr(&inner, fc.AggFilter)
		if err != nil {
			return nil, err
		}
		if call.Filter, err = b.requireBool(f, "FILTER"); err != nil {
			return nil, err
		}
	}
	if len(fc.AggOrder) > 0 {
		if call.OrderBy, err = b.sortExprs(&inner, fc.AggOrder); err != nil {
			return nil, err
		}
		if call.Distinct {
			for _, o := range call.OrderBy {
				if len(args) == 0 || !expr.Equal(o.Expr, args[0]) {
					return nil, b.errAt(sqlerr.New(sqlerr.InvalidColumnReference, "in an aggregate with DISTINCT, ORDER BY expressions must appear in argument list"), fc.Location)
				}
			}
		}
	}
	return ec.aggs.add(call), nil
}

// sortExprs binds ORDER BY items within an expression context.
func (b *Binder) sortExprs(ec *exprCtx, items []*pg.Node) ([]plan.SortExpr, error) {
	out := make([]plan.SortExpr, 0, len(items))
	for _, it := range items {
		sb := it.GetSortBy()
		e, err := b.bindExpr(ec, sb.Node)
		if err != nil {
			return nil, err
		}
		if isUnknown(e) {
			if e, err = b.coerce(e, types.Text, builtin.CastImplicit, "ORDER BY"); err != nil {
				return nil, err
			}
		}
		se, err := sortSpec(sb, e)
		if err != nil {
			return nil, err
		}
		out = append(out, se)
	}
	return out, nil
}

// sortSpec applies ASC/DESC and NULLS FIRST/LAST (Postgres' defaults: NULLs
// last ascending, first descending).
func sortSpec(sb *pg.SortBy, e expr.Expr) (plan.SortExpr, error) {
	se := plan.SortExpr{Expr: e}
	switch sb.SortbyDir {
	case pg.SortByDir_SORTBY_DESC:
		se.Desc = true
	case pg.SortByDir_SORTBY_USING:
		return se, sqlerr.Unsupported("ORDER BY ... USING")
	}
	se.NullsFirst = se.Desc
	switch sb.SortbyNulls {
	case pg.SortByNulls_SORTBY_NULLS_FIRST:
		se.NullsFirst = true
	case pg.SortByNulls_SORTBY_NULLS_LAST:
		se.NullsFirst = false
	}
	return se, nil
}

// winCollector gathers the window function calls of a query level.
type winCollector struct {
	calls []plan.WindowCall
	named map[string]*pg.WindowDef
}

// winRef stands for a window call's result until the Window node exists.
type winRef struct {
	idx int
	t   types.T
}

func (e *winRef) Type() types.T { return e.t }
func (e *winRef) Eval(*expr.Ctx, types.Row) (types.Datum, error) {
	return types.Datum{}, sqlerr.Internal("unbound window reference")
}
func (e *winRef) String() string                     { return "win#" + itoa(e.idx) }
func (e *winRef) Children() []expr.Expr              { return nil }
func (e *winRef) WithChildren([]expr.Expr) expr.Expr { return e }

func isWindowOnly(name string) bool {
	switch name {
	case "row_number", "rank", "dense_rank", "percent_rank", "cume_dist", "ntile", "lag", "lead", "first_value", "last_value", "nth_value":
		return true
	}
	return false
}

// Window frame option bits (Postgres' FRAMEOPTION_*).
const (
	frameNonDefault         = 0x00001
	frameRange              = 0x00002
	frameRows               = 0x00004
	frameGroups             = 0x00008
	frameStartUnboundedPrec = 0x00020
	frameEndUnboundedFoll   = 0x00100
	frameStartCurrentRow    = 0x00200
	frameEndCurrentRow      = 0x00400
	frameStartOffsetPrec    = 0x00800
	frameEndOffsetPrec      = 0x01000
	frameStartOffsetFoll    = 0x02000
	frameEndOffsetFoll      = 0x04000
	frameExcludeCurrentRow  = 0x08000
	frameExcludeGroupOrTies = 0x30000
	frameEndUnboundedPrec   = 0x00040
	frameStartUnboundedFoll = 0x00080
)

func (b *Binder) windowCall(ec *exprCtx, fc *pg.FuncCall, name string) (expr.Expr, error) {
	if ec.wins == nil {
		clause := ec.clause
		if ec.inAgg {
			return nil, b.errAt(sqlerr.New(sqlerr.GroupingError, "aggregate function calls cannot contain window function calls"), fc.Location)
		}
		return nil, b.errAt(sqlerr.Newf(sqlerr.WindowingError, "window functions are not allowed in %s", clause), fc.Location)
	}
	isAgg := IsAggregate(name)
	if !isAgg && !isWindowOnly(name) {
		return nil, b.errAt(sqlerr.Newf(sqlerr.WrongObjectType, "OVER specified, but %s is not a window function nor an aggregate function", name), fc.Location)
	}
	if fc.AggDistinct {
		return nil, b.errAt(sqlerr.Unsupported("DISTINCT in window functions"), fc.Location)
	}
	inner := *ec
	inner.wins = nil
	inner.clause = "window functions"
	args, err := b.bindExprs(&inner, fc.Args)
	if err != nil {
		return nil, err
	}
	wc := plan.WindowCall{Name: name, IsAgg: isAgg}
	if isAgg {
		if wc.T, args, err = b.resolveAgg(name, args); err != nil {
			return nil, b.errAt(sqlerr.As(err), fc.Location)
		}
		if fc.AggFilter != nil || len(fc.AggOrder) > 0 {
			return nil, b.errAt(sqlerr.Unsupported("FILTER or ORDER BY in a window aggregate"), fc.Location)
		}
	} else if wc.T, args, err = b.resolveWindowFunc(name, args); err != nil {
		return nil, b.errAt(sqlerr.As(err), fc.Location)
	}
	wc.Args = args
	def := fc.Over
	if def.Refname != "" || (def.Name != "" && len(def.PartitionClause) == 0 && len(def.OrderClause) == 0 && def.FrameOptions&frameNonDefault == 0) {
		ref := def.Refname
		if ref == "" {
			ref = def.Name
		}
		named, ok := ec.wins.named[ref]
		if !ok {
			return nil, b.errAt(sqlerr.Newf(sqlerr.UndefinedObject, "window %q does not exist", ref), fc.Location)
		}
		merged := &pg.WindowDef{PartitionClause: named.PartitionClause, OrderClause: named.OrderClause,
			FrameOptions: named.FrameOptions, StartOffset: named.StartOffset, EndOffset: named.EndOffset}
		if len(def.OrderClause) > 0 {
			merged.OrderClause = def.OrderClause
		}
		if def.FrameOptions&frameNonDefault != 0 {
			merged.FrameOptions, merged.StartOffset, merged.EndOffset = def.FrameOptions, def.StartOffset, def.EndOffset
		}
		def = merged
	}
	if wc.PartitionBy, err = b.bindExprs(&inner, def.PartitionClause); err != nil {
		return nil, err
	}
	if wc.OrderBy, err = b.sortExprs(&inner, def.OrderClause); err != nil {
		return nil, err
	}
	if wc.Frame, err = b.frame(&inner, def, wc.OrderBy); err != nil {
		return nil, err
	}
	ec.wins.calls = append(ec.wins.calls, wc)
	return &winRef{idx: len(ec.wins.calls) - 1, t: wc.T}, nil
}

func (b *Binder) frame(ec *exprCtx, def *pg.WindowDef, order []plan.SortExpr) (plan.Frame, error) {
	opts := def.FrameOptions
	if opts&frameNonDefault == 0 {
		return plan.DefaultFrame, nil
	}
	f := plan.Frame{Mode: plan.FrameRange}
	switch {
	case opts&frameRows != 0:
		f.Mode = plan.FrameRows
	case opts&frameGroups != 0:
		f.Mode = plan.FrameGroups
	}
	switch {
	case opts&frameStartUnboundedPrec != 0:
		f.Start = plan.BoundUnboundedPreceding
	case opts&frameStartCurrentRow != 0:
		f.Start = plan.BoundCurrentRow
	case opts&frameStartOffsetPrec != 0:
		f.Start = plan.BoundPreceding
	case opts&frameStartOffsetFoll != 0:
		f.Start = plan.BoundFollowing
	case opts&frameStartUnboundedFoll != 0:
		return f, sqlerr.New(sqlerr.WindowingError, "frame start cannot be UNBOUNDED FOLLOWING")
	}
	switch {
	case opts&frameEndUnboundedFoll != 0:
		f.End = plan.BoundUnboundedFollowing
	case opts&frameEndCurrentRow != 0:
		f.End = plan.BoundCurrentRow
	case opts&frameEndOffsetPrec != 0:
		f.End = plan.BoundPreceding
	case opts&frameEndOffsetFoll != 0:
		f.End = plan.BoundFollowing
	case opts&frameEndUnboundedPrec != 0:
		return f, sqlerr.New(sqlerr.WindowingError, "frame end cannot be UNBOUNDED PRECEDING")
	default:
		f.End = plan.BoundCurrentRow
	}
	if opts&frameExcludeGroupOrTies != 0 {
		return f, sqlerr.Unsupported("EXCLUDE GROUP and EXCLUDE TIES")
	}
	f.ExcludeCurrentRow = opts&frameExcludeCurrentRow != 0
	offset := func(n *pg.Node) (expr.Expr, error) {
		e, err := b.bindExpr(ec, n)
		if err != nil {
			return nil, err
		}
		if f.Mode == plan.FrameRange {
			if len(order) != 1 {
				return nil, sqlerr.New(sqlerr.WindowingError, "RANGE with offset PRECEDING/FOLLOWING requires exactly one ORDER BY column")
			}
			ot := order[0].Expr.Type()
			want := ot
			switch ot.Kind {
			case types.KindDate, types.KindTimestamp, types.KindTimestampTZ, types.KindTime:
				want = types.Interval
			}
			return b.coerce(e, want, builtin.CastImplicit, "RANGE offset")
		}
		return b.coerce(e, types.Int8, builtin.CastImplicit, "ROWS offset")
	}
	var err error
	if def.StartOffset != nil {
		if f.StartOffset, err = offset(def.StartOffset); err != nil {
			return f, err
		}
	}
	if def.EndOffset != nil {
		if f.EndOffset, err = offset(def.EndOffset); err != nil {
			return f, err
		}
	}
	return f, nil
}

func (b *Binder) resolveWindowFunc(name string, args []expr.Expr) (types.T, []expr.Expr, error) {
	argc := func(min, max int) error {
		if len(args) < min || len(args) > max {
			return sqlerr.Newf(sqlerr.UndefinedFunction, "function %s with %d arguments does not exist", name, len(args))
		}
		return nil
	}
	switch name {
	case "row_number", "rank", "dense_rank":
		return types.Int8, args, argc(0, 0)
	case "percent_rank", "cume_dist":
		return types.Float8, args, argc(0, 0)
	case "ntile":
		if err := argc(1, 1); err != nil {
			return types.T{}, nil, err
		}
		a, err := b.coerce(args[0], types.Int4, builtin.CastImplicit, "ntile")
		return types.Int4, []expr.Expr{a}, err
	case "first_value", "last_value":
		if err := argc(1, 1); err != nil {
			return types.T{}, nil, err
		}
		return b.valueType(args[0]), args, nil
	case "nth_value":
		if err := argc(2, 2); err != nil {
			return types.T{}, nil, err
		}
		n, err := b.coerce(args[1], types.Int4, builtin.CastImplicit, "nth_value")
		return b.valueType(args[0]), []expr.Expr{args[0], n}, err
	case "lag", "lead":
		if err := argc(1, 3); err != nil {
			return types.T{}, nil, err
		}
		out := []expr.Expr{args[0], &expr.Const{V: types.NewInt4(1), T: types.Int4}, &expr.Const{T: args[0].Type()}}
		if len(args) >= 2 {
			off, err := b.coerce(args[1], types.Int4, builtin.CastImplicit, name)
			if err != nil {
				return types.T{}, nil, err
			}
			out[1] = off
		}
		if len(args) == 3 {
			all, t, err := b.commonType(strings.ToUpper(name), []expr.Expr{args[0], args[2]})
			if err != nil {
				return types.T{}, nil, err
			}
			out[0], out[2] = all[0], all[1]
			return t, out, nil
		}
		if isUnknown(args[0]) {
			c, err := b.coerce(args[0], types.Text, builtin.CastImplicit, name)
			if err != nil {
				return types.T{}, nil, err
			}
			out[0], out[2] = c, &expr.Const{T: types.Text}
		}
		return out[0].Type(), out, nil
	}
	return types.T{}, nil, sqlerr.Newf(sqlerr.UndefinedFunction, "function %s does not exist", name)
}

func (b *Binder) valueType(e expr.Expr) types.T {
	if isUnknown(e) {
		return types.Text
	}
	return e.Type()
}

func (b *Binder) subLink(ec *exprCtx, sl *pg.SubLink) (expr.Expr, error) {
	sel := sl.Subselect.GetSelectStmt()
	if sel == nil {
		return nil, b.errAt(sqlerr.Unsupported("this subquery"), sl.Location)
	}
	node, err := b.bindQuery(sel, ec.scope)
	if err != nil {
		return nil, err
	}
	q := &expr.Subquery{Plan: node, Correlated: planCorrelated(node)}
	cols := node.Columns()
	switch sl.SubLinkType {
	case pg.SubLinkType_EXISTS_SUBLINK:
		q.Kind, q.T = expr.SubExists, types.Bool
		return q, nil
	case pg.SubLinkType_EXPR_SUBLINK, pg.SubLinkType_ARRAY_SUBLINK:
		if len(cols) != 1 {
			return nil, b.errAt(sqlerr.New(sqlerr.SyntaxError, "subquery must return only one column"), sl.Location)
		}
		q.Kind, q.T = expr.SubScalar, cols[0].Type
		if sl.SubLinkType == pg.SubLinkType_ARRAY_SUBLINK {
			q.Kind, q.T = expr.SubArray, types.ArrayOf(cols[0].Type)
		}
		return q, nil
	case pg.SubLinkType_ANY_SUBLINK, pg.SubLinkType_ALL_SUBLINK:
		if len(cols) != 1 {
			return b.rowSubLink(ec, sl, node, q)
		}
		x, err := b.bindExpr(ec, sl.Testexpr)
		if err != nil {
			return nil, err
		}
		op := "="
		if len(sl.OperName) > 0 {
			op = opName(sl.OperName)
		}
		rt := cols[0].Type
		fn, argTypes, err := builtin.Resolve(op, []types.T{x.Type(), rt})
		if err != nil {
			return nil, b.errAt(sqlerr.As(err), sl.Location)
		}
		if x, err = b.coerce(x, argTypes[0], builtin.CastImplicit, "IN"); err != nil {
			return nil, err
		}
		if !argTypes[1].Equal(rt) {
			node = castColumns(node, []types.T{argTypes[1]})
			q.Plan = node
		}
		q.X, q.Op, q.T = x, expr.NewCall(fn, nil, fn.ResultType(argTypes)), types.Bool
		q.Kind = expr.SubAny
		if sl.SubLinkType == pg.SubLinkType_ALL_SUBLINK {
			q.Kind = expr.SubAll
		}
		return q, nil
	}
	return nil, b.errAt(sqlerr.Unsupported("this kind of subquery"), sl.Location)
}

// castColumns wraps n in a projection casting its columns to ts.
func castColumns(n plan.Node, ts []types.T) plan.Node {
	cols := n.Columns()
	exprs := make([]expr.Expr, len(cols))
	out := make([]plan.Column, len(cols))
	for i, c := range cols {
		var e expr.Expr = &expr.ColRef{Idx: i, T: c.Type, Name: c.Name}
		if c.Type.Kind == types.KindUnknown || c.Type.Kind == types.KindNull {
			// Untyped literals hold their text: convert from text.
			e = &expr.ColRef{Idx: i, T: types.Text, Name: c.Name}
		}
		if !e.Type().Equal(ts[i]) {
			e = &expr.Cast{X: e, To: ts[i]}
		}
		exprs[i] = e
		out[i] = plan.Column{Name: c.Name, Type: ts[i]}
	}
	return plan.WithColumns(&plan.Project{Input: n, Exprs: exprs}, out)
}

// planCorrelated reports whether a subquery plan reads the enclosing query.
func planCorrelated(n plan.Node) bool { return plan.ReadsOuter(n) }

// rowSubLink binds (a, b) IN / op ANY / op ALL (SELECT x, y ...): the
// subquery's columns become one row value compared field by field.
func (b *Binder) rowSubLink(ec *exprCtx, sl *pg.SubLink, node plan.Node, q *expr.Subquery) (expr.Expr, error) {
	row := sl.Testexpr.GetRowExpr()
	cols := node.Columns()
	if row == nil || len(row.Args) != len(cols) {
		return nil, b.errAt(sqlerr.New(sqlerr.SyntaxError, "subquery has too many columns"), sl.Location)
	}
	op := "="
	if len(sl.OperName) > 0 {
		op = opName(sl.OperName)
	}
	if op != "=" && op != "<>" {
		return nil, b.errAt(sqlerr.Unsupported("row comparison with "+op+" and a subquery"), sl.Location)
	}
	left, err := b.bindExprs(ec, row.Args)
	if err != nil {
		return nil, err
	}
	fields := make([]*builtin.Func, len(cols))
	want := make([]types.T, len(cols))
	for i, c := range cols {
		fn, argTypes, err := builtin.Resolve("=", []types.T{left[i].Type(), c.Type})
		if err != nil {
			return nil, b.errAt(sqlerr.As(err), sl.Location)
		}
		if left[i], err = b.coerce(left[i], argTypes[0], builtin.CastImplicit, "IN"); err != nil {
			return nil, err
		}
		fields[i], want[i] = fn, argTypes[1]
	}
	node = castColumns(node, want)
	refs := make([]expr.Expr, len(cols))
	for i, t := range want {
		refs[i] = &expr.ColRef{Idx: i, T: t}
	}
	q.Plan = plan.WithColumns(&plan.Project{Input: node, Exprs: []expr.Expr{&expr.RowCtor{Fields: refs}}}, []plan.Column{{Name: "row", Type: types.Record}})
	q.X = &expr.RowCtor{Fields: left}
	q.Op = expr.NewCall(rowEquality(fields, op == "<>"), nil, types.Bool)
	q.T = types.Bool
	q.Kind = expr.SubAny
	if sl.SubLinkType == pg.SubLinkType_ALL_SUBLINK {
		q.Kind = expr.SubAll
	}
	return q, nil
}

// rowEquality compares two row values field by field with SQL's rules:
// false when some pair differs, else NULL when some pair has a NULL, else
// true (negated for <>).
func rowEquality(eqs []*builtin.Func, negate bool) *builtin.Func {
	return &builtin.Func{Name: "row=", Ret: types.Bool, Fn: func(ctx *builtin.EvalContext, a []types.Datum) (types.Datum, error) {
		l, r := a[0].Record(), a[1].Record()
		sawNull := false
		for i, eq := range eqs {
			if l[i].IsNull() || r[i].IsNull() {
				sawNull = true
				continue
			}
			v, err := eq.Fn(ctx, []types.Datum{l[i], r[i]})
			if err != nil {
				return v, err
			}
			if !v.Bool() {
				return types.NewBool(negate), nil
			}
		}
		if sawNull {
			return types.NullDatum, nil
		}
		return types.NewBool(!negate), nil
	}}
}

// namedParams lists, for builtin functions that take named arguments, the
// parameter names in order and the default of each (as SQL text).
var namedParams = map[string][][2]string{
	"make_interval": {{"years", "0"}, {"months", "0"}, {"weeks", "0"}, {"days", "0"}, {"hours", "0"}, {"mins", "0"}, {"secs", "0.0"}},
}

// namedArgs turns "name => value" arguments into positional ones, filling
// the defaults of the parameters left out.
func (b *Binder) namedArgs(fn string, args []*pg.Node) ([]*pg.Node, error) {
	named := false
	for _, a := range args {
		named = named || a.GetNamedArgExpr() != nil
	}
	if !named {
		return args, nil
	}
	params, ok := namedParams[fn]
	if !ok {
		return nil, sqlerr.Unsupported("named arguments for function " + fn)
	}
	out := make([]*pg.Node, len(params))
	for i, a := range args {
		na := a.GetNamedArgExpr()
		if na == nil {
			if i >= len(params) {
				return nil, sqlerr.Newf(sqlerr.UndefinedFunction, "function %s has too many arguments", fn)
			}
			out[i] = a
			continue
		}
		pos := -1
		for j, p := range params {
			if p[0] == na.Name {
				pos = j
			}
		}
		if pos < 0 {
			return nil, sqlerr.Newf(sqlerr.UndefinedFunction, "function %s has no parameter named %q", fn, na.Name)
		}
		out[pos] = na.Arg
	}
	for i, p := range params {
		if out[i] == nil {
			stmts, err := parser.Parse("SELECT " + p[1])
			if err != nil {
				return nil, err
			}
			out[i] = stmts[0].AST.GetSelectStmt().TargetList[0].GetResTarget().Val
		}
	}
	return out, nil
}
