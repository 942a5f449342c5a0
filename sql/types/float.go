package types

import (
	"math"
	"strconv"
	"strings"

	"github.com/freshetdb/freshet/sql/sqlerr"
)

// appendFloat appends the Postgres text form of f, a float4 (bits 32) or
// float8 (bits 64) value, under the given extra_float_digits setting.
//
// With extra_float_digits > 0 (the default, 1) Postgres 12+ prints the
// shortest decimal that reads back to the same value, in fixed notation
// when the decimal exponent is in [-4, 15) for float8 or [-4, 6) for
// float4 and in exponent notation ("1e+100", "1.5e-05") otherwise. With
// extra_float_digits <= 0 it prints %.Ng with N = 15 (float8) or 6 (float4)
// plus extra_float_digits, at least 1.
func appendFloat(buf []byte, f float64, bits int, extraDigits int) []byte {
	switch {
	case math.IsNaN(f):
		return append(buf, "NaN"...)
	case math.IsInf(f, 1):
		return append(buf, "Infinity"...)
	case math.IsInf(f, -1):
		return append(buf, "-Infinity"...)
	}
	if extraDigits <= 0 {
		digits := 15
		if bits == 32 {
			digits = 6
		}
		digits += extraDigits
		if digits < 1 {
			digits = 1
		}
		return strconv.AppendFloat(buf, f, 'g', digits, bits)
	}
	if f == 0 {
		if math.Signbit(f) {
			return append(buf, "-0"...)
		}
		return append(buf, '0')
	}
	var tmp [32]byte
	e := strconv.AppendFloat(tmp[:0], f, 'e', -1, bits)
	// e is [-]d[.ddd]e±XX.
	mark := 0
	for mark < len(e) && e[mark] != 'e' {
		mark++
	}
	exp := 0
	for _, c := range e[mark+2:] {
		exp = exp*10 + int(c-'0')
	}
	if e[mark+1] == '-' {
		exp = -exp
	}
	limit := 15
	if bits == 32 {
		limit = 6
	}
	if exp < -4 || exp >= limit {
		return append(buf, e...)
	}
	mant := e[:mark]
	if mant[0] == '-' {
		buf = append(buf, '-')
		mant = mant[1:]
	}
	// Collect the significant digits without the point.
	var dtmp [24]byte
	digits := append(dtmp[:0], mant[0])
	if len(mant) > 2 {
		digits = append(digits, mant[2:]...)
	}
	if exp < 0 {
		buf = append(buf, '0', '.')
		for i := 0; i < -exp-1; i++ {
			buf = append(buf, '0')
		}
		return append(buf, digits...)
	}
	if len(digits) <= exp+1 {
		buf = append(buf, digits...)
		for i := len(digits); i <= exp; i++ {
			buf = append(buf, '0')
		}
		return buf
	}
	buf = append(buf, digits[:exp+1]...)
	buf = append(buf, '.')
	return append(buf, digits[exp+1:]...)
}

// parseFloat parses float4 (bits 32) or float8 (bits 64) input as Postgres'
// float4in/float8in do: decimal notation with optional exponent, surrounding
// white space, and NaN, Infinity, inf (any case, the infinities signed).
func parseFloat(s string, bits int) (Datum, error) {
	typ, kind := "double precision", KindFloat8
	if bits == 32 {
		typ, kind = "real", KindFloat4
	}
	v := strings.Trim(s, " \t\n\r\v\f")
	switch strings.ToLower(v) {
	case "nan", "+nan", "-nan":
		return NewFloat(kind, nanValue()), nil
	case "infinity", "+infinity", "inf", "+inf":
		return NewFloat(kind, math.Inf(1)), nil
	case "-infinity", "-inf":
		return NewFloat(kind, math.Inf(-1)), nil
	}
	bad := sqlerr.Newf(sqlerr.InvalidTextRepresentation, "invalid input syntax for type %s: \"%s\"", typ, s)
	num := v
	if !isDecimalFloat(v) {
		if num = hexFloat(v); num == "" {
			return Datum{}, bad
		}
	}
	f, err := strconv.ParseFloat(num, bits)
	if err != nil {
		if ne, ok := err.(*strconv.NumError); ok && ne.Err == strconv.ErrRange {
			return Datum{}, sqlerr.Newf(sqlerr.NumericValueOutOfRange, "\"%s\" is out of range for type %s", v, typ)
		}
		return Datum{}, bad
	}
	if f == 0 && hasNonZeroDigit(v) {
		return Datum{}, sqlerr.Newf(sqlerr.NumericValueOutOfRange, "\"%s\" is out of range for type %s", v, typ)
	}
	return NewFloat(kind, f), nil
}

// hexFloat returns v, a C hexadecimal float such as 0x1.8p3 or 0x10 (which
// strtod accepts), in Go's syntax, or "" when v is not one.
func hexFloat(v string) string {
	body := strings.TrimLeft(v, "+-")
	if len(v)-len(body) > 1 || len(body) < 3 || body[0] != '0' || (body[1] != 'x' && body[1] != 'X') {
		return ""
	}
	mant, exp, hasExp := strings.Cut(strings.ToLower(body[2:]), "p")
	if mant == "" || strings.Trim(mant, "0123456789abcdef.") != "" || strings.Count(mant, ".") > 1 || mant == "." {
		return ""
	}
	if hasExp {
		e := strings.TrimLeft(exp, "+-")
		if e == "" || len(exp)-len(e) > 1 || strings.Trim(e, "0123456789") != "" {
			return ""
		}
		return v
	}
	return v + "p0"
}

// isDecimalFloat reports whether v is [sign] digits [. digits] [e [sign] digits]
// with at least one mantissa digit.
func isDecimalFloat(v string) bool {
	i := 0
	if i < len(v) && (v[i] == '+' || v[i] == '-') {
		i++
	}
	nd := 0
	for ; i < len(v) && v[i] >= '0' && v[i] <= '9'; i++ {
		nd++
	}
	if i < len(v) && v[i] == '.' {
		i++
		for ; i < len(v) && v[i] >= '0' && v[i] <= '9'; i++ {
			nd++
		}
	}
	if nd == 0 {
		return false
	}
	if i < len(v) && (v[i] == 'e' || v[i] == 'E') {
		i++
		if i < len(v) && (v[i] == '+' || v[i] == '-') {
			i++
		}
		ne := 0
		for ; i < len(v) && v[i] >= '0' && v[i] <= '9'; i++ {
			ne++
		}
		if ne == 0 {
			return false
		}
	}
	return i == len(v)
}

// hasNonZeroDigit reports whether the mantissa of a decimal literal has a
// non-zero digit (so a zero result means underflow).
func hasNonZeroDigit(v string) bool {
	for i := 0; i < len(v); i++ {
		switch c := v[i]; {
		case c == 'e' || c == 'E':
			return false
		case c >= '1' && c <= '9':
			return true
		}
	}
	return false
}

// nanValue returns the quiet NaN that C's strtod produces (bits
// 0x7ff8000000000000), which Postgres sends in the binary format.
func nanValue() float64 { return math.Float64frombits(0x7ff8000000000000) }

// canonicalFloat maps -0 to 0 and every NaN to one NaN, so that values that
// compare equal have the same bits.
func canonicalFloat(f float64) float64 {
	if f == 0 {
		return 0
	}
	if f != f {
		return nanValue()
	}
	return f
}

// compareFloat orders floats as Postgres does: -0 equals 0, NaN equals NaN
// and is greater than every other value.
func compareFloat(a, b float64) int {
	an, bn := a != a, b != b
	switch {
	case an && bn:
		return 0
	case an:
		return 1
	case bn:
		return -1
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}
