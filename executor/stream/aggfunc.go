package stream

import (
	"sort"
	"strings"

	"github.com/cockroachdb/apd/v3"
	"github.com/google/btree"

	"github.com/freshetdb/freshet/planner/plan"
	"github.com/freshetdb/freshet/sql/builtin"
	"github.com/freshetdb/freshet/sql/sqlerr"
	"github.com/freshetdb/freshet/sql/types"
)

// aggState is the per-group state of one aggregate call. add applies a
// change of weight w (negative retracts) of one row's argument values;
// result computes the current value. States keep what retraction needs:
// counts beside sums, the multiset of values for min/max. save yields the
// state as weighted rows; load adds such a row back, so that loading every
// saved row into an empty state rebuilds it exactly.
type aggState interface {
	add(args []types.Datum, w int64) error
	result() (types.Datum, error)
	save(yield func(r types.Row, w int64) error) error
	load(r types.Row, w int64) error
}

// multisetState is an aggregate state that is the multiset of the rows its
// inputs add (min/max, string_agg, array_agg): its saved rows are those
// rows, so a checkpoint logs each input's row instead of saving the state
// whole.
type multisetState interface {
	aggState
	// addedRow returns the row add(args, w) adds with weight w; ok is
	// false when it adds nothing.
	addedRow(args []types.Datum) (r types.Row, ok bool)
}

// errAggRecord is the error of a saved aggregate state row that does not
// fit the state.
var errAggRecord = sqlerr.Internal("aggregate state: malformed record")

// saveRows yields the rows of m with their weights.
func saveRows(m *multiset, yield func(r types.Row, w int64) error) error {
	return m.t.each(func(e *rowEntry[int64]) error { return yield(e.key, e.val) })
}

// newAggState returns an empty state for the call.
func newAggState(c *plan.AggCall, ev *builtin.EvalContext) (aggState, error) {
	var argT types.T
	if len(c.Args) > 0 {
		argT = c.Args[0].Type()
	}
	var s aggState
	switch c.Name {
	case "count":
		s = &countState{star: len(c.Args) == 0}
	case "sum":
		s = newSumState(argT, c.T, false, ev)
	case "avg":
		s = newSumState(argT, c.T, true, ev)
	case "min", "max":
		s = newExtremeState(c.Name == "max")
	case "stddev", "stddev_samp", "stddev_pop", "variance", "var_samp", "var_pop":
		s = newVarianceState(argT, c.Name)
	case "bool_and", "every":
		s = &boolState{and: true}
	case "bool_or":
		s = &boolState{}
	case "string_agg", "array_agg", "jsonb_agg", "jsonb_object_agg":
		s = &listState{name: c.Name, t: c.T, order: c.OrderBy, rows: newMultiset(), ev: ev}
		for _, a := range c.Args {
			s.(*listState).argTypes = append(s.(*listState).argTypes, a.Type())
		}
	default:
		return nil, sqlerr.Unsupported("aggregate " + c.Name)
	}
	if c.Distinct {
		var argTypes []types.T
		for _, a := range c.Args {
			argTypes = append(argTypes, a.Type())
		}
		for _, o := range c.OrderBy {
			argTypes = append(argTypes, o.Expr.Type())
		}
		s = newDistinctState(s, c.Name == "array_agg", argTypes)
	}
	return s, nil
}

// countState is count(*) and count(x).
type countState struct {
	star bool
	n    int64
}

func (s *countState) add(args []types.Datum, w int64) error {
	if s.star || !args[0].IsNull() {
		s.n += w
	}
	return nil
}

func (s *countState) result() (types.Datum, error) { return types.NewInt8(s.n), nil }

func (s *countState) save(yield func(types.Row, int64) error) error {
	return yield(types.Row{types.NewInt8(s.n)}, 1)
}

func (s *countState) load(r types.Row, w int64) error {
	if len(r) != 1 {
		return errAggRecord
	}
	s.n += r[0].Int() * w
	return nil
}

// sumState is sum and avg. Integers up to int4 sum in an int64; int8 and
// numeric in a decimal; floats and intervals through the builtin "+".
type sumState struct {
	argT, retT types.T
	avg        bool
	ev         *builtin.EvalContext
	n          int64 // count of non-NULL inputs (by weight)
	i          int64
	d          apd.Decimal
	f          float64
	iv         types.Datum // interval sum
	// scales counts the numeric inputs per display scale: Postgres shows a
	// numeric sum with the largest scale among its inputs, which
	// retracting those inputs must lower again.
	scales scaleCounts
}

// scaleCounts counts values (by weight) per display scale.
type scaleCounts []scaleCount

// scaleCount is the total weight of the inputs of one scale.
type scaleCount struct {
	scale int32
	n     int64
}

// add adds w to the count of inputs of the given scale (a negative scale
// counts as 0).
func (s *scaleCounts) add(scale int32, w int64) {
	scale = max(scale, 0)
	for i := range *s {
		if (*s)[i].scale == scale {
			(*s)[i].n += w
			return
		}
	}
	*s = append(*s, scaleCount{scale: scale, n: w})
}

// save yields a [tag, scale] row per scale, weighted by its inputs.
func (s scaleCounts) save(tag int32, yield func(types.Row, int64) error) error {
	for _, c := range s {
		if c.n != 0 {
			if err := yield(types.Row{types.NewInt4(tag), types.NewInt4(c.scale)}, c.n); err != nil {
				return err
			}
		}
	}
	return nil
}

// max returns the largest scale among the current inputs.
func (s scaleCounts) max() int32 {
	m := int32(0)
	for _, c := range s {
		if c.n > 0 {
			m = max(m, c.scale)
		}
	}
	return m
}

func newSumState(argT, retT types.T, avg bool, ev *builtin.EvalContext) *sumState {
	return &sumState{argT: argT, retT: retT, avg: avg, ev: ev}
}

var decCtx = apd.BaseContext.WithPrecision(1000)

// A sum's state rows: the running totals, and the weight of the numeric
// inputs of each scale.
const (
	sumTotals = iota // [tag, n, int sum, decimal sum, float sum, interval sum]
	sumScale         // [tag, scale], weighted by the inputs of that scale
)

func (s *sumState) save(yield func(types.Row, int64) error) error {
	d := new(apd.Decimal)
	d.Set(&s.d)
	if err := yield(types.Row{types.NewInt4(sumTotals), types.NewInt8(s.n), types.NewInt8(s.i), types.NewNumeric(d), types.NewFloat8(s.f), s.iv}, 1); err != nil {
		return err
	}
	return s.scales.save(sumScale, yield)
}

func (s *sumState) load(r types.Row, w int64) error {
	switch {
	case len(r) == 6 && r[0].Int() == sumTotals:
		s.n += r[1].Int() * w
		s.i += r[2].Int() * w
		s.f += r[4].Float() * float64(w)
		if !r[5].IsNull() {
			s.addInterval(r[5], w)
		}
		return s.addDec(r[3].Decimal(), w)
	case len(r) == 2 && r[0].Int() == sumScale:
		s.scales.add(int32(r[1].Int()), w)
		return nil
	}
	return errAggRecord
}

func (s *sumState) add(args []types.Datum, w int64) error {
	v := args[0]
	if v.IsNull() {
		return nil
	}
	s.n += w
	switch s.argT.Kind {
	case types.KindInt2, types.KindInt4:
		s.i += v.Int() * w
	case types.KindInt8:
		var x apd.Decimal
		x.SetInt64(v.Int())
		return s.addDec(&x, w)
	case types.KindNumeric:
		s.scales.add(-v.Decimal().Exponent, w)
		return s.addDec(v.Decimal(), w)
	case types.KindFloat4, types.KindFloat8:
		s.f += v.Float() * float64(w)
	case types.KindInterval:
		s.addInterval(v, w)
	default:
		return sqlerr.Unsupported("sum over " + s.argT.String())
	}
	return nil
}

func (s *sumState) addDec(x *apd.Decimal, w int64) error { return addWeighted(&s.d, x, w) }

// addInterval adds w times interval v to the interval sum.
func (s *sumState) addInterval(v types.Datum, w int64) {
	if s.iv.IsNull() {
		s.iv = types.NewInterval(0, 0, 0)
	}
	m, d, us := v.Interval()
	am, ad, aus := s.iv.Interval()
	s.iv = types.NewInterval(am+m*int32(w), ad+d*int32(w), aus+us*w)
}

// addWeighted adds w times x to sum, exactly.
func addWeighted(sum, x *apd.Decimal, w int64) error {
	var t apd.Decimal
	if w == 1 {
		t.Set(x)
	} else {
		var wd apd.Decimal
		wd.SetInt64(w)
		if _, err := decCtx.Mul(&t, x, &wd); err != nil {
			return sqlerr.Newf(sqlerr.NumericValueOutOfRange, "numeric sum: %v", err)
		}
	}
	if _, err := decCtx.Add(sum, sum, &t); err != nil {
		return sqlerr.Newf(sqlerr.NumericValueOutOfRange, "numeric sum: %v", err)
	}
	return nil
}

func (s *sumState) result() (types.Datum, error) {
	if s.n == 0 {
		return types.NullDatum, nil
	}
	var sum types.Datum
	var sumT types.T
	switch s.argT.Kind {
	case types.KindInt2, types.KindInt4:
		if !s.avg {
			return types.NewInt8(s.i), nil
		}
		var d apd.Decimal
		d.SetInt64(s.i)
		sum, sumT = types.NewNumeric(&d), types.Numeric
	case types.KindInt8, types.KindNumeric:
		d := new(apd.Decimal)
		d.Set(&s.d)
		// The running sum keeps the scale of every input it ever saw;
		// drop the trailing zeros of retracted larger scales (exact: the
		// sum of the current inputs has at most their largest scale).
		if ms := s.scales.max(); -d.Exponent > ms {
			if _, err := decCtx.Quantize(d, d, -ms); err != nil {
				return types.NullDatum, sqlerr.Newf(sqlerr.NumericValueOutOfRange, "numeric sum: %v", err)
			}
		}
		sum, sumT = types.NewNumeric(d), types.Numeric
	case types.KindFloat4:
		if !s.avg {
			return types.NewFloat(types.KindFloat4, s.f), nil
		}
		sum, sumT = types.NewFloat8(s.f), types.Float8
	case types.KindFloat8:
		sum, sumT = types.NewFloat8(s.f), types.Float8
	case types.KindInterval:
		sum, sumT = s.iv, types.Interval
	}
	if !s.avg {
		return sum, nil
	}
	// avg = sum / count through the builtin division, for Postgres' scale rules.
	var cnt types.Datum
	var cntT types.T
	switch sumT.Kind {
	case types.KindNumeric:
		var d apd.Decimal
		d.SetInt64(s.n)
		cnt, cntT = types.NewNumeric(&d), types.Numeric
	case types.KindInterval:
		cnt, cntT = types.NewFloat8(float64(s.n)), types.Float8
	default:
		cnt, cntT = types.NewFloat8(float64(s.n)), types.Float8
	}
	fn, _, err := builtin.Resolve("/", []types.T{sumT, cntT})
	if err != nil {
		return types.NullDatum, err
	}
	return fn.Fn(s.ev, []types.Datum{sum, cnt})
}

// extremeState is min / max: the values in order with their counts, so
// that retracting the current extreme finds the next one in O(log n).
// Values equal in SQL but written differently (numeric 1.0 and 1.00) are
// kept apart, ordered by how they are written.
type extremeState struct {
	vals  *btree.BTreeG[*valueCount]
	max   bool
	probe valueCount
	free  []*valueCount // removed items, reused
}

// valueCount is one value of a min/max and its total weight.
type valueCount struct {
	v types.Datum
	n int64
}

func newExtremeState(max bool) *extremeState {
	return &extremeState{vals: btree.NewG(16, valueLess), max: max}
}

// valueLess orders values, then their written forms.
func valueLess(a, b *valueCount) bool {
	if c := types.Compare(a.v, b.v); c != 0 {
		return c < 0
	}
	return !types.Identical(a.v, b.v) && rowLess(types.Row{a.v}, types.Row{b.v})
}

func (s *extremeState) add(args []types.Datum, w int64) error {
	if !args[0].IsNull() {
		s.addValue(args[0], w)
	}
	return nil
}

func (s *extremeState) addedRow(args []types.Datum) (types.Row, bool) {
	return args[:1], !args[0].IsNull()
}

func (s *extremeState) addValue(v types.Datum, w int64) {
	s.probe.v = v
	it, ok := s.vals.Get(&s.probe)
	if !ok {
		if n := len(s.free); n > 0 {
			it, s.free = s.free[n-1], s.free[:n-1]
		} else {
			it = &valueCount{}
		}
		*it = valueCount{v: v}
		s.vals.ReplaceOrInsert(it)
	}
	it.n += w
	if it.n == 0 {
		s.vals.Delete(it)
		*it = valueCount{}
		s.free = append(s.free, it)
	}
}

func (s *extremeState) save(yield func(types.Row, int64) error) error {
	var err error
	s.vals.Ascend(func(it *valueCount) bool {
		err = yield(types.Row{it.v}, it.n)
		return err == nil
	})
	return err
}

func (s *extremeState) load(r types.Row, w int64) error {
	if len(r) != 1 {
		return errAggRecord
	}
	s.addValue(r[0], w)
	return nil
}

func (s *extremeState) result() (types.Datum, error) {
	best := types.NullDatum
	pick := func(it *valueCount) bool {
		if it.n > 0 {
			best = it.v
			return false
		}
		return true
	}
	if s.max {
		s.vals.Descend(pick)
	} else {
		s.vals.Ascend(pick)
	}
	return best, nil
}

// boolState is bool_and / bool_or: counts of true and false inputs.
type boolState struct {
	and         bool
	trues, fals int64
}

func (s *boolState) add(args []types.Datum, w int64) error {
	if args[0].IsNull() {
		return nil
	}
	if args[0].Bool() {
		s.trues += w
	} else {
		s.fals += w
	}
	return nil
}

func (s *boolState) save(yield func(types.Row, int64) error) error {
	return yield(types.Row{types.NewInt8(s.trues), types.NewInt8(s.fals)}, 1)
}

func (s *boolState) load(r types.Row, w int64) error {
	if len(r) != 2 {
		return errAggRecord
	}
	s.trues += r[0].Int() * w
	s.fals += r[1].Int() * w
	return nil
}

func (s *boolState) result() (types.Datum, error) {
	if s.trues+s.fals == 0 {
		return types.NullDatum, nil
	}
	if s.and {
		return types.NewBool(s.fals == 0), nil
	}
	return types.NewBool(s.trues > 0), nil
}

// listState is string_agg / array_agg: the multiset of (args, order keys)
// rows, sorted by the ORDER BY keys (then by all stored values, so that ties
// come out in the same order however the state was built) when the result
// is computed.
type listState struct {
	name     string
	t        types.T
	order    []plan.SortExpr
	rows     *multiset
	ev       *builtin.EvalContext
	argTypes []types.T
}

func (s *listState) add(args []types.Datum, w int64) error {
	if s.name == "string_agg" && args[0].IsNull() {
		return nil
	}
	s.rows.add(args, w)
	return nil
}

func (s *listState) addedRow(args []types.Datum) (types.Row, bool) {
	return args, s.name != "string_agg" || !args[0].IsNull()
}

func (s *listState) save(yield func(types.Row, int64) error) error {
	return saveRows(s.rows, yield)
}

func (s *listState) load(r types.Row, w int64) error {
	s.rows.add(r, w)
	return nil
}

// listArgs is the number of leading values of a stored row that are the
// aggregate's arguments; the rest are ORDER BY keys.
func (s *listState) listArgs() int {
	if s.name == "string_agg" || s.name == "jsonb_object_agg" {
		return 2
	}
	return 1
}

func (s *listState) result() (types.Datum, error) {
	type item struct {
		r types.Row
		n int64
	}
	var items []item
	_ = s.rows.t.each(func(e *rowEntry[int64]) error {
		if e.val > 0 {
			items = append(items, item{e.key, e.val})
		}
		return nil
	})
	if len(items) == 0 {
		return types.NullDatum, nil
	}
	na := s.listArgs()
	sort.SliceStable(items, func(i, j int) bool {
		a, b := items[i].r, items[j].r
		for k, o := range s.order {
			if c := compareSort(a[na+k], b[na+k], o); c != 0 {
				return c < 0
			}
		}
		for k := range a {
			if c := types.Compare(a[k], b[k]); c != 0 {
				return c < 0
			}
		}
		return false
	})
	switch s.name {
	case "jsonb_agg":
		toJSON, _, err := builtin.Resolve("to_jsonb", s.argTypes[:1])
		if err != nil {
			return types.NullDatum, err
		}
		var sb strings.Builder
		sb.WriteByte('[')
		first := true
		for _, it := range items {
			j := "null"
			if !it.r[0].IsNull() {
				v, err := toJSON.Fn(s.ev, it.r[:1])
				if err != nil {
					return types.NullDatum, err
				}
				j = v.Str()
			}
			for k := int64(0); k < it.n; k++ {
				if !first {
					sb.WriteString(", ")
				}
				first = false
				sb.WriteString(j)
			}
		}
		sb.WriteByte(']')
		return types.NewString(types.KindJSONB, sb.String()), nil
	case "jsonb_object_agg":
		build, _, err := builtin.Resolve("jsonb_build_object", s.argTypes)
		if err != nil {
			return types.NullDatum, err
		}
		var pairs []types.Datum
		for _, it := range items {
			if it.r[0].IsNull() {
				return types.NullDatum, sqlerr.New(sqlerr.NullValueNotAllowed, "field name must not be null")
			}
			pairs = append(pairs, it.r[0], it.r[1])
		}
		return build.Fn(s.ev, pairs)
	}
	if s.name == "array_agg" {
		var vals []types.Datum
		for _, it := range items {
			for k := int64(0); k < it.n; k++ {
				vals = append(vals, it.r[0])
			}
		}
		return types.NewArray(*s.t.Elem, vals), nil
	}
	var sb strings.Builder
	first := true
	for _, it := range items {
		for k := int64(0); k < it.n; k++ {
			if !first && !it.r[1].IsNull() {
				sb.WriteString(it.r[1].Str())
			}
			first = false
			sb.WriteString(it.r[0].Str())
		}
	}
	return types.NewString(s.t.Kind, sb.String()), nil
}

// distinctState feeds its inner aggregate each distinct value once:
// aggregate(DISTINCT x). Values are told apart by SQL equality; of the
// forms of one value present in the input (numeric 1.0 and 1.00) the inner
// aggregate holds one, replaced when it leaves the input while another
// form stays.
type distinctState struct {
	inner    aggState
	seen     *rowTable[*distinctValue]
	keepNull bool // array_agg collects NULL as a value
	// oneForm says the arguments' types have one form per value: each
	// value keeps its weight (count) instead of forms, and is shown while
	// the weight is positive.
	oneForm bool
	// log, when set (oneForm values under a group key of one form too),
	// logs each value's change of weight as a record: the state is those
	// records, and the inner aggregate what their values add up to.
	// Otherwise the state is saved whole with its group, the inner
	// aggregate's rows included, since which form a value shows depends on
	// its history and a float sum on the order of its adds.
	log *callLog
}

// distinctValue is one distinct value: the weights of its forms and the
// form the inner aggregate holds (nil when none); or, for a value of one
// form only, its weight.
type distinctValue struct {
	forms *forms
	shown types.Row
	count int64
}

// newDistinctState returns the state of aggregate(DISTINCT args) of the
// given argument types.
func newDistinctState(inner aggState, keepNull bool, argTypes []types.T) *distinctState {
	s := &distinctState{inner: inner, seen: newRowTable[*distinctValue](), keepNull: keepNull, oneForm: true}
	for _, t := range argTypes {
		s.oneForm = s.oneForm && oneFormKinds[t.Kind]
	}
	return s
}

// oneFormKinds are the kinds whose equal values are identical: a DISTINCT
// over them counts each value's weight and keeps no forms.
var oneFormKinds = map[types.Kind]bool{types.KindBool: true, types.KindInt2: true, types.KindInt4: true, types.KindInt8: true,
	types.KindText: true, types.KindVarchar: true, types.KindName: true, types.KindDate: true, types.KindTimestamp: true,
	types.KindTimestampTZ: true, types.KindOID: true}

func (s *distinctState) value(args []types.Datum) *rowEntry[*distinctValue] {
	e, _ := s.seen.getOrCreate(args, func() *distinctValue { return &distinctValue{forms: newForms()} })
	return e
}

func (s *distinctState) add(args []types.Datum, w int64) error {
	if len(args) > 0 && args[0].IsNull() && !s.keepNull {
		return nil
	}
	if s.oneForm {
		return s.addOneForm(args, w)
	}
	e := s.value(args)
	v := e.val
	v.forms.add(args, w)
	feed := func(r types.Row, w int64) error { return s.inner.add(r, w) }
	if err := showForm(&v.shown, v.forms.pick(v.shown), feed); err != nil {
		return err
	}
	if v.forms.m.t.len() == 0 {
		s.seen.remove(e.key)
	}
	return nil
}

// addOneForm is add for values of one form.
func (s *distinctState) addOneForm(args []types.Datum, w int64) error {
	e, _ := s.seen.getOrCreate(args, func() *distinctValue { return &distinctValue{} })
	v := e.val
	before := v.count
	v.count += w
	if s.log != nil {
		s.log.record(distinctForm, args, w)
	}
	var err error
	switch {
	case before <= 0 && v.count > 0:
		err = s.inner.add(e.key, 1)
	case before > 0 && v.count <= 0:
		err = s.inner.add(e.key, -1)
	}
	if v.count == 0 {
		s.seen.remove(e.key)
	}
	return err
}

func (s *distinctState) result() (types.Datum, error) { return s.inner.result() }

// A DISTINCT aggregate's state rows: the forms of the values with their
// weights, the form of each value the inner aggregate holds, and the inner
// aggregate's rows. Of values of one form only the first are saved, and
// loading adds each value to the inner aggregate again.
const (
	distinctForm  = iota // [tag, values...], weighted by their count
	distinctShown        // [tag, values...]
	distinctInner        // [tag, a row of the inner state...]
)

func (s *distinctState) save(yield func(types.Row, int64) error) error {
	tagged := func(tag int32, r types.Row, w int64) error {
		return yield(append(types.Row{types.NewInt4(tag)}, r...), w)
	}
	if err := s.seen.each(func(e *rowEntry[*distinctValue]) error {
		if s.oneForm {
			return tagged(distinctForm, e.key, e.val.count)
		}
		if err := saveRows(e.val.forms.m, func(r types.Row, w int64) error { return tagged(distinctForm, r, w) }); err != nil {
			return err
		}
		if e.val.shown == nil {
			return nil
		}
		return tagged(distinctShown, e.val.shown, 1)
	}); err != nil || s.oneForm {
		return err
	}
	return s.inner.save(func(r types.Row, w int64) error { return tagged(distinctInner, r, w) })
}

func (s *distinctState) load(r types.Row, w int64) error {
	if len(r) == 0 {
		return errAggRecord
	}
	switch r[0].Int() {
	case distinctForm:
		if s.oneForm {
			// Stored weights are summed: one record per value.
			return s.addOneForm(r[1:], w)
		}
		s.value(r[1:]).val.forms.add(r[1:], w)
		return nil
	case distinctShown:
		if s.oneForm {
			return errAggRecord
		}
		s.value(r[1:]).val.shown = append(types.Row(nil), r[1:]...)
		return nil
	case distinctInner:
		if s.oneForm {
			return errAggRecord
		}
		return s.inner.load(r[1:], w)
	}
	return errAggRecord
}

// compareSort compares two values under one ORDER BY item's direction and
// NULL placement.
func compareSort(a, b types.Datum, o plan.SortExpr) int {
	an, bn := a.IsNull(), b.IsNull()
	switch {
	case an && bn:
		return 0
	case an:
		if o.NullsFirst {
			return -1
		}
		return 1
	case bn:
		if o.NullsFirst {
			return 1
		}
		return -1
	}
	c := types.Compare(a, b)
	if o.Desc {
		return -c
	}
	return c
}
