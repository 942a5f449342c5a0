package builtin

import (
	"math"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/cockroachdb/apd/v3"
	"github.com/freshetdb/freshet/sql/sqlerr"
	"github.com/freshetdb/freshet/sql/types"
)

// CastContext is pg_cast.castcontext: where a cast may be applied without
// being written.
type CastContext uint8

// The cast contexts, from most to least permissive.
const (
	// CastImplicit casts apply anywhere, also to pick overloads.
	CastImplicit CastContext = iota
	// CastAssignment casts apply when storing into a column (INSERT,
	// UPDATE) and when written explicitly.
	CastAssignment
	// CastExplicit casts apply only when written: CAST(x AS t), x::t.
	CastExplicit
)

// String returns the pg_cast.castcontext letter: "i", "a" or "e".
func (c CastContext) String() string {
	switch c {
	case CastImplicit:
		return "i"
	case CastAssignment:
		return "a"
	}
	return "e"
}

type kindPair struct{ from, to types.Kind }

// castTable is pg_cast for the builtin kinds, except the casts between a
// kind and itself, to and from unknown, and the automatic I/O conversions
// to and from string types, which FindCast handles by rule.
var castTable = func() map[kindPair]CastContext {
	const (
		i = CastImplicit
		a = CastAssignment
		e = CastExplicit
	)
	m := map[kindPair]CastContext{}
	add := func(from types.Kind, ctx CastContext, tos ...types.Kind) {
		for _, to := range tos {
			m[kindPair{from, to}] = ctx
		}
	}
	oidKinds := []types.Kind{types.KindOID, types.KindRegClass, types.KindRegType, types.KindRegProc, types.KindRegNamespace}
	add(types.KindBool, a, types.KindBPChar, types.KindText, types.KindVarchar)
	add(types.KindBool, e, types.KindInt4)
	add(types.KindBPChar, i, types.KindName, types.KindText, types.KindVarchar)
	add(types.KindBPChar, a, types.KindChar)
	add(types.KindChar, i, types.KindText)
	add(types.KindChar, a, types.KindBPChar, types.KindVarchar)
	add(types.KindChar, e, types.KindInt4)
	add(types.KindDate, i, types.KindTimestamp, types.KindTimestampTZ)
	add(types.KindFloat4, i, types.KindFloat8)
	add(types.KindFloat4, a, types.KindInt2, types.KindInt4, types.KindInt8, types.KindNumeric)
	add(types.KindFloat8, a, types.KindFloat4, types.KindInt2, types.KindInt4, types.KindInt8, types.KindNumeric)
	add(types.KindInt2, i, types.KindFloat4, types.KindFloat8, types.KindInt4, types.KindInt8, types.KindNumeric)
	add(types.KindInt2, i, oidKinds...)
	add(types.KindInt4, e, types.KindBool, types.KindChar)
	add(types.KindInt4, i, types.KindFloat4, types.KindFloat8, types.KindInt8, types.KindNumeric)
	add(types.KindInt4, a, types.KindInt2)
	add(types.KindInt4, i, oidKinds...)
	add(types.KindInt8, i, types.KindFloat4, types.KindFloat8, types.KindNumeric)
	add(types.KindInt8, a, types.KindInt2, types.KindInt4)
	add(types.KindInt8, i, oidKinds...)
	add(types.KindInterval, a, types.KindTime)
	add(types.KindJSON, a, types.KindJSONB)
	add(types.KindJSONB, e, types.KindBool, types.KindFloat4, types.KindFloat8, types.KindInt2, types.KindInt4, types.KindInt8, types.KindNumeric)
	add(types.KindJSONB, a, types.KindJSON)
	add(types.KindName, i, types.KindText)
	add(types.KindName, a, types.KindBPChar, types.KindVarchar)
	add(types.KindNumeric, i, types.KindFloat4, types.KindFloat8)
	add(types.KindNumeric, a, types.KindInt2, types.KindInt4, types.KindInt8)
	for _, k := range oidKinds {
		add(k, a, types.KindInt4, types.KindInt8)
		for _, k2 := range oidKinds {
			if k != k2 && (k == types.KindOID || k2 == types.KindOID) {
				add(k, i, k2)
			}
		}
	}
	add(types.KindText, i, types.KindBPChar, types.KindName, types.KindRegClass, types.KindVarchar)
	add(types.KindText, a, types.KindChar)
	add(types.KindTime, i, types.KindInterval)
	add(types.KindTimestamp, a, types.KindDate, types.KindTime)
	add(types.KindTimestamp, i, types.KindTimestampTZ)
	add(types.KindTimestampTZ, a, types.KindDate, types.KindTime, types.KindTimestamp)
	add(types.KindVarchar, i, types.KindBPChar, types.KindName, types.KindRegClass, types.KindText)
	add(types.KindVarchar, a, types.KindChar)
	return m
}()

// isStringCategory reports the string types that take part in automatic
// I/O conversion casts (text, varchar, bpchar, name).
func isStringCategory(k types.Kind) bool {
	switch k {
	case types.KindText, types.KindVarchar, types.KindBPChar, types.KindName:
		return true
	}
	return false
}

// FindCast reports whether a cast from one type to another exists and in
// which context it may be applied. A type casts to itself implicitly (the
// typmod coercion); unknown casts to anything implicitly; any type casts to
// a string type by assignment through its text output, and a string type
// to any type explicitly through its text input; arrays cast when their
// elements do.
func FindCast(from, to types.T) (CastContext, bool) {
	if isUnknown(from) {
		return CastImplicit, true
	}
	if from.Kind == types.KindArray && to.Kind == types.KindArray {
		if from.Elem == nil || to.Elem == nil {
			return 0, false
		}
		return FindCast(*from.Elem, *to.Elem)
	}
	if from.Kind == to.Kind && from.Kind != types.KindArray {
		return CastImplicit, true
	}
	if c, ok := castTable[kindPair{from.Kind, to.Kind}]; ok {
		return c, true
	}
	if isPseudo(to) || to.Kind == types.KindUnknown || to.Kind == types.KindNull {
		return 0, false
	}
	if isStringCategory(to.Kind) {
		return CastAssignment, true
	}
	if isStringCategory(from.Kind) {
		return CastExplicit, true
	}
	return 0, false
}

// CastDatum converts d from type from to type to as an explicit cast
// (CAST(x AS t), x::t) does, including the typmod coercion of to: a string
// too long for varchar(n) or char(n) is truncated, a numeric is rounded to
// numeric(p,s)'s scale (22003 "numeric field overflow" when it does not
// fit), timestamps and times are rounded to their precision. Integer
// overflow is 22003 "integer out of range"; floats round half to even on
// the way to integers and numerics half away from zero, as in Postgres.
// NULL casts to NULL. The caller is expected to have checked FindCast.
func CastDatum(ctx *EvalContext, d types.Datum, from, to types.T) (types.Datum, error) {
	return castDatum(ctx, d, from, to, true)
}

// AssignDatum converts d as storing it into a column of type to does
// (INSERT, UPDATE): like CastDatum, except that a string too long for
// varchar(n) or char(n) is an error 22001 "value too long for type
// character varying(n)" unless only spaces are cut off.
func AssignDatum(ctx *EvalContext, d types.Datum, from, to types.T) (types.Datum, error) {
	return castDatum(ctx, d, from, to, false)
}

func castDatum(ctx *EvalContext, d types.Datum, from, to types.T, explicit bool) (types.Datum, error) {
	if d.IsNull() {
		return types.NullDatum, nil
	}
	v, err := convert(ctx, d, from, to, explicit)
	if err != nil {
		return types.NullDatum, err
	}
	return coerceTypmod(v, to, explicit)
}

// convert changes the representation of d to the kind of to, without the
// typmod coercion.
func convert(ctx *EvalContext, d types.Datum, from, to types.T, explicit bool) (types.Datum, error) {
	fk, tk := from.Kind, to.Kind
	switch {
	case fk == types.KindUnknown || fk == types.KindNull:
		return parseAs(ctx, d.Str(), to)
	case fk == types.KindArray && tk == types.KindArray:
		return convertArray(ctx, d, *from.Elem, *to.Elem, explicit)
	case fk == tk:
		return d, nil
	case fk == types.KindInt4 && tk == types.KindChar:
		v := d.Int()
		if v < -128 || v > 127 {
			return types.NullDatum, sqlerr.New(sqlerr.NumericValueOutOfRange, `"char" out of range`)
		}
		if v == 0 {
			return types.NewString(types.KindChar, ""), nil
		}
		return types.NewString(types.KindChar, string([]byte{byte(v)})), nil
	case fk.IsString() && tk.IsString():
		return convertString(d.Str(), fk, tk), nil
	case tk.IsString():
		s, err := textOut(ctx, d, from)
		if err != nil {
			return types.NullDatum, err
		}
		return convertString(s, types.KindText, tk), nil
	case fk == types.KindChar && tk == types.KindInt4:
		s := d.Str()
		if s == "" {
			return types.NewInt4(0), nil
		}
		return types.NewInt4(int32(int8(s[0]))), nil
	case fk.IsString():
		s := d.Str()
		if fk == types.KindBPChar {
			s = strings.TrimRight(s, " ")
		}
		return parseAs(ctx, s, to)
	}
	switch {
	case fk.IsNumeric() && tk.IsNumeric():
		return convertNumber(d, fk, tk)
	case fk.IsOIDLike() || tk.IsOIDLike():
		return convertOID(d, fk, tk)
	}
	switch (kindPair{fk, tk}) {
	case kindPair{types.KindBool, types.KindInt4}:
		if d.Bool() {
			return types.NewInt4(1), nil
		}
		return types.NewInt4(0), nil
	case kindPair{types.KindInt4, types.KindBool}:
		return types.NewBool(d.Int() != 0), nil
	case kindPair{types.KindJSON, types.KindJSONB}:
		return parseAs(ctx, d.Str(), types.JSONB)
	case kindPair{types.KindJSONB, types.KindJSON}:
		return types.NewString(types.KindJSON, d.Str()), nil
	}
	if fk == types.KindJSONB {
		return castJSONBScalar(d, to)
	}
	return convertDatetime(ctx, d, fk, tk)
}

// parseAs is the text input function of to.
func parseAs(ctx *EvalContext, s string, to types.T) (types.Datum, error) {
	switch to.Kind {
	case types.KindRegClass, types.KindRegType, types.KindRegNamespace, types.KindRegProc:
		return regIn(ctx, s, to.Kind)
	}
	return types.ParseText(s, types.T{Kind: to.Kind, Mod: -1, Elem: to.Elem}, ctx.format())
}

// textOut is the text a value casts to: its output function, except that
// booleans cast to "true"/"false" and reg* types print names.
func textOut(ctx *EvalContext, d types.Datum, t types.T) (string, error) {
	switch t.Kind {
	case types.KindBool:
		if d.Bool() {
			return "true", nil
		}
		return "false", nil
	case types.KindRegClass, types.KindRegType, types.KindRegNamespace, types.KindRegProc:
		return regOut(ctx, d, t.Kind), nil
	}
	return string(types.FormatText(nil, d, t, ctx.format())), nil
}

// convertString converts between the string kinds: char(n) loses its
// trailing spaces, name is cut to 63 bytes, "char" keeps one byte.
func convertString(s string, from, to types.Kind) types.Datum {
	if from == types.KindBPChar && to != types.KindBPChar && to != types.KindChar {
		s = strings.TrimRight(s, " ")
	}
	switch to {
	case types.KindName:
		if len(s) > 63 {
			n := 63
			for n > 0 && !utf8.RuneStart(s[n]) {
				n--
			}
			s = s[:n]
		}
	case types.KindChar:
		if len(s) > 1 {
			s = s[:1]
		}
	}
	return types.NewString(to, s)
}

func convertArray(ctx *EvalContext, d types.Datum, from, to types.T, explicit bool) (types.Datum, error) {
	arr := d.Array()
	out := make([]types.Datum, len(arr.Vals))
	for i, v := range arr.Vals {
		c, err := castDatum(ctx, v, from, to, explicit)
		if err != nil {
			return types.NullDatum, err
		}
		out[i] = c
	}
	return types.NewArray(to, out), nil
}

// convertNumber converts between integers, floats and numeric.
func convertNumber(d types.Datum, from, to types.Kind) (types.Datum, error) {
	switch {
	case from.IsInteger():
		v := d.Int()
		switch {
		case to.IsInteger():
			return intResult(to, v)
		case to == types.KindFloat4 || to == types.KindFloat8:
			return types.NewFloat(to, float64(v)), nil
		default:
			return types.NewNumeric(apd.New(v, 0)), nil
		}
	case from == types.KindFloat4 || from == types.KindFloat8:
		f := d.Float()
		switch {
		case to.IsInteger():
			r := math.RoundToEven(f)
			if math.IsNaN(r) || r < -9.223372036854775808e18 || r >= 9.223372036854775808e18 {
				return types.NullDatum, intOutOfRange(to)
			}
			return intResult(to, int64(r))
		case to == types.KindFloat4:
			return float4Result(f)
		case to == types.KindFloat8:
			return types.NewFloat8(f), nil
		default:
			return floatToNumeric(f, from), nil
		}
	default:
		dec := d.Decimal()
		switch {
		case to.IsInteger():
			return numericToInt(dec, to)
		default:
			f, err := numericToFloat(dec, to)
			if err != nil {
				return types.NullDatum, err
			}
			return types.NewFloat(to, f), nil
		}
	}
}

// intResult checks that v fits integer kind k.
func intResult(k types.Kind, v int64) (types.Datum, error) {
	switch k {
	case types.KindInt2:
		if v < math.MinInt16 || v > math.MaxInt16 {
			return types.NullDatum, intOutOfRange(k)
		}
	case types.KindInt4:
		if v < math.MinInt32 || v > math.MaxInt32 {
			return types.NullDatum, intOutOfRange(k)
		}
	}
	return types.NewInt(k, v), nil
}

// intOutOfRange is 22003 "integer out of range" for the kind's name.
func intOutOfRange(k types.Kind) error {
	switch k {
	case types.KindInt2:
		return sqlerr.New(sqlerr.NumericValueOutOfRange, "smallint out of range")
	case types.KindInt8:
		return sqlerr.New(sqlerr.NumericValueOutOfRange, "bigint out of range")
	}
	return sqlerr.New(sqlerr.NumericValueOutOfRange, "integer out of range")
}

// float4Result narrows a float8 to float4, failing on overflow and
// underflow as Postgres does.
func float4Result(f float64) (types.Datum, error) {
	g := float32(f)
	if math.IsInf(float64(g), 0) && !math.IsInf(f, 0) {
		return types.NullDatum, sqlerr.New(sqlerr.NumericValueOutOfRange, "value out of range: overflow")
	}
	if g == 0 && f != 0 {
		return types.NullDatum, sqlerr.New(sqlerr.NumericValueOutOfRange, "value out of range: underflow")
	}
	return types.NewFloat(types.KindFloat4, f), nil
}

// floatToNumeric converts a float as Postgres does: through its decimal
// form with 15 (float8) or 6 (float4) significant digits.
func floatToNumeric(f float64, from types.Kind) types.Datum {
	switch {
	case math.IsNaN(f):
		return types.NewNumeric(&apd.Decimal{Form: apd.NaN})
	case math.IsInf(f, 1):
		return types.NewNumeric(&apd.Decimal{Form: apd.Infinite})
	case math.IsInf(f, -1):
		return types.NewNumeric(&apd.Decimal{Form: apd.Infinite, Negative: true})
	}
	digits := 15
	if from == types.KindFloat4 {
		digits = 6
	}
	d, _, err := apd.NewFromString(strconv.FormatFloat(f, 'g', digits, 64))
	if err != nil {
		return types.NewNumeric(apd.New(0, 0))
	}
	return types.NewNumeric(normScale(d))
}

// numericToInt rounds half away from zero and checks the range of k.
func numericToInt(dec *apd.Decimal, k types.Kind) (types.Datum, error) {
	name := map[types.Kind]string{types.KindInt2: "smallint", types.KindInt4: "integer", types.KindInt8: "bigint"}[k]
	switch dec.Form {
	case apd.NaN, apd.NaNSignaling:
		return types.NullDatum, sqlerr.Newf(sqlerr.FeatureNotSupported, "cannot convert NaN to %s", name)
	case apd.Infinite:
		return types.NullDatum, sqlerr.Newf(sqlerr.FeatureNotSupported, "cannot convert infinity to %s", name)
	}
	var r apd.Decimal
	if _, err := roundCtx.Quantize(&r, dec, 0); err != nil {
		return types.NullDatum, intOutOfRange(k)
	}
	v, err := r.Int64()
	if err != nil {
		return types.NullDatum, intOutOfRange(k)
	}
	return intResult(k, v)
}

// numericToFloat converts through the decimal text, as Postgres does.
func numericToFloat(dec *apd.Decimal, k types.Kind) (float64, error) {
	switch dec.Form {
	case apd.NaN, apd.NaNSignaling:
		return math.NaN(), nil
	case apd.Infinite:
		if dec.Negative {
			return math.Inf(-1), nil
		}
		return math.Inf(1), nil
	}
	s := dec.Text('f')
	bits := 64
	if k == types.KindFloat4 {
		bits = 32
	}
	f, err := strconv.ParseFloat(s, bits)
	if err != nil {
		if ne, ok := err.(*strconv.NumError); ok && ne.Err == strconv.ErrRange {
			if f == 0 || math.IsInf(f, 0) {
				return 0, sqlerr.Newf(sqlerr.NumericValueOutOfRange, "\"%s\" is out of range for type %s", s, k)
			}
			return f, nil
		}
		return 0, sqlerr.Newf(sqlerr.InvalidTextRepresentation, "invalid input syntax for type %s: \"%s\"", k, s)
	}
	return f, nil
}

// convertOID converts between oid, the reg* types and integers.
func convertOID(d types.Datum, from, to types.Kind) (types.Datum, error) {
	v := d.Int()
	switch {
	case from.IsOIDLike() && to.IsOIDLike():
		return types.NewInt(to, v), nil
	case from.IsInteger():
		if from == types.KindInt8 && (v < 0 || v > math.MaxUint32) {
			return types.NullDatum, sqlerr.New(sqlerr.NumericValueOutOfRange, "OID out of range")
		}
		return types.NewInt(to, int64(uint32(v))), nil
	case to == types.KindInt4:
		return types.NewInt4(int32(uint32(v))), nil
	case to == types.KindInt8:
		return types.NewInt8(int64(uint32(v))), nil
	}
	return types.NullDatum, sqlerr.Internal("no cast from %s to %s", from, to)
}

// coerceTypmod applies the typmod of t to v: length limits, numeric
// precision and scale, fractional-second precision.
func coerceTypmod(v types.Datum, t types.T, explicit bool) (types.Datum, error) {
	if v.IsNull() {
		return v, nil
	}
	switch t.Kind {
	case types.KindArray:
		if t.Elem == nil || t.Elem.Mod < 0 {
			return v, nil
		}
		arr := v.Array()
		out := make([]types.Datum, len(arr.Vals))
		for i, e := range arr.Vals {
			c, err := coerceTypmod(e, *t.Elem, explicit)
			if err != nil {
				return types.NullDatum, err
			}
			out[i] = c
		}
		return types.NewArray(*t.Elem, out), nil
	case types.KindVarchar, types.KindBPChar:
		if t.Mod < 0 {
			return v, nil
		}
		return coerceLength(v.Str(), t, explicit)
	case types.KindNumeric:
		p, s, ok := t.NumericPrecisionScale()
		if !ok {
			return v, nil
		}
		r, err := roundNumericTypmod(v.Decimal(), p, s)
		if err != nil {
			return types.NullDatum, err
		}
		return types.NewNumeric(r), nil
	case types.KindTimestamp, types.KindTimestampTZ:
		if t.Mod < 0 || t.Mod >= 6 {
			return v, nil
		}
		us := v.Int()
		if us == types.TimestampInfinity || us == types.TimestampNegInfinity {
			return v, nil
		}
		return types.NewTimestamp(t.Kind, roundMicros(us, t.Mod)), nil
	case types.KindTime:
		if t.Mod < 0 || t.Mod >= 6 {
			return v, nil
		}
		return types.NewTime(roundMicros(v.Int(), t.Mod)), nil
	}
	return v, nil
}

// roundMicros rounds microseconds to prec fractional digits, half away
// from zero.
func roundMicros(us int64, prec int32) int64 {
	scale := int64(math.Pow10(int(6 - prec)))
	if us >= 0 {
		return (us + scale/2) / scale * scale
	}
	return -((-us + scale/2) / scale * scale)
}

// coerceLength applies varchar(n) or char(n) to s.
func coerceLength(s string, t types.T, explicit bool) (types.Datum, error) {
	n := int(t.Mod)
	l := utf8.RuneCountInString(s)
	if l > n {
		cut := s
		i := 0
		for pos := range s {
			if i == n {
				cut = s[:pos]
				break
			}
			i++
		}
		if !explicit && strings.TrimRight(s[len(cut):], " ") != "" {
			return types.NullDatum, sqlerr.Newf(sqlerr.StringDataRightTruncation, "value too long for type %s(%d)", t.Kind, n)
		}
		s = cut
		l = n
	}
	if t.Kind == types.KindBPChar && l < n {
		s += strings.Repeat(" ", n-l)
	}
	return types.NewString(t.Kind, s), nil
}

// roundNumericTypmod rounds d to scale s and checks that it fits
// precision p.
func roundNumericTypmod(d *apd.Decimal, p, s int32) (*apd.Decimal, error) {
	if d.Form != apd.Finite {
		if d.Form == apd.Infinite {
			return nil, sqlerr.New(sqlerr.NumericValueOutOfRange, "numeric field overflow").
				WithDetail(overflowDetail(p, s, true))
		}
		return d, nil
	}
	r := new(apd.Decimal)
	if _, err := roundCtx.Quantize(r, d, -s); err != nil {
		return nil, sqlerr.New(sqlerr.NumericValueOutOfRange, "numeric field overflow").WithDetail(overflowDetail(p, s, false))
	}
	if !r.IsZero() {
		intDigits := int32(r.NumDigits()) + r.Exponent
		if intDigits > p-s {
			return nil, sqlerr.New(sqlerr.NumericValueOutOfRange, "numeric field overflow").WithDetail(overflowDetail(p, s, false))
		}
	}
	return r, nil
}

func overflowDetail(p, s int32, inf bool) string {
	if inf {
		return "A field with precision " + strconv.Itoa(int(p)) + ", scale " + strconv.Itoa(int(s)) + " cannot hold an infinite value."
	}
	if p == s {
		return "A field with precision " + strconv.Itoa(int(p)) + ", scale " + strconv.Itoa(int(s)) + " must round to an absolute value less than 1."
	}
	return "A field with precision " + strconv.Itoa(int(p)) + ", scale " + strconv.Itoa(int(s)) +
		" must round to an absolute value less than 10^" + strconv.Itoa(int(p-s)) + "."
}

// castJSONBScalar is the jsonb -> bool/number casts.
func castJSONBScalar(d types.Datum, to types.T) (types.Datum, error) {
	j, err := parseJSON(d.Str())
	if err != nil {
		return types.NullDatum, err
	}
	if to.Kind == types.KindBool {
		if j.kind != jsonBool {
			return types.NullDatum, jsonCastError(j, to)
		}
		return types.NewBool(j.b), nil
	}
	if j.kind != jsonNumber {
		return types.NullDatum, jsonCastError(j, to)
	}
	dec, _, err := apd.NewFromString(j.s)
	if err != nil {
		return types.NullDatum, sqlerr.Internal("bad jsonb number \"%s\"", j.s)
	}
	if to.Kind == types.KindNumeric {
		return types.NewNumeric(normScale(dec)), nil
	}
	return convertNumber(types.NewNumeric(normScale(dec)), types.KindNumeric, to.Kind)
}

func jsonCastError(j *jsonValue, to types.T) error {
	return sqlerr.Newf(sqlerr.InvalidParameterValue, "cannot cast jsonb %s to type %s", j.typeName(), to.Kind)
}

// convertDatetime converts between date, timestamp, timestamptz, time and
// interval; timestamptz conversions use the session time zone.
func convertDatetime(ctx *EvalContext, d types.Datum, from, to types.Kind) (types.Datum, error) {
	v := d.Int()
	loc := ctx.location()
	switch (kindPair{from, to}) {
	case kindPair{types.KindDate, types.KindTimestamp}:
		return types.NewTimestamp(types.KindTimestamp, dateToTimestamp(v)), nil
	case kindPair{types.KindDate, types.KindTimestampTZ}:
		t := dateToTimestamp(v)
		if !isInfTimestamp(t) {
			t = fromLocal(loc, t)
		}
		return types.NewTimestamp(types.KindTimestampTZ, t), nil
	case kindPair{types.KindTimestamp, types.KindDate}:
		return timestampToDate(v), nil
	case kindPair{types.KindTimestampTZ, types.KindDate}:
		if isInfTimestamp(v) {
			return timestampToDate(v), nil
		}
		return timestampToDate(toLocal(loc, v)), nil
	case kindPair{types.KindTimestamp, types.KindTimestampTZ}:
		if isInfTimestamp(v) {
			return types.NewTimestamp(types.KindTimestampTZ, v), nil
		}
		return types.NewTimestamp(types.KindTimestampTZ, fromLocal(loc, v)), nil
	case kindPair{types.KindTimestampTZ, types.KindTimestamp}:
		if isInfTimestamp(v) {
			return types.NewTimestamp(types.KindTimestamp, v), nil
		}
		return types.NewTimestamp(types.KindTimestamp, toLocal(loc, v)), nil
	case kindPair{types.KindTimestamp, types.KindTime}, kindPair{types.KindTimestampTZ, types.KindTime}:
		if isInfTimestamp(v) {
			return types.NullDatum, sqlerr.New(sqlerr.DatetimeFieldOverflow, "timestamp out of range")
		}
		if from == types.KindTimestampTZ {
			v = toLocal(loc, v)
		}
		return types.NewTime(v - floorDiv(v, usPerDay)*usPerDay), nil
	case kindPair{types.KindTime, types.KindInterval}:
		return types.NewInterval(0, 0, v), nil
	case kindPair{types.KindInterval, types.KindTime}:
		_, _, us := d.Interval()
		us -= us / usPerDay * usPerDay
		if us < 0 {
			us += usPerDay
		}
		return types.NewTime(us), nil
	}
	return types.NullDatum, sqlerr.Newf(codeCannotCoerce, "cannot cast type %s to %s", from, to)
}

// timestampToDate is the date of a wall-clock timestamp.
func timestampToDate(t int64) types.Datum {
	switch t {
	case types.TimestampInfinity:
		return types.NewDate(types.DateInfinity)
	case types.TimestampNegInfinity:
		return types.NewDate(types.DateNegInfinity)
	}
	return types.NewDate(int32(floorDiv(t, usPerDay)))
}
