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
	fs = append(fs,
		extremum("greatest", 1),
		extremum("least", -1),
		countNulls("num_nulls", true),
		countNulls("num_nonnulls", false),
	)
	// (start, end-or-length) OVERLAPS (start, end-or-length).
	for _, t := range []types.T{types.Timestamp, types.TimestampTZ, types.Time} {
		for _, e1 := range []types.T{t, types.Interval} {
			for _, e2 := range []types.T{t, types.Interval} {
				vol := Immutable
				if t.Kind == types.KindTimestampTZ && (e1.Kind == types.KindInterval || e2.Kind == types.KindInterval) {
					vol = Stable
				}
				fs = append(fs, &Func{Name: "overlaps", Args: args(t, e1, t, e2), Ret: types.Bool, Vol: vol,
					Fn: func(ctx *EvalContext, v []types.Datum) (types.Datum, error) {
						end1, err := periodEnd(ctx, v[0], v[1])
						if err != nil {
							return types.NullDatum, err
						}
						end2, err := periodEnd(ctx, v[2], v[3])
						if err != nil {
							return types.NullDatum, err
						}
						return overlaps(v[0], end1, v[2], end2), nil
					}})
			}
		}
	}
	return fs
}

// extremum is GREATEST (sign 1) or LEAST (sign -1): NULLs are ignored, and
// the result is NULL only when every argument is. The binder casts the
// arguments to their common type first.
func extremum(name string, sign int) *Func {
	return &Func{Name: name, Args: args(AnyCompatible), Variadic: true, Ret: AnyCompatible, Vol: Immutable,
		Fn: func(_ *EvalContext, v []types.Datum) (types.Datum, error) {
			best := types.NullDatum
			for _, d := range v {
				if d.IsNull() {
					continue
				}
				if best.IsNull() || sign*compareDatums(d, best) > 0 {
					best = d
				}
			}
			return best, nil
		}}
}

// countNulls is num_nulls / num_nonnulls: how many arguments are (not)
// NULL.
func countNulls(name string, nulls bool) *Func {
	return &Func{Name: name, Args: args(Any), Variadic: true, Ret: types.Int4, Vol: Immutable,
		Fn: func(_ *EvalContext, v []types.Datum) (types.Datum, error) {
			n := 0
			for _, d := range v {
				if d.IsNull() == nulls {
					n++
				}
			}
			return types.NewInt4(int32(n)), nil
		}}
}

// periodEnd is the end of an OVERLAPS period: end itself, or start + end
// when end is an interval. NULL stays NULL.
func periodEnd(ctx *EvalContext, x, iv types.Datum) (types.Datum, error) {
	if iv.Kind() != types.KindInterval {
		return iv, nil
	}
	if x.IsNull() {
		return types.NullDatum, nil
	}
	switch x.Kind() {
	case types.KindTime:
		return timeAddInterval(x.Int(), iv, 1), nil
	case types.KindTimestampTZ:
		return timestampAddInterval(ctx.location(), x.Int(), iv, 1)
	}
	return timestampAddInterval(nil, x.Int(), iv, 1)
}

// overlaps is (s1, e1) OVERLAPS (s2, e2) with the SQL standard's NULL
// rules, as Postgres' overlaps_timestamp implements them.
func overlaps(s1, e1, s2, e2 types.Datum) types.Datum {
	if s1.IsNull() {
		if e1.IsNull() {
			return types.NullDatum
		}
		s1, e1 = e1, types.NullDatum
	} else if !e1.IsNull() && compareDatums(s1, e1) > 0 {
		s1, e1 = e1, s1
	}
	if s2.IsNull() {
		if e2.IsNull() {
			return types.NullDatum
		}
		s2, e2 = e2, types.NullDatum
	} else if !e2.IsNull() && compareDatums(s2, e2) > 0 {
		s2, e2 = e2, s2
	}
	switch c := compareDatums(s1, s2); {
	case c > 0:
		if e2.IsNull() {
			return types.NullDatum
		}
		if compareDatums(s1, e2) < 0 {
			return types.NewBool(true)
		}
		if e1.IsNull() {
			return types.NullDatum
		}
		return types.NewBool(false)
	case c < 0:
		if e1.IsNull() {
			return types.NullDatum
		}
		if compareDatums(s2, e1) < 0 {
			return types.NewBool(true)
		}
		if e2.IsNull() {
			return types.NullDatum
		}
		return types.NewBool(false)
	}
	if e1.IsNull() || e2.IsNull() {
		return types.NullDatum
	}
	return types.NewBool(true)
}

// compareDatums orders two non-NULL values of one type as Postgres' btree
// opclass does (types.Compare: char(n) ignores trailing spaces, jsonb uses
// the jsonb order, arrays compare element by element).
func compareDatums(x, y types.Datum) int { return types.Compare(x, y) }
