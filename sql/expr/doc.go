// Package expr holds typed scalar expressions, as the binder produces them,
// and their evaluation over a row. Both the planner (constant folding) and
// the executor (operators) use it.
//
// Expressions refer to input columns by position (ColRef), to statement
// parameters (Param), and to columns of enclosing queries (OuterRef, for
// correlated subqueries). Functions and operators are *builtin.Func values
// resolved by the binder; boolean logic, CASE, COALESCE and NULLIF are
// nodes here because they are not strict.
//
// It imports sql/types, sql/sqlerr and sql/builtin; never the planner or executor.
package expr
