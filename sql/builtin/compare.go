package builtin

import "github.com/freshetdb/freshet/sql/types"

// comparisonOps are the six comparison operators and what each makes of a
// three-way comparison.
var comparisonOps = []struct {
	name string
	test func(c int) bool
}{
	{"=", func(c int) bool { return c == 0 }},
	{"<>", func(c int) bool { return c != 0 }},
	{"<", func(c int) bool { return c < 0 }},
	{"<=", func(c int) bool { return c <= 0 }},
	{">", func(c int) bool { return c > 0 }},
	{">=", func(c int) bool { return c >= 0 }},
}

// comparableTypes are the types with their own comparison operators.
// varchar compares as text, and the reg* types as oid, through implicit
// casts; mixed integer, float and date/time pairs go through the implicit
// casts to the wider type, which gives the results of Postgres' cross-type
// operators.
var comparableTypes = []types.T{
	types.Bool, types.Int2, types.Int4, types.Int8, types.Float4, types.Float8, types.Numeric,
	types.Text, types.BPChar, types.Name, types.Char, types.Bytea,
	types.Date, types.Time, types.Timestamp, types.TimestampTZ, types.Interval,
	types.JSONB, types.OID,
}

// compareFuncs are = <> < <= > >= for every comparable type and arrays.
func compareFuncs() []*Func {
	var fs []*Func
	for _, t := range comparableTypes {
		for _, op := range comparisonOps {
			test := op.test
			fs = append(fs, binop(op.name, t, t, types.Bool, func(x, y types.Datum) (types.Datum, error) {
				return types.NewBool(test(compareDatums(x, y))), nil
			}))
		}
	}
	for _, op := range comparisonOps {
		test := op.test
		fs = append(fs, binop(op.name, AnyArray, AnyArray, types.Bool, func(x, y types.Datum) (types.Datum, error) {
			return types.NewBool(test(compareDatums(x, y))), nil
		}))
	}
	return fs
}

// compareDatums orders two non-NULL values of one type as Postgres' btree
// opclass does (types.Compare: char(n) ignores trailing spaces, jsonb uses
// the jsonb order, arrays compare element by element).
func compareDatums(x, y types.Datum) int { return types.Compare(x, y) }
