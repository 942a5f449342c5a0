package expr

import (
	"strings"

	"github.com/freshetdb/freshet/sql/types"
)

// When is one WHEN cond THEN result arm of a Case.
type When struct{ Cond, Then Expr }

// Case is a searched CASE (the binder turns CASE x WHEN v into x = v
// conditions). A NULL or false condition does not match; no match gives Else
// (NULL when absent).
type Case struct {
	Whens []When
	Else  Expr
	T     types.T
}

// Type implements Expr.
func (e *Case) Type() types.T { return e.T }

// Eval implements Expr.
func (e *Case) Eval(c *Ctx, row types.Row) (types.Datum, error) {
	for _, w := range e.Whens {
		v, err := w.Cond.Eval(c, row)
		if err != nil {
			return v, err
		}
		if !v.IsNull() && v.Bool() {
			return w.Then.Eval(c, row)
		}
	}
	if e.Else == nil {
		return types.NullDatum, nil
	}
	return e.Else.Eval(c, row)
}

// String implements Expr.
func (e *Case) String() string {
	var b strings.Builder
	b.WriteString("CASE")
	for _, w := range e.Whens {
		b.WriteString(" WHEN " + w.Cond.String() + " THEN " + w.Then.String())
	}
	if e.Else != nil {
		b.WriteString(" ELSE " + e.Else.String())
	}
	b.WriteString(" END")
	return b.String()
}

// Children implements Expr: conditions and results alternate, then Else.
func (e *Case) Children() []Expr {
	out := make([]Expr, 0, 2*len(e.Whens)+1)
	for _, w := range e.Whens {
		out = append(out, w.Cond, w.Then)
	}
	if e.Else != nil {
		out = append(out, e.Else)
	}
	return out
}

// WithChildren implements Expr.
func (e *Case) WithChildren(ch []Expr) Expr {
	n := &Case{T: e.T, Whens: make([]When, len(e.Whens))}
	for i := range e.Whens {
		n.Whens[i] = When{Cond: ch[2*i], Then: ch[2*i+1]}
	}
	if e.Else != nil {
		n.Else = ch[len(ch)-1]
	}
	return n
}

// Coalesce returns its first non-NULL argument, evaluating lazily.
type Coalesce struct {
	Args []Expr
	T    types.T
}

// Type implements Expr.
func (e *Coalesce) Type() types.T { return e.T }

// Eval implements Expr.
func (e *Coalesce) Eval(c *Ctx, row types.Row) (types.Datum, error) {
	for _, a := range e.Args {
		v, err := a.Eval(c, row)
		if err != nil || !v.IsNull() {
			return v, err
		}
	}
	return types.NullDatum, nil
}

// String implements Expr.
func (e *Coalesce) String() string { return "COALESCE" + joinArgs(e.Args, ", ") }

// Children implements Expr.
func (e *Coalesce) Children() []Expr { return e.Args }

// WithChildren implements Expr.
func (e *Coalesce) WithChildren(ch []Expr) Expr { return &Coalesce{Args: ch, T: e.T} }

// NullIf returns NULL when A = B, else A.
type NullIf struct {
	A, B Expr
	Eq   *Call // the resolved equality; its Args are unused placeholders
}

// Type implements Expr.
func (e *NullIf) Type() types.T { return e.A.Type() }

// Eval implements Expr.
func (e *NullIf) Eval(c *Ctx, row types.Row) (types.Datum, error) {
	a, err := e.A.Eval(c, row)
	if err != nil || a.IsNull() {
		return a, err
	}
	b, err := e.B.Eval(c, row)
	if err != nil || b.IsNull() {
		return a, err
	}
	eq, err := e.Eq.Fn.Fn(c.Eval, []types.Datum{a, b})
	if err != nil {
		return eq, err
	}
	if !eq.IsNull() && eq.Bool() {
		return types.NullDatum, nil
	}
	return a, nil
}

// String implements Expr.
func (e *NullIf) String() string { return "NULLIF(" + e.A.String() + ", " + e.B.String() + ")" }

// Children implements Expr.
func (e *NullIf) Children() []Expr { return []Expr{e.A, e.B} }

// WithChildren implements Expr.
func (e *NullIf) WithChildren(ch []Expr) Expr { return &NullIf{A: ch[0], B: ch[1], Eq: e.Eq} }

// InList is X IN (list...) (NOT IN when Negate), with SQL NULL rules: true
// if some element equals X; else NULL if X or some element is NULL; else false.
type InList struct {
	X      Expr
	List   []Expr
	Eq     *Call // resolved equality over X's and the elements' common type
	Negate bool
}

// Type implements Expr.
func (e *InList) Type() types.T { return types.Bool }

// Eval implements Expr.
func (e *InList) Eval(c *Ctx, row types.Row) (types.Datum, error) {
	x, err := e.X.Eval(c, row)
	if err != nil {
		return x, err
	}
	sawNull := x.IsNull()
	if !sawNull {
		for _, el := range e.List {
			v, err := el.Eval(c, row)
			if err != nil {
				return v, err
			}
			if v.IsNull() {
				sawNull = true
				continue
			}
			eq, err := e.Eq.Fn.Fn(c.Eval, []types.Datum{x, v})
			if err != nil {
				return eq, err
			}
			if eq.Bool() {
				return types.NewBool(!e.Negate), nil
			}
		}
	}
	if sawNull {
		return types.NullDatum, nil
	}
	return types.NewBool(e.Negate), nil
}

// String implements Expr.
func (e *InList) String() string {
	op := " IN "
	if e.Negate {
		op = " NOT IN "
	}
	return e.X.String() + op + joinArgs(e.List, ", ")
}

// Children implements Expr: X then the list.
func (e *InList) Children() []Expr { return append([]Expr{e.X}, e.List...) }

// WithChildren implements Expr.
func (e *InList) WithChildren(ch []Expr) Expr {
	return &InList{X: ch[0], List: ch[1:], Eq: e.Eq, Negate: e.Negate}
}

// ArrayCtor is ARRAY[e1, e2, ...].
type ArrayCtor struct {
	Elems []Expr
	T     types.T
}

// Type implements Expr.
func (e *ArrayCtor) Type() types.T { return e.T }

// Eval implements Expr.
func (e *ArrayCtor) Eval(c *Ctx, row types.Row) (types.Datum, error) {
	vals := make([]types.Datum, len(e.Elems))
	for i, el := range e.Elems {
		v, err := el.Eval(c, row)
		if err != nil {
			return v, err
		}
		vals[i] = v
	}
	return types.NewArray(*e.T.Elem, vals), nil
}

// String implements Expr.
func (e *ArrayCtor) String() string { return "ARRAY" + joinArgs(e.Elems, ", ") }

// Children implements Expr.
func (e *ArrayCtor) Children() []Expr { return e.Elems }

// WithChildren implements Expr.
func (e *ArrayCtor) WithChildren(ch []Expr) Expr { return &ArrayCtor{Elems: ch, T: e.T} }

// RowCtor is ROW(e1, e2, ...).
type RowCtor struct{ Fields []Expr }

// Type implements Expr.
func (e *RowCtor) Type() types.T { return types.Record }

// Eval implements Expr.
func (e *RowCtor) Eval(c *Ctx, row types.Row) (types.Datum, error) {
	vals := make([]types.Datum, len(e.Fields))
	for i, el := range e.Fields {
		v, err := el.Eval(c, row)
		if err != nil {
			return v, err
		}
		vals[i] = v
	}
	return types.NewRecord(vals), nil
}

// String implements Expr.
func (e *RowCtor) String() string { return "ROW" + joinArgs(e.Fields, ", ") }

// Children implements Expr.
func (e *RowCtor) Children() []Expr { return e.Fields }

// WithChildren implements Expr.
func (e *RowCtor) WithChildren(ch []Expr) Expr { return &RowCtor{Fields: ch} }

// Subscript is arr[idx] for a one-dimensional array whose lower bound is 1:
// NULL when either is NULL or idx is out of range, as in Postgres.
type Subscript struct {
	Arr, Idx Expr
}

// Type implements Expr.
func (e *Subscript) Type() types.T { return *e.Arr.Type().Elem }

// Eval implements Expr.
func (e *Subscript) Eval(c *Ctx, row types.Row) (types.Datum, error) {
	a, err := e.Arr.Eval(c, row)
	if err != nil || a.IsNull() {
		return types.NullDatum, err
	}
	i, err := e.Idx.Eval(c, row)
	if err != nil || i.IsNull() {
		return types.NullDatum, err
	}
	vals := a.Array().Vals
	k := i.Int()
	if k < 1 || k > int64(len(vals)) {
		return types.NullDatum, nil
	}
	return vals[k-1], nil
}

// String implements Expr.
func (e *Subscript) String() string { return e.Arr.String() + "[" + e.Idx.String() + "]" }

// Children implements Expr.
func (e *Subscript) Children() []Expr { return []Expr{e.Arr, e.Idx} }

// WithChildren implements Expr.
func (e *Subscript) WithChildren(ch []Expr) Expr { return &Subscript{Arr: ch[0], Idx: ch[1]} }

// FieldSelect is (row).field: field Idx of a row value; NULL for a NULL row.
type FieldSelect struct {
	X    Expr
	Idx  int
	T    types.T
	Name string
}

// Type implements Expr.
func (e *FieldSelect) Type() types.T { return e.T }

// Eval implements Expr.
func (e *FieldSelect) Eval(c *Ctx, row types.Row) (types.Datum, error) {
	v, err := e.X.Eval(c, row)
	if err != nil || v.IsNull() {
		return types.NullDatum, err
	}
	return v.Record()[e.Idx], nil
}

// String implements Expr.
func (e *FieldSelect) String() string { return "(" + e.X.String() + ")." + e.Name }

// Children implements Expr.
func (e *FieldSelect) Children() []Expr { return []Expr{e.X} }

// WithChildren implements Expr.
func (e *FieldSelect) WithChildren(ch []Expr) Expr {
	return &FieldSelect{X: ch[0], Idx: e.Idx, T: e.T, Name: e.Name}
}
