package builtin

import (
	"math"

	"github.com/cockroachdb/apd/v3"
	"github.com/freshetdb/freshet/sql/sqlerr"
	"github.com/freshetdb/freshet/sql/types"
)

// arithFuncs are the arithmetic operators on integers, floats and numeric:
// + - * / % unary - and +, ^ (power), |/ (square root), ||/ (cube root),
// @ (absolute value) and the integer bit operators & | # ~ << >>.
func arithFuncs() []*Func {
	var fs []*Func
	for _, t := range []types.T{types.Int2, types.Int4, types.Int8} {
		k := t.Kind
		fs = append(fs,
			binop("+", t, t, t, func(x, y types.Datum) (types.Datum, error) {
				s, o := addOverflow(x.Int(), y.Int())
				if o {
					return types.NullDatum, intOutOfRange(k)
				}
				return intResult(k, s)
			}),
			binop("-", t, t, t, func(x, y types.Datum) (types.Datum, error) {
				s, o := subOverflow(x.Int(), y.Int())
				if o {
					return types.NullDatum, intOutOfRange(k)
				}
				return intResult(k, s)
			}),
			binop("*", t, t, t, func(x, y types.Datum) (types.Datum, error) {
				p, o := mulOverflow(x.Int(), y.Int())
				if o {
					return types.NullDatum, intOutOfRange(k)
				}
				return intResult(k, p)
			}),
			binop("/", t, t, t, func(x, y types.Datum) (types.Datum, error) {
				if y.Int() == 0 {
					return types.NullDatum, divisionByZero()
				}
				if y.Int() == -1 {
					return intNegate(k, x.Int())
				}
				return types.NewInt(k, x.Int()/y.Int()), nil
			}),
			binop("%", t, t, t, func(x, y types.Datum) (types.Datum, error) {
				if y.Int() == 0 {
					return types.NullDatum, divisionByZero()
				}
				if y.Int() == -1 {
					return types.NewInt(k, 0), nil
				}
				return types.NewInt(k, x.Int()%y.Int()), nil
			}),
			unop("-", t, t, func(x types.Datum) (types.Datum, error) { return intNegate(k, x.Int()) }),
			unop("+", t, t, func(x types.Datum) (types.Datum, error) { return x, nil }),
			unop("@", t, t, func(x types.Datum) (types.Datum, error) {
				if x.Int() < 0 {
					return intNegate(k, x.Int())
				}
				return x, nil
			}),
			binop("&", t, t, t, func(x, y types.Datum) (types.Datum, error) { return types.NewInt(k, x.Int()&y.Int()), nil }),
			binop("|", t, t, t, func(x, y types.Datum) (types.Datum, error) { return types.NewInt(k, x.Int()|y.Int()), nil }),
			binop("#", t, t, t, func(x, y types.Datum) (types.Datum, error) { return types.NewInt(k, x.Int()^y.Int()), nil }),
			unop("~", t, t, func(x types.Datum) (types.Datum, error) { return types.NewInt(k, ^x.Int()), nil }),
			binop("<<", t, types.Int4, t, func(x, y types.Datum) (types.Datum, error) {
				return types.NewInt(k, wrapInt(k, x.Int()<<(uint64(y.Int())%uint64(intBits(k))))), nil
			}),
			binop(">>", t, types.Int4, t, func(x, y types.Datum) (types.Datum, error) {
				return types.NewInt(k, x.Int()>>(uint64(y.Int())%uint64(intBits(k)))), nil
			}),
		)
	}
	for _, t := range []types.T{types.Float4, types.Float8} {
		k := t.Kind
		fs = append(fs,
			binop("+", t, t, t, func(x, y types.Datum) (types.Datum, error) {
				return floatResult(k, x.Float()+y.Float(), x.Float(), y.Float(), false)
			}),
			binop("-", t, t, t, func(x, y types.Datum) (types.Datum, error) {
				return floatResult(k, x.Float()-y.Float(), x.Float(), y.Float(), false)
			}),
			binop("*", t, t, t, func(x, y types.Datum) (types.Datum, error) {
				return floatResult(k, x.Float()*y.Float(), x.Float(), y.Float(), true)
			}),
			binop("/", t, t, t, func(x, y types.Datum) (types.Datum, error) {
				if y.Float() == 0 && !math.IsNaN(x.Float()) {
					return types.NullDatum, divisionByZero()
				}
				r := x.Float() / y.Float()
				if math.IsInf(r, 0) && !math.IsInf(x.Float(), 0) {
					return types.NullDatum, floatOverflow()
				}
				if k == types.KindFloat4 && math.IsInf(float64(float32(r)), 0) && !math.IsInf(x.Float(), 0) {
					return types.NullDatum, floatOverflow()
				}
				if r == 0 && x.Float() != 0 && !math.IsInf(y.Float(), 0) {
					return types.NullDatum, floatUnderflow()
				}
				return types.NewFloat(k, r), nil
			}),
			unop("-", t, t, func(x types.Datum) (types.Datum, error) { return types.NewFloat(k, -x.Float()), nil }),
			unop("+", t, t, func(x types.Datum) (types.Datum, error) { return x, nil }),
			unop("@", t, t, func(x types.Datum) (types.Datum, error) { return types.NewFloat(k, math.Abs(x.Float())), nil }),
		)
	}
	n := types.Numeric
	fs = append(fs,
		binop("+", n, n, n, func(x, y types.Datum) (types.Datum, error) {
			r := new(apd.Decimal)
			_, err := exactCtx.Add(r, x.Decimal(), y.Decimal())
			return numericResult(r, err)
		}),
		binop("-", n, n, n, func(x, y types.Datum) (types.Datum, error) {
			r := new(apd.Decimal)
			_, err := exactCtx.Sub(r, x.Decimal(), y.Decimal())
			return numericResult(r, err)
		}),
		binop("*", n, n, n, func(x, y types.Datum) (types.Datum, error) {
			r := new(apd.Decimal)
			_, err := exactCtx.Mul(r, x.Decimal(), y.Decimal())
			return numericResult(r, err)
		}),
		binop("/", n, n, n, func(x, y types.Datum) (types.Datum, error) {
			return numericResult(numericDiv(x.Decimal(), y.Decimal()))
		}),
		binop("%", n, n, n, func(x, y types.Datum) (types.Datum, error) {
			return numericResult(numericMod(x.Decimal(), y.Decimal()))
		}),
		unop("-", n, n, func(x types.Datum) (types.Datum, error) {
			return numericResult(new(apd.Decimal).Neg(x.Decimal()), nil)
		}),
		unop("+", n, n, func(x types.Datum) (types.Datum, error) { return x, nil }),
		unop("@", n, n, func(x types.Datum) (types.Datum, error) {
			return numericResult(new(apd.Decimal).Abs(x.Decimal()), nil)
		}),
		binop("^", types.Float8, types.Float8, types.Float8, func(x, y types.Datum) (types.Datum, error) {
			return floatPower(x.Float(), y.Float())
		}),
		binop("^", n, n, n, func(x, y types.Datum) (types.Datum, error) {
			return numericResult(numericPower(x.Decimal(), y.Decimal()))
		}),
		unop("|/", types.Float8, types.Float8, func(x types.Datum) (types.Datum, error) { return floatSqrt(x.Float()) }),
		unop("||/", types.Float8, types.Float8, func(x types.Datum) (types.Datum, error) {
			return types.NewFloat8(libcCbrt(x.Float())), nil
		}),
	)
	return fs
}

func intBits(k types.Kind) int {
	switch k {
	case types.KindInt2:
		return 16
	case types.KindInt4:
		return 32
	}
	return 64
}

// wrapInt truncates v to the width of k, as C's shifts on int16/int32 do.
func wrapInt(k types.Kind, v int64) int64 {
	switch k {
	case types.KindInt2:
		return int64(int16(v))
	case types.KindInt4:
		return int64(int32(v))
	}
	return v
}

func addOverflow(a, b int64) (int64, bool) {
	s := a + b
	return s, (a >= 0) == (b >= 0) && (s >= 0) != (a >= 0)
}

func subOverflow(a, b int64) (int64, bool) {
	s := a - b
	return s, (a >= 0) != (b >= 0) && (s >= 0) != (a >= 0)
}

func mulOverflow(a, b int64) (int64, bool) {
	if a == 0 || b == 0 {
		return 0, false
	}
	p := a * b
	if p/b != a || (a == -1 && b == math.MinInt64) || (b == -1 && a == math.MinInt64) {
		return p, true
	}
	return p, false
}

func intNegate(k types.Kind, v int64) (types.Datum, error) {
	if v == math.MinInt64 {
		return types.NullDatum, intOutOfRange(k)
	}
	return intResult(k, -v)
}

func floatOverflow() error {
	return sqlerr.New(sqlerr.NumericValueOutOfRange, "value out of range: overflow")
}

func floatUnderflow() error {
	return sqlerr.New(sqlerr.NumericValueOutOfRange, "value out of range: underflow")
}

// floatResult checks a float result for overflow (infinite from finite
// inputs) and, for products, underflow (zero from non-zero inputs).
func floatResult(k types.Kind, r, x, y float64, checkUnderflow bool) (types.Datum, error) {
	inf := math.IsInf(x, 0) || math.IsInf(y, 0)
	if k == types.KindFloat4 {
		r = float64(float32(r))
	}
	if math.IsInf(r, 0) && !inf {
		return types.NullDatum, floatOverflow()
	}
	if checkUnderflow && r == 0 && x != 0 && y != 0 {
		return types.NullDatum, floatUnderflow()
	}
	return types.NewFloat(k, r), nil
}

func floatSqrt(x float64) (types.Datum, error) {
	if x < 0 {
		return types.NullDatum, sqlerr.New(sqlerr.InvalidArgumentForPowerFunc, "cannot take square root of a negative number")
	}
	return types.NewFloat8(math.Sqrt(x)), nil
}

// floatPower is float8 ^ float8 with Postgres' errors.
func floatPower(x, y float64) (types.Datum, error) {
	if math.IsNaN(x) {
		if y == 0 {
			return types.NewFloat8(1), nil
		}
		return types.NewFloat8(math.NaN()), nil
	}
	if math.IsNaN(y) {
		if x == 1 {
			return types.NewFloat8(1), nil
		}
		return types.NewFloat8(math.NaN()), nil
	}
	if x == 0 && y < 0 {
		return types.NullDatum, sqlerr.New(sqlerr.InvalidArgumentForPowerFunc, "zero raised to a negative power is undefined")
	}
	if x < 0 && math.Floor(y) != y && !math.IsInf(y, 0) {
		return types.NullDatum, sqlerr.New(sqlerr.InvalidArgumentForPowerFunc, "a negative number raised to a non-integer power yields a complex result")
	}
	r := crPow(x, y)
	if math.IsInf(r, 0) && !math.IsInf(x, 0) && !math.IsInf(y, 0) {
		return types.NullDatum, floatOverflow()
	}
	if r == 0 && x != 0 && !math.IsInf(x, 0) && !math.IsInf(y, 0) {
		return types.NullDatum, floatUnderflow()
	}
	return types.NewFloat8(r), nil
}

// numericMod is the truncated remainder with scale max(dscale(x), dscale(y)).
func numericMod(x, y *apd.Decimal) (*apd.Decimal, error) {
	if isNaN(x) || isNaN(y) {
		return decNaN, nil
	}
	if y.Form == apd.Finite && y.IsZero() {
		return nil, divisionByZero()
	}
	if x.Form == apd.Infinite {
		return decNaN, nil
	}
	if y.Form == apd.Infinite {
		return x, nil
	}
	r := new(apd.Decimal)
	prec := precisionFor(adjExp(x)-adjExp(y)+1, 0) + int(max(dscale(x), dscale(y))) + int(max(adjExp(x), 0))
	if _, err := workCtx(prec).Rem(r, x, y); err != nil {
		return nil, err
	}
	return r, nil
}

// numericPower is numeric ^ numeric with Postgres' result scale: at least
// 16 significant digits, never fewer decimals than the inputs have.
func numericPower(x, y *apd.Decimal) (*apd.Decimal, error) {
	if isNaN(x) {
		if y.Form == apd.Finite && y.IsZero() {
			return apd.New(1, 0), nil
		}
		return decNaN, nil
	}
	if isNaN(y) {
		if x.Form == apd.Finite && x.Cmp(apd.New(1, 0)) == 0 {
			return apd.New(1, 0), nil
		}
		return decNaN, nil
	}
	if x.Form == apd.Finite && x.IsZero() && y.Sign() < 0 {
		return nil, sqlerr.New(sqlerr.InvalidArgumentForPowerFunc, "zero raised to a negative power is undefined")
	}
	yInt := y.Form == apd.Finite && isIntegral(y)
	if x.Sign() < 0 && !yInt && y.Form == apd.Finite {
		return nil, sqlerr.New(sqlerr.InvalidArgumentForPowerFunc, "a negative number raised to a non-integer power yields a complex result")
	}
	if x.Form == apd.Infinite || y.Form == apd.Infinite {
		f, _ := floatPower(numericToFloat64(x), numericToFloat64(y))
		return floatToNumeric(f.Float(), types.KindFloat8).Decimal(), nil
	}
	if x.IsZero() {
		if y.IsZero() {
			return roundTo(apd.New(1, 0), max(numericMinSigDigits, dscale(x))), nil
		}
		return roundTo(apd.New(0, 0), max(numericMinSigDigits, dscale(x))), nil
	}
	if yInt {
		if e, err := y.Int64(); err == nil && e >= math.MinInt32 && e <= math.MaxInt32 {
			rscale := min(max(numericMinSigDigits, dscale(x)), numericMaxDisplayScale)
			r := new(apd.Decimal)
			mag := float64(e) * math.Log10(math.Abs(numericToFloat64(x)))
			if mag > 131072 {
				return nil, sqlerr.New(sqlerr.NumericValueOutOfRange, "value overflows numeric format")
			}
			prec := precisionFor(int64(math.Abs(mag))+1, rscale)
			if _, err := workCtx(prec).Pow(r, x, y); err != nil {
				return nil, sqlerr.New(sqlerr.NumericValueOutOfRange, "value overflows numeric format")
			}
			return roundTo(r, rscale), nil
		}
	}
	val := numericToFloat64(y) * math.Log(math.Abs(numericToFloat64(x))) * 0.434294481903252
	val = max(min(val, numericMaxResultScale), -numericMaxResultScale)
	if val > 131072 {
		return nil, sqlerr.New(sqlerr.NumericValueOutOfRange, "value overflows numeric format")
	}
	rscale := int32(numericMinSigDigits - int(val))
	rscale = min(max(rscale, dscale(x), dscale(y), 0), numericMaxDisplayScale)
	r := new(apd.Decimal)
	prec := precisionFor(int64(math.Abs(val))+1, rscale)
	if _, err := workCtx(prec).Pow(r, x, y); err != nil {
		return nil, sqlerr.New(sqlerr.NumericValueOutOfRange, "value overflows numeric format")
	}
	return roundTo(r, rscale), nil
}

// isIntegral reports whether a finite d has no fractional part.
func isIntegral(d *apd.Decimal) bool {
	if d.Exponent >= 0 {
		return true
	}
	var i, f apd.Decimal
	d.Modf(&i, &f)
	return f.IsZero()
}

func absInt(a int64) int64 {
	if a < 0 {
		return -a
	}
	return a
}
