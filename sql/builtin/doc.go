// Package builtin is Freshet's registry of scalar functions, operators and
// casts: their signatures, their implementations over types.Datum, and the
// Postgres rules that pick one overload for a call.
//
// The binder calls Resolve for a function call f(args) or an operator a + b
// and inserts casts to the argument types Resolve returns; the executor then
// calls Func.Eval on Datums. FindCast and CastDatum are the cast table
// (pg_cast) and its implementation; casts to and from text are the types'
// text output and input functions (types.FormatText and types.ParseText), as
// in Postgres.
//
// Aggregates, window functions and set-returning functions are not here: the
// executor owns them. Nor are AND, OR, NOT, CASE, COALESCE and NULLIF, which
// the binder and executor handle as expressions.
//
// Every function is a *Func in a table returned by one function per file
// (compareFuncs, arithFuncs, ...); registry.go concatenates them once, and the
// registry is immutable afterwards, so it is safe for concurrent use.
// Functions get the session and catalog only through EvalContext.
//
// This package imports sql/types and sql/sqlerr (and the standard library and
// apd); it must not import the binder, planner, executor or catalog.
package builtin
