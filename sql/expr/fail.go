package expr

import (
	"github.com/freshetdb/freshet/sql/sqlerr"
	"github.com/freshetdb/freshet/sql/types"
)

// Fail is an expression whose evaluation fails with Err, of type T: what a
// rewritten plan evaluates where the original would have raised an error,
// such as a decorrelated scalar subquery that finds more than one row.
// It is never constant, so it is evaluated only where the plan reaches it
// (a CASE branch).
type Fail struct {
	Err *sqlerr.Error
	T   types.T
}

// Type implements Expr.
func (e *Fail) Type() types.T { return e.T }

// Eval implements Expr.
func (e *Fail) Eval(*Ctx, types.Row) (types.Datum, error) {
	err := *e.Err
	return types.NullDatum, &err
}

// String implements Expr.
func (e *Fail) String() string { return "error(" + string(e.Err.Code) + ")" }

// Children implements Expr.
func (e *Fail) Children() []Expr { return nil }

// WithChildren implements Expr.
func (e *Fail) WithChildren([]Expr) Expr { return e }
