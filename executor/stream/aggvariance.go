package stream

import (
	"math"
	"strings"

	"github.com/cockroachdb/apd/v3"

	"github.com/freshetdb/freshet/sql/builtin"
	"github.com/freshetdb/freshet/sql/types"
)

// varianceState is stddev / variance (sample and population): the count,
// the sum and the sum of squares of the values, kept exactly in decimals so
// that retractions cancel exactly. Integers and numerics give a numeric
// with Postgres' scale (builtin.NumericVariance); floats give the double
// nearest the exact result (Postgres' streaming Youngs-Cramer formula may
// differ from it in the last bits). A NaN or infinite float makes the
// result NaN while it is among the values.
type varianceState struct {
	float, sample, stddev bool
	n                     int64
	sumX, sumX2           apd.Decimal
	scales                scaleCounts // numeric values per display scale
	special               int64       // NaN and infinite floats
}

func newVarianceState(argT types.T, name string) *varianceState {
	return &varianceState{
		float:  argT.Kind == types.KindFloat8 || argT.Kind == types.KindFloat4,
		sample: !strings.HasSuffix(name, "_pop"),
		stddev: strings.HasPrefix(name, "stddev"),
	}
}

func (s *varianceState) add(args []types.Datum, w int64) error {
	v := args[0]
	if v.IsNull() {
		return nil
	}
	var x apd.Decimal
	switch v.Kind() {
	case types.KindNumeric:
		s.scales.add(-v.Decimal().Exponent, w)
		x.Set(v.Decimal())
	case types.KindFloat4, types.KindFloat8:
		f := v.Float()
		if math.IsNaN(f) || math.IsInf(f, 0) {
			s.special += w
			s.n += w
			return nil
		}
		if _, err := x.SetFloat64(f); err != nil {
			return err
		}
	default:
		x.SetInt64(v.Int())
	}
	s.n += w
	var sq apd.Decimal
	if _, err := decCtx.Mul(&sq, &x, &x); err != nil {
		return err
	}
	if err := addWeighted(&s.sumX, &x, w); err != nil {
		return err
	}
	return addWeighted(&s.sumX2, &sq, w)
}

func (s *varianceState) result() (types.Datum, error) {
	if !s.float {
		return builtin.NumericVariance(s.n, &s.sumX, &s.sumX2, s.scales.max(), s.sample, s.stddev)
	}
	if s.n == 0 || (s.sample && s.n == 1) {
		return types.NullDatum, nil
	}
	if s.special > 0 {
		return types.NewFloat8(math.NaN()), nil
	}
	// (n * sumX2 - sumX^2) / (n * (n - 1)), or / n^2, exactly, then rounded
	// once to a double.
	num, den, err := builtin.VarianceTerms(s.n, &s.sumX, &s.sumX2, s.sample)
	if err != nil {
		return types.NullDatum, err
	}
	if num.Sign() <= 0 {
		return types.NewFloat8(0), nil
	}
	var q apd.Decimal
	if _, err := apd.BaseContext.WithPrecision(40).Quo(&q, num, den); err != nil {
		return types.NullDatum, err
	}
	f, err := q.Float64()
	if err != nil {
		return types.NullDatum, err
	}
	if s.stddev {
		f = math.Sqrt(f)
	}
	return types.NewFloat8(f), nil
}

// A variance's state rows: the totals, and the weight of the numeric
// values of each scale.
const (
	varianceTotals = iota // [tag, n, NaN and infinite count, sum, sum of squares]
	varianceScale         // [tag, scale], weighted by the values of that scale
)

func (s *varianceState) save(yield func(types.Row, int64) error) error {
	sum, sum2 := new(apd.Decimal), new(apd.Decimal)
	sum.Set(&s.sumX)
	sum2.Set(&s.sumX2)
	if err := yield(types.Row{types.NewInt4(varianceTotals), types.NewInt8(s.n), types.NewInt8(s.special), types.NewNumeric(sum), types.NewNumeric(sum2)}, 1); err != nil {
		return err
	}
	return s.scales.save(varianceScale, yield)
}

func (s *varianceState) load(r types.Row, w int64) error {
	switch {
	case len(r) == 5 && r[0].Int() == varianceTotals:
		s.n += r[1].Int() * w
		s.special += r[2].Int() * w
		if err := addWeighted(&s.sumX, r[3].Decimal(), w); err != nil {
			return err
		}
		return addWeighted(&s.sumX2, r[4].Decimal(), w)
	case len(r) == 2 && r[0].Int() == varianceScale:
		s.scales.add(int32(r[1].Int()), w)
		return nil
	}
	return errAggRecord
}
