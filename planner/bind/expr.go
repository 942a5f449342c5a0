package bind

import (
	"fmt"
	"strconv"
	"strings"

	pg "github.com/pganalyze/pg_query_go/v6"

	"github.com/freshetdb/freshet/planner/plan"
	"github.com/freshetdb/freshet/sql/builtin"
	"github.com/freshetdb/freshet/sql/expr"
	"github.com/freshetdb/freshet/sql/sqlerr"
	"github.com/freshetdb/freshet/sql/types"
)

// exprCtx is where an expression is being bound.
type exprCtx struct {
	scope *scope
	// clause names the clause for "not allowed in" errors ("WHERE").
	clause string
	// aggs collects aggregate calls; nil where aggregates are not allowed.
	aggs *aggCollector
	// wins collects window calls; nil where window functions are not allowed.
	wins *winCollector
	// inAgg is set inside an aggregate's arguments.
	inAgg bool
	// srfs collects set-returning calls; nil where they are not allowed.
	srfs *srfCollector
}

// bindExpr binds one expression node.
func (b *Binder) bindExpr(ec *exprCtx, n *pg.Node) (expr.Expr, error) {
	e, err := b.bindExprInner(ec, n)
	if err != nil {
		if se := sqlerr.As(err); se != nil && se.Position == 0 {
			if loc := nodeLocation(n); loc >= 0 {
				b.errAt(se, loc)
			}
		}
		return nil, err
	}
	return e, nil
}

func (b *Binder) bindExprInner(ec *exprCtx, n *pg.Node) (expr.Expr, error) {
	switch x := n.Node.(type) {
	case *pg.Node_ColumnRef:
		return b.columnRef(ec, x.ColumnRef)
	case *pg.Node_AConst:
		return b.constant(x.AConst)
	case *pg.Node_ParamRef:
		idx := int(x.ParamRef.Number) - 1
		if idx < 0 {
			return nil, sqlerr.Newf(sqlerr.UndefinedParameter, "there is no parameter $%d", idx+1)
		}
		for len(b.params) <= idx {
			b.params = append(b.params, types.Unknown)
		}
		return &expr.Param{Idx: idx, T: b.params[idx]}, nil
	case *pg.Node_TypeCast:
		return b.typeCast(ec, x.TypeCast)
	case *pg.Node_AExpr:
		return b.aExpr(ec, x.AExpr)
	case *pg.Node_BoolExpr:
		return b.boolExpr(ec, x.BoolExpr)
	case *pg.Node_NullTest:
		arg, err := b.bindExpr(ec, x.NullTest.Arg)
		if err != nil {
			return nil, err
		}
		return &expr.IsNull{X: arg, Negate: x.NullTest.Nulltesttype == pg.NullTestType_IS_NOT_NULL}, nil
	case *pg.Node_BooleanTest:
		arg, err := b.bindExpr(ec, x.BooleanTest.Arg)
		if err != nil {
			return nil, err
		}
		if arg, err = b.requireBool(arg, "IS TRUE"); err != nil {
			return nil, err
		}
		bt := &expr.BoolTest{X: arg}
		switch x.BooleanTest.Booltesttype {
		case pg.BoolTestType_IS_TRUE:
			bt.Want = 1
		case pg.BoolTestType_IS_NOT_TRUE:
			bt.Want, bt.Negate = 1, true
		case pg.BoolTestType_IS_FALSE:
			bt.Want = 0
		case pg.BoolTestType_IS_NOT_FALSE:
			bt.Want, bt.Negate = 0, true
		case pg.BoolTestType_IS_UNKNOWN:
			bt.Want = -1
		case pg.BoolTestType_IS_NOT_UNKNOWN:
			bt.Want, bt.Negate = -1, true
		}
		return bt, nil
	case *pg.Node_FuncCall:
		return b.funcCall(ec, x.FuncCall)
	case *pg.Node_CaseExpr:
		return b.caseExpr(ec, x.CaseExpr)
	case *pg.Node_CoalesceExpr:
		args, err := b.bindExprs(ec, x.CoalesceExpr.Args)
		if err != nil {
			return nil, err
		}
		args, t, err := b.commonType("COALESCE", args)
		if err != nil {
			return nil, err
		}
		return &expr.Coalesce{Args: args, T: t}, nil
	case *pg.Node_MinMaxExpr:
		args, err := b.bindExprs(ec, x.MinMaxExpr.Args)
		if err != nil {
			return nil, err
		}
		name := "greatest"
		if x.MinMaxExpr.Op == pg.MinMaxOp_IS_LEAST {
			name = "least"
		}
		args, _, err = b.commonType(strings.ToUpper(name), args)
		if err != nil {
			return nil, err
		}
		return b.call(name, args)
	case *pg.Node_SubLink:
		return b.subLink(ec, x.SubLink)
	case *pg.Node_AArrayExpr:
		return b.arrayExpr(ec, x.AArrayExpr.Elements, types.T{})
	case *pg.Node_RowExpr:
		args, err := b.bindExprs(ec, x.RowExpr.Args)
		if err != nil {
			return nil, err
		}
		for i, a := range args {
			if isUnknown(a) {
				if args[i], err = b.coerce(a, types.Text, builtin.CastImplicit, "ROW"); err != nil {
					return nil, err
				}
			}
		}
		return &expr.RowCtor{Fields: args}, nil
	case *pg.Node_SqlvalueFunction:
		return b.sqlValueFunction(x.SqlvalueFunction)
	case *pg.Node_CollateClause:
		return b.bindExpr(ec, x.CollateClause.Arg)
	case *pg.Node_AIndirection:
		return b.indirection(ec, x.AIndirection)
	case *pg.Node_GroupingFunc:
		if ec.inAgg {
			return nil, b.errAt(sqlerr.New(sqlerr.GroupingError, "aggregate function calls cannot be nested"), x.GroupingFunc.Location)
		}
		if ec.aggs == nil {
			return nil, b.errAt(sqlerr.Newf(sqlerr.GroupingError, "grouping operations are not allowed in %s", ec.clause), x.GroupingFunc.Location)
		}
		if len(x.GroupingFunc.Args) > 31 {
			return nil, b.errAt(sqlerr.New(sqlerr.TooManyArguments, "GROUPING must have fewer than 32 arguments"), x.GroupingFunc.Location)
		}
		args, err := b.bindExprs(ec, x.GroupingFunc.Args)
		if err != nil {
			return nil, err
		}
		positions := make([]int, len(args))
		for i, a := range x.GroupingFunc.Args {
			positions[i] = b.errAt(&sqlerr.Error{}, nodeLocation(a)).Position
		}
		ec.aggs.groupings++
		return &groupingRef{args: args, positions: positions}, nil
	}
	return nil, sqlerr.Unsupported("expression " + nodeName(n))
}

func (b *Binder) bindExprs(ec *exprCtx, ns []*pg.Node) ([]expr.Expr, error) {
	out := make([]expr.Expr, len(ns))
	for i, n := range ns {
		e, err := b.bindExpr(ec, n)
		if err != nil {
			return nil, err
		}
		out[i] = e
	}
	return out, nil
}

func (b *Binder) columnRef(ec *exprCtx, cr *pg.ColumnRef) (expr.Expr, error) {
	var parts []string
	for _, f := range cr.Fields {
		if f.GetAStar() != nil {
			return nil, b.errAt(sqlerr.Unsupported("* in this position"), cr.Location)
		}
		parts = append(parts, f.GetString_().Sval)
	}
	var qual, name string
	switch len(parts) {
	case 1:
		name = parts[0]
	case 2:
		qual, name = parts[0], parts[1]
	case 3:
		qual, name = parts[1], parts[2]
	default:
		return nil, b.errAt(sqlerr.Newf(sqlerr.SyntaxError, "improper qualified name (too many dotted names): %s", strings.Join(parts, ".")), cr.Location)
	}
	if ec.scope == nil {
		return nil, b.errAt(sqlerr.Newf(sqlerr.UndefinedColumn, "column %q does not exist", name), cr.Location)
	}
	e, err := ec.scope.resolve(qual, name)
	if err != nil {
		return nil, b.errAt(sqlerr.As(err), cr.Location)
	}
	return e, nil
}

func (b *Binder) constant(c *pg.A_Const) (expr.Expr, error) {
	if c.Isnull {
		return &expr.Const{V: types.NullDatum, T: types.Unknown}, nil
	}
	switch v := c.Val.(type) {
	case *pg.A_Const_Ival:
		return &expr.Const{V: types.NewInt4(v.Ival.Ival), T: types.Int4}, nil
	case *pg.A_Const_Fval:
		s := v.Fval.Fval
		if !strings.ContainsAny(s, ".eE") {
			if i, err := strconv.ParseInt(s, 10, 64); err == nil {
				// As Postgres' make_const: int4 when the value fits.
				if int64(int32(i)) == i {
					return &expr.Const{V: types.NewInt4(int32(i)), T: types.Int4}, nil
				}
				return &expr.Const{V: types.NewInt8(i), T: types.Int8}, nil
			}
		}
		d, err := types.ParseText(s, types.Numeric, nil)
		if err != nil {
			return nil, err
		}
		return &expr.Const{V: d, T: types.Numeric}, nil
	case *pg.A_Const_Sval:
		lit := &expr.Const{V: types.NewText(v.Sval.Sval), T: types.Unknown}
		if b.litPos == nil {
			b.litPos = map[*expr.Const]int32{}
		}
		b.litPos[lit] = c.Location
		return lit, nil
	case *pg.A_Const_Boolval:
		return &expr.Const{V: types.NewBool(v.Boolval.Boolval), T: types.Bool}, nil
	case *pg.A_Const_Bsval:
		return nil, b.errAt(sqlerr.Unsupported("bit string literals"), c.Location)
	}
	return nil, b.errAt(sqlerr.Unsupported("this constant"), c.Location)
}

// negatedLiteral returns -c for a numeric literal c.
func negatedLiteral(c *pg.A_Const) (*pg.A_Const, bool) {
	var text string
	switch v := c.Val.(type) {
	case *pg.A_Const_Ival:
		text = strconv.FormatInt(int64(v.Ival.Ival), 10)
	case *pg.A_Const_Fval:
		text = v.Fval.Fval
	default:
		return nil, false
	}
	if strings.HasPrefix(text, "-") {
		text = text[1:]
	} else {
		text = "-" + text
	}
	if i, err := strconv.ParseInt(text, 10, 32); err == nil {
		return &pg.A_Const{Val: &pg.A_Const_Ival{Ival: &pg.Integer{Ival: int32(i)}}, Location: c.Location}, true
	}
	return &pg.A_Const{Val: &pg.A_Const_Fval{Fval: &pg.Float{Fval: text}}, Location: c.Location}, true
}

func (b *Binder) typeCast(ec *exprCtx, tc *pg.TypeCast) (expr.Expr, error) {
	rt, err := b.typeName(tc.TypeName)
	if err != nil {
		return nil, err
	}
	if arr := tc.Arg.GetAArrayExpr(); arr != nil && rt.t.Kind == types.KindArray {
		return b.arrayExpr(ec, arr.Elements, rt.t)
	}
	arg, err := b.bindExpr(ec, tc.Arg)
	if err != nil {
		return nil, err
	}
	if c, ok := arg.(*expr.Const); ok && c.T.Kind == types.KindUnknown && !c.V.IsNull() {
		// An explicit cast parses without the length limit, then truncates.
		plain := rt.t
		if plain.Kind == types.KindVarchar || plain.Kind == types.KindBPChar {
			plain.Mod = -1
		}
		v, err := b.parseLiteral(c.V.Str(), plain, rt.intervalUnit)
		if err != nil {
			if loc, ok := b.litPos[c]; ok {
				return nil, b.errAt(sqlerr.As(err), loc)
			}
			return nil, b.errAt(sqlerr.As(err), tc.Location)
		}
		if plain.Mod != rt.t.Mod {
			if v, err = builtin.CastDatum(b.Eval, v, plain, rt.t); err != nil {
				return nil, err
			}
		}
		return &expr.Const{V: v, T: rt.t}, nil
	}
	e, err := b.coerce(arg, rt.t, builtin.CastExplicit, "")
	if err != nil {
		if se := sqlerr.As(err); se != nil {
			return nil, b.errAt(se, tc.Location)
		}
		return nil, err
	}
	if e == arg && !arg.Type().Equal(rt.t) && rt.t.Mod >= 0 {
		e = &expr.Cast{X: arg, To: rt.t}
	}
	return e, nil
}

func (b *Binder) arrayExpr(ec *exprCtx, elems []*pg.Node, want types.T) (expr.Expr, error) {
	for _, el := range elems {
		if el.GetAArrayExpr() != nil {
			return nil, sqlerr.Unsupported("multidimensional arrays")
		}
	}
	args, err := b.bindExprs(ec, elems)
	if err != nil {
		return nil, err
	}
	var et types.T
	if want.Kind == types.KindArray {
		et = *want.Elem
		for i, a := range args {
			if args[i], err = b.coerce(a, et, builtin.CastExplicit, "ARRAY"); err != nil {
				return nil, err
			}
		}
	} else {
		if len(args) == 0 {
			return nil, sqlerr.New(sqlerr.IndeterminateDatatype, "cannot determine type of empty array").
				WithHint("Explicitly cast to the desired type, for example ARRAY[]::integer[].")
		}
		if args, et, err = b.commonType("ARRAY", args); err != nil {
			return nil, err
		}
	}
	return &expr.ArrayCtor{Elems: args, T: types.ArrayOf(et)}, nil
}

func opName(names []*pg.Node) string {
	return names[len(names)-1].GetString_().Sval
}

func (b *Binder) aExpr(ec *exprCtx, a *pg.A_Expr) (expr.Expr, error) {
	switch a.Kind {
	case pg.A_Expr_Kind_AEXPR_OP:
		op := opName(a.Name)
		if a.Lexpr == nil {
			if c := a.Rexpr.GetAConst(); c != nil && op == "-" {
				// The grammar folds a minus into a numeric literal, so
				// -2147483648 is an integer, not a negated bigint.
				if lit, ok := negatedLiteral(c); ok {
					return b.constant(lit)
				}
			}
			r, err := b.bindExpr(ec, a.Rexpr)
			if err != nil {
				return nil, err
			}
			return b.call(op, []expr.Expr{r})
		}
		if lr, rr := a.Lexpr.GetRowExpr(), a.Rexpr.GetRowExpr(); lr != nil && rr != nil {
			return b.rowComparison(ec, op, lr.Args, rr.Args, a.Location)
		}
		l, err := b.bindExpr(ec, a.Lexpr)
		if err != nil {
			return nil, err
		}
		r, err := b.bindExpr(ec, a.Rexpr)
		if err != nil {
			return nil, err
		}
		e, err := b.call(op, []expr.Expr{l, r})
		if err != nil {
			return nil, b.errAt(sqlerr.As(err), a.Location)
		}
		return e, nil
	case pg.A_Expr_Kind_AEXPR_LIKE, pg.A_Expr_Kind_AEXPR_ILIKE, pg.A_Expr_Kind_AEXPR_SIMILAR:
		// The grammar already rewrote SIMILAR TO into "~" over
		// similar_to_escape(pattern).
		l, err := b.bindExpr(ec, a.Lexpr)
		if err != nil {
			return nil, err
		}
		r, err := b.bindExpr(ec, a.Rexpr)
		if err != nil {
			return nil, err
		}
		return b.call(opName(a.Name), []expr.Expr{l, r})
	case pg.A_Expr_Kind_AEXPR_DISTINCT, pg.A_Expr_Kind_AEXPR_NOT_DISTINCT:
		l, err := b.bindExpr(ec, a.Lexpr)
		if err != nil {
			return nil, err
		}
		r, err := b.bindExpr(ec, a.Rexpr)
		if err != nil {
			return nil, err
		}
		eq, nl, nr, err := b.comparison("=", l, r)
		if err != nil {
			return nil, err
		}
		return &expr.DistinctFrom{L: nl, R: nr, Eq: eq, Negate: a.Kind == pg.A_Expr_Kind_AEXPR_NOT_DISTINCT}, nil
	case pg.A_Expr_Kind_AEXPR_NULLIF:
		l, err := b.bindExpr(ec, a.Lexpr)
		if err != nil {
			return nil, err
		}
		r, err := b.bindExpr(ec, a.Rexpr)
		if err != nil {
			return nil, err
		}
		eq, nl, nr, err := b.comparison("=", l, r)
		if err != nil {
			return nil, err
		}
		return &expr.NullIf{A: nl, B: nr, Eq: eq}, nil
	case pg.A_Expr_Kind_AEXPR_IN:
		return b.inList(ec, a)
	case pg.A_Expr_Kind_AEXPR_OP_ANY, pg.A_Expr_Kind_AEXPR_OP_ALL:
		l, err := b.bindExpr(ec, a.Lexpr)
		if err != nil {
			return nil, err
		}
		r, err := b.bindExpr(ec, a.Rexpr)
		if err != nil {
			return nil, err
		}
		if isUnknown(r) {
			if r, err = b.coerce(r, types.ArrayOf(l.Type()), builtin.CastImplicit, "ANY"); err != nil {
				return nil, err
			}
		}
		if r.Type().Kind != types.KindArray {
			return nil, b.errAt(sqlerr.New(sqlerr.WrongObjectType, "op ANY/ALL (array) requires array on right side"), a.Location)
		}
		op, err := b.elementOp(opName(a.Name), l, *r.Type().Elem)
		if err != nil {
			return nil, err
		}
		if isUnknown(l) {
			if l, err = b.coerce(l, *r.Type().Elem, builtin.CastImplicit, "ANY"); err != nil {
				return nil, err
			}
		}
		return &expr.AnyArray{X: l, Arr: r, Op: op, All: a.Kind == pg.A_Expr_Kind_AEXPR_OP_ALL}, nil
	case pg.A_Expr_Kind_AEXPR_BETWEEN, pg.A_Expr_Kind_AEXPR_NOT_BETWEEN, pg.A_Expr_Kind_AEXPR_BETWEEN_SYM, pg.A_Expr_Kind_AEXPR_NOT_BETWEEN_SYM:
		return b.between(ec, a)
	}
	return nil, b.errAt(sqlerr.Unsupported("this operator form"), a.Location)
}

// rowComparison expands a comparison of two row constructors field by
// field, as Postgres defines it: = is the AND of the fields' equalities, <>
// the OR of their inequalities, and <, <=, >, >= compare lexicographically
// (the first unequal pair decides).
func (b *Binder) rowComparison(ec *exprCtx, op string, ln, rn []*pg.Node, loc int32) (expr.Expr, error) {
	if len(ln) != len(rn) {
		return nil, b.errAt(sqlerr.New(sqlerr.SyntaxError, "unequal number of entries in row expressions"), loc)
	}
	l, err := b.bindExprs(ec, ln)
	if err != nil {
		return nil, err
	}
	r, err := b.bindExprs(ec, rn)
	if err != nil {
		return nil, err
	}
	cmp := func(o string, i int) (expr.Expr, error) { return b.call(o, []expr.Expr{l[i], r[i]}) }
	switch op {
	case "=", "<>":
		parts := make([]expr.Expr, len(l))
		for i := range l {
			if parts[i], err = cmp(op, i); err != nil {
				return nil, b.errAt(sqlerr.As(err), loc)
			}
		}
		if op == "=" {
			return &expr.And{Args: parts}, nil
		}
		return &expr.Or{Args: parts}, nil
	case "<", "<=", ">", ">=":
		strict := op[:1]
		// (l1 op' r1) OR (l1 = r1 AND rest), ending with op on the last pair.
		var build func(i int) (expr.Expr, error)
		build = func(i int) (expr.Expr, error) {
			if i == len(l)-1 {
				return cmp(op, i)
			}
			lt, err := cmp(strict, i)
			if err != nil {
				return nil, err
			}
			eq, err := cmp("=", i)
			if err != nil {
				return nil, err
			}
			rest, err := build(i + 1)
			if err != nil {
				return nil, err
			}
			return &expr.Or{Args: []expr.Expr{lt, &expr.And{Args: []expr.Expr{eq, rest}}}}, nil
		}
		e, err := build(0)
		if err != nil {
			return nil, b.errAt(sqlerr.As(err), loc)
		}
		return e, nil
	}
	return nil, b.errAt(sqlerr.Unsupported("row comparison with "+op), loc)
}

// elementOp resolves "x op element" for ANY/ALL and returns the call whose
// Fn is applied to (x, element) pairs.
func (b *Binder) elementOp(op string, l expr.Expr, elem types.T) (*expr.Call, error) {
	fn, argTypes, err := builtin.Resolve(op, []types.T{l.Type(), elem})
	if err != nil {
		return nil, err
	}
	if !argTypes[1].SameKind(elem) && !isUnknown(l) {
		return nil, sqlerr.Newf(sqlerr.UndefinedFunction, "operator does not exist: %s %s %s", l.Type(), op, elem)
	}
	return expr.NewCall(fn, nil, fn.ResultType(argTypes)), nil
}

func (b *Binder) inList(ec *exprCtx, a *pg.A_Expr) (expr.Expr, error) {
	l, err := b.bindExpr(ec, a.Lexpr)
	if err != nil {
		return nil, err
	}
	list := a.Rexpr.GetList()
	if list == nil {
		return nil, b.errAt(sqlerr.Unsupported("IN with this right operand"), a.Location)
	}
	items, err := b.bindExprs(ec, list.Items)
	if err != nil {
		return nil, err
	}
	all, _, err := b.commonType("IN", append([]expr.Expr{l}, items...))
	if err != nil {
		return nil, b.errAt(sqlerr.As(err), a.Location)
	}
	eq, _, _, err := b.comparison("=", all[0], all[0])
	if err != nil {
		return nil, err
	}
	return &expr.InList{X: all[0], List: all[1:], Eq: eq, Negate: opName(a.Name) == "<>"}, nil
}

func (b *Binder) between(ec *exprCtx, a *pg.A_Expr) (expr.Expr, error) {
	x, err := b.bindExpr(ec, a.Lexpr)
	if err != nil {
		return nil, err
	}
	bounds := a.Rexpr.GetList().Items
	lo, err := b.bindExpr(ec, bounds[0])
	if err != nil {
		return nil, err
	}
	hi, err := b.bindExpr(ec, bounds[1])
	if err != nil {
		return nil, err
	}
	mk := func(lo, hi expr.Expr) (expr.Expr, error) {
		ge, err := b.call(">=", []expr.Expr{x, lo})
		if err != nil {
			return nil, err
		}
		le, err := b.call("<=", []expr.Expr{x, hi})
		if err != nil {
			return nil, err
		}
		return &expr.And{Args: []expr.Expr{ge, le}}, nil
	}
	out, err := mk(lo, hi)
	if err != nil {
		return nil, err
	}
	if a.Kind == pg.A_Expr_Kind_AEXPR_BETWEEN_SYM || a.Kind == pg.A_Expr_Kind_AEXPR_NOT_BETWEEN_SYM {
		swapped, err := mk(hi, lo)
		if err != nil {
			return nil, err
		}
		out = &expr.Or{Args: []expr.Expr{out, swapped}}
	}
	if a.Kind == pg.A_Expr_Kind_AEXPR_NOT_BETWEEN || a.Kind == pg.A_Expr_Kind_AEXPR_NOT_BETWEEN_SYM {
		out = &expr.Not{X: out}
	}
	return out, nil
}

func (b *Binder) boolExpr(ec *exprCtx, be *pg.BoolExpr) (expr.Expr, error) {
	args, err := b.bindExprs(ec, be.Args)
	if err != nil {
		return nil, err
	}
	name := map[pg.BoolExprType]string{pg.BoolExprType_AND_EXPR: "AND", pg.BoolExprType_OR_EXPR: "OR", pg.BoolExprType_NOT_EXPR: "NOT"}[be.Boolop]
	for i, a := range args {
		if args[i], err = b.requireBool(a, name); err != nil {
			return nil, b.errAt(sqlerr.As(err), be.Location)
		}
	}
	switch be.Boolop {
	case pg.BoolExprType_AND_EXPR:
		return &expr.And{Args: args}, nil
	case pg.BoolExprType_OR_EXPR:
		return &expr.Or{Args: args}, nil
	}
	return &expr.Not{X: args[0]}, nil
}

func (b *Binder) caseExpr(ec *exprCtx, ce *pg.CaseExpr) (expr.Expr, error) {
	var operand expr.Expr
	if ce.Arg != nil {
		var err error
		if operand, err = b.bindExpr(ec, ce.Arg); err != nil {
			return nil, err
		}
	}
	var conds, results []expr.Expr
	for _, w := range ce.Args {
		cw := w.GetCaseWhen()
		c, err := b.bindExpr(ec, cw.Expr)
		if err != nil {
			return nil, err
		}
		if operand != nil {
			if c, err = b.call("=", []expr.Expr{operand, c}); err != nil {
				return nil, err
			}
		} else if c, err = b.requireBool(c, "CASE/WHEN"); err != nil {
			return nil, err
		}
		r, err := b.bindExpr(ec, cw.Result)
		if err != nil {
			return nil, err
		}
		conds = append(conds, c)
		results = append(results, r)
	}
	if ce.Defresult != nil {
		d, err := b.bindExpr(ec, ce.Defresult)
		if err != nil {
			return nil, err
		}
		results = append(results, d)
	}
	results, t, err := b.commonType("CASE", results)
	if err != nil {
		return nil, b.errAt(sqlerr.As(err), ce.Location)
	}
	out := &expr.Case{T: t}
	for i := range conds {
		out.Whens = append(out.Whens, expr.When{Cond: conds[i], Then: results[i]})
	}
	if ce.Defresult != nil {
		out.Else = results[len(results)-1]
	}
	return out, nil
}

func (b *Binder) sqlValueFunction(f *pg.SQLValueFunction) (expr.Expr, error) {
	var name string
	switch f.Op {
	case pg.SQLValueFunctionOp_SVFOP_CURRENT_DATE:
		name = "current_date"
	case pg.SQLValueFunctionOp_SVFOP_CURRENT_TIMESTAMP, pg.SQLValueFunctionOp_SVFOP_CURRENT_TIMESTAMP_N:
		name = "now"
	case pg.SQLValueFunctionOp_SVFOP_LOCALTIMESTAMP, pg.SQLValueFunctionOp_SVFOP_LOCALTIMESTAMP_N:
		name = "localtimestamp"
	case pg.SQLValueFunctionOp_SVFOP_LOCALTIME, pg.SQLValueFunctionOp_SVFOP_LOCALTIME_N:
		name = "localtime"
	case pg.SQLValueFunctionOp_SVFOP_CURRENT_USER, pg.SQLValueFunctionOp_SVFOP_CURRENT_ROLE, pg.SQLValueFunctionOp_SVFOP_USER:
		name = "current_user"
	case pg.SQLValueFunctionOp_SVFOP_SESSION_USER:
		name = "session_user"
	case pg.SQLValueFunctionOp_SVFOP_CURRENT_CATALOG:
		name = "current_database"
	case pg.SQLValueFunctionOp_SVFOP_CURRENT_SCHEMA:
		name = "current_schema"
	default:
		return nil, b.errAt(sqlerr.Unsupported("CURRENT_TIME (time with time zone)"), f.Location)
	}
	return b.call(name, nil)
}

func (b *Binder) indirection(ec *exprCtx, ind *pg.A_Indirection) (expr.Expr, error) {
	base, err := b.bindExpr(ec, ind.Arg)
	if err != nil {
		return nil, err
	}
	for _, step := range ind.Indirection {
		switch s := step.Node.(type) {
		case *pg.Node_AIndices:
			if s.AIndices.IsSlice {
				return nil, sqlerr.Unsupported("array slices")
			}
			if base.Type().Kind != types.KindArray {
				return nil, sqlerr.Newf(sqlerr.DatatypeMismatch, "cannot subscript type %s because it does not support subscripting", base.Type())
			}
			idx, err := b.bindExpr(ec, s.AIndices.Uidx)
			if err != nil {
				return nil, err
			}
			if idx, err = b.coerce(idx, types.Int4, builtin.CastImplicit, "array subscript"); err != nil {
				return nil, sqlerr.New(sqlerr.DatatypeMismatch, "array subscript must have type integer")
			}
			base = &expr.Subscript{Arr: base, Idx: idx}
		case *pg.Node_String_:
			fields := b.rowFields(ec, base)
			if fields == nil {
				return nil, sqlerr.Newf(sqlerr.WrongObjectType, "column notation .%s applied to type %s, which is not a composite type", s.String_.Sval, base.Type())
			}
			idx := -1
			for i, f := range fields {
				if f.Name == s.String_.Sval {
					idx = i
				}
			}
			if idx < 0 {
				return nil, sqlerr.Newf(sqlerr.UndefinedColumn, "column %q not found in data type %s", s.String_.Sval, base.Type())
			}
			base = &expr.FieldSelect{X: base, Idx: idx, T: fields[idx].Type, Name: fields[idx].Name}
		default:
			return nil, sqlerr.Unsupported("this indirection")
		}
	}
	return base, nil
}

// rowFields returns the named fields of a row-valued expression: the
// columns of a set-returning function's row, or of a column holding one.
func (b *Binder) rowFields(ec *exprCtx, e expr.Expr) []plan.Column {
	switch x := e.(type) {
	case *srfRef:
		if ec.srfs != nil && x.idx < len(ec.srfs.calls) {
			if c := ec.srfs.calls[x.idx].Cols; len(c) > 1 {
				return c
			}
		}
	case *expr.ColRef:
		if ec.scope != nil && x.Idx < len(ec.scope.cols) {
			return ec.scope.cols[x.Idx].fields
		}
	case *expr.OuterRef:
		sc := ec.scope
		for d := 0; d < x.Depth && sc != nil; d++ {
			sc = sc.parent
		}
		if sc != nil && x.Idx < len(sc.cols) {
			return sc.cols[x.Idx].fields
		}
	}
	return nil
}

// nodeLocation returns the byte location an AST node carries, or -1.
func nodeLocation(n *pg.Node) int32 {
	switch x := n.Node.(type) {
	case *pg.Node_ColumnRef:
		return x.ColumnRef.Location
	case *pg.Node_AConst:
		return x.AConst.Location
	case *pg.Node_FuncCall:
		return x.FuncCall.Location
	case *pg.Node_AExpr:
		return x.AExpr.Location
	case *pg.Node_TypeCast:
		return x.TypeCast.Location
	case *pg.Node_SubLink:
		return x.SubLink.Location
	case *pg.Node_BoolExpr:
		return x.BoolExpr.Location
	case *pg.Node_CaseExpr:
		return x.CaseExpr.Location
	case *pg.Node_ParamRef:
		return x.ParamRef.Location
	}
	return -1
}

// nodeName names an AST node's kind for "not supported" errors.
func nodeName(n *pg.Node) string {
	return strings.TrimPrefix(fmt.Sprintf("%T", n.Node), "*pg_query.Node_")
}
