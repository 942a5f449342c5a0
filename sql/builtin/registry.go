package builtin

import (
	"math/rand"
	"time"

	"github.com/freshetdb/freshet/sql/types"
)

// Volatility is pg_proc.provolatile: whether a function may be folded at
// plan time (Immutable), within a statement (Stable), or never (Volatile).
type Volatility uint8

// The volatilities.
const (
	Immutable Volatility = iota
	Stable
	Volatile
)

// String returns the pg_proc.provolatile letter: "i", "s" or "v".
func (v Volatility) String() string {
	switch v {
	case Immutable:
		return "i"
	case Stable:
		return "s"
	}
	return "v"
}

// EvalContext is what a function may see of the world beyond its arguments.
// The executor fills one per statement; functions only read it (except Rand,
// whose state random() advances). A nil pointer field means "not available":
// functions that need it fall back to a documented default.
type EvalContext struct {
	// Format carries the session TimeZone and extra_float_digits for text
	// conversions and zone-dependent arithmetic; nil means UTC and the
	// default extra_float_digits (1).
	Format *types.FormatContext
	// TxnTimestamp is the transaction start in microseconds since 1970 UTC:
	// now(), current_timestamp, transaction_timestamp, current_date.
	TxnTimestamp int64
	// StmtTimestamp is the statement start in microseconds since 1970 UTC:
	// statement_timestamp().
	StmtTimestamp int64
	// Clock returns the current wall time for clock_timestamp() and
	// timeofday(); nil means time.Now.
	Clock func() time.Time
	// Rand is the source of random(); never a global one. nil makes random()
	// fail with an internal error.
	Rand *rand.Rand
	// Cache keeps compiled regular expressions and loaded time zones
	// across the rows of a statement; nil rebuilds them on every call.
	Cache *EvalCache
	// Catalog answers the catalog functions (format_type of user types,
	// regclass input and output, pg_get_*def ...); may be nil.
	Catalog CatalogReader
	// Session answers current_setting, current_user and friends; may be nil.
	Session SessionReader
	// ServerVersion is Freshet's own version, shown by version().
	ServerVersion string
	// BackendPID is the session's pg_backend_pid().
	BackendPID int32
	// XactID is the current transaction's id for txid_current() and
	// pg_current_xact_id().
	XactID int64
	// StartTime is the server start in microseconds since 1970 UTC:
	// pg_postmaster_start_time().
	StartTime int64
}

// CatalogReader is the read-only view of the catalog that the system
// functions need. Object names it returns are already quoted and qualified
// the way Postgres prints them (regclass output is "public.t" only when t is
// not visible on the search path). Implementations must be safe to call from
// the goroutine that evaluates the expression.
type CatalogReader interface {
	// TypeName returns the name of a non-builtin type (an enum, a domain).
	TypeName(oid uint32) (string, bool)
	// LookupType returns the OID of a type named schema.name (schema ""
	// means the search path) that is not one of the builtin types.
	LookupType(schema, name string) (uint32, bool)
	// RelationName returns the regclass output of a relation.
	RelationName(oid uint32) (string, bool)
	// LookupRelation returns the OID of relation schema.name (schema ""
	// means the search path).
	LookupRelation(schema, name string) (uint32, bool)
	// NamespaceName returns the name of a schema.
	NamespaceName(oid uint32) (string, bool)
	// LookupNamespace returns the OID of a schema.
	LookupNamespace(name string) (uint32, bool)
	// RoleName returns the name of a role.
	RoleName(oid uint32) (string, bool)
	// IsVisible reports whether the object with oid in the system catalog
	// class ("pg_class", "pg_type" or "pg_proc") is visible on the search
	// path; exists is false when there is no such object.
	IsVisible(class string, oid uint32) (visible, exists bool)
	// Description returns the comment on an object: class is the system
	// catalog holding it ("pg_class", "pg_namespace", "pg_database" ...),
	// sub the column number for columns and 0 otherwise.
	Description(class string, oid uint32, sub int32) (string, bool)
	// Definition returns the SQL text of an object for pg_get_viewdef
	// (class "pg_class"), pg_get_indexdef ("pg_index") and
	// pg_get_constraintdef ("pg_constraint").
	Definition(class string, oid uint32) (string, bool)
}

// SessionReader is the session state that functions read (and, for
// set_config, change). Implementations belong to the session's goroutine.
type SessionReader interface {
	// CurrentSetting returns a configuration parameter as SHOW prints it;
	// ok is false for an unknown parameter.
	CurrentSetting(name string) (value string, ok bool)
	// SetConfig sets a parameter as SET (isLocal: SET LOCAL) does and
	// returns its new value as SHOW prints it.
	SetConfig(name, value string, isLocal bool) (string, error)
	// CurrentUser returns the role name of current_user and session_user.
	CurrentUser() string
	// CurrentDatabase returns the database the session is connected to.
	CurrentDatabase() string
	// CurrentSchema returns the first existing schema on the search path,
	// or "" when there is none (current_schema is then NULL).
	CurrentSchema() string
	// SearchPath returns the existing schemas of the search path in order,
	// without the implicit pg_catalog.
	SearchPath() []string
}

// Func is one builtin function or operator overload. A Func is immutable
// and shared: never modify one returned by Lookup or Resolve.
type Func struct {
	// Name is the lower-case function name; operators use their symbol
	// ("+", "||", "~~", "->").
	Name string
	// Args are the parameter types; only Kind matters (and Elem for
	// arrays). Pseudo-types (Any, AnyElement, AnyArray, ...) accept
	// families of types.
	Args []types.T
	// Variadic says the last Arg repeats one or more times.
	Variadic bool
	// Ret is the result type; a pseudo-type is resolved from the arguments
	// by ResultType.
	Ret types.T
	// RetFn, when non-nil, computes the result type from the resolved
	// argument types instead of Ret.
	RetFn func(args []types.T) types.T
	// Strict means a NULL argument gives a NULL result without calling Fn.
	Strict bool
	// Vol is the function's volatility.
	Vol Volatility
	// Fn computes the result. Arguments have the types Resolve returned.
	// Errors are *sqlerr.Error with the Postgres SQLSTATE.
	Fn func(ctx *EvalContext, args []types.Datum) (types.Datum, error)
	// SetFn, when non-nil, makes the function set-returning (generate_series,
	// unnest, ...): it calls yield once per output row, whose values match
	// SetColumns. Fn is nil then; such a function is used in FROM or as a
	// select-list item, never inside a scalar expression call.
	SetFn func(ctx *EvalContext, args []types.Datum, yield func(row []types.Datum) error) error
	// Cols names the output columns of a set-returning function with more
	// than one; a single-column one has the column Ret named ColName (or the
	// function's name when empty).
	Cols    []SetCol
	ColName string
}

// SetCol is one output column of a multi-column set-returning function.
type SetCol struct {
	Name string
	T    types.T
}

// SetColumns returns the output columns of a set-returning function whose
// arguments resolved to args.
func (f *Func) SetColumns(args []types.T) []SetCol {
	if len(f.Cols) > 0 {
		out := make([]SetCol, len(f.Cols))
		for i, c := range f.Cols {
			out[i] = c
			if isPseudo(c.T) {
				out[i].T = f.ResultType(args)
			}
		}
		return out
	}
	name := f.ColName
	if name == "" {
		name = f.Name
	}
	return []SetCol{{Name: name, T: f.ResultType(args)}}
}

// Eval calls f on args, returning NULL without calling Fn when f is strict
// and an argument is NULL.
func (f *Func) Eval(ctx *EvalContext, args []types.Datum) (types.Datum, error) {
	if f.Strict {
		for _, a := range args {
			if a.IsNull() {
				return types.NullDatum, nil
			}
		}
	}
	return f.Fn(ctx, args)
}

// IsOperator reports whether f is an operator (its name is a symbol).
func (f *Func) IsOperator() bool { return isOperatorName(f.Name) }

// ResultType returns the type f returns for the resolved argument types
// (the types Resolve returned): RetFn's answer, or Ret with pseudo-types
// replaced by the types the arguments bound them to.
func (f *Func) ResultType(args []types.T) types.T {
	if f.RetFn != nil {
		return f.RetFn(args)
	}
	if !isPseudo(f.Ret) {
		return f.Ret
	}
	ps, _ := f.params(len(args))
	b := bindPolymorphic(ps, args)
	return b.resolve(f.Ret)
}

// params returns the parameter types of f expanded to n arguments (the
// variadic parameter repeated); ok is false when f does not take n
// arguments.
func (f *Func) params(n int) (ps []types.T, ok bool) {
	if !f.Variadic {
		return f.Args, n == len(f.Args)
	}
	fixed := len(f.Args) - 1
	if n < len(f.Args) {
		return nil, false
	}
	out := make([]types.T, n)
	copy(out, f.Args[:fixed])
	for i := fixed; i < n; i++ {
		out[i] = f.Args[fixed]
	}
	return out, true
}

// registry maps a function or operator name to its overloads. It is built
// once by init and never changed afterwards. (An init function rather than
// an initializer, because some functions resolve others through Resolve
// when called, which the initialization order would count as a cycle.)
var registry map[string][]*Func

func init() { registry = buildRegistry() }

func buildRegistry() map[string][]*Func {
	groups := [][]*Func{
		compareFuncs(), arithFuncs(), datetimeArithFuncs(), textFuncs(), likeFuncs(),
		regexFuncs(), mathFuncs(), datetimeFuncs(), toCharFuncs(), jsonbFuncs(),
		arrayFuncs(), systemFuncs(), byteaFuncs(), setFuncs(), catalogFuncs(), floatMixedFuncs(),
	}
	m := make(map[string][]*Func)
	for _, g := range groups {
		for _, f := range g {
			m[f.Name] = append(m[f.Name], f)
		}
	}
	return m
}

// Lookup returns the overloads registered under name (lower-case), or nil.
// The slice and the Funcs are shared: callers must not modify them.
func Lookup(name string) []*Func { return registry[name] }

// Names returns every registered function and operator name, in no
// particular order.
func Names() []string {
	out := make([]string, 0, len(registry))
	for n := range registry {
		out = append(out, n)
	}
	return out
}

// Pseudo-type kinds. They appear only in Func.Args and Func.Ret, never in a
// value or a resolved type; their numbers are far above the real kinds.
const (
	// KindAny is Postgres' "any": any type, passed as is (unknown as text).
	KindAny types.Kind = 200 + iota
	// KindAnyElement is anyelement: any type, equal across the call.
	KindAnyElement
	// KindAnyNonArray is anynonarray: like anyelement but not an array.
	KindAnyNonArray
	// KindAnyArray is anyarray: an array whose element is the anyelement type.
	KindAnyArray
	// KindAnyCompatible is anycompatible: the arguments' common type.
	KindAnyCompatible
	// KindAnyCompatibleArray is anycompatiblearray: an array of the
	// anycompatible type.
	KindAnyCompatibleArray
	// KindAnyCompatibleNonArray is anycompatiblenonarray.
	KindAnyCompatibleNonArray
)

// Pseudo-types for Func.Args and Func.Ret.
var (
	Any                   = types.T{Kind: KindAny, Mod: -1}
	AnyElement            = types.T{Kind: KindAnyElement, Mod: -1}
	AnyNonArray           = types.T{Kind: KindAnyNonArray, Mod: -1}
	AnyArray              = types.T{Kind: KindAnyArray, Mod: -1}
	AnyCompatible         = types.T{Kind: KindAnyCompatible, Mod: -1}
	AnyCompatibleArray    = types.T{Kind: KindAnyCompatibleArray, Mod: -1}
	AnyCompatibleNonArray = types.T{Kind: KindAnyCompatibleNonArray, Mod: -1}
)

func isPseudo(t types.T) bool { return t.Kind >= KindAny && t.Kind <= KindAnyCompatibleNonArray }

// args is shorthand for a parameter list in the registration tables.
func args(ts ...types.T) []types.T { return ts }

// format returns the text-conversion settings, defaulting to UTC.
func (ctx *EvalContext) format() *types.FormatContext {
	if ctx == nil || ctx.Format == nil {
		return &types.FormatContext{Location: time.UTC, ExtraFloatDigits: 1}
	}
	return ctx.Format
}

// location returns the session time zone, defaulting to UTC.
func (ctx *EvalContext) location() *time.Location {
	if f := ctx.format(); f.Location != nil {
		return f.Location
	}
	return time.UTC
}

// strict returns a strict, immutable Func.
func strict(name string, ret types.T, params []types.T, fn func(*EvalContext, []types.Datum) (types.Datum, error)) *Func {
	return &Func{Name: name, Args: params, Ret: ret, Strict: true, Vol: Immutable, Fn: fn}
}

// binop returns a strict, immutable binary operator or function.
func binop(name string, a, b, ret types.T, fn func(x, y types.Datum) (types.Datum, error)) *Func {
	return strict(name, ret, args(a, b), func(_ *EvalContext, v []types.Datum) (types.Datum, error) { return fn(v[0], v[1]) })
}

// unop returns a strict, immutable unary operator or function.
func unop(name string, a, ret types.T, fn func(x types.Datum) (types.Datum, error)) *Func {
	return strict(name, ret, args(a), func(_ *EvalContext, v []types.Datum) (types.Datum, error) { return fn(v[0]) })
}
