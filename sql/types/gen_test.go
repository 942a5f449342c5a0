package types

import (
	"math"
	"strconv"
	"strings"
	"testing"

	"github.com/cockroachdb/apd/v3"
	"pgregory.net/rapid"
)

// Generators of random values for property tests: for each test type a
// generator of Datums of that type, NULL included, with the edge values
// (infinities, NaN, -0, extreme dates, empty strings, NUL bytes) drawn often.

// propertyTypes are the types the property tests cover.
var propertyTypes = []T{
	Bool, Int2, Int4, Int8, Float4, Float8, Numeric, Text, Varchar, {Kind: KindBPChar, Mod: 4}, BPChar, Name, Char,
	Bytea, Date, Time, Timestamp, TimestampTZ, Interval, JSONB, JSON, OID, RegClass,
	ArrayOf(Int4), ArrayOf(Text), ArrayOf(Numeric), ArrayOf(Float8), ArrayOf(ArrayOf(Int8)), Record,
}

func genType() *rapid.Generator[T] { return rapid.SampledFrom(propertyTypes) }

// genDatum returns a generator of values of type t (NULL one time in ten).
func genDatum(t T) *rapid.Generator[Datum] {
	return rapid.Custom(func(rt *rapid.T) Datum {
		if rapid.IntRange(0, 9).Draw(rt, "null") == 0 {
			return Datum{}
		}
		return genNonNull(rt, t, 0)
	})
}

func genNonNull(rt *rapid.T, t T, depth int) Datum {
	switch t.Kind {
	case KindBool:
		return NewBool(rapid.Bool().Draw(rt, "bool"))
	case KindInt2:
		return NewInt(KindInt2, int64(rapid.Int16().Draw(rt, "i2")))
	case KindInt4:
		return NewInt(KindInt4, int64(rapid.Int32().Draw(rt, "i4")))
	case KindInt8:
		return NewInt(KindInt8, rapid.Int64().Draw(rt, "i8"))
	case KindOID, KindRegClass:
		return NewInt(t.Kind, int64(rapid.Uint32().Draw(rt, "oid")))
	case KindFloat4, KindFloat8:
		v := rapid.OneOf(
			rapid.Float64(),
			rapid.SampledFrom([]float64{0, math.Copysign(0, -1), math.Inf(1), math.Inf(-1), math.NaN(), 1, -1, 0.1, 1e300, 5e-324}),
		).Draw(rt, "float")
		return NewFloat(t.Kind, v)
	case KindNumeric:
		return genNumeric(rt)
	case KindText, KindVarchar, KindJSON:
		if t.Kind == KindJSON {
			return NewString(KindJSON, genJSONText(rt, 0))
		}
		return NewString(t.Kind, rapid.OneOf(rapid.String(), rapid.SampledFrom([]string{"", "a", "a\x00", "a\x00b", "ab", "\xff", " "})).Draw(rt, "s"))
	case KindBPChar:
		s := rapid.StringMatching(`[a-c ]{0,4}`).Draw(rt, "bpchar")
		if t.Mod > 0 {
			d, _ := parseBoundedString(s, t)
			return d
		}
		return NewString(KindBPChar, strings.TrimRight(s, " "))
	case KindName:
		return NewString(KindName, truncateName(rapid.String().Draw(rt, "name")))
	case KindChar:
		return NewString(KindChar, string([]byte{rapid.Byte().Draw(rt, "char")}))
	case KindBytea:
		return NewBytea(rapid.SliceOf(rapid.Byte()).Draw(rt, "bytea"))
	case KindDate:
		return NewDate(int32(rapid.OneOf(
			rapid.Int64Range(minDateDays, maxDateDays),
			rapid.Int64Range(-1000, 1000),
			rapid.SampledFrom([]int64{DateInfinity, DateNegInfinity, minDateDays, maxDateDays}),
		).Draw(rt, "date")))
	case KindTime:
		return NewTime(rapid.Int64Range(0, microsPerDay).Draw(rt, "time"))
	case KindTimestamp, KindTimestampTZ:
		return NewTimestamp(t.Kind, rapid.OneOf(
			rapid.Int64Range(minTimestampUnix, maxTimestampUnix),
			rapid.Int64Range(-1e15, 1e15),
			rapid.SampledFrom([]int64{TimestampInfinity, TimestampNegInfinity, minTimestampUnix, 0}),
		).Draw(rt, "ts"))
	case KindInterval:
		return NewInterval(
			rapid.Int32Range(-1e6, 1e6).Draw(rt, "months"),
			rapid.OneOf(rapid.Int32Range(-100, 100), rapid.Int32()).Draw(rt, "days"),
			rapid.OneOf(rapid.Int64Range(-1e12, 1e12), rapid.Int64Range(-1e17, 1e17)).Draw(rt, "micros"))
	case KindJSONB:
		d, err := parseJSONB(genJSONText(rt, 0))
		if err != nil {
			rt.Fatalf("generated bad json: %v", err)
		}
		return d
	case KindArray:
		n := rapid.IntRange(0, 4).Draw(rt, "len")
		vals := make([]Datum, n)
		for i := range vals {
			if depth < 2 && rapid.IntRange(0, 7).Draw(rt, "elemnull") != 0 {
				vals[i] = genNonNull(rt, *t.Elem, depth+1)
			}
		}
		return NewArray(*t.Elem, vals)
	case KindRecord:
		// A record's field types are fixed per test run by the caller; here
		// (int4, text, numeric) with NULLs.
		return NewRecord([]Datum{
			genDatum(Int4).Draw(rt, "f1"),
			genDatum(Text).Draw(rt, "f2"),
			genDatum(Numeric).Draw(rt, "f3"),
		})
	}
	rt.Fatalf("no generator for %s", t)
	return Datum{}
}

func genNumeric(rt *rapid.T) Datum {
	switch rapid.IntRange(0, 9).Draw(rt, "numclass") {
	case 0:
		return NewNumeric(&apd.Decimal{Form: apd.NaN})
	case 1:
		return NewNumeric(&apd.Decimal{Form: apd.Infinite, Negative: rapid.Bool().Draw(rt, "neg")})
	}
	digits := rapid.StringMatching(`[0-9]{1,40}`).Draw(rt, "digits")
	scale := rapid.IntRange(0, 30).Draw(rt, "scale")
	s := digits
	if scale > 0 {
		if len(s) <= scale {
			s = strings.Repeat("0", scale-len(s)+1) + s
		}
		s = s[:len(s)-scale] + "." + s[len(s)-scale:]
	}
	if rapid.Bool().Draw(rt, "neg") {
		s = "-" + s
	}
	d, err := NewNumericFromString(s)
	if err != nil {
		rt.Fatalf("numeric %q: %v", s, err)
	}
	return d
}

// genJSONText returns random JSON text.
func genJSONText(rt *rapid.T, depth int) string {
	kind := rapid.IntRange(0, 5).Draw(rt, "jkind")
	if depth >= 3 {
		kind %= 4
	}
	switch kind {
	case 0:
		return "null"
	case 1:
		return string(appendJSONString(nil, rapid.StringMatching(`[a-c\x01"\\é]{0,4}`).Draw(rt, "jstr")))
	case 2:
		return rapid.SampledFrom([]string{"0", "1", "1.0", "1.50", "-2", "1e2", "0.001", "-0", "12345678901234567890"}).Draw(rt, "jnum")
	case 3:
		return rapid.SampledFrom([]string{"true", "false"}).Draw(rt, "jbool")
	case 4:
		n := rapid.IntRange(0, 3).Draw(rt, "jlen")
		parts := make([]string, n)
		for i := range parts {
			parts[i] = genJSONText(rt, depth+1)
		}
		return "[" + strings.Join(parts, ",") + "]"
	}
	n := rapid.IntRange(0, 3).Draw(rt, "jpairs")
	parts := make([]string, n)
	for i := range parts {
		parts[i] = strconv.Quote(rapid.StringMatching(`[a-c]{0,3}`).Draw(rt, "jkey")) + ":" + genJSONText(rt, depth+1)
	}
	return "{" + strings.Join(parts, ",") + "}"
}

// forEachType runs f as a subtest for each of propertyTypes.
func forEachType(t *testing.T, f func(t *testing.T, typ T)) {
	for _, typ := range propertyTypes {
		t.Run(typ.String(), func(t *testing.T) { f(t, typ) })
	}
}
