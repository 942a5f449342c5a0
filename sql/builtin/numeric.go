package builtin

import (
	"math"

	"github.com/cockroachdb/apd/v3"
	"github.com/freshetdb/freshet/sql/sqlerr"
	"github.com/freshetdb/freshet/sql/types"
)

// Postgres' numeric limits (numeric.c).
const (
	numericMinSigDigits    = 16
	numericMaxDisplayScale = 1000
	numericMaxResultScale  = 2000
)

// exactCtx does exact addition, subtraction and multiplication.
var exactCtx = apd.Context{
	Precision:   0,
	MaxExponent: apd.MaxExponent,
	MinExponent: apd.MinExponent,
	Traps:       apd.DefaultTraps &^ apd.InvalidOperation,
	Rounding:    apd.RoundHalfUp,
}

// roundCtx rounds half away from zero (apd's RoundHalfUp works on the
// magnitude), as Postgres' round_var does.
var roundCtx = apd.Context{
	Precision:   5000,
	MaxExponent: apd.MaxExponent,
	MinExponent: apd.MinExponent,
	Traps:       apd.DefaultTraps &^ apd.InvalidOperation,
	Rounding:    apd.RoundHalfUp,
}

// workCtx returns a context with prec significant digits for inexact
// operations (division, roots, logarithms).
func workCtx(prec int) *apd.Context {
	c := roundCtx
	if prec < 1 {
		prec = 1
	}
	c.Precision = uint32(prec)
	return &c
}

// normScale makes a positive exponent zero, so that every numeric has a
// non-negative display scale as in Postgres.
func normScale(d *apd.Decimal) *apd.Decimal {
	if d.Form == apd.Finite && d.Exponent > 0 {
		var r apd.Decimal
		if _, err := roundCtx.WithPrecision(uint32(int64(d.NumDigits())+int64(d.Exponent)+1)).Quantize(&r, d, 0); err == nil {
			return &r
		}
	}
	return d
}

// dscale is the display scale of a finite numeric (digits after the point).
func dscale(d *apd.Decimal) int32 {
	if d.Form != apd.Finite || d.Exponent >= 0 {
		return 0
	}
	return -d.Exponent
}

// roundTo rounds d half away from zero to scale digits after the point.
func roundTo(d *apd.Decimal, scale int32) *apd.Decimal {
	if d.Form != apd.Finite {
		return d
	}
	prec := int64(d.NumDigits()) + int64(d.Exponent) + int64(scale) + 2
	r := new(apd.Decimal)
	if _, err := workCtx(int(max(prec, 1))).Quantize(r, d, -scale); err != nil {
		return d
	}
	if r.IsZero() {
		r.Negative = false
	}
	return r
}

// truncTo truncates d towards zero to scale digits after the point.
func truncTo(d *apd.Decimal, scale int32) *apd.Decimal {
	if d.Form != apd.Finite {
		return d
	}
	prec := int64(d.NumDigits()) + int64(d.Exponent) + int64(scale) + 2
	c := workCtx(int(max(prec, 1)))
	c.Rounding = apd.RoundDown
	r := new(apd.Decimal)
	if _, err := c.Quantize(r, d, -scale); err != nil {
		return d
	}
	if r.IsZero() {
		r.Negative = false
	}
	return r
}

// baseWeight returns, for a finite non-zero d, Postgres' weight (the power
// of 10000 of its first base-10000 digit) and that first digit.
func baseWeight(d *apd.Decimal) (weight int64, first int64) {
	if d.Form != apd.Finite || d.IsZero() {
		return 0, 0
	}
	s := d.Coeff.String()
	// The most significant decimal digit has power p.
	p := int64(len(s)) - 1 + int64(d.Exponent)
	weight = floorDiv(p, 4)
	// Digits of the first group: powers 4*weight+3 .. 4*weight.
	for pow := 4*weight + 3; pow >= 4*weight; pow-- {
		idx := int64(len(s)) - 1 - (pow - int64(d.Exponent))
		first *= 10
		if idx >= 0 && idx < int64(len(s)) {
			first += int64(s[idx] - '0')
		}
	}
	return weight, first
}

func floorDiv(a, b int64) int64 {
	q := a / b
	if (a%b != 0) && ((a < 0) != (b < 0)) {
		q--
	}
	return q
}

// divScale is Postgres' select_div_scale: the result scale of x / y.
func divScale(x, y *apd.Decimal) int32 {
	w1, f1 := baseWeight(x)
	w2, f2 := baseWeight(y)
	qweight := w1 - w2
	if f1 <= f2 {
		qweight--
	}
	rscale := int64(numericMinSigDigits) - qweight*4
	rscale = max(rscale, int64(dscale(x)), int64(dscale(y)), 0)
	return int32(min(rscale, numericMaxDisplayScale))
}

// precisionFor returns enough significant digits to hold a result of about
// magnitude 10^adj with scale digits after the point, plus guard digits.
func precisionFor(adj int64, scale int32) int {
	return int(max(adj+1, 1) + int64(scale) + 8)
}

// adjExp returns the power of ten of d's most significant digit.
func adjExp(d *apd.Decimal) int64 {
	if d.Form != apd.Finite || d.IsZero() {
		return 0
	}
	return int64(d.NumDigits()) - 1 + int64(d.Exponent)
}

var (
	decNaN    = &apd.Decimal{Form: apd.NaN}
	decPosInf = &apd.Decimal{Form: apd.Infinite}
	decNegInf = &apd.Decimal{Form: apd.Infinite, Negative: true}
)

func isNaN(d *apd.Decimal) bool { return d.Form == apd.NaN || d.Form == apd.NaNSignaling }

func divisionByZero() error { return sqlerr.New(sqlerr.DivisionByZero, "division by zero") }

// numericDiv is numeric division with Postgres' result scale.
func numericDiv(x, y *apd.Decimal) (*apd.Decimal, error) {
	if isNaN(x) || isNaN(y) {
		return decNaN, nil
	}
	if y.Form == apd.Finite && y.IsZero() {
		return nil, divisionByZero()
	}
	if x.Form == apd.Infinite {
		if y.Form == apd.Infinite {
			return decNaN, nil
		}
		if x.Negative != y.Negative {
			return decNegInf, nil
		}
		return decPosInf, nil
	}
	if y.Form == apd.Infinite {
		return apd.New(0, 0), nil
	}
	scale := divScale(x, y)
	return divRound(x, y, scale)
}

// divRound computes x / y rounded half away from zero to scale digits.
func divRound(x, y *apd.Decimal, scale int32) (*apd.Decimal, error) {
	r := new(apd.Decimal)
	prec := precisionFor(adjExp(x)-adjExp(y)+1, scale)
	c := workCtx(prec)
	c.Rounding = apd.RoundDown
	if _, err := c.Quo(r, x, y); err != nil {
		return nil, sqlerr.New(sqlerr.NumericValueOutOfRange, "value overflows numeric format")
	}
	return roundTo(r, scale), nil
}

// numericResult wraps a numeric result, turning apd failures into 22003.
func numericResult(d *apd.Decimal, err error) (types.Datum, error) {
	if err != nil {
		if sqlerr.As(err) != nil {
			return types.NullDatum, err
		}
		return types.NullDatum, sqlerr.New(sqlerr.NumericValueOutOfRange, "value overflows numeric format")
	}
	if d.Form == apd.Finite && d.IsZero() {
		d.Negative = false
	}
	return types.NewNumeric(d), nil
}

// numericToFloat64 converts without range errors (for scale estimates).
func numericToFloat64(d *apd.Decimal) float64 {
	f, err := d.Float64()
	if err != nil {
		if d.Negative {
			return math.Inf(-1)
		}
		return math.Inf(1)
	}
	return f
}

// VarianceTerms returns, exactly, the numerator n * sumX2 - sumX^2 and the
// divisor n * (n - 1) (sample) or n^2 of the variance of n values with sum
// sumX and sum of squares sumX2.
func VarianceTerms(n int64, sumX, sumX2 *apd.Decimal, sample bool) (num, denom *apd.Decimal, err error) {
	var sq, nd apd.Decimal
	num, denom = new(apd.Decimal), new(apd.Decimal)
	nd.SetInt64(n)
	if _, err := exactCtx.Mul(&sq, sumX, sumX); err != nil {
		return nil, nil, err
	}
	if _, err := exactCtx.Mul(num, &nd, sumX2); err != nil {
		return nil, nil, err
	}
	if _, err := exactCtx.Sub(num, num, &sq); err != nil {
		return nil, nil, err
	}
	if sample {
		denom.SetInt64(n * (n - 1))
	} else {
		denom.SetInt64(n * n)
	}
	return num, denom, nil
}

// NumericVariance is Postgres' numeric_stddev_internal: the variance of n
// values from their sum sumX (shown with scale digits after the point) and
// their sum of squares sumX2, or with stddev its square root. sample
// divides by n - 1 (NULL for fewer than two values), otherwise by n (NULL
// for none). The result has Postgres' scale: that of a division of the
// numerator, at twice the sum's scale, by the integer divisor.
func NumericVariance(n int64, sumX, sumX2 *apd.Decimal, scale int32, sample, stddev bool) (types.Datum, error) {
	if n == 0 || (sample && n == 1) {
		return types.NullDatum, nil
	}
	num, denom, err := VarianceTerms(n, sumX, sumX2, sample)
	if err != nil {
		return types.NullDatum, err
	}
	if num.Sign() <= 0 {
		return types.NewNumeric(apd.New(0, 0)), nil
	}
	numer := roundTo(num, 2*scale)
	rscale := divScale(numer, denom)
	v, err := divRound(numer, denom, rscale)
	if err != nil || !stddev {
		return types.NewNumeric(v), err
	}
	r := new(apd.Decimal)
	if _, err := workCtx(precisionFor(adjExp(v)/2+1, rscale)).Sqrt(r, v); err != nil {
		return types.NullDatum, err
	}
	return types.NewNumeric(roundTo(r, rscale)), nil
}
