package builtin

import (
	"math"

	"github.com/freshetdb/freshet/sql/types"
)

// floatMixedFuncs are the operators between real and double precision
// (Postgres' float48* and float84* functions). They compute in double
// precision, and their existence is what makes integer + real resolve to
// double precision, as in Postgres.
func floatMixedFuncs() []*Func {
	var fs []*Func
	f4, f8 := types.Float4, types.Float8
	for _, p := range [][2]types.T{{f4, f8}, {f8, f4}} {
		a, b := p[0], p[1]
		fs = append(fs,
			binop("+", a, b, f8, func(x, y types.Datum) (types.Datum, error) {
				return floatResult(types.KindFloat8, x.Float()+y.Float(), x.Float(), y.Float(), false)
			}),
			binop("-", a, b, f8, func(x, y types.Datum) (types.Datum, error) {
				return floatResult(types.KindFloat8, x.Float()-y.Float(), x.Float(), y.Float(), false)
			}),
			binop("*", a, b, f8, func(x, y types.Datum) (types.Datum, error) {
				return floatResult(types.KindFloat8, x.Float()*y.Float(), x.Float(), y.Float(), true)
			}),
			binop("/", a, b, f8, func(x, y types.Datum) (types.Datum, error) {
				if y.Float() == 0 && !math.IsNaN(x.Float()) {
					return types.NullDatum, divisionByZero()
				}
				r := x.Float() / y.Float()
				if math.IsInf(r, 0) && !math.IsInf(x.Float(), 0) {
					return types.NullDatum, floatOverflow()
				}
				if r == 0 && x.Float() != 0 && !math.IsInf(y.Float(), 0) {
					return types.NullDatum, floatUnderflow()
				}
				return types.NewFloat8(r), nil
			}),
		)
		for _, op := range comparisonOps {
			test := op.test
			fs = append(fs, binop(op.name, a, b, types.Bool, func(x, y types.Datum) (types.Datum, error) {
				return types.NewBool(test(compareFloats(x.Float(), y.Float()))), nil
			}))
		}
	}
	return fs
}

// compareFloats orders floats as Postgres does: NaN equals NaN and sorts
// after every other value.
func compareFloats(x, y float64) int {
	switch xn, yn := math.IsNaN(x), math.IsNaN(y); {
	case xn && yn:
		return 0
	case xn:
		return 1
	case yn:
		return -1
	case x < y:
		return -1
	case x > y:
		return 1
	}
	return 0
}
