package types

import (
	"fmt"
	"strings"

	"github.com/cockroachdb/apd/v3"
	"github.com/freshetdb/freshet/sql/sqlerr"
)

// A numeric Datum holds an *apd.Decimal in "Postgres form": the exponent is
// never positive (its negation is the display scale, Postgres' dscale), the
// coefficient is never negative, a zero is never negative, and NaN and
// ±Infinity use apd's NaN and Infinite forms. Every constructor in this
// package returns numerics in that form; NewNumeric normalises what it is
// given.

// Limits of Postgres' numeric storage format.
const (
	numericMaxIntDigits = 131072 // NUMERIC_WEIGHT_MAX+1 base-10000 digits
	numericMaxScale     = 16383  // NUMERIC_DSCALE_MAX
)

// NewNumericFromString parses a numeric literal as Postgres' numeric input
// does (no typmod) and returns it as a Datum.
func NewNumericFromString(s string) (Datum, error) { return parseNumeric(s, Numeric) }

// normalizeNumeric returns d in Postgres form (see above), reusing d when it
// already is.
func normalizeNumeric(d *apd.Decimal) *apd.Decimal {
	switch d.Form {
	case apd.NaN, apd.NaNSignaling:
		if d.Form == apd.NaN && !d.Negative {
			return d
		}
		return &apd.Decimal{Form: apd.NaN}
	case apd.Infinite:
		return d
	}
	if d.Exponent <= 0 && (!d.Negative || d.Coeff.Sign() != 0) && d.Coeff.Sign() >= 0 {
		return d
	}
	out := new(apd.Decimal)
	out.Coeff.Abs(&d.Coeff)
	out.Negative = d.Negative && out.Coeff.Sign() != 0
	out.Exponent = d.Exponent
	if out.Exponent > 0 {
		var p apd.BigInt
		out.Coeff.Mul(&out.Coeff, pow10(&p, int64(out.Exponent)))
		out.Exponent = 0
	}
	return out
}

// pow10 sets z to 10^n and returns it.
func pow10(z *apd.BigInt, n int64) *apd.BigInt {
	if n < 19 {
		v := int64(1)
		for i := int64(0); i < n; i++ {
			v *= 10
		}
		return z.SetInt64(v)
	}
	var ten, e apd.BigInt
	ten.SetInt64(10)
	e.SetInt64(n)
	return z.Exp(&ten, &e, nil)
}

// numDigits returns the number of decimal digits of the coefficient (1 for 0).
func numDigits(c *apd.BigInt) int64 { return apd.NumDigits(c) }

// numericIntDigits returns the number of digits before the decimal point of
// a finite non-zero d (zero or negative when |d| < 1).
func numericIntDigits(d *apd.Decimal) int64 {
	return numDigits(&d.Coeff) + int64(d.Exponent)
}

// roundNumeric returns d rounded half away from zero to scale digits after
// the point (scale may be negative), in Postgres form with display scale
// max(scale, 0). d must be finite.
func roundNumeric(d *apd.Decimal, scale int32) *apd.Decimal {
	out := new(apd.Decimal)
	out.Negative = d.Negative
	target := -scale
	switch {
	case d.Exponent >= target:
		var p apd.BigInt
		out.Coeff.Mul(&d.Coeff, pow10(&p, int64(d.Exponent-target)))
	default:
		var p, r, r2 apd.BigInt
		pow10(&p, int64(target-d.Exponent))
		out.Coeff.QuoRem(&d.Coeff, &p, &r)
		r2.Add(&r, &r)
		if r2.Cmp(&p) >= 0 {
			var one apd.BigInt
			one.SetInt64(1)
			out.Coeff.Add(&out.Coeff, &one)
		}
	}
	out.Exponent = target
	if out.Exponent > 0 {
		var p apd.BigInt
		out.Coeff.Mul(&out.Coeff, pow10(&p, int64(out.Exponent)))
		out.Exponent = 0
	}
	if out.Coeff.Sign() == 0 {
		out.Negative = false
	}
	return out
}

// applyNumericTypmod rounds d to the scale of t and checks its precision,
// as Postgres' numeric(p,s) coercion does.
func applyNumericTypmod(d *apd.Decimal, t T) (*apd.Decimal, error) {
	precision, scale, ok := t.NumericPrecisionScale()
	if !ok {
		return d, nil
	}
	switch d.Form {
	case apd.NaN:
		return d, nil
	case apd.Infinite:
		return nil, sqlerr.New(sqlerr.NumericValueOutOfRange, "numeric field overflow").
			WithDetail(fmt.Sprintf("A field with precision %d, scale %d cannot hold an infinite value.", precision, scale))
	}
	r := roundNumeric(d, scale)
	maxDigits := int64(precision - scale)
	if r.Coeff.Sign() != 0 && numericIntDigits(r) > maxDigits {
		bound := "1"
		if maxDigits != 0 {
			bound = fmt.Sprintf("10^%d", maxDigits)
		}
		return nil, sqlerr.New(sqlerr.NumericValueOutOfRange, "numeric field overflow").
			WithDetail(fmt.Sprintf("A field with precision %d, scale %d must round to an absolute value less than %s.", precision, scale, bound))
	}
	return r, nil
}

// checkNumericRange reports Postgres' "value overflows numeric format" for a
// value its storage format cannot hold.
func checkNumericRange(d *apd.Decimal) error {
	if d.Form != apd.Finite || d.Coeff.Sign() == 0 {
		if d.Form == apd.Finite && -d.Exponent > numericMaxScale {
			return errNumericOverflow()
		}
		return nil
	}
	if numericIntDigits(d) > numericMaxIntDigits || -int64(d.Exponent) > numericMaxScale {
		return errNumericOverflow()
	}
	return nil
}

func errNumericOverflow() error {
	return sqlerr.New(sqlerr.NumericValueOutOfRange, "value overflows numeric format")
}

// parseNumeric parses Postgres numeric input: optional spaces, sign,
// digits with at most one point, an optional exponent, and the special
// values NaN, Infinity and inf (any case, signed for the infinities).
func parseNumeric(s string, t T) (Datum, error) {
	d, err := parseDecimal(s)
	if err != nil {
		return Datum{}, err
	}
	if d, err = applyNumericTypmod(d, t); err != nil {
		return Datum{}, err
	}
	return numericDatum(d), nil
}

// parseDecimal parses numeric text into a Postgres-form decimal.
func parseDecimal(s string) (*apd.Decimal, error) {
	bad := func() error {
		return sqlerr.Newf(sqlerr.InvalidTextRepresentation, "invalid input syntax for type numeric: \"%s\"", s)
	}
	v := strings.Trim(s, " \t\n\r\v\f")
	switch strings.ToLower(v) {
	case "nan":
		return &apd.Decimal{Form: apd.NaN}, nil
	case "infinity", "+infinity", "inf", "+inf":
		return &apd.Decimal{Form: apd.Infinite}, nil
	case "-infinity", "-inf":
		return &apd.Decimal{Form: apd.Infinite, Negative: true}, nil
	}
	neg := false
	if v != "" && (v[0] == '+' || v[0] == '-') {
		neg = v[0] == '-'
		v = v[1:]
	}
	var digits [64]byte
	dig := digits[:0]
	nDigits, scale := 0, int64(0)
	seenPoint := false
	i := 0
	for ; i < len(v); i++ {
		c := v[i]
		if c >= '0' && c <= '9' {
			dig = append(dig, c)
			nDigits++
			if seenPoint {
				scale++
			}
			continue
		}
		if c == '.' && !seenPoint {
			seenPoint = true
			continue
		}
		break
	}
	if nDigits == 0 {
		return nil, bad()
	}
	if i < len(v) && (v[i] == 'e' || v[i] == 'E') {
		i++
		eneg := false
		if i < len(v) && (v[i] == '+' || v[i] == '-') {
			eneg = v[i] == '-'
			i++
		}
		start := i
		exp := int64(0)
		for ; i < len(v) && v[i] >= '0' && v[i] <= '9'; i++ {
			if exp < 1<<40 {
				exp = exp*10 + int64(v[i]-'0')
			}
		}
		if i == start {
			return nil, bad()
		}
		if exp >= 1<<30 {
			return nil, errNumericOverflow()
		}
		if eneg {
			exp = -exp
		}
		scale -= exp
	}
	if i != len(v) {
		return nil, bad()
	}
	d := new(apd.Decimal)
	if _, ok := d.Coeff.SetString(string(dig), 10); !ok {
		return nil, bad()
	}
	d.Negative = neg && d.Coeff.Sign() != 0
	if scale < 0 {
		sig := int64(len(strings.TrimLeft(string(dig), "0")))
		if sig == 0 {
			scale = 0
		} else if sig-scale > numericMaxIntDigits {
			return nil, errNumericOverflow()
		}
		var p apd.BigInt
		d.Coeff.Mul(&d.Coeff, pow10(&p, -scale))
		scale = 0
	}
	if scale > numericMaxScale {
		return nil, errNumericOverflow()
	}
	d.Exponent = int32(-scale)
	if err := checkNumericRange(d); err != nil {
		return nil, err
	}
	return d, nil
}

// appendNumeric appends the Postgres text form of d: plain notation with
// the display scale, never an exponent.
func appendNumeric(buf []byte, d *apd.Decimal) []byte {
	switch d.Form {
	case apd.NaN, apd.NaNSignaling:
		return append(buf, "NaN"...)
	case apd.Infinite:
		if d.Negative {
			return append(buf, "-Infinity"...)
		}
		return append(buf, "Infinity"...)
	}
	if d.Negative && d.Coeff.Sign() != 0 {
		buf = append(buf, '-')
	}
	start := len(buf)
	buf = d.Coeff.Append(buf, 10)
	if buf[start] == '-' {
		copy(buf[start:], buf[start+1:])
		buf = buf[:len(buf)-1]
	}
	nd := len(buf) - start
	if d.Exponent >= 0 {
		if d.Coeff.Sign() == 0 {
			return buf
		}
		for i := int32(0); i < d.Exponent; i++ {
			buf = append(buf, '0')
		}
		return buf
	}
	scale := int(-d.Exponent)
	if nd > scale {
		buf = append(buf, 0)
		copy(buf[start+nd-scale+1:], buf[start+nd-scale:start+nd])
		buf[start+nd-scale] = '.'
		return buf
	}
	// 0.000ddd: shift the digits right by 2+scale-nd.
	shift := 2 + scale - nd
	for i := 0; i < shift; i++ {
		buf = append(buf, 0)
	}
	copy(buf[start+shift:], buf[start:start+nd])
	buf[start] = '0'
	buf[start+1] = '.'
	for i := start + 2; i < start+shift; i++ {
		buf[i] = '0'
	}
	return buf
}

// numericClass orders the special values: -Infinity < finite < Infinity < NaN.
func numericClass(d *apd.Decimal) int {
	switch d.Form {
	case apd.NaN, apd.NaNSignaling:
		return 3
	case apd.Infinite:
		if d.Negative {
			return 0
		}
		return 2
	}
	return 1
}

// compareNumeric orders numerics as Postgres does: by value, ignoring the
// display scale, with NaN above +Infinity.
func compareNumeric(a, b *apd.Decimal) int {
	ca, cb := numericClass(a), numericClass(b)
	if ca != cb {
		return cmpInt(int64(ca), int64(cb))
	}
	if ca != 1 {
		return 0
	}
	return a.Cmp(b)
}
