package expr

import (
	"github.com/freshetdb/freshet/sql/sqlerr"
	"github.com/freshetdb/freshet/sql/types"
)

// SubqueryKind says how a Subquery's rows become a value.
type SubqueryKind uint8

// Subquery kinds.
const (
	// SubScalar is (SELECT x ...): the single value of at most one row,
	// NULL for no row, error 21000 for more than one.
	SubScalar SubqueryKind = iota
	// SubExists is EXISTS (SELECT ...).
	SubExists
	// SubAny is X op ANY (SELECT ...); IN is = ANY.
	SubAny
	// SubAll is X op ALL (SELECT ...).
	SubAll
	// SubArray is ARRAY(SELECT ...).
	SubArray
)

// Subquery is a query used as an expression. Plan is a planner/plan node;
// Correlated is true when the plan reads OuterRefs to the enclosing query,
// in which case it runs once per enclosing row, otherwise once per execution.
type Subquery struct {
	Kind       SubqueryKind
	Plan       Relation
	X          Expr  // left operand of ANY / ALL
	Op         *Call // comparison of ANY / ALL, evaluated as Op.Fn(x, y)
	T          types.T
	Correlated bool
}

// Type implements Expr.
func (e *Subquery) Type() types.T { return e.T }

// String implements Expr.
func (e *Subquery) String() string {
	switch e.Kind {
	case SubExists:
		return "EXISTS(subquery)"
	case SubAny:
		return e.X.String() + " " + e.Op.Fn.Name + " ANY(subquery)"
	case SubAll:
		return e.X.String() + " " + e.Op.Fn.Name + " ALL(subquery)"
	case SubArray:
		return "ARRAY(subquery)"
	}
	return "(subquery)"
}

// Children implements Expr.
func (e *Subquery) Children() []Expr {
	if e.X != nil {
		return []Expr{e.X}
	}
	return nil
}

// WithChildren implements Expr.
func (e *Subquery) WithChildren(ch []Expr) Expr {
	cp := *e
	if len(ch) > 0 {
		cp.X = ch[0]
	}
	return &cp
}

// Eval implements Expr.
func (e *Subquery) Eval(c *Ctx, row types.Row) (types.Datum, error) {
	if c.Subqueries == nil {
		return types.Datum{}, sqlerr.Internal("subquery evaluated without a runner")
	}
	var x types.Datum
	if e.X != nil {
		var err error
		if x, err = e.X.Eval(c, row); err != nil {
			return x, err
		}
	}
	if e.Kind == SubAny && !e.Correlated && e.Op.Fn.Name == "=" && e.X.Type().SameKind(e.Plan.OutputTypes()[0]) {
		if sr, ok := c.Subqueries.(SetRunner); ok {
			set, err := sr.ValueSet(c, e)
			if err != nil {
				return types.Datum{}, err
			}
			return set.Any(x), nil
		}
	}
	c.Outer = append(c.Outer, row)
	defer func() { c.Outer = c.Outer[:len(c.Outer)-1] }()
	switch e.Kind {
	case SubExists:
		found := false
		err := c.Subqueries.Run(c, e, func(types.Row) (bool, error) { found = true; return false, nil })
		return types.NewBool(found), err
	case SubScalar:
		var out types.Datum
		n := 0
		err := c.Subqueries.Run(c, e, func(r types.Row) (bool, error) {
			n++
			if n > 1 {
				return false, sqlerr.New(sqlerr.CardinalityViolation, "more than one row returned by a subquery used as an expression")
			}
			out = r[0]
			return true, nil
		})
		return out, err
	case SubArray:
		var vals []types.Datum
		err := c.Subqueries.Run(c, e, func(r types.Row) (bool, error) { vals = append(vals, r[0]); return true, nil })
		if err != nil {
			return types.Datum{}, err
		}
		return types.NewArray(*e.T.Elem, vals), nil
	}
	// ANY: true if some comparison is true; else NULL if any was NULL; else false.
	// ALL: false if some comparison is false; else NULL if any was NULL; else true.
	any := e.Kind == SubAny
	sawNull, decided := false, false
	err := c.Subqueries.Run(c, e, func(r types.Row) (bool, error) {
		y := r[0]
		if x.IsNull() || y.IsNull() {
			sawNull = true
			return true, nil
		}
		v, err := e.Op.Fn.Fn(c.Eval, []types.Datum{x, y})
		if err != nil {
			return false, err
		}
		if v.IsNull() {
			sawNull = true
			return true, nil
		}
		if v.Bool() == any {
			decided = true
			return false, nil
		}
		return true, nil
	})
	switch {
	case err != nil:
		return types.Datum{}, err
	case decided:
		return types.NewBool(any), nil
	case sawNull:
		return types.NullDatum, nil
	}
	return types.NewBool(!any), nil
}

// AnyArray is X op ANY(array) or X op ALL(array), with the same NULL rules
// as the subquery forms.
type AnyArray struct {
	X, Arr Expr
	Op     *Call
	All    bool
}

// Type implements Expr.
func (e *AnyArray) Type() types.T { return types.Bool }

// Eval implements Expr.
func (e *AnyArray) Eval(c *Ctx, row types.Row) (types.Datum, error) {
	x, err := e.X.Eval(c, row)
	if err != nil {
		return x, err
	}
	a, err := e.Arr.Eval(c, row)
	if err != nil || a.IsNull() {
		return types.NullDatum, err
	}
	vals := a.Array().Vals
	if len(vals) == 0 {
		return types.NewBool(e.All), nil
	}
	sawNull := false
	for _, y := range vals {
		if x.IsNull() || y.IsNull() {
			sawNull = true
			continue
		}
		v, err := e.Op.Fn.Fn(c.Eval, []types.Datum{x, y})
		if err != nil {
			return v, err
		}
		if v.IsNull() {
			sawNull = true
		} else if v.Bool() != e.All {
			return types.NewBool(!e.All), nil
		}
	}
	if sawNull {
		return types.NullDatum, nil
	}
	return types.NewBool(e.All), nil
}

// String implements Expr.
func (e *AnyArray) String() string {
	q := " ANY("
	if e.All {
		q = " ALL("
	}
	return e.X.String() + " " + e.Op.Fn.Name + q + e.Arr.String() + ")"
}

// Children implements Expr.
func (e *AnyArray) Children() []Expr { return []Expr{e.X, e.Arr} }

// WithChildren implements Expr.
func (e *AnyArray) WithChildren(ch []Expr) Expr {
	return &AnyArray{X: ch[0], Arr: ch[1], Op: e.Op, All: e.All}
}
