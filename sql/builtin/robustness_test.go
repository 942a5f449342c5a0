package builtin

import (
	"fmt"
	"math"
	"testing"

	"github.com/cockroachdb/apd/v3"
	"github.com/freshetdb/freshet/sql/types"
)

// sampleValues are awkward values of each type: extremes, infinities, NaN,
// empty strings and arrays, NULL elements.
func sampleValues(t types.T) []types.Datum {
	dec := func(s string) types.Datum {
		d, _, _ := apd.NewFromString(s)
		return types.NewNumeric(d)
	}
	switch t.Kind {
	case types.KindBool:
		return []types.Datum{types.NewBool(true), types.NewBool(false)}
	case types.KindInt2:
		return []types.Datum{types.NewInt(t.Kind, 0), types.NewInt(t.Kind, -1), types.NewInt(t.Kind, math.MinInt16), types.NewInt(t.Kind, math.MaxInt16)}
	case types.KindInt4:
		return []types.Datum{types.NewInt4(0), types.NewInt4(-1), types.NewInt4(2), types.NewInt4(math.MinInt32), types.NewInt4(math.MaxInt32)}
	case types.KindInt8:
		return []types.Datum{types.NewInt8(0), types.NewInt8(-7), types.NewInt8(math.MinInt64), types.NewInt8(math.MaxInt64)}
	case types.KindFloat4, types.KindFloat8:
		return []types.Datum{types.NewFloat(t.Kind, 0), types.NewFloat(t.Kind, -2.5), types.NewFloat(t.Kind, math.NaN()),
			types.NewFloat(t.Kind, math.Inf(1)), types.NewFloat(t.Kind, math.Inf(-1)), types.NewFloat(t.Kind, 1e300)}
	case types.KindNumeric:
		return []types.Datum{dec("0"), dec("-1.5"), dec("NaN"), dec("Infinity"), dec("-Infinity"), dec("1e100"), dec("0.000001")}
	case types.KindText, types.KindVarchar, types.KindBPChar, types.KindName, types.KindChar:
		return []types.Datum{types.NewString(t.Kind, ""), types.NewString(t.Kind, "a%_\\"), types.NewString(t.Kind, "héllo wörld"),
			types.NewString(t.Kind, "("), types.NewString(t.Kind, "%"), types.NewString(t.Kind, "year"), types.NewString(t.Kind, "2020-01-02")}
	case types.KindBytea:
		return []types.Datum{types.NewBytea(nil), types.NewBytea([]byte{0, 0xff, '\\'})}
	case types.KindDate:
		return []types.Datum{types.NewDate(0), types.NewDate(types.DateInfinity), types.NewDate(types.DateNegInfinity), types.NewDate(minDate)}
	case types.KindTime:
		return []types.Datum{types.NewTime(0), types.NewTime(usPerDay - 1)}
	case types.KindTimestamp, types.KindTimestampTZ:
		return []types.Datum{types.NewTimestamp(t.Kind, 0), types.NewTimestamp(t.Kind, types.TimestampInfinity),
			types.NewTimestamp(t.Kind, types.TimestampNegInfinity), types.NewTimestamp(t.Kind, minTimestamp), types.NewTimestamp(t.Kind, math.MaxInt64-1)}
	case types.KindInterval:
		return []types.Datum{types.NewInterval(0, 0, 0), types.NewInterval(math.MaxInt32, math.MinInt32, math.MaxInt64), types.NewInterval(-1, 40, -usPerDay)}
	case types.KindJSONB, types.KindJSON:
		var out []types.Datum
		for _, s := range []string{`{}`, `[]`, `"x"`, `null`, `1.5`, `{"a": [1, {"b": null}], "c": "d"}`} {
			out = append(out, types.NewString(t.Kind, s))
		}
		return out
	case types.KindOID, types.KindRegClass, types.KindRegType, types.KindRegProc, types.KindRegNamespace:
		return []types.Datum{types.NewInt(t.Kind, 0), types.NewInt(t.Kind, 23), types.NewInt(t.Kind, math.MaxUint32)}
	case types.KindArray:
		elems := sampleValues(*t.Elem)
		return []types.Datum{types.NewArray(*t.Elem, nil), types.NewArray(*t.Elem, append(elems[:len(elems):len(elems)], types.NullDatum))}
	}
	return nil
}

// concrete picks a real type for a parameter: int4 for the element
// pseudo-types, text for "any".
func concrete(p types.T) types.T {
	switch p.Kind {
	case KindAny:
		return types.Text
	case KindAnyElement, KindAnyNonArray, KindAnyCompatible, KindAnyCompatibleNonArray:
		return types.Int4
	case KindAnyArray, KindAnyCompatibleArray:
		return types.ArrayOf(types.Int4)
	}
	return p
}

// TestNoPanics calls every function on combinations of awkward values and
// NULL: it may fail, but only with an error carrying a SQLSTATE.
func TestNoPanics(t *testing.T) {
	ctx := sessionCtx(t)
	for _, name := range Names() {
		for _, f := range Lookup(name) {
			if f.Fn == nil {
				continue
			}
			params := make([]types.T, len(f.Args))
			for i, p := range f.Args {
				params[i] = concrete(p)
			}
			vals := make([][]types.Datum, len(params))
			for i, p := range params {
				vals[i] = append(sampleValues(p), types.NullDatum)
			}
			// Walk the combinations, capped so wide functions stay quick.
			idx := make([]int, len(params))
			for n := 0; n < 400; n++ {
				call := make([]types.Datum, len(params))
				for i := range params {
					call[i] = vals[i][idx[i]]
				}
				evalNoPanic(t, ctx, f, call)
				i := 0
				for ; i < len(idx); i++ {
					idx[i]++
					if idx[i] < len(vals[i]) {
						break
					}
					idx[i] = 0
				}
				if i == len(idx) {
					break
				}
			}
		}
	}
}

func evalNoPanic(t *testing.T, ctx *EvalContext, f *Func, call []types.Datum) {
	defer func() {
		if r := recover(); r != nil {
			t.Errorf("%s panicked on %v: %v", signature(f.Name, f.Args), fmt.Sprint(call), r)
		}
	}()
	d, err := f.Eval(ctx, call)
	if err == nil && !d.IsNull() {
		_ = types.FormatText(nil, d, datumType(d), ctx.format())
	}
}
