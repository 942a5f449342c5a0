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
// Set-returning functions (generate_series, unnest, ...) are registered here
// with a SetFn instead of an Fn, and the executor drives them. Aggregates and
// window functions are not here: the executor owns them. Nor are AND, OR,
// NOT, CASE, COALESCE and NULLIF, which the binder and executor handle as
// expressions; GREATEST and LEAST are here, called after the binder has cast
// their arguments to the common type (CommonType).
//
// Float8 functions aim at Postgres' bits, not just close values: sin, cos,
// tan, atan, atan2, asin, acos, exp, ln and pow are computed in big.Float
// and rounded once, which is what glibc returns in all but rare cases
// (libm.go), and cbrt and log10 follow glibc's own algorithms. Numeric results carry
// Postgres' display scales (numeric.go: 1::numeric/3 has 20 digits).
//
// Every function is a *Func in a table returned by one function per file
// (compareFuncs, arithFuncs, ...); registry.go concatenates them once at
// init, and the registry is immutable afterwards, so it is safe for
// concurrent use.
// Functions get the session and catalog only through EvalContext.
//
// This package imports sql/types and sql/sqlerr (and the standard library and
// apd); it must not import the binder, planner, executor or catalog.
package builtin
