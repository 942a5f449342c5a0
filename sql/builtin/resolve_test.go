package builtin

import (
	"testing"

	"github.com/freshetdb/freshet/sql/sqlerr"
	"github.com/freshetdb/freshet/sql/types"
)

// TestResolve checks overload resolution against what PostgreSQL 15 picks
// (the chosen parameter types and result type, confirmed with pg_typeof and
// error messages on a real server).
func TestResolve(t *testing.T) {
	u := types.Unknown
	i2, i4, i8, f8, n, tx := types.Int2, types.Int4, types.Int8, types.Float8, types.Numeric, types.Text
	vc := types.T{Kind: types.KindVarchar, Mod: 10}
	ia := types.ArrayOf(i4)
	tests := []struct {
		name    string
		args    []types.T
		targets []types.T // nil when an error is expected
		ret     types.T
		code    sqlerr.Code
		msg     string
		hint    string
	}{
		// Exact matches.
		{name: "+", args: []types.T{i4, i4}, targets: []types.T{i4, i4}, ret: i4},
		{name: "length", args: []types.T{tx}, targets: []types.T{tx}, ret: i4},
		{name: "pi", args: nil, targets: []types.T{}, ret: f8},
		// A binary operator with one unknown side takes the other side's type.
		{name: "+", args: []types.T{i4, u}, targets: []types.T{i4, i4}, ret: i4},
		{name: "=", args: []types.T{u, types.Date}, targets: []types.T{types.Date, types.Date}, ret: types.Bool},
		// Implicit casts, with the most exact matches winning.
		{name: "+", args: []types.T{i2, i4}, targets: []types.T{i4, i4}, ret: i4},
		{name: "=", args: []types.T{i4, i8}, targets: []types.T{i8, i8}, ret: types.Bool},
		{name: "+", args: []types.T{i4, n}, targets: []types.T{n, n}, ret: n},
		{name: "*", args: []types.T{i4, f8}, targets: []types.T{f8, f8}, ret: f8},
		{name: "=", args: []types.T{types.Date, types.Timestamp}, targets: []types.T{types.Timestamp, types.Timestamp}, ret: types.Bool},
		{name: "=", args: []types.T{types.Timestamp, types.TimestampTZ}, targets: []types.T{types.TimestampTZ, types.TimestampTZ}, ret: types.Bool},
		{name: "=", args: []types.T{types.OID, i4}, targets: []types.T{types.OID, types.OID}, ret: types.Bool},
		// Preferred types: varchar = varchar compares as text, typmod kept
		// where no cast is needed.
		{name: "=", args: []types.T{vc, vc}, targets: []types.T{tx, tx}, ret: types.Bool},
		{name: "length", args: []types.T{vc}, targets: []types.T{tx}, ret: i4},
		{name: "round", args: []types.T{i4}, targets: []types.T{f8}, ret: f8},
		{name: "exp", args: []types.T{i8}, targets: []types.T{f8}, ret: f8},
		// Unknown literals: the string category wins, then preferred types.
		{name: "length", args: []types.T{u}, targets: []types.T{tx}, ret: i4},
		{name: "=", args: []types.T{u, u}, targets: []types.T{tx, tx}, ret: types.Bool},
		{name: "||", args: []types.T{u, u}, targets: []types.T{tx, tx}, ret: tx},
		{name: "->", args: []types.T{types.JSONB, u}, targets: []types.T{types.JSONB, tx}, ret: types.JSONB},
		{name: "date_trunc", args: []types.T{u, types.Timestamp}, targets: []types.T{tx, types.Timestamp}, ret: types.Timestamp},
		{name: "substr", args: []types.T{u, i4}, targets: []types.T{tx, i4}, ret: tx},
		// Polymorphic parameters.
		{name: "||", args: []types.T{u, i4}, targets: []types.T{tx, i4}, ret: tx},
		{name: "||", args: []types.T{i4, tx}, targets: []types.T{i4, tx}, ret: tx},
		{name: "||", args: []types.T{ia, i4}, targets: []types.T{ia, i4}, ret: ia},
		{name: "||", args: []types.T{ia, n}, targets: []types.T{types.ArrayOf(n), n}, ret: types.ArrayOf(n)},
		{name: "array_length", args: []types.T{ia, i4}, targets: []types.T{ia, i4}, ret: i4},
		{name: "to_jsonb", args: []types.T{i4}, targets: []types.T{i4}, ret: types.JSONB},
		{name: "concat", args: []types.T{u, i4, types.Bool}, targets: []types.T{tx, i4, types.Bool}, ret: tx},
		{name: "jsonb_build_object", args: []types.T{u, i4}, targets: []types.T{tx, i4}, ret: types.JSONB},
		{name: "array_position", args: []types.T{ia, i8}, targets: []types.T{types.ArrayOf(i8), i8}, ret: i4},
		// Not found and ambiguous.
		{name: "+", args: []types.T{i4, tx}, code: sqlerr.UndefinedFunction, msg: "operator does not exist: integer + text",
			hint: "No operator matches the given name and argument types. You might need to add explicit type casts."},
		{name: "-", args: []types.T{tx}, code: sqlerr.UndefinedFunction, msg: "operator does not exist: - text",
			hint: "No operator matches the given name and argument type. You might need to add an explicit type cast."},
		{name: "length", args: []types.T{i4}, code: sqlerr.UndefinedFunction, msg: "function length(integer) does not exist",
			hint: "No function matches the given name and argument types. You might need to add explicit type casts."},
		{name: "foo", args: []types.T{i4, tx}, code: sqlerr.UndefinedFunction, msg: "function foo(integer, text) does not exist"},
		{name: "length", args: []types.T{vc, vc}, code: sqlerr.UndefinedFunction, msg: "function length(character varying, character varying) does not exist"},
		{name: "+", args: []types.T{u, u}, code: sqlerr.AmbiguousFunction, msg: "operator is not unique: unknown + unknown",
			hint: "Could not choose a best candidate operator. You might need to add explicit type casts."},
		{name: "abs", args: []types.T{u}, targets: []types.T{f8}, ret: f8},
		{name: "date_part", args: []types.T{u, u}, code: sqlerr.AmbiguousFunction, msg: "function date_part(unknown, unknown) is not unique",
			hint: "Could not choose a best candidate function. You might need to add explicit type casts."},
		{name: "to_jsonb", args: []types.T{u}, code: sqlerr.DatatypeMismatch, msg: "could not determine polymorphic type because input has type unknown"},
		{name: "=", args: []types.T{ia, types.ArrayOf(i8)}, code: sqlerr.UndefinedFunction, msg: "operator does not exist: integer[] = bigint[]"},
	}
	for _, tc := range tests {
		f, targets, err := Resolve(tc.name, tc.args)
		label := signature(tc.name, tc.args)
		if tc.targets == nil {
			e := sqlerr.As(err)
			if e == nil {
				t.Errorf("%s: resolved to %v, want error %s", label, targets, tc.code)
				continue
			}
			if e.Code != tc.code || e.Message != tc.msg || tc.hint != "" && e.Hint != tc.hint {
				t.Errorf("%s: got %s %q (hint %q), want %s %q (hint %q)", label, e.Code, e.Message, e.Hint, tc.code, tc.msg, tc.hint)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: %v", label, err)
			continue
		}
		if len(targets) != len(tc.targets) {
			t.Errorf("%s: targets %v, want %v", label, targets, tc.targets)
			continue
		}
		for i := range targets {
			want := tc.targets[i]
			if i < len(tc.args) && sameType(tc.args[i], want) {
				want = tc.args[i]
			}
			if !targets[i].Equal(want) {
				t.Errorf("%s: argument %d cast to %s, want %s", label, i+1, targets[i], want)
			}
		}
		if got := f.ResultType(targets); !got.Equal(tc.ret) {
			t.Errorf("%s: returns %s, want %s", label, got, tc.ret)
		}
	}
}

// TestCommonType checks the UNION/CASE/GREATEST type rules.
func TestCommonType(t *testing.T) {
	tests := []struct {
		in   []types.T
		want types.T
		msg  string
	}{
		{in: []types.T{types.Int4, types.Numeric}, want: types.Numeric},
		{in: []types.T{types.Int8, types.Int4, types.Int2}, want: types.Int8},
		{in: []types.T{types.Unknown, types.Int4}, want: types.Int4},
		{in: []types.T{types.Unknown, types.Unknown}, want: types.Text},
		{in: []types.T{types.Float4, types.Numeric}, want: types.Float4},
		{in: []types.T{types.Date, types.TimestampTZ}, want: types.TimestampTZ},
		{in: []types.T{types.Varchar, types.Text}, want: types.Varchar},
		{in: []types.T{types.Text, types.Varchar}, want: types.Text},
		{in: []types.T{types.Int4, types.Text}, msg: "CASE types integer and text cannot be matched"},
	}
	for _, tc := range tests {
		got, err := CommonType("CASE", tc.in)
		if tc.msg != "" {
			if err == nil || err.Error() != tc.msg {
				t.Errorf("%v: got %v, %v; want error %q", tc.in, got, err, tc.msg)
			}
			continue
		}
		if err != nil || !got.Equal(tc.want) {
			t.Errorf("%v: got %v, %v; want %v", tc.in, got, err, tc.want)
		}
	}
}
