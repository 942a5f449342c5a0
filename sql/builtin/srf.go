package builtin

import (
	"strings"

	"github.com/freshetdb/freshet/sql/sqlerr"
	"github.com/freshetdb/freshet/sql/types"
)

// setFuncs are the set-returning functions: generate_series, unnest,
// string_to_table and the jsonb expanders.
func setFuncs() []*Func {
	series := func(t, step types.T) *Func {
		return &Func{Name: "generate_series", Args: []types.T{t, t, step}, Ret: t, Strict: true, SetFn: seriesFn(t, step)}
	}
	series2 := func(t types.T) *Func {
		return &Func{Name: "generate_series", Args: []types.T{t, t}, Ret: t, Strict: true, SetFn: func(ctx *EvalContext, a []types.Datum, yield func([]types.Datum) error) error {
			one := types.NewInt(t.Kind, 1)
			if t.Kind == types.KindNumeric {
				var err error
				if one, err = types.ParseText("1", types.Numeric, nil); err != nil {
					return err
				}
			}
			return seriesFn(t, t)(ctx, []types.Datum{a[0], a[1], one}, yield)
		}}
	}
	return []*Func{
		series2(types.Int4), series2(types.Int8), series2(types.Numeric),
		series(types.Int4, types.Int4), series(types.Int8, types.Int8), series(types.Numeric, types.Numeric),
		series(types.Timestamp, types.Interval), series(types.TimestampTZ, types.Interval),
		{Name: "unnest", Args: []types.T{AnyArray}, Ret: AnyElement, Strict: true, SetFn: func(_ *EvalContext, a []types.Datum, yield func([]types.Datum) error) error {
			for _, v := range a[0].Array().Vals {
				if err := yield([]types.Datum{v}); err != nil {
					return err
				}
			}
			return nil
		}},
		{Name: "string_to_table", Args: []types.T{types.Text, types.Text}, Ret: types.Text, SetFn: func(_ *EvalContext, a []types.Datum, yield func([]types.Datum) error) error {
			if a[0].IsNull() {
				return nil
			}
			if a[1].IsNull() {
				for _, r := range a[0].Str() {
					if err := yield([]types.Datum{types.NewText(string(r))}); err != nil {
						return err
					}
				}
				return nil
			}
			parts := []string{a[0].Str()}
			if a[1].Str() != "" {
				parts = strings.Split(a[0].Str(), a[1].Str())
			}
			for _, p := range parts {
				if err := yield([]types.Datum{types.NewText(p)}); err != nil {
					return err
				}
			}
			return nil
		}},
		{Name: "regexp_split_to_table", Args: []types.T{types.Text, types.Text}, Ret: types.Text, Strict: true, SetFn: splitToTable},
		{Name: "regexp_split_to_table", Args: []types.T{types.Text, types.Text, types.Text}, Ret: types.Text, Strict: true, SetFn: splitToTable},
		{Name: "jsonb_array_elements", Args: []types.T{types.JSONB}, Ret: types.JSONB, ColName: "value", Strict: true, SetFn: jsonElements(false)},
		{Name: "jsonb_array_elements_text", Args: []types.T{types.JSONB}, Ret: types.Text, ColName: "value", Strict: true, SetFn: jsonElements(true)},
		{Name: "jsonb_object_keys", Args: []types.T{types.JSONB}, Ret: types.Text, Strict: true, SetFn: func(_ *EvalContext, a []types.Datum, yield func([]types.Datum) error) error {
			v, err := parseJSON(a[0].Str())
			if err != nil {
				return err
			}
			if v.kind != jsonObject {
				return sqlerr.Newf(sqlerr.InvalidParameterValue, "cannot call jsonb_object_keys on %s", jsonKindArticle(v))
			}
			for _, k := range v.keys {
				if err := yield([]types.Datum{types.NewText(k)}); err != nil {
					return err
				}
			}
			return nil
		}},
		{Name: "_pg_expandarray", Args: []types.T{AnyArray}, Ret: AnyElement, Cols: []SetCol{{"x", AnyElement}, {"n", types.Int4}}, Strict: true,
			SetFn: func(_ *EvalContext, a []types.Datum, yield func([]types.Datum) error) error {
				for i, v := range a[0].Array().Vals {
					if err := yield([]types.Datum{v, types.NewInt4(int32(i + 1))}); err != nil {
						return err
					}
				}
				return nil
			}},
		{Name: "jsonb_each", Args: []types.T{types.JSONB}, Ret: types.Record, Cols: []SetCol{{"key", types.Text}, {"value", types.JSONB}}, Strict: true, SetFn: jsonEach(false)},
		// pg_options_to_table splits "name=value" options, as psql's \d of
		// a foreign table reads them.
		{Name: "pg_options_to_table", Args: []types.T{types.ArrayOf(types.Text)}, Ret: types.Record, Cols: []SetCol{{"option_name", types.Text}, {"option_value", types.Text}}, Strict: true,
			SetFn: func(_ *EvalContext, a []types.Datum, yield func([]types.Datum) error) error {
				for _, v := range a[0].Array().Vals {
					if v.IsNull() {
						continue
					}
					name, value, ok := strings.Cut(v.Str(), "=")
					val := types.NewText(value)
					if !ok {
						val = types.NullDatum
					}
					if err := yield([]types.Datum{types.NewText(name), val}); err != nil {
						return err
					}
				}
				return nil
			}},
		{Name: "jsonb_each_text", Args: []types.T{types.JSONB}, Ret: types.Record, Cols: []SetCol{{"key", types.Text}, {"value", types.Text}}, Strict: true, SetFn: jsonEach(true)},
	}
}

// seriesFn steps from start towards stop by step with the builtin "+".
func seriesFn(t, stepT types.T) func(*EvalContext, []types.Datum, func([]types.Datum) error) error {
	return func(ctx *EvalContext, a []types.Datum, yield func([]types.Datum) error) error {
		start, stop, step := a[0], a[1], a[2]
		if t.Kind == types.KindInt4 || t.Kind == types.KindInt8 {
			s, z, d := start.Int(), stop.Int(), step.Int()
			if d == 0 {
				return sqlerr.New(sqlerr.InvalidParameterValue, "step size cannot equal zero")
			}
			for v := s; (d > 0 && v <= z) || (d < 0 && v >= z); v += d {
				if err := yield([]types.Datum{types.NewInt(t.Kind, v)}); err != nil {
					return err
				}
				if (d > 0 && v > z-d) || (d < 0 && v < z-d) {
					break
				}
			}
			return nil
		}
		add, _, err := Resolve("+", []types.T{t, stepT})
		if err != nil {
			return err
		}
		zero := types.NewInterval(0, 0, 0)
		if stepT.Kind == types.KindNumeric {
			if zero, err = types.ParseText("0", types.Numeric, nil); err != nil {
				return err
			}
		}
		dir := types.Compare(step, zero)
		if dir == 0 {
			return sqlerr.New(sqlerr.InvalidParameterValue, "step size cannot equal zero")
		}
		for v := start; ; {
			c := types.Compare(v, stop)
			if (dir > 0 && c > 0) || (dir < 0 && c < 0) {
				return nil
			}
			if err := yield([]types.Datum{v}); err != nil {
				return err
			}
			if v, err = add.Fn(ctx, []types.Datum{v, step}); err != nil {
				return err
			}
		}
	}
}

func jsonElements(asText bool) func(*EvalContext, []types.Datum, func([]types.Datum) error) error {
	return func(_ *EvalContext, a []types.Datum, yield func([]types.Datum) error) error {
		v, err := parseJSON(a[0].Str())
		if err != nil {
			return err
		}
		if v.kind != jsonArray {
			if v.kind == jsonObject || !asText {
				return sqlerr.Newf(sqlerr.InvalidParameterValue, "cannot extract elements from %s", jsonKindArticle(v))
			}
			return sqlerr.New(sqlerr.InvalidParameterValue, "cannot extract elements from a scalar")
		}
		for _, e := range v.elems {
			if err := yield([]types.Datum{jsonOut(e, asText)}); err != nil {
				return err
			}
		}
		return nil
	}
}

func jsonEach(asText bool) func(*EvalContext, []types.Datum, func([]types.Datum) error) error {
	return func(_ *EvalContext, a []types.Datum, yield func([]types.Datum) error) error {
		v, err := parseJSON(a[0].Str())
		if err != nil {
			return err
		}
		if v.kind != jsonObject {
			return sqlerr.Newf(sqlerr.InvalidParameterValue, "cannot deconstruct %s as an object", jsonKindArticle(v))
		}
		for i, k := range v.keys {
			if err := yield([]types.Datum{types.NewText(k), jsonOut(v.vals[i], asText)}); err != nil {
				return err
			}
		}
		return nil
	}
}

// jsonOut renders one JSON value as jsonb, or as text (scalars unquoted,
// null as SQL NULL) for the *_text variants.
func jsonOut(v *jsonValue, asText bool) types.Datum {
	if !asText {
		return newJSONB(v)
	}
	if v.kind == jsonNull {
		return types.NullDatum
	}
	return jsonScalarText(v, v.jsonbText())
}

// jsonKindArticle names a JSON value's kind with its article ("an array").
func jsonKindArticle(v *jsonValue) string {
	switch v.kind {
	case jsonArray:
		return "an array"
	case jsonObject:
		return "an object"
	}
	return "a scalar"
}

// splitToTable is regexp_split_to_table: the pieces of splitToArray, one
// per row.
func splitToTable(ctx *EvalContext, a []types.Datum, yield func([]types.Datum) error) error {
	arr, err := splitToArray(ctx, a)
	if err != nil {
		return err
	}
	for _, v := range arr.Array().Vals {
		if err := yield([]types.Datum{v}); err != nil {
			return err
		}
	}
	return nil
}
