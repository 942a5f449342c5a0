package builtin

import (
	"math"
	"math/big"
)

// Postgres' float8 functions call the C library, whose sin, cos, tan,
// atan, exp, log and pow are correctly rounded in practice, while Go's
// math package may be one unit in the last place off. To give the same
// bits as Postgres, the functions here compute in big.Float with ample
// precision and round once. Special values (NaN, infinities, zeros) go
// through the math package, which treats them as C does.

// workPrec is the precision of the series; reducePrec that of the
// argument reduction, enough for |x| up to 2^1024.
const (
	workPrec   = 110
	reducePrec = 1400
)

// bigPi and bigLn2 are computed once at package initialisation and never
// changed.
var (
	bigPi  = machinPi(reducePrec + 64)
	bigLn2 = ln2Series(workPrec + 64)
)

func newBig(prec uint) *big.Float { return new(big.Float).SetPrec(prec) }

// atanInv returns atan(1/n) by its series, for Machin's formula.
func atanInv(n int64, prec uint) *big.Float {
	x := newBig(prec).Quo(newBig(prec).SetInt64(1), newBig(prec).SetInt64(n))
	x2 := newBig(prec).Mul(x, x)
	sum := newBig(prec).Set(x)
	term := newBig(prec).Set(x)
	eps := newBig(prec).SetMantExp(newBig(prec).SetInt64(1), -int(prec)-8)
	for k := int64(1); ; k++ {
		term.Mul(term, x2)
		t := newBig(prec).Quo(term, newBig(prec).SetInt64(2*k+1))
		if k%2 == 1 {
			sum.Sub(sum, t)
		} else {
			sum.Add(sum, t)
		}
		if t.Cmp(eps) < 0 {
			return sum
		}
	}
}

// machinPi is pi = 16 atan(1/5) - 4 atan(1/239).
func machinPi(prec uint) *big.Float {
	a := atanInv(5, prec)
	b := atanInv(239, prec)
	a.Mul(a, newBig(prec).SetInt64(16))
	b.Mul(b, newBig(prec).SetInt64(4))
	return a.Sub(a, b)
}

// ln2Series is ln(2) = 2 atanh(1/3).
func ln2Series(prec uint) *big.Float {
	one := newBig(prec).SetInt64(1)
	z := newBig(prec).Quo(one, newBig(prec).SetInt64(3))
	z2 := newBig(prec).Mul(z, z)
	sum := newBig(prec).Set(z)
	term := newBig(prec).Set(z)
	eps := newBig(prec).SetMantExp(one, -int(prec)-8)
	for k := int64(1); ; k++ {
		term.Mul(term, z2)
		t := newBig(prec).Quo(term, newBig(prec).SetInt64(2*k+1))
		sum.Add(sum, t)
		if t.Cmp(eps) < 0 {
			return sum.Mul(sum, newBig(prec).SetInt64(2))
		}
	}
}

// lnSeries is ln(x) for x > 0: x = m * 2^e with m in [0.5, 1), and
// ln(m) = 2 atanh((m-1)/(m+1)).
func lnSeries(x *big.Float, prec uint) *big.Float {
	m := newBig(prec)
	e := x.MantExp(m)
	one := newBig(prec).SetInt64(1)
	z := newBig(prec).Quo(newBig(prec).Sub(m, one), newBig(prec).Add(m, one))
	z2 := newBig(prec).Mul(z, z)
	sum := newBig(prec).Set(z)
	term := newBig(prec).Set(z)
	eps := newBig(prec).SetMantExp(one, -int(prec)-8)
	for k := int64(1); ; k++ {
		term.Mul(term, z2)
		t := newBig(prec).Quo(term, newBig(prec).SetInt64(2*k+1))
		sum.Add(sum, t)
		if t.Sign() == 0 || newBig(prec).Abs(t).Cmp(eps) < 0 {
			break
		}
	}
	sum.Mul(sum, newBig(prec).SetInt64(2))
	if e != 0 {
		sum.Add(sum, newBig(prec).Mul(bigLn2, newBig(prec).SetInt64(int64(e))))
	}
	return sum
}

func toFloat(f *big.Float) float64 {
	v, _ := f.Float64()
	return v
}

// sinCos returns sin(x) and cos(x) for a finite x.
func sinCos(x float64) (*big.Float, *big.Float) {
	// Reduction needs the bits of x above the point on top of the working
	// precision.
	_, e := math.Frexp(x)
	rp := uint(workPrec + 64 + max(e, 0))
	bx := newBig(rp).SetFloat64(x)
	halfPi := newBig(rp).Quo(bigPi, newBig(rp).SetInt64(2))
	q := newBig(rp).Quo(bx, halfPi)
	// k = round(x / (pi/2))
	kf, _ := q.Float64()
	k := math.Round(kf)
	r := newBig(rp).Sub(bx, newBig(rp).Mul(halfPi, newBig(rp).SetFloat64(k)))
	r.SetPrec(workPrec)
	r2 := newBig(workPrec).Mul(r, r)
	s := newBig(workPrec).Set(r)
	c := newBig(workPrec).SetInt64(1)
	ts := newBig(workPrec).Set(r)
	tc := newBig(workPrec).SetInt64(1)
	eps := newBig(workPrec).SetMantExp(newBig(workPrec).SetInt64(1), -workPrec-8)
	for n := int64(1); n < 200; n++ {
		ts.Mul(ts, r2)
		ts.Quo(ts, newBig(workPrec).SetInt64((2*n)*(2*n+1)))
		ts.Neg(ts)
		s.Add(s, ts)
		tc.Mul(tc, r2)
		tc.Quo(tc, newBig(workPrec).SetInt64((2*n-1)*(2*n)))
		tc.Neg(tc)
		c.Add(c, tc)
		if newBig(workPrec).Abs(ts).Cmp(eps) < 0 && newBig(workPrec).Abs(tc).Cmp(eps) < 0 {
			break
		}
	}
	switch int64(math.Mod(k, 4)+4) % 4 {
	case 1:
		s, c = c, s.Neg(s)
	case 2:
		s, c = s.Neg(s), c.Neg(c)
	case 3:
		s, c = c.Neg(c), s
	}
	return s, c
}

func crSin(x float64) float64 {
	if math.IsNaN(x) || math.IsInf(x, 0) || x == 0 {
		return math.Sin(x)
	}
	s, _ := sinCos(x)
	return toFloat(s)
}

func crCos(x float64) float64 {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return math.Cos(x)
	}
	_, c := sinCos(x)
	return toFloat(c)
}

func crTan(x float64) float64 {
	if math.IsNaN(x) || math.IsInf(x, 0) || x == 0 {
		return math.Tan(x)
	}
	s, c := sinCos(x)
	return toFloat(s.Quo(s, c))
}

// bigAtan is atan(x) for a finite big x.
func bigAtan(x *big.Float) *big.Float {
	prec := uint(workPrec + 32)
	x = newBig(prec).Set(x)
	neg := x.Sign() < 0
	x.Abs(x)
	one := newBig(prec).SetInt64(1)
	invert := x.Cmp(one) > 0
	if invert {
		x.Quo(one, x)
	}
	// Halve the argument twice: atan(x) = 2 atan(x / (1 + sqrt(1 + x^2))).
	for i := 0; i < 2; i++ {
		d := newBig(prec).Mul(x, x)
		d.Add(d, one)
		d.Sqrt(d)
		d.Add(d, one)
		x.Quo(x, d)
	}
	x2 := newBig(prec).Mul(x, x)
	sum := newBig(prec).Set(x)
	term := newBig(prec).Set(x)
	eps := newBig(prec).SetMantExp(one, -int(prec)-8)
	for k := int64(1); k < 2000; k++ {
		term.Mul(term, x2)
		t := newBig(prec).Quo(term, newBig(prec).SetInt64(2*k+1))
		if k%2 == 1 {
			sum.Sub(sum, t)
		} else {
			sum.Add(sum, t)
		}
		if t.Cmp(eps) < 0 {
			break
		}
	}
	sum.Mul(sum, newBig(prec).SetInt64(4))
	if invert {
		halfPi := newBig(prec).Quo(bigPi, newBig(prec).SetInt64(2))
		sum.Sub(halfPi, sum)
	}
	if neg {
		sum.Neg(sum)
	}
	return sum
}

func crAtan(x float64) float64 {
	if math.IsNaN(x) || math.IsInf(x, 0) || x == 0 {
		return math.Atan(x)
	}
	return toFloat(bigAtan(newBig(workPrec).SetFloat64(x)))
}

func crAtan2(y, x float64) float64 {
	if math.IsNaN(x) || math.IsNaN(y) || math.IsInf(x, 0) || math.IsInf(y, 0) || x == 0 || y == 0 {
		return math.Atan2(y, x)
	}
	prec := uint(workPrec + 32)
	ratio := newBig(prec).Quo(newBig(prec).SetFloat64(math.Abs(y)), newBig(prec).SetFloat64(math.Abs(x)))
	a := bigAtan(ratio)
	if x < 0 {
		a.Sub(newBig(prec).Set(bigPi), a)
	}
	if y < 0 {
		a.Neg(a)
	}
	return toFloat(a)
}

// crAsin is asin(x) = atan(x / sqrt(1 - x^2)) for |x| < 1.
func crAsin(x float64) float64 {
	if math.IsNaN(x) || x == 0 || math.Abs(x) >= 1 {
		return math.Asin(x)
	}
	return toFloat(bigAsin(x))
}

func bigAsin(x float64) *big.Float {
	prec := uint(workPrec + 32)
	bx := newBig(prec).SetFloat64(x)
	d := newBig(prec).Mul(bx, bx)
	d.Sub(newBig(prec).SetInt64(1), d)
	d.Sqrt(d)
	return bigAtan(bx.Quo(bx, d))
}

func crAcos(x float64) float64 {
	if math.IsNaN(x) || math.Abs(x) >= 1 {
		return math.Acos(x)
	}
	prec := uint(workPrec + 32)
	halfPi := newBig(prec).Quo(bigPi, newBig(prec).SetInt64(2))
	if x == 0 {
		return toFloat(halfPi)
	}
	return toFloat(halfPi.Sub(halfPi, bigAsin(x)))
}

// bigExp is e^x for a big x of moderate size.
func bigExp(x *big.Float) *big.Float {
	prec := uint(workPrec + 32)
	kf, _ := newBig(prec).Quo(x, bigLn2).Float64()
	k := math.Round(kf)
	r := newBig(prec).Sub(x, newBig(prec).Mul(bigLn2, newBig(prec).SetFloat64(k)))
	sum := newBig(prec).SetInt64(1)
	term := newBig(prec).SetInt64(1)
	eps := newBig(prec).SetMantExp(newBig(prec).SetInt64(1), -int(prec)-8)
	for n := int64(1); n < 500; n++ {
		term.Mul(term, r)
		term.Quo(term, newBig(prec).SetInt64(n))
		sum.Add(sum, term)
		if newBig(prec).Abs(term).Cmp(eps) < 0 {
			break
		}
	}
	return sum.SetMantExp(sum, int(k))
}

func crExp(x float64) float64 {
	if math.IsNaN(x) || math.IsInf(x, 0) || x == 0 || x > 710 || x < -746 {
		return math.Exp(x)
	}
	return toFloat(bigExp(newBig(workPrec + 32).SetFloat64(x)))
}

func crLn(x float64) float64 {
	if math.IsNaN(x) || math.IsInf(x, 0) || x <= 0 || x == 1 {
		return math.Log(x)
	}
	return toFloat(lnSeries(newBig(workPrec+32).SetFloat64(x), workPrec+32))
}

// libcLog10 is log10 as glibc computes it from its (correctly rounded)
// natural logarithm: split x into 2^k * m, then k*log10(2) in two parts
// plus log(m)/ln(10). Go must not fuse the products (float64 conversions
// stop it), or the last bit changes.
func libcLog10(x float64) float64 {
	const (
		two54     = 1.80143985094819840000e+16
		ivln10    = 4.34294481903251816668e-01
		log10_2hi = 3.01029995663611771306e-01
		log10_2lo = 3.69423907715893078616e-13
	)
	if math.IsNaN(x) || x < 0 {
		return math.NaN()
	}
	if x == 0 {
		return math.Inf(-1)
	}
	if math.IsInf(x, 1) {
		return x
	}
	k := 0
	bits := math.Float64bits(x)
	hx := int32(bits >> 32)
	if hx < 0x00100000 {
		k -= 54
		x *= two54
		bits = math.Float64bits(x)
		hx = int32(bits >> 32)
	}
	k += int(hx>>20) - 1023
	i := int32((uint32(k) & 0x80000000) >> 31)
	hx = (hx & 0x000fffff) | ((0x3ff - i) << 20)
	y := float64(k + int(i))
	x = math.Float64frombits(uint64(uint32(hx))<<32 | bits&0xffffffff)
	z := float64(y*log10_2lo) + float64(ivln10*crLn(x))
	return z + float64(y*log10_2hi)
}

// crPow is x^y; a negative x needs an integral y (NaN otherwise), and the
// zero, infinite and NaN cases are math.Pow's, as in C.
func crPow(x, y float64) float64 {
	if math.IsNaN(x) || math.IsNaN(y) || math.IsInf(x, 0) || math.IsInf(y, 0) || x == 0 || y == 0 || x == 1 {
		return math.Pow(x, y)
	}
	neg := false
	if x < 0 {
		if math.Trunc(y) != y {
			return math.NaN()
		}
		neg = math.Mod(y, 2) != 0
		x = -x
	}
	prec := uint(workPrec + 64)
	l := lnSeries(newBig(prec).SetFloat64(x), prec)
	l.Mul(l, newBig(prec).SetFloat64(y))
	lf, _ := l.Float64()
	var r float64
	switch {
	case lf > 710:
		r = math.Inf(1)
	case lf < -746:
		r = 0
	default:
		r = toFloat(bigExp(l))
	}
	if neg {
		return -r
	}
	return r
}

// cbrtFactor scales the cube root of the reduced mantissa by 2^(e mod 3 / 3).
// The reciprocals divide float64 values as C does; Go's exact constant
// arithmetic would round them differently.
var cbrtFactor = func() [5]float64 {
	cbrt2, sqrCbrt2 := 1.2599210498948731648, 1.5874010519681994748
	return [5]float64{1 / sqrCbrt2, 1 / cbrt2, 1, cbrt2, sqrCbrt2}
}()

// libcCbrt is the cube root as glibc computes it (and so as Postgres
// prints it): a polynomial estimate on the mantissa in [0.5, 1), one
// rational correction step, then the exponent divided by three. It is not
// correctly rounded (cbrt(27) is 3.0000000000000004), and matching that is
// the point.
func libcCbrt(x float64) float64 {
	if x == 0 || math.IsNaN(x) || math.IsInf(x, 0) {
		return x + x
	}
	xm, xe := math.Frexp(math.Abs(x))
	// The float64 conversions keep Go from fusing multiply-adds, which
	// would change the last bit.
	p := float64(0.784932344976639262 - float64(0.145263899385486377*xm))
	p = float64(-1.83469277483613086 + float64(p*xm))
	p = float64(2.44693122563534430 + float64(p*xm))
	p = float64(-2.11499494167371287 + float64(p*xm))
	p = float64(1.50819193781584896 + float64(p*xm))
	u := float64(0.354895765043919860 + float64(p*xm))
	t2 := float64(float64(u*u) * u)
	ym := float64(float64(u*float64(t2+float64(2.0*xm)))/float64(float64(2.0*t2)+xm)) * cbrtFactor[2+xe%3]
	if x < 0 {
		ym = -ym
	}
	return math.Ldexp(ym, xe/3)
}
