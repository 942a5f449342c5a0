package builtin

import (
	"testing"

	"github.com/freshetdb/freshet/sql/types"
)

// procCatalog adds pg_proc knowledge to fakeCatalog: function 42 is
// int4in(cstring) returning integer.
type procCatalog struct{ fakeCatalog }

func (procCatalog) ProcName(oid uint32) (string, bool) { return "int4in", oid == 42 }

func (procCatalog) FunctionSignature(oid uint32) (string, string, bool) {
	return "cstring", "integer", oid == 42
}

func (procCatalog) Definition(class string, oid uint32) (string, bool) {
	if class == "pg_index" && oid == 7 {
		return `CREATE UNIQUE INDEX t_pkey ON public.t USING btree (id, "A, b")`, true
	}
	return "", false
}

// callFunc resolves and calls a scalar function.
func callFunc(t *testing.T, ctx *EvalContext, name string, argTypes []types.T, vals ...types.Datum) types.Datum {
	t.Helper()
	f, _, err := Resolve(name, argTypes)
	if err != nil {
		t.Fatal(err)
	}
	d, err := f.Eval(ctx, vals)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func TestCatalogFuncs(t *testing.T) {
	ctx := &EvalContext{Catalog: procCatalog{}}
	oid := func(n int64) types.Datum { return types.NewInt(types.KindOID, n) }
	o := []types.T{types.OID}
	for _, tc := range []struct {
		got  types.Datum
		want string
	}{
		{callFunc(t, ctx, "pg_get_function_arguments", o, oid(42)), "cstring"},
		{callFunc(t, ctx, "pg_get_function_result", o, oid(42)), "integer"},
		{callFunc(t, ctx, "pg_tablespace_location", o, oid(1663)), ""},
		{types.NewText(regOut(ctx, types.NewInt(types.KindRegProc, 42), types.KindRegProc)), "int4in"},
		{types.NewText(regOut(ctx, types.NewInt(types.KindRegProc, 43), types.KindRegProc)), "43"},
		{callFunc(t, ctx, "pg_get_indexdef", []types.T{types.OID, types.Int4, types.Bool}, oid(7), types.NewInt4(2), types.NewBool(true)), `"A, b"`},
		{callFunc(t, ctx, "pg_get_indexdef", []types.T{types.OID, types.Int4, types.Bool}, oid(7), types.NewInt4(0), types.NewBool(true)),
			`CREATE UNIQUE INDEX t_pkey ON public.t USING btree (id, "A, b")`},
		{callFunc(t, ctx, "format_type", []types.T{types.OID, types.Int4}, oid(1700), types.NewInt4((12<<16|0x7fe)+4)), "numeric(12,-2)"},
	} {
		if tc.got.IsNull() || tc.got.Str() != tc.want {
			t.Errorf("got %v, want %q", tc.got, tc.want)
		}
	}
	if d := callFunc(t, &EvalContext{Catalog: fakeCatalog{}}, "pg_get_function_result", o, oid(42)); !d.IsNull() {
		t.Errorf("without a ProcReader: %v", d)
	}
	if d := callFunc(t, ctx, "pg_get_function_result", o, oid(1)); !d.IsNull() {
		t.Errorf("unknown function: %v", d)
	}
}

func TestGenerateSubscripts(t *testing.T) {
	arr := types.NewArray(types.Int2, []types.Datum{types.NewInt(types.KindInt2, 3), types.NewInt(types.KindInt2, 1), types.NewInt(types.KindInt2, 2)})
	for _, tc := range []struct {
		args []types.Datum
		want []int64
	}{
		{[]types.Datum{arr, types.NewInt4(1)}, []int64{1, 2, 3}},
		{[]types.Datum{arr, types.NewInt4(1), types.NewBool(true)}, []int64{3, 2, 1}},
		{[]types.Datum{arr, types.NewInt4(2)}, nil},
	} {
		argTypes := []types.T{types.ArrayOf(types.Int2), types.Int4, types.Bool}[:len(tc.args)]
		f, _, err := Resolve("generate_subscripts", argTypes)
		if err != nil {
			t.Fatal(err)
		}
		var got []int64
		if err := f.SetFn(nil, tc.args, func(row []types.Datum) error {
			got = append(got, row[0].Int())
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		if len(got) != len(tc.want) {
			t.Errorf("generate_subscripts%v = %v, want %v", tc.args, got, tc.want)
			continue
		}
		for i := range got {
			if got[i] != tc.want[i] {
				t.Errorf("generate_subscripts%v = %v, want %v", tc.args, got, tc.want)
			}
		}
	}
}
