package builtin

import (
	"math"

	"github.com/cockroachdb/apd/v3"
	"github.com/freshetdb/freshet/sql/sqlerr"
	"github.com/freshetdb/freshet/sql/types"
)

// mathFuncs are the mathematical functions: abs, ceil, floor, round,
// trunc, sign, mod, div, gcd, lcm, power, sqrt, cbrt, exp, ln, log, log10,
// pi, random, degrees, radians, trigonometry, width_bucket and scale, with
// numeric versions where Postgres has them (round(2.5::numeric) = 3 rounds
// half away from zero, round(2.5::float8) = 2 half to even).
func mathFuncs() []*Func {
	f8, n, i4 := types.Float8, types.Numeric, types.Int4
	fs := []*Func{
		unop("abs", f8, f8, func(x types.Datum) (types.Datum, error) { return types.NewFloat8(math.Abs(x.Float())), nil }),
		unop("abs", types.Float4, types.Float4, func(x types.Datum) (types.Datum, error) {
			return types.NewFloat(types.KindFloat4, math.Abs(x.Float())), nil
		}),
		unop("abs", n, n, func(x types.Datum) (types.Datum, error) { return numericResult(new(apd.Decimal).Abs(x.Decimal()), nil) }),
		float8Fn("ceil", math.Ceil),
		float8Fn("ceiling", math.Ceil),
		float8Fn("floor", math.Floor),
		float8Fn("round", math.RoundToEven),
		float8Fn("trunc", math.Trunc),
		float8Fn("sign", func(x float64) float64 {
			switch {
			case x > 0:
				return 1
			case x < 0:
				return -1
			}
			return x
		}),
		numericFn("ceil", numericCeil),
		numericFn("ceiling", numericCeil),
		numericFn("floor", numericFloor),
		numericFn("round", func(d *apd.Decimal) (*apd.Decimal, error) { return roundTo(d, 0), nil }),
		numericFn("trunc", func(d *apd.Decimal) (*apd.Decimal, error) { return truncTo(d, 0), nil }),
		numericFn("sign", func(d *apd.Decimal) (*apd.Decimal, error) {
			if isNaN(d) {
				return d, nil
			}
			return apd.New(int64(d.Sign()), 0), nil
		}),
		binop("round", n, i4, n, func(x, y types.Datum) (types.Datum, error) {
			return numericResult(roundScale(x.Decimal(), y.Int(), false), nil)
		}),
		binop("trunc", n, i4, n, func(x, y types.Datum) (types.Datum, error) {
			return numericResult(roundScale(x.Decimal(), y.Int(), true), nil)
		}),
		binop("mod", n, n, n, func(x, y types.Datum) (types.Datum, error) {
			return numericResult(numericMod(x.Decimal(), y.Decimal()))
		}),
		binop("div", n, n, n, func(x, y types.Datum) (types.Datum, error) {
			return numericResult(numericIntDiv(x.Decimal(), y.Decimal()))
		}),
		binop("gcd", n, n, n, func(x, y types.Datum) (types.Datum, error) {
			return numericResult(numericGCD(x.Decimal(), y.Decimal()))
		}),
		binop("lcm", n, n, n, func(x, y types.Datum) (types.Datum, error) {
			return numericResult(numericLCM(x.Decimal(), y.Decimal()))
		}),
		binop("power", f8, f8, f8, func(x, y types.Datum) (types.Datum, error) { return floatPower(x.Float(), y.Float()) }),
		binop("pow", f8, f8, f8, func(x, y types.Datum) (types.Datum, error) { return floatPower(x.Float(), y.Float()) }),
		binop("power", n, n, n, func(x, y types.Datum) (types.Datum, error) {
			return numericResult(numericPower(x.Decimal(), y.Decimal()))
		}),
		binop("pow", n, n, n, func(x, y types.Datum) (types.Datum, error) {
			return numericResult(numericPower(x.Decimal(), y.Decimal()))
		}),
		unop("sqrt", f8, f8, func(x types.Datum) (types.Datum, error) { return floatSqrt(x.Float()) }),
		numericFn("sqrt", numericSqrt),
		float8Fn("cbrt", libcCbrt),
		unop("exp", f8, f8, func(x types.Datum) (types.Datum, error) {
			r := crExp(x.Float())
			if math.IsInf(r, 1) && !math.IsInf(x.Float(), 1) {
				return types.NullDatum, floatOverflow()
			}
			if r == 0 && !math.IsInf(x.Float(), -1) {
				return types.NullDatum, floatUnderflow()
			}
			return types.NewFloat8(r), nil
		}),
		numericFn("exp", numericExp),
		unop("ln", f8, f8, func(x types.Datum) (types.Datum, error) { return floatLog(x.Float(), crLn) }),
		unop("log", f8, f8, func(x types.Datum) (types.Datum, error) { return floatLog(x.Float(), libcLog10) }),
		unop("log10", f8, f8, func(x types.Datum) (types.Datum, error) { return floatLog(x.Float(), libcLog10) }),
		numericFn("ln", numericLn),
		numericFn("log", func(d *apd.Decimal) (*apd.Decimal, error) { return numericLog(apd.New(10, 0), d) }),
		numericFn("log10", func(d *apd.Decimal) (*apd.Decimal, error) { return numericLog(apd.New(10, 0), d) }),
		binop("log", n, n, n, func(x, y types.Datum) (types.Datum, error) {
			return numericResult(numericLog(x.Decimal(), y.Decimal()))
		}),
		{Name: "pi", Ret: f8, Vol: Immutable, Fn: func(*EvalContext, []types.Datum) (types.Datum, error) {
			return types.NewFloat8(math.Pi), nil
		}},
		{Name: "random", Ret: f8, Vol: Volatile, Fn: func(ctx *EvalContext, _ []types.Datum) (types.Datum, error) {
			if ctx == nil || ctx.Rand == nil {
				return types.NullDatum, sqlerr.Internal("random() has no random source")
			}
			return types.NewFloat8(ctx.Rand.Float64()), nil
		}},
		float8Fn("degrees", func(x float64) float64 { return x / radiansPerDegree }),
		float8Fn("radians", func(x float64) float64 { return x * radiansPerDegree }),
		float8Fn("sin", crSin),
		float8Fn("cos", crCos),
		float8Fn("tan", crTan),
		float8Fn("cot", func(x float64) float64 { return 1 / crTan(x) }),
		float8Fn("atan", crAtan),
		binop("atan2", f8, f8, f8, func(x, y types.Datum) (types.Datum, error) {
			return types.NewFloat8(crAtan2(x.Float(), y.Float())), nil
		}),
		unop("asin", f8, f8, func(x types.Datum) (types.Datum, error) { return boundedTrig(x.Float(), crAsin) }),
		unop("acos", f8, f8, func(x types.Datum) (types.Datum, error) { return boundedTrig(x.Float(), crAcos) }),
		strict("width_bucket", i4, args(f8, f8, f8, i4), func(_ *EvalContext, v []types.Datum) (types.Datum, error) {
			return widthBucketFloat(v[0].Float(), v[1].Float(), v[2].Float(), v[3].Int())
		}),
		strict("width_bucket", i4, args(n, n, n, i4), func(_ *EvalContext, v []types.Datum) (types.Datum, error) {
			return widthBucketNumeric(v[0].Decimal(), v[1].Decimal(), v[2].Decimal(), v[3].Int())
		}),
		unop("factorial", types.Int8, n, func(x types.Datum) (types.Datum, error) {
			v := x.Int()
			if v < 0 {
				return types.NullDatum, sqlerr.New(sqlerr.NumericValueOutOfRange, "factorial of a negative number is undefined")
			}
			if v > 32177 {
				return types.NullDatum, sqlerr.New(sqlerr.NumericValueOutOfRange, "value overflows numeric format")
			}
			r := apd.New(1, 0)
			for i := int64(2); i <= v; i++ {
				if _, err := exactCtx.Mul(r, r, apd.New(i, 0)); err != nil {
					return types.NullDatum, err
				}
			}
			return types.NewNumeric(r), nil
		}),
		numericFn("trim_scale", func(d *apd.Decimal) (*apd.Decimal, error) { return roundTo(d, minScale(d)), nil }),
		unop("min_scale", n, i4, func(x types.Datum) (types.Datum, error) {
			if x.Decimal().Form != apd.Finite {
				return types.NullDatum, nil
			}
			return types.NewInt4(minScale(x.Decimal())), nil
		}),
		unop("scale", n, i4, func(x types.Datum) (types.Datum, error) {
			if x.Decimal().Form != apd.Finite {
				return types.NullDatum, nil
			}
			return types.NewInt4(dscale(x.Decimal())), nil
		}),
	}
	for _, t := range []types.T{types.Int2, types.Int4, types.Int8} {
		k := t.Kind
		fs = append(fs,
			unop("abs", t, t, func(x types.Datum) (types.Datum, error) {
				if x.Int() < 0 {
					return intNegate(k, x.Int())
				}
				return x, nil
			}),
			binop("mod", t, t, t, func(x, y types.Datum) (types.Datum, error) {
				if y.Int() == 0 {
					return types.NullDatum, divisionByZero()
				}
				if y.Int() == -1 {
					return types.NewInt(k, 0), nil
				}
				return types.NewInt(k, x.Int()%y.Int()), nil
			}),
		)
		if k != types.KindInt2 {
			fs = append(fs,
				binop("gcd", t, t, t, func(x, y types.Datum) (types.Datum, error) { return intGCD(k, x.Int(), y.Int()) }),
				binop("lcm", t, t, t, func(x, y types.Datum) (types.Datum, error) { return intLCM(k, x.Int(), y.Int()) }),
			)
		}
	}
	return fs
}

// radiansPerDegree is the constant Postgres multiplies and divides by.
const radiansPerDegree = 0.0174532925199432957692

// minScale is the fewest decimal places that represent d exactly.
func minScale(d *apd.Decimal) int32 {
	if d.Form != apd.Finite || d.IsZero() {
		return 0
	}
	r, _ := new(apd.Decimal).Reduce(d)
	return max(-r.Exponent, 0)
}

func float8Fn(name string, fn func(float64) float64) *Func {
	return unop(name, types.Float8, types.Float8, func(x types.Datum) (types.Datum, error) { return types.NewFloat8(fn(x.Float())), nil })
}

func numericFn(name string, fn func(*apd.Decimal) (*apd.Decimal, error)) *Func {
	return unop(name, types.Numeric, types.Numeric, func(x types.Datum) (types.Datum, error) { return numericResult(fn(x.Decimal())) })
}

func numericCeil(d *apd.Decimal) (*apd.Decimal, error) {
	if d.Form != apd.Finite {
		return d, nil
	}
	r := new(apd.Decimal)
	_, err := workCtx(int(max(adjExp(d)+3, 1))).Ceil(r, d)
	return normZero(r), err
}

func numericFloor(d *apd.Decimal) (*apd.Decimal, error) {
	if d.Form != apd.Finite {
		return d, nil
	}
	r := new(apd.Decimal)
	_, err := workCtx(int(max(adjExp(d)+3, 1))).Floor(r, d)
	return normZero(r), err
}

// normZero makes -0 plain 0 and the scale non-negative.
func normZero(d *apd.Decimal) *apd.Decimal {
	if d.Form == apd.Finite && d.IsZero() {
		d.Negative = false
	}
	return normScale(d)
}

// roundScale is round(x, s) / trunc(x, s): a negative s rounds to the left
// of the point; the result scale is max(s, 0).
func roundScale(d *apd.Decimal, s int64, trunc bool) *apd.Decimal {
	if d.Form != apd.Finite {
		return d
	}
	s = max(min(s, numericMaxResultScale), -numericMaxResultScale)
	var r *apd.Decimal
	if trunc {
		r = truncTo(d, int32(s))
	} else {
		r = roundTo(d, int32(s))
	}
	return normScale(r)
}

func numericIntDiv(x, y *apd.Decimal) (*apd.Decimal, error) {
	if isNaN(x) || isNaN(y) {
		return decNaN, nil
	}
	if y.Form == apd.Finite && y.IsZero() {
		return nil, divisionByZero()
	}
	if x.Form == apd.Infinite || y.Form == apd.Infinite {
		return numericDiv(x, y)
	}
	r := new(apd.Decimal)
	c := workCtx(precisionFor(adjExp(x)-adjExp(y)+1, 0))
	c.Rounding = apd.RoundDown
	if _, err := c.QuoInteger(r, x, y); err != nil {
		return nil, err
	}
	return normZero(r), nil
}

func numericGCD(x, y *apd.Decimal) (*apd.Decimal, error) {
	if isNaN(x) || isNaN(y) || x.Form == apd.Infinite || y.Form == apd.Infinite {
		return decNaN, nil
	}
	scale := max(dscale(x), dscale(y))
	a, b := new(apd.Decimal).Abs(x), new(apd.Decimal).Abs(y)
	for !b.IsZero() {
		m, err := numericMod(a, b)
		if err != nil {
			return nil, err
		}
		a, b = b, new(apd.Decimal).Abs(m)
	}
	return roundTo(a, scale), nil
}

func numericLCM(x, y *apd.Decimal) (*apd.Decimal, error) {
	if isNaN(x) || isNaN(y) || x.Form == apd.Infinite || y.Form == apd.Infinite {
		return decNaN, nil
	}
	scale := max(dscale(x), dscale(y))
	if x.IsZero() || y.IsZero() {
		return roundTo(apd.New(0, 0), scale), nil
	}
	g, err := numericGCD(x, y)
	if err != nil {
		return nil, err
	}
	q := new(apd.Decimal)
	c := workCtx(precisionFor(adjExp(x)-adjExp(g)+1, 0))
	if _, err := c.QuoInteger(q, x, g); err != nil {
		return nil, err
	}
	r := new(apd.Decimal)
	if _, err := exactCtx.Mul(r, q, y); err != nil {
		return nil, err
	}
	r.Abs(r)
	return roundTo(r, scale), nil
}

func intGCD(k types.Kind, a, b int64) (types.Datum, error) {
	for b != 0 {
		a, b = b, a%b
	}
	if a == math.MinInt64 || (k == types.KindInt4 && a == math.MinInt32) {
		return types.NullDatum, intOutOfRange(k)
	}
	return intResult(k, absInt(a))
}

func intLCM(k types.Kind, a, b int64) (types.Datum, error) {
	if a == 0 || b == 0 {
		return types.NewInt(k, 0), nil
	}
	g, err := intGCD(k, a, b)
	if err != nil {
		return types.NullDatum, err
	}
	p, o := mulOverflow(a/g.Int(), b)
	if o || p == math.MinInt64 {
		return types.NullDatum, intOutOfRange(k)
	}
	return intResult(k, absInt(p))
}

func floatLog(x float64, fn func(float64) float64) (types.Datum, error) {
	if x == 0 {
		return types.NullDatum, sqlerr.New(sqlerr.InvalidArgumentForLogarithm, "cannot take logarithm of zero")
	}
	if x < 0 {
		return types.NullDatum, sqlerr.New(sqlerr.InvalidArgumentForLogarithm, "cannot take logarithm of a negative number")
	}
	return types.NewFloat8(fn(x)), nil
}

func boundedTrig(x float64, fn func(float64) float64) (types.Datum, error) {
	if math.IsNaN(x) {
		return types.NewFloat8(x), nil
	}
	if x < -1 || x > 1 {
		return types.NullDatum, sqlerr.New(sqlerr.NumericValueOutOfRange, "input is out of range")
	}
	return types.NewFloat8(fn(x)), nil
}

// numericSqrt uses Postgres' scale: 16 significant digits, at least the
// input's scale.
func numericSqrt(d *apd.Decimal) (*apd.Decimal, error) {
	if isNaN(d) {
		return d, nil
	}
	if d.Sign() < 0 {
		return nil, sqlerr.New(sqlerr.InvalidArgumentForPowerFunc, "cannot take square root of a negative number")
	}
	if d.Form == apd.Infinite {
		return d, nil
	}
	w, _ := baseWeight(d)
	sweight := (w+1)*4/2 - 1
	rscale := int32(min(max(numericMinSigDigits-sweight, int64(dscale(d)), 0), numericMaxDisplayScale))
	if d.IsZero() {
		return roundTo(apd.New(0, 0), rscale), nil
	}
	r := new(apd.Decimal)
	if _, err := workCtx(precisionFor(adjExp(d)/2+1, rscale)).Sqrt(r, d); err != nil {
		return nil, err
	}
	return roundTo(r, rscale), nil
}

// numericExp uses Postgres' scale: 16 significant digits.
func numericExp(d *apd.Decimal) (*apd.Decimal, error) {
	if isNaN(d) {
		return d, nil
	}
	if d.Form == apd.Infinite {
		if d.Negative {
			return apd.New(0, 0), nil
		}
		return d, nil
	}
	val := numericToFloat64(d) * 0.434294481903252
	if val > 131072 {
		return nil, sqlerr.New(sqlerr.NumericValueOutOfRange, "value overflows numeric format")
	}
	val = max(min(val, numericMaxResultScale), -numericMaxResultScale)
	rscale := int32(min(max(numericMinSigDigits-int64(val), int64(dscale(d)), 0), numericMaxDisplayScale))
	r := new(apd.Decimal)
	if _, err := workCtx(precisionFor(int64(math.Abs(val))+1, rscale)).Exp(r, d); err != nil {
		return nil, sqlerr.New(sqlerr.NumericValueOutOfRange, "value overflows numeric format")
	}
	return roundTo(r, rscale), nil
}

// lnDWeight is Postgres' estimate_ln_dweight: the decimal weight of ln(d).
func lnDWeight(d *apd.Decimal) int64 {
	if d.Sign() <= 0 {
		return 0
	}
	f := numericToFloat64(d)
	if f >= 0.9 && f <= 1.1 {
		x := new(apd.Decimal)
		if _, err := exactCtx.Sub(x, d, apd.New(1, 0)); err != nil || x.IsZero() {
			return 0
		}
		return adjExp(x)
	}
	ln := math.Log(f)
	if math.IsInf(f, 0) || f == 0 {
		ln = (float64(adjExp(d)) + 0.5) * math.Ln10
	}
	return int64(math.Log10(math.Abs(ln)))
}

func checkLogArg(d *apd.Decimal) error {
	if d.Form == apd.Finite && d.IsZero() {
		return sqlerr.New(sqlerr.InvalidArgumentForLogarithm, "cannot take logarithm of zero")
	}
	if d.Sign() < 0 {
		return sqlerr.New(sqlerr.InvalidArgumentForLogarithm, "cannot take logarithm of a negative number")
	}
	return nil
}

func numericLn(d *apd.Decimal) (*apd.Decimal, error) {
	if isNaN(d) {
		return d, nil
	}
	if err := checkLogArg(d); err != nil {
		return nil, err
	}
	if d.Form == apd.Infinite {
		return d, nil
	}
	rscale := int32(min(max(numericMinSigDigits-lnDWeight(d), int64(dscale(d)), 0), numericMaxDisplayScale))
	r := new(apd.Decimal)
	if _, err := workCtx(precisionFor(6, rscale)).Ln(r, d); err != nil {
		return nil, err
	}
	return roundTo(r, rscale), nil
}

// numericLog is log(base, x) with Postgres' scale.
func numericLog(base, x *apd.Decimal) (*apd.Decimal, error) {
	if isNaN(base) || isNaN(x) {
		return decNaN, nil
	}
	if err := checkLogArg(base); err != nil {
		return nil, err
	}
	if err := checkLogArg(x); err != nil {
		return nil, err
	}
	if base.Form == apd.Infinite || x.Form == apd.Infinite {
		f, _ := floatLog(numericToFloat64(x), math.Log)
		g, _ := floatLog(numericToFloat64(base), math.Log)
		return floatToNumeric(f.Float()/g.Float(), types.KindFloat8).Decimal(), nil
	}
	rdw := lnDWeight(x) - lnDWeight(base)
	rscale := int32(min(max(numericMinSigDigits-rdw, int64(dscale(base)), int64(dscale(x)), 0), numericMaxDisplayScale))
	prec := precisionFor(6, rscale) + int(max(rdw, 0))
	c := workCtx(prec + 10)
	lb, lx := new(apd.Decimal), new(apd.Decimal)
	if _, err := c.Ln(lb, base); err != nil {
		return nil, err
	}
	if _, err := c.Ln(lx, x); err != nil {
		return nil, err
	}
	if lb.IsZero() {
		return nil, divisionByZero()
	}
	r := new(apd.Decimal)
	if _, err := c.Quo(r, lx, lb); err != nil {
		return nil, err
	}
	return roundTo(r, rscale), nil
}

func widthBucketFloat(op, lo, hi float64, count int64) (types.Datum, error) {
	if count <= 0 {
		return types.NullDatum, sqlerr.New(sqlerr.InvalidArgumentForWidthBucket, "count must be greater than zero")
	}
	if math.IsNaN(op) || math.IsNaN(lo) || math.IsNaN(hi) {
		return types.NullDatum, sqlerr.New(sqlerr.InvalidArgumentForWidthBucket, "operand, lower bound, and upper bound cannot be NaN")
	}
	if math.IsInf(lo, 0) || math.IsInf(hi, 0) {
		return types.NullDatum, sqlerr.New(sqlerr.InvalidArgumentForWidthBucket, "lower and upper bounds must be finite")
	}
	var r int64
	switch {
	case lo < hi:
		switch {
		case op < lo:
			r = 0
		case op >= hi:
			r = count + 1
		default:
			r = int64(float64(count)*((op-lo)/(hi-lo))) + 1
		}
	case lo > hi:
		switch {
		case op > lo:
			r = 0
		case op <= hi:
			r = count + 1
		default:
			r = int64(float64(count)*((lo-op)/(lo-hi))) + 1
		}
	default:
		return types.NullDatum, sqlerr.New(sqlerr.InvalidArgumentForWidthBucket, "lower bound cannot equal upper bound")
	}
	return intResult(types.KindInt4, r)
}

func widthBucketNumeric(op, lo, hi *apd.Decimal, count int64) (types.Datum, error) {
	if count <= 0 {
		return types.NullDatum, sqlerr.New(sqlerr.InvalidArgumentForWidthBucket, "count must be greater than zero")
	}
	if isNaN(op) || isNaN(lo) || isNaN(hi) {
		return types.NullDatum, sqlerr.New(sqlerr.InvalidArgumentForWidthBucket, "operand, lower bound, and upper bound cannot be NaN")
	}
	if lo.Form == apd.Infinite || hi.Form == apd.Infinite {
		return types.NullDatum, sqlerr.New(sqlerr.InvalidArgumentForWidthBucket, "lower and upper bounds must be finite")
	}
	cmp := lo.Cmp(hi)
	if cmp == 0 {
		return types.NullDatum, sqlerr.New(sqlerr.InvalidArgumentForWidthBucket, "lower bound cannot equal upper bound")
	}
	bucket := func(num, den *apd.Decimal) (types.Datum, error) {
		// (num * count) / den, truncated, plus one.
		p := new(apd.Decimal)
		if _, err := exactCtx.Mul(p, num, apd.New(count, 0)); err != nil {
			return types.NullDatum, err
		}
		q, err := numericIntDiv(p, den)
		if err != nil {
			return types.NullDatum, err
		}
		v, err := q.Int64()
		if err != nil {
			return types.NullDatum, intOutOfRange(types.KindInt4)
		}
		return intResult(types.KindInt4, v+1)
	}
	num, den := new(apd.Decimal), new(apd.Decimal)
	if cmp < 0 {
		if op.Cmp(lo) < 0 {
			return types.NewInt4(0), nil
		}
		if op.Cmp(hi) >= 0 {
			return intResult(types.KindInt4, count+1)
		}
		_, _ = exactCtx.Sub(num, op, lo)
		_, _ = exactCtx.Sub(den, hi, lo)
		return bucket(num, den)
	}
	if op.Cmp(lo) > 0 {
		return types.NewInt4(0), nil
	}
	if op.Cmp(hi) <= 0 {
		return intResult(types.KindInt4, count+1)
	}
	_, _ = exactCtx.Sub(num, lo, op)
	_, _ = exactCtx.Sub(den, lo, hi)
	return bucket(num, den)
}
