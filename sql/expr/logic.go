package expr

import (
	"strings"

	"github.com/freshetdb/freshet/sql/types"
)

// And is SQL AND over two or more operands with three-valued logic: false if
// any operand is false, else NULL if any is NULL, else true.
type And struct{ Args []Expr }

// Type implements Expr.
func (e *And) Type() types.T { return types.Bool }

// Eval implements Expr.
func (e *And) Eval(c *Ctx, row types.Row) (types.Datum, error) {
	sawNull := false
	for _, a := range e.Args {
		v, err := a.Eval(c, row)
		if err != nil {
			return v, err
		}
		if v.IsNull() {
			sawNull = true
		} else if !v.Bool() {
			return types.NewBool(false), nil
		}
	}
	if sawNull {
		return types.NullDatum, nil
	}
	return types.NewBool(true), nil
}

// String implements Expr.
func (e *And) String() string { return joinArgs(e.Args, " AND ") }

// Children implements Expr.
func (e *And) Children() []Expr { return e.Args }

// WithChildren implements Expr.
func (e *And) WithChildren(ch []Expr) Expr { return &And{Args: ch} }

// Or is SQL OR with three-valued logic: true if any operand is true, else
// NULL if any is NULL, else false.
type Or struct{ Args []Expr }

// Type implements Expr.
func (e *Or) Type() types.T { return types.Bool }

// Eval implements Expr.
func (e *Or) Eval(c *Ctx, row types.Row) (types.Datum, error) {
	sawNull := false
	for _, a := range e.Args {
		v, err := a.Eval(c, row)
		if err != nil {
			return v, err
		}
		if v.IsNull() {
			sawNull = true
		} else if v.Bool() {
			return types.NewBool(true), nil
		}
	}
	if sawNull {
		return types.NullDatum, nil
	}
	return types.NewBool(false), nil
}

// String implements Expr.
func (e *Or) String() string { return joinArgs(e.Args, " OR ") }

// Children implements Expr.
func (e *Or) Children() []Expr { return e.Args }

// WithChildren implements Expr.
func (e *Or) WithChildren(ch []Expr) Expr { return &Or{Args: ch} }

// Not is SQL NOT; NOT NULL is NULL.
type Not struct{ X Expr }

// Type implements Expr.
func (e *Not) Type() types.T { return types.Bool }

// Eval implements Expr.
func (e *Not) Eval(c *Ctx, row types.Row) (types.Datum, error) {
	v, err := e.X.Eval(c, row)
	if err != nil || v.IsNull() {
		return v, err
	}
	return types.NewBool(!v.Bool()), nil
}

// String implements Expr.
func (e *Not) String() string { return "NOT " + e.X.String() }

// Children implements Expr.
func (e *Not) Children() []Expr { return []Expr{e.X} }

// WithChildren implements Expr.
func (e *Not) WithChildren(ch []Expr) Expr { return &Not{X: ch[0]} }

// IsNull is X IS NULL, or X IS NOT NULL when Negate. For a row value, IS
// NULL holds when every field is NULL and IS NOT NULL when none is.
type IsNull struct {
	X      Expr
	Negate bool
}

// Type implements Expr.
func (e *IsNull) Type() types.T { return types.Bool }

// Eval implements Expr.
func (e *IsNull) Eval(c *Ctx, row types.Row) (types.Datum, error) {
	v, err := e.X.Eval(c, row)
	if err != nil {
		return v, err
	}
	if v.Kind() == types.KindRecord {
		all, none := true, true
		for _, f := range v.Record() {
			if f.IsNull() {
				none = false
			} else {
				all = false
			}
		}
		if e.Negate {
			return types.NewBool(none), nil
		}
		return types.NewBool(all), nil
	}
	return types.NewBool(v.IsNull() != e.Negate), nil
}

// String implements Expr.
func (e *IsNull) String() string {
	if e.Negate {
		return e.X.String() + " IS NOT NULL"
	}
	return e.X.String() + " IS NULL"
}

// Children implements Expr.
func (e *IsNull) Children() []Expr { return []Expr{e.X} }

// WithChildren implements Expr.
func (e *IsNull) WithChildren(ch []Expr) Expr { return &IsNull{X: ch[0], Negate: e.Negate} }

// BoolTest is X IS [NOT] TRUE / FALSE / UNKNOWN; never NULL.
type BoolTest struct {
	X Expr
	// Want is the truth value tested for: 1 true, 0 false, -1 unknown.
	Want   int
	Negate bool
}

// Type implements Expr.
func (e *BoolTest) Type() types.T { return types.Bool }

// Eval implements Expr.
func (e *BoolTest) Eval(c *Ctx, row types.Row) (types.Datum, error) {
	v, err := e.X.Eval(c, row)
	if err != nil {
		return v, err
	}
	got := -1
	if !v.IsNull() {
		got = 0
		if v.Bool() {
			got = 1
		}
	}
	return types.NewBool((got == e.Want) != e.Negate), nil
}

// String implements Expr.
func (e *BoolTest) String() string {
	w := map[int]string{1: "TRUE", 0: "FALSE", -1: "UNKNOWN"}[e.Want]
	if e.Negate {
		return e.X.String() + " IS NOT " + w
	}
	return e.X.String() + " IS " + w
}

// Children implements Expr.
func (e *BoolTest) Children() []Expr { return []Expr{e.X} }

// WithChildren implements Expr.
func (e *BoolTest) WithChildren(ch []Expr) Expr {
	return &BoolTest{X: ch[0], Want: e.Want, Negate: e.Negate}
}

// DistinctFrom is L IS DISTINCT FROM R (or IS NOT DISTINCT FROM when
// Negate): equality in which NULL equals NULL; never NULL itself.
type DistinctFrom struct {
	L, R   Expr
	Eq     *Call // L = R over the two operands' values, resolved by the binder
	Negate bool
}

// Type implements Expr.
func (e *DistinctFrom) Type() types.T { return types.Bool }

// Eval implements Expr.
func (e *DistinctFrom) Eval(c *Ctx, row types.Row) (types.Datum, error) {
	l, err := e.L.Eval(c, row)
	if err != nil {
		return l, err
	}
	r, err := e.R.Eval(c, row)
	if err != nil {
		return r, err
	}
	var distinct bool
	switch {
	case l.IsNull() && r.IsNull():
		distinct = false
	case l.IsNull() || r.IsNull():
		distinct = true
	default:
		eq, err := e.Eq.Fn.Fn(c.Eval, []types.Datum{l, r})
		if err != nil {
			return eq, err
		}
		distinct = !eq.Bool()
	}
	return types.NewBool(distinct != e.Negate), nil
}

// String implements Expr.
func (e *DistinctFrom) String() string {
	op := " IS DISTINCT FROM "
	if e.Negate {
		op = " IS NOT DISTINCT FROM "
	}
	return "(" + e.L.String() + op + e.R.String() + ")"
}

// Children implements Expr.
func (e *DistinctFrom) Children() []Expr { return []Expr{e.L, e.R} }

// WithChildren implements Expr.
func (e *DistinctFrom) WithChildren(ch []Expr) Expr {
	return &DistinctFrom{L: ch[0], R: ch[1], Eq: e.Eq, Negate: e.Negate}
}

func joinArgs(args []Expr, sep string) string {
	parts := make([]string, len(args))
	for i, a := range args {
		parts[i] = a.String()
	}
	return "(" + strings.Join(parts, sep) + ")"
}
