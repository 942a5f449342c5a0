package builtin

import (
	"strings"

	"github.com/freshetdb/freshet/sql/types"
)

// ProcReader is implemented by a CatalogReader that knows pg_proc: the
// regproc output function and pg_get_function_arguments / _result use it
// when the EvalContext's Catalog has it. It is separate from CatalogReader
// so that readers without functions need not implement it.
type ProcReader interface {
	// ProcName returns the name of the function with the OID.
	ProcName(oid uint32) (string, bool)
	// FunctionSignature returns the argument list and the result type of
	// a function as pg_get_function_arguments and pg_get_function_result
	// print them ("integer, text", "bigint").
	FunctionSignature(oid uint32) (args, result string, ok bool)
}

// procReader returns ctx's catalog as a ProcReader, or nil.
func (ctx *EvalContext) procReader() ProcReader {
	if ctx == nil || ctx.Catalog == nil {
		return nil
	}
	pr, _ := ctx.Catalog.(ProcReader)
	return pr
}

// catalogFuncs are the functions of catalog queries that the other groups
// lack: pg_get_function_arguments and pg_get_function_result (NULL for an
// unknown OID, as in Postgres), pg_tablespace_location (empty: the
// builtin tablespaces live in the data directory), and generate_subscripts, which drivers use
// to number the keys of pg_index.indkey (arrays are one-dimensional with
// lower bound 1, so dimension 1 gives 1..n and any other none).
func catalogFuncs() []*Func {
	signature := func(result bool) func(ctx *EvalContext, v []types.Datum) (types.Datum, error) {
		return func(ctx *EvalContext, v []types.Datum) (types.Datum, error) {
			pr := ctx.procReader()
			if pr == nil {
				return types.NullDatum, nil
			}
			args, ret, ok := pr.FunctionSignature(uint32(v[0].Int()))
			switch {
			case !ok:
				return types.NullDatum, nil
			case result:
				return types.NewText(ret), nil
			}
			return types.NewText(args), nil
		}
	}
	subscripts := func(_ *EvalContext, v []types.Datum, yield func([]types.Datum) error) error {
		n := len(v[0].Array().Vals)
		if v[1].Int() != 1 || n == 0 {
			return nil
		}
		reverse := len(v) > 2 && v[2].Bool()
		for i := 1; i <= n; i++ {
			sub := i
			if reverse {
				sub = n + 1 - i
			}
			if err := yield([]types.Datum{types.NewInt4(int32(sub))}); err != nil {
				return err
			}
		}
		return nil
	}
	return []*Func{
		{Name: "generate_subscripts", Args: args(AnyArray, types.Int4), Ret: types.Int4, Strict: true, SetFn: subscripts},
		{Name: "generate_subscripts", Args: args(AnyArray, types.Int4, types.Bool), Ret: types.Int4, Strict: true, SetFn: subscripts},
		{Name: "pg_tablespace_location", Args: args(types.OID), Ret: types.Text, Strict: true, Vol: Stable,
			Fn: func(*EvalContext, []types.Datum) (types.Datum, error) { return types.NewText(""), nil }},
		{Name: "pg_get_function_arguments", Args: args(types.OID), Ret: types.Text, Strict: true, Vol: Stable, Fn: signature(false)},
		{Name: "pg_get_function_result", Args: args(types.OID), Ret: types.Text, Strict: true, Vol: Stable, Fn: signature(true)},
	}
}

// indexColumnDef returns what pg_get_indexdef(index, col, ...) prints for
// key column col (from 1) of an index whose full definition is def
// ("CREATE UNIQUE INDEX t_pkey ON public.t USING btree (a, b)"): the
// column's entry of the parenthesized list, or "" when there is none.
func indexColumnDef(def string, col int) types.Datum {
	open, end := strings.LastIndex(def, " ("), strings.LastIndexByte(def, ')')
	if open < 0 || end < open {
		return types.NewText("")
	}
	var items []string
	inQuote, start := false, open+2
	for i := start; i < end; i++ {
		switch {
		case def[i] == '"':
			inQuote = !inQuote
		case def[i] == ',' && !inQuote:
			items = append(items, strings.TrimSpace(def[start:i]))
			start = i + 1
		}
	}
	items = append(items, strings.TrimSpace(def[start:end]))
	if col < 1 || col > len(items) {
		return types.NewText("")
	}
	return types.NewText(items[col-1])
}
