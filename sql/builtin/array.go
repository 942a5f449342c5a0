package builtin

import (
	"strconv"
	"strings"

	"github.com/freshetdb/freshet/sql/sqlerr"
	"github.com/freshetdb/freshet/sql/types"
)

// arrayFuncs are the functions and operators on one-dimensional arrays:
// array_length, cardinality, array_upper/lower/ndims/dims,
// array_to_string, string_to_array, array_position(s), array_append,
// array_prepend, array_cat, array_remove, array_replace, || and the
// containment operators @> <@ &&. Comparison operators are in compare.go.
func arrayFuncs() []*Func {
	i4, t := types.Int4, types.Text
	dimFn := func(name string, fn func(a *types.Array, dim int64) types.Datum) *Func {
		return binop(name, AnyArray, i4, i4, func(x, y types.Datum) (types.Datum, error) {
			a := x.Array()
			if len(a.Vals) == 0 || y.Int() != 1 {
				return types.NullDatum, nil
			}
			return fn(a, y.Int()), nil
		})
	}
	toString := func(ctx *EvalContext, v []types.Datum) (types.Datum, error) {
		if v[0].IsNull() || v[1].IsNull() {
			return types.NullDatum, nil
		}
		nullStr, hasNull := "", false
		if len(v) > 2 && !v[2].IsNull() {
			nullStr, hasNull = v[2].Str(), true
		}
		var parts []string
		for _, e := range v[0].Array().Vals {
			if e.IsNull() {
				if hasNull {
					parts = append(parts, nullStr)
				}
				continue
			}
			s, err := outputText(ctx, e)
			if err != nil {
				return types.NullDatum, err
			}
			parts = append(parts, s)
		}
		return types.NewText(strings.Join(parts, v[1].Str())), nil
	}
	toArray := func(_ *EvalContext, v []types.Datum) (types.Datum, error) {
		if v[0].IsNull() {
			return types.NullDatum, nil
		}
		var nullStr *string
		if len(v) > 2 && !v[2].IsNull() {
			s := v[2].Str()
			nullStr = &s
		}
		return stringToArray(v[0].Str(), v[1], nullStr), nil
	}
	position := func(_ *EvalContext, v []types.Datum) (types.Datum, error) {
		if v[0].IsNull() {
			return types.NullDatum, nil
		}
		start := int64(1)
		if len(v) > 2 {
			if v[2].IsNull() {
				return types.NullDatum, sqlerr.New(codeNullValueNotAllowed, "initial position must not be null")
			}
			start = v[2].Int()
		}
		vals := v[0].Array().Vals
		for i := max(start, 1) - 1; i < int64(len(vals)); i++ {
			if notDistinct(vals[i], v[1]) {
				return types.NewInt4(int32(i + 1)), nil
			}
		}
		return types.NullDatum, nil
	}
	return []*Func{
		dimFn("array_length", func(a *types.Array, _ int64) types.Datum { return types.NewInt4(int32(len(a.Vals))) }),
		dimFn("array_upper", func(a *types.Array, _ int64) types.Datum { return types.NewInt4(int32(len(a.Vals))) }),
		dimFn("array_lower", func(*types.Array, int64) types.Datum { return types.NewInt4(1) }),
		unop("cardinality", AnyArray, i4, func(x types.Datum) (types.Datum, error) {
			return types.NewInt4(int32(len(x.Array().Vals))), nil
		}),
		unop("array_ndims", AnyArray, i4, func(x types.Datum) (types.Datum, error) {
			if len(x.Array().Vals) == 0 {
				return types.NullDatum, nil
			}
			return types.NewInt4(1), nil
		}),
		unop("array_dims", AnyArray, t, func(x types.Datum) (types.Datum, error) {
			if len(x.Array().Vals) == 0 {
				return types.NullDatum, nil
			}
			return types.NewText("[1:" + strconv.Itoa(len(x.Array().Vals)) + "]"), nil
		}),
		{Name: "array_to_string", Args: args(AnyArray, t), Ret: t, Vol: Stable, Fn: toString},
		{Name: "array_to_string", Args: args(AnyArray, t, t), Ret: t, Vol: Stable, Fn: toString},
		{Name: "string_to_array", Args: args(t, t), Ret: types.ArrayOf(t), Vol: Immutable, Fn: toArray},
		{Name: "string_to_array", Args: args(t, t, t), Ret: types.ArrayOf(t), Vol: Immutable, Fn: toArray},
		{Name: "array_position", Args: args(AnyCompatibleArray, AnyCompatible), Ret: i4, Vol: Immutable, Fn: position},
		{Name: "array_position", Args: args(AnyCompatibleArray, AnyCompatible, i4), Ret: i4, Vol: Immutable, Fn: position},
		{Name: "array_positions", Args: args(AnyCompatibleArray, AnyCompatible), Ret: types.ArrayOf(i4), Vol: Immutable,
			Fn: func(_ *EvalContext, v []types.Datum) (types.Datum, error) {
				if v[0].IsNull() {
					return types.NullDatum, nil
				}
				out := []types.Datum{}
				for i, e := range v[0].Array().Vals {
					if notDistinct(e, v[1]) {
						out = append(out, types.NewInt4(int32(i+1)))
					}
				}
				return types.NewArray(types.Int4, out), nil
			}},
		{Name: "array_append", Args: args(AnyCompatibleArray, AnyCompatible), Ret: AnyCompatibleArray, Vol: Immutable, Fn: arrayAppend},
		{Name: "array_prepend", Args: args(AnyCompatible, AnyCompatibleArray), Ret: AnyCompatibleArray, Vol: Immutable, Fn: arrayPrepend},
		{Name: "array_cat", Args: args(AnyCompatibleArray, AnyCompatibleArray), Ret: AnyCompatibleArray, Vol: Immutable, Fn: arrayCat},
		{Name: "||", Args: args(AnyCompatibleArray, AnyCompatible), Ret: AnyCompatibleArray, Vol: Immutable, Fn: arrayAppend},
		{Name: "||", Args: args(AnyCompatible, AnyCompatibleArray), Ret: AnyCompatibleArray, Vol: Immutable, Fn: arrayPrepend},
		{Name: "||", Args: args(AnyCompatibleArray, AnyCompatibleArray), Ret: AnyCompatibleArray, Vol: Immutable, Fn: arrayCat},
		{Name: "array_remove", Args: args(AnyCompatibleArray, AnyCompatible), Ret: AnyCompatibleArray, Vol: Immutable,
			Fn: func(_ *EvalContext, v []types.Datum) (types.Datum, error) {
				if v[0].IsNull() {
					return types.NullDatum, nil
				}
				a := v[0].Array()
				out := []types.Datum{}
				for _, e := range a.Vals {
					if !notDistinct(e, v[1]) {
						out = append(out, e)
					}
				}
				return types.NewArray(a.Elem, out), nil
			}},
		{Name: "array_replace", Args: args(AnyCompatibleArray, AnyCompatible, AnyCompatible), Ret: AnyCompatibleArray, Vol: Immutable,
			Fn: func(_ *EvalContext, v []types.Datum) (types.Datum, error) {
				if v[0].IsNull() {
					return types.NullDatum, nil
				}
				a := v[0].Array()
				out := make([]types.Datum, len(a.Vals))
				for i, e := range a.Vals {
					if notDistinct(e, v[1]) {
						out[i] = v[2]
					} else {
						out[i] = e
					}
				}
				return types.NewArray(a.Elem, out), nil
			}},
		binop("@>", AnyArray, AnyArray, types.Bool, func(x, y types.Datum) (types.Datum, error) {
			return types.NewBool(arrayContains(x.Array(), y.Array())), nil
		}),
		binop("<@", AnyArray, AnyArray, types.Bool, func(x, y types.Datum) (types.Datum, error) {
			return types.NewBool(arrayContains(y.Array(), x.Array())), nil
		}),
		binop("&&", AnyArray, AnyArray, types.Bool, func(x, y types.Datum) (types.Datum, error) {
			for _, a := range x.Array().Vals {
				if a.IsNull() {
					continue
				}
				for _, b := range y.Array().Vals {
					if !b.IsNull() && compareDatums(a, b) == 0 {
						return types.NewBool(true), nil
					}
				}
			}
			return types.NewBool(false), nil
		}),
	}
}

// notDistinct is IS NOT DISTINCT FROM: NULLs are equal to each other.
func notDistinct(a, b types.Datum) bool {
	if a.IsNull() || b.IsNull() {
		return a.IsNull() && b.IsNull()
	}
	return compareDatums(a, b) == 0
}

// arrayContains reports whether every non-NULL element of b is in a (a
// NULL element of b is never contained).
func arrayContains(a, b *types.Array) bool {
	for _, y := range b.Vals {
		if y.IsNull() {
			return false
		}
		found := false
		for _, x := range a.Vals {
			if !x.IsNull() && compareDatums(x, y) == 0 {
				found = true
				break
			}
		}
		if !found {
			return false
		}
	}
	return true
}

func arrayAppend(_ *EvalContext, v []types.Datum) (types.Datum, error) {
	if v[0].IsNull() {
		return types.NewArray(datumType(v[1]), []types.Datum{v[1]}), nil
	}
	a := v[0].Array()
	out := append(append(make([]types.Datum, 0, len(a.Vals)+1), a.Vals...), v[1])
	return types.NewArray(a.Elem, out), nil
}

func arrayPrepend(_ *EvalContext, v []types.Datum) (types.Datum, error) {
	if v[1].IsNull() {
		return types.NewArray(datumType(v[0]), []types.Datum{v[0]}), nil
	}
	a := v[1].Array()
	out := append([]types.Datum{v[0]}, a.Vals...)
	return types.NewArray(a.Elem, out), nil
}

func arrayCat(_ *EvalContext, v []types.Datum) (types.Datum, error) {
	switch {
	case v[0].IsNull():
		return v[1], nil
	case v[1].IsNull():
		return v[0], nil
	}
	a, b := v[0].Array(), v[1].Array()
	out := append(append(make([]types.Datum, 0, len(a.Vals)+len(b.Vals)), a.Vals...), b.Vals...)
	return types.NewArray(a.Elem, out), nil
}

// stringToArray splits s at sep (NULL sep: into characters; empty sep:
// one element), turning elements equal to nullStr into NULL.
func stringToArray(s string, sep types.Datum, nullStr *string) types.Datum {
	var parts []string
	switch {
	case s == "":
		parts = nil
	case sep.IsNull():
		for _, r := range s {
			parts = append(parts, string(r))
		}
	case sep.Str() == "":
		parts = []string{s}
	default:
		parts = strings.Split(s, sep.Str())
	}
	out := make([]types.Datum, len(parts))
	for i, p := range parts {
		if nullStr != nil && p == *nullStr {
			out[i] = types.NullDatum
		} else {
			out[i] = types.NewText(p)
		}
	}
	return types.NewArray(types.Text, out)
}
