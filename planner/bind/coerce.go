package bind

import (
	"strings"

	"github.com/freshetdb/freshet/sql/builtin"
	"github.com/freshetdb/freshet/sql/expr"
	"github.com/freshetdb/freshet/sql/sqlerr"
	"github.com/freshetdb/freshet/sql/types"
)

// unknownLit is an untyped string literal ('abc') or NULL, whose type is
// decided by where it is used, as in Postgres.
func isUnknown(e expr.Expr) bool {
	k := e.Type().Kind
	return k == types.KindUnknown || k == types.KindNull
}

// coerce converts e to type t in the given cast context: unknown literals
// are parsed as t now; parameters of undetermined type take t; anything
// else needs a cast that exists in that context. what names the target
// for error messages (a column name for assignments).
func (b *Binder) coerce(e expr.Expr, t types.T, cc builtin.CastContext, what string) (expr.Expr, error) {
	if t.Kind == types.KindUnknown || t.Kind == types.KindNull {
		return e, nil
	}
	from := e.Type()
	if from.Equal(t) {
		return e, nil
	}
	switch x := e.(type) {
	case *expr.Const:
		if from.Kind == types.KindNull || x.V.IsNull() && from.Kind == types.KindUnknown {
			return &expr.Const{V: types.NullDatum, T: t}, nil
		}
		if from.Kind == types.KindUnknown {
			v, err := b.parseLiteral(x.V.Str(), t, "")
			if err != nil {
				// Postgres points at a literal it cannot read, but not at
				// one too long for its column (a separate length check).
				if loc, ok := b.litPos[x]; ok {
					if se := sqlerr.As(err); se != nil && se.Code != sqlerr.StringDataRightTruncation {
						return nil, b.errAt(se, loc)
					}
				}
				return nil, err
			}
			return &expr.Const{V: v, T: t}, nil
		}
	case *expr.Param:
		if from.Kind == types.KindUnknown {
			b.params[x.Idx] = t
			return &expr.Param{Idx: x.Idx, T: t}, nil
		}
	}
	if from.Kind == types.KindUnknown || from.Kind == types.KindNull {
		// An unknown-typed expression that is not a literal (e.g. a CASE of
		// literals): convert through text.
		e = &expr.Cast{X: e, To: types.Text}
		from = types.Text
	}
	if from.SameKind(t) && t.Mod < 0 {
		return e, nil
	}
	ctx, ok := builtin.FindCast(from, t)
	if !ok || ctx > cc {
		if cc == builtin.CastAssignment {
			return nil, sqlerr.Newf(sqlerr.DatatypeMismatch, "%s is of type %s but expression is of type %s", what, t.String(), from.String()).
				WithHint("You will need to rewrite or cast the expression.")
		}
		if cc == builtin.CastExplicit {
			return nil, sqlerr.Newf("42846", "cannot cast type %s to %s", from.String(), t.String())
		}
		return nil, sqlerr.Newf(sqlerr.DatatypeMismatch, "%s must be type %s, not type %s", what, t.String(), from.String())
	}
	c := &expr.Cast{X: e, To: t, Assignment: cc == builtin.CastAssignment}
	return b.fold(c)
}

// parseLiteral parses the text of an unknown literal as type t. unit is the
// INTERVAL field a bare number counts ("second" in INTERVAL '5' SECOND).
func (b *Binder) parseLiteral(s string, t types.T, unit string) (types.Datum, error) {
	if unit != "" && isPlainNumber(s) {
		s = s + " " + unit
	}
	var fc *types.FormatContext
	if b.Eval != nil {
		fc = b.Eval.Format
	}
	if t.Kind.IsOIDLike() && t.Kind != types.KindOID {
		return builtin.CastDatum(b.Eval, types.NewText(s), types.Text, t)
	}
	return types.ParseText(s, t, fc)
}

func isPlainNumber(s string) bool {
	s = strings.TrimSpace(s)
	if s == "" {
		return false
	}
	for i, r := range s {
		if r >= '0' && r <= '9' || r == '.' || (i == 0 && (r == '-' || r == '+')) {
			continue
		}
		return false
	}
	return true
}

// fold evaluates an expression without row, parameter or volatile
// dependencies once, at bind time.
func (b *Binder) fold(e expr.Expr) (expr.Expr, error) {
	if !expr.IsConst(e) {
		return e, nil
	}
	if _, ok := e.(*expr.Const); ok {
		return e, nil
	}
	v, err := e.Eval(&expr.Ctx{Eval: b.Eval}, nil)
	if err != nil {
		// Left unfolded, the error surfaces at execution, without a bind
		// position, as Postgres reports run-time errors.
		return e, nil
	}
	return &expr.Const{V: v, T: e.Type()}, nil
}

// commonType coerces every expression to the common type of the list
// (UNION, CASE, COALESCE, VALUES, IN).
func (b *Binder) commonType(what string, es []expr.Expr) ([]expr.Expr, types.T, error) {
	ts := make([]types.T, len(es))
	for i, e := range es {
		ts[i] = e.Type()
	}
	t, err := builtin.CommonType(what, ts)
	if err != nil {
		return nil, t, err
	}
	out := make([]expr.Expr, len(es))
	for i, e := range es {
		c, err := b.coerce(e, t, builtin.CastImplicit, what)
		if err != nil {
			return nil, t, err
		}
		out[i] = c
	}
	return out, t, nil
}

// call resolves and builds a function or operator call, coercing arguments.
func (b *Binder) call(name string, args []expr.Expr) (expr.Expr, error) {
	ts := make([]types.T, len(args))
	for i, a := range args {
		ts[i] = a.Type()
	}
	fn, argTypes, err := builtin.Resolve(name, ts)
	if err != nil {
		return nil, err
	}
	cargs := make([]expr.Expr, len(args))
	for i, a := range args {
		c, err := b.coerce(a, argTypes[i], builtin.CastImplicit, "argument")
		if err != nil {
			return nil, err
		}
		cargs[i] = c
	}
	return b.fold(expr.NewCall(fn, cargs, fn.ResultType(argTypes)))
}

// comparison resolves op over two expressions and returns the call, used by
// IN, NULLIF, DISTINCT FROM and ANY/ALL which evaluate it themselves.
func (b *Binder) comparison(op string, l, r expr.Expr) (*expr.Call, expr.Expr, expr.Expr, error) {
	c, err := b.call(op, []expr.Expr{l, r})
	if err != nil {
		return nil, nil, nil, err
	}
	call, ok := c.(*expr.Call)
	if !ok {
		// Folded to a constant: rebuild the call so it can be re-evaluated.
		fn, argTypes, err := builtin.Resolve(op, []types.T{l.Type(), r.Type()})
		if err != nil {
			return nil, nil, nil, err
		}
		nl, err := b.coerce(l, argTypes[0], builtin.CastImplicit, "argument")
		if err != nil {
			return nil, nil, nil, err
		}
		nr, err := b.coerce(r, argTypes[1], builtin.CastImplicit, "argument")
		if err != nil {
			return nil, nil, nil, err
		}
		return expr.NewCall(fn, []expr.Expr{nl, nr}, fn.ResultType(argTypes)), nl, nr, nil
	}
	return call, call.Args[0], call.Args[1], nil
}

// requireBool checks that a condition is boolean (unknown literals are
// parsed as boolean).
func (b *Binder) requireBool(e expr.Expr, clause string) (expr.Expr, error) {
	if e.Type().Kind == types.KindBool {
		return e, nil
	}
	if isUnknown(e) {
		return b.coerce(e, types.Bool, builtin.CastImplicit, clause)
	}
	return nil, sqlerr.Newf(sqlerr.DatatypeMismatch, "argument of %s must be type boolean, not type %s", clause, e.Type().String())
}
