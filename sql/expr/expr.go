package expr

import (
	"fmt"
	"strings"

	"github.com/freshetdb/freshet/sql/builtin"
	"github.com/freshetdb/freshet/sql/sqlerr"
	"github.com/freshetdb/freshet/sql/types"
)

// Expr is a typed scalar expression. Eval must not retain row.
type Expr interface {
	// Type returns the result type.
	Type() types.T
	// Eval computes the value for one input row.
	Eval(c *Ctx, row types.Row) (types.Datum, error)
	// String renders the expression for EXPLAIN and for structural equality.
	String() string
	// Children returns the direct sub-expressions.
	Children() []Expr
	// WithChildren returns a copy of the node with its children replaced
	// (same count and order as Children).
	WithChildren(ch []Expr) Expr
}

// Ctx is what evaluation needs beyond the row. One Ctx serves one statement
// execution on one goroutine.
type Ctx struct {
	Eval   *builtin.EvalContext
	Params []types.Datum
	// Outer holds the rows of enclosing queries, innermost last, while a
	// correlated subquery runs.
	Outer []types.Row
	// Subqueries runs subquery plans; nil when the expression has none.
	Subqueries SubqueryRunner
	// Interrupted, when set, returns an error once the statement has been
	// cancelled (57014); long loops call it every few thousand rows.
	Interrupted func() error
}

// CheckInterrupt returns the cancellation error of the statement, if any.
func (c *Ctx) CheckInterrupt() error {
	if c.Interrupted == nil {
		return nil
	}
	return c.Interrupted()
}

// SubqueryRunner executes the plan of a Subquery with the current Ctx
// (whose Outer already includes the row of the enclosing query) and calls
// yield for each result row until yield returns false.
type SubqueryRunner interface {
	Run(c *Ctx, q *Subquery, yield func(types.Row) (bool, error)) error
}

// Relation is the part of a plan node a Subquery needs to know; it is
// implemented by planner/plan nodes (expr cannot import them).
type Relation interface {
	// OutputTypes returns the types of the relation's columns.
	OutputTypes() []types.T
}

// ColRef reads column Idx of the input row.
type ColRef struct {
	Idx  int
	T    types.T
	Name string
}

// Type implements Expr.
func (e *ColRef) Type() types.T { return e.T }

// Eval implements Expr.
func (e *ColRef) Eval(_ *Ctx, row types.Row) (types.Datum, error) { return row[e.Idx], nil }

// String implements Expr.
func (e *ColRef) String() string { return fmt.Sprintf("#%d", e.Idx) }

// Children implements Expr.
func (e *ColRef) Children() []Expr { return nil }

// WithChildren implements Expr.
func (e *ColRef) WithChildren([]Expr) Expr { return e }

// OuterRef reads column Idx of the enclosing query Depth levels up
// (Depth 1 = the immediately enclosing query).
type OuterRef struct {
	Depth int
	Idx   int
	T     types.T
}

// Type implements Expr.
func (e *OuterRef) Type() types.T { return e.T }

// Eval implements Expr.
func (e *OuterRef) Eval(c *Ctx, _ types.Row) (types.Datum, error) {
	i := len(c.Outer) - e.Depth
	if i < 0 {
		return types.Datum{}, sqlerr.Internal("outer reference depth %d with %d outer rows", e.Depth, len(c.Outer))
	}
	return c.Outer[i][e.Idx], nil
}

// String implements Expr.
func (e *OuterRef) String() string { return fmt.Sprintf("outer(%d)#%d", e.Depth, e.Idx) }

// Children implements Expr.
func (e *OuterRef) Children() []Expr { return nil }

// WithChildren implements Expr.
func (e *OuterRef) WithChildren([]Expr) Expr { return e }

// Const is a constant.
type Const struct {
	V types.Datum
	T types.T
}

// Type implements Expr.
func (e *Const) Type() types.T { return e.T }

// Eval implements Expr.
func (e *Const) Eval(*Ctx, types.Row) (types.Datum, error) { return e.V, nil }

// String implements Expr.
func (e *Const) String() string {
	if e.V.IsNull() {
		return "NULL::" + e.T.String()
	}
	return "'" + string(types.FormatText(nil, e.V, e.T, nil)) + "'::" + e.T.String()
}

// Children implements Expr.
func (e *Const) Children() []Expr { return nil }

// WithChildren implements Expr.
func (e *Const) WithChildren([]Expr) Expr { return e }

// Param is statement parameter $Idx+1.
type Param struct {
	Idx int
	T   types.T
}

// Type implements Expr.
func (e *Param) Type() types.T { return e.T }

// Eval implements Expr.
func (e *Param) Eval(c *Ctx, _ types.Row) (types.Datum, error) {
	if e.Idx >= len(c.Params) {
		return types.Datum{}, sqlerr.Newf(sqlerr.UndefinedParameter, "there is no parameter $%d", e.Idx+1)
	}
	return c.Params[e.Idx], nil
}

// String implements Expr.
func (e *Param) String() string { return fmt.Sprintf("$%d", e.Idx+1) }

// Children implements Expr.
func (e *Param) Children() []Expr { return nil }

// WithChildren implements Expr.
func (e *Param) WithChildren([]Expr) Expr { return e }

// Call applies a resolved function or operator. Args already have the
// parameter types (the binder inserted casts).
type Call struct {
	Fn   *builtin.Func
	Args []Expr
	T    types.T
	// scratch holds argument values between calls; Call is evaluated by one
	// goroutine at a time (each execution builds its own plan instance).
	scratch []types.Datum
}

// NewCall returns a call node.
func NewCall(fn *builtin.Func, args []Expr, t types.T) *Call {
	return &Call{Fn: fn, Args: args, T: t}
}

// Type implements Expr.
func (e *Call) Type() types.T { return e.T }

// Eval implements Expr.
func (e *Call) Eval(c *Ctx, row types.Row) (types.Datum, error) {
	if cap(e.scratch) < len(e.Args) {
		e.scratch = make([]types.Datum, len(e.Args))
	}
	args := e.scratch[:len(e.Args)]
	for i, a := range e.Args {
		v, err := a.Eval(c, row)
		if err != nil {
			return types.Datum{}, err
		}
		if v.IsNull() && e.Fn.Strict {
			return types.Datum{}, nil
		}
		args[i] = v
	}
	return e.Fn.Fn(c.Eval, args)
}

// String implements Expr.
func (e *Call) String() string {
	parts := make([]string, len(e.Args))
	for i, a := range e.Args {
		parts[i] = a.String()
	}
	if isOperatorName(e.Fn.Name) {
		if len(parts) == 2 {
			return "(" + parts[0] + " " + e.Fn.Name + " " + parts[1] + ")"
		}
		return "(" + e.Fn.Name + " " + strings.Join(parts, ", ") + ")"
	}
	return e.Fn.Name + "(" + strings.Join(parts, ", ") + ")"
}

func isOperatorName(n string) bool {
	for _, r := range n {
		if r >= 'a' && r <= 'z' || r == '_' {
			return false
		}
	}
	return n != ""
}

// Children implements Expr.
func (e *Call) Children() []Expr { return e.Args }

// WithChildren implements Expr.
func (e *Call) WithChildren(ch []Expr) Expr { return &Call{Fn: e.Fn, Args: ch, T: e.T} }

// Cast converts X to type To. An explicit cast truncates strings to a
// varchar(n) / char(n) length; an Assignment cast (storing into a column)
// fails with 22001 instead, as Postgres does.
type Cast struct {
	X          Expr
	To         types.T
	Assignment bool
}

// Type implements Expr.
func (e *Cast) Type() types.T { return e.To }

// Eval implements Expr.
func (e *Cast) Eval(c *Ctx, row types.Row) (types.Datum, error) {
	v, err := e.X.Eval(c, row)
	if err != nil || v.IsNull() {
		return v, err
	}
	if e.Assignment {
		return builtin.AssignDatum(c.Eval, v, e.X.Type(), e.To)
	}
	return builtin.CastDatum(c.Eval, v, e.X.Type(), e.To)
}

// String implements Expr.
func (e *Cast) String() string { return e.X.String() + "::" + e.To.String() }

// Children implements Expr.
func (e *Cast) Children() []Expr { return []Expr{e.X} }

// WithChildren implements Expr.
func (e *Cast) WithChildren(ch []Expr) Expr {
	return &Cast{X: ch[0], To: e.To, Assignment: e.Assignment}
}
