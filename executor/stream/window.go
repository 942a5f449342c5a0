package stream

import (
	"iter"
	"math"
	"sort"

	"github.com/freshetdb/freshet/planner/plan"
	"github.com/freshetdb/freshet/sql/builtin"
	"github.com/freshetdb/freshet/sql/expr"
	"github.com/freshetdb/freshet/sql/sqlerr"
	"github.com/freshetdb/freshet/sql/types"
)

// Window appends the value of each window function call to every input
// row. It keeps the input multiset; at Flush it recomputes the output and
// emits the difference from its previous output.
//
//	SELECT k, x, row_number() OVER (PARTITION BY k ORDER BY x),
//	       sum(x) OVER (ORDER BY x ROWS BETWEEN 1 PRECEDING AND CURRENT ROW) FROM t
//
// Rows are ordered within a partition by the ORDER BY keys and then by the
// row's own values, so peers come out in a deterministic order. When every
// call shares one PARTITION BY, only the partitions that changed are
// recomputed at a flush.
type Window struct {
	ctx   *expr.Ctx
	calls []plan.WindowCall
	width int
	// partBy is the PARTITION BY all calls share (nil when they differ or
	// have none): state is kept per partition and a flush recomputes only
	// the partitions that changed.
	partBy []expr.Expr
	parts  *rowTable[*winPart]
	dirty  []types.Row
	key    types.Row
	out    *Emitter
	// Scratch space of a flush: output rows, and each call's sort keys and
	// arguments.
	outBuf, orderBuf, argsBuf types.Row
}

// winPart is one partition's input and the output it emitted.
type winPart struct {
	rows    *multiset
	emitted *multiset
	dirty   bool
}

// NewWindow returns a window operator over rows of the given width.
func NewWindow(ctx *expr.Ctx, n *plan.Window, width int, out Operator, port int) *Window {
	w := &Window{ctx: ctx, calls: n.Calls, width: width, parts: newRowTable[*winPart](), out: NewEmitter(out, port, width+len(n.Calls))}
	w.partBy = plan.SharedPartition(n)
	w.key = make(types.Row, len(w.partBy))
	return w
}

// Push implements Operator.
func (w *Window) Push(_ int, c *types.Chunk) error {
	for i := 0; i < c.Len(); i++ {
		e, err := w.part(c.Row(i))
		if err != nil {
			return err
		}
		e.val.rows.add(c.Row(i), c.Weights[i])
		if !e.val.dirty {
			e.val.dirty = true
			w.dirty = append(w.dirty, e.key)
		}
	}
	return nil
}

// part returns the partition of row r (an input row, or an output row,
// which starts with its input row).
func (w *Window) part(r types.Row) (*rowEntry[*winPart], error) {
	if err := evalInto(w.ctx, w.partBy, r, w.key); err != nil {
		return nil, err
	}
	e, _ := w.parts.getOrCreate(w.key, func() *winPart { return &winPart{rows: newMultiset(), emitted: newMultiset()} })
	return e, nil
}

// The tables of a window operator's saved state.
const (
	windowInputTable   = iota // the input rows with their weights
	windowEmittedTable        // the rows emitted
)

// SaveState implements Stateful.
func (w *Window) SaveState(yield func(StateRecord) error) error {
	return w.parts.each(func(e *rowEntry[*winPart]) error {
		if err := saveMultiset(e.val.rows, windowInputTable, yield); err != nil {
			return err
		}
		return saveMultiset(e.val.emitted, windowEmittedTable, yield)
	})
}

// LoadState implements Stateful.
func (w *Window) LoadState(recs iter.Seq[StateRecord]) error {
	for rec := range recs {
		var m *multiset
		e, err := w.part(rec.Row)
		switch {
		case err != nil:
			return err
		case rec.Table == windowInputTable && len(rec.Row) == w.width:
			m = e.val.rows
		case rec.Table == windowEmittedTable && len(rec.Row) == w.width+len(w.calls):
			m = e.val.emitted
		default:
			return badRecord("window", rec)
		}
		m.add(rec.Row, rec.Weight)
	}
	return nil
}

// stateRoute implements Stateful: records route by the shared PARTITION BY.
func (w *Window) stateRoute(rec StateRecord) (types.Row, error) {
	return evalRow(w.ctx, w.partBy, rec.Row)
}

// Flush implements Operator.
func (w *Window) Flush(int) error {
	for _, k := range w.dirty {
		e := w.parts.get(k)
		p := e.val
		p.dirty = false
		rows, err := SortRows(w.ctx, p.rows, nil)
		if err != nil {
			return err
		}
		// The output rows in one slab, reused from flush to flush (next
		// copies what it keeps).
		ow := w.width + len(w.calls)
		slab := grow(&w.outBuf, len(rows)*ow)
		out := make([]types.Row, len(rows))
		for i, r := range rows {
			o := slab[i*ow : (i+1)*ow : (i+1)*ow]
			copy(o, r)
			out[i] = o
		}
		for k := range w.calls {
			if err := w.compute(k, rows, out); err != nil {
				return err
			}
		}
		next := newMultiset()
		for _, o := range out {
			next.add(o, 1)
		}
		if err := emitDiff(w.out, p.emitted, next); err != nil {
			return err
		}
		p.emitted = next
		if p.rows.t.len() == 0 {
			w.parts.remove(k)
		}
	}
	w.dirty = w.dirty[:0]
	return w.out.Flush()
}

// grow returns (*buf)[:n], reallocating *buf when it is shorter.
func grow(buf *types.Row, n int) types.Row {
	if cap(*buf) < n {
		*buf = make(types.Row, n)
	}
	return (*buf)[:n]
}

// winRow is one input row of a partition with its evaluated keys and args.
type winRow struct {
	idx   int
	order types.Row
	args  types.Row
}

// compute fills column width+k of out for call k.
func (w *Window) compute(k int, rows []types.Row, out []types.Row) error {
	call := &w.calls[k]
	// With the PARTITION BY every call shares, the rows given are one
	// partition already.
	shared := w.partBy != nil
	parts := newRowTable[[]winRow]()
	var order []types.Row // partitions in first-seen order
	var single []winRow
	pkey := make(types.Row, len(call.PartitionBy))
	no, na := len(call.OrderBy), len(call.Args)
	orderSlab, argsSlab := grow(&w.orderBuf, len(rows)*no), grow(&w.argsBuf, len(rows)*na)
	for i, r := range rows {
		for j, e := range call.PartitionBy {
			if shared {
				break
			}
			v, err := e.Eval(w.ctx, r)
			if err != nil {
				return err
			}
			pkey[j] = v
		}
		wr := winRow{idx: i, order: orderSlab[i*no : (i+1)*no : (i+1)*no], args: argsSlab[i*na : (i+1)*na : (i+1)*na]}
		for j, o := range call.OrderBy {
			v, err := o.Expr.Eval(w.ctx, r)
			if err != nil {
				return err
			}
			wr.order[j] = v
		}
		for j, a := range call.Args {
			v, err := a.Eval(w.ctx, r)
			if err != nil {
				return err
			}
			wr.args[j] = v
		}
		if shared {
			single = append(single, wr)
			continue
		}
		e, created := parts.getOrCreate(pkey, func() []winRow { return nil })
		if created {
			order = append(order, e.key)
		}
		e.val = append(e.val, wr)
	}
	partitions := make([][]winRow, 0, len(order)+1)
	if shared {
		partitions = append(partitions, single)
	}
	for _, pk := range order {
		partitions = append(partitions, parts.get(pk).val)
	}
	for _, p := range partitions {
		sort.SliceStable(p, func(a, b int) bool {
			for j, o := range call.OrderBy {
				if c := compareSort(p[a].order[j], p[b].order[j], o); c != 0 {
					return c < 0
				}
			}
			return false
		})
		if err := w.partition(call, p, out, w.width+k); err != nil {
			return err
		}
	}
	return nil
}

// partition computes one call over one sorted partition.
func (w *Window) partition(call *plan.WindowCall, p []winRow, out []types.Row, col int) error {
	n := len(p)
	peers := func(a, b int) bool {
		for j, o := range call.OrderBy {
			if compareSort(p[a].order[j], p[b].order[j], o) != 0 {
				return false
			}
		}
		return true
	}
	// Peer groups: groupStart[i] / groupEnd[i] (inclusive) and group number.
	groupStart, groupEnd, groupNo := make([]int, n), make([]int, n), make([]int, n)
	for i, g := 0, 0; i < n; g++ {
		j := i
		for j+1 < n && peers(i, j+1) {
			j++
		}
		for x := i; x <= j; x++ {
			groupStart[x], groupEnd[x], groupNo[x] = i, j, g
		}
		i = j + 1
	}
	set := func(i int, v types.Datum) { out[p[i].idx][col] = v }
	switch call.Name {
	case "session_start", "session_end":
		return sessionWindows(call.Name == "session_end", p, set)
	case "row_number":
		for i := range p {
			set(i, types.NewInt8(int64(i+1)))
		}
		return nil
	case "rank":
		for i := range p {
			set(i, types.NewInt8(int64(groupStart[i]+1)))
		}
		return nil
	case "dense_rank":
		for i := range p {
			set(i, types.NewInt8(int64(groupNo[i]+1)))
		}
		return nil
	case "percent_rank":
		for i := range p {
			v := 0.0
			if n > 1 {
				v = float64(groupStart[i]) / float64(n-1)
			}
			set(i, types.NewFloat8(v))
		}
		return nil
	case "cume_dist":
		for i := range p {
			set(i, types.NewFloat8(float64(groupEnd[i]+1)/float64(n)))
		}
		return nil
	case "ntile":
		for i := range p {
			b := p[i].args[0]
			if b.IsNull() {
				set(i, types.NullDatum)
				continue
			}
			buckets := b.Int()
			if buckets <= 0 {
				return sqlerr.New(sqlerr.InvalidArgumentForNtile, "argument of ntile must be greater than zero")
			}
			per, extra := int64(n)/buckets, int64(n)%buckets
			pos, bucket := int64(i), int64(0)
			for bucket = 0; ; bucket++ {
				size := per
				if bucket < extra {
					size++
				}
				if pos < size || size == 0 {
					break
				}
				pos -= size
			}
			set(i, types.NewInt4(int32(bucket+1)))
		}
		return nil
	case "lag", "lead":
		for i := range p {
			off := p[i].args[1]
			if off.IsNull() {
				set(i, types.NullDatum)
				continue
			}
			d := int(off.Int())
			if call.Name == "lag" {
				d = -d
			}
			j := i + d
			if j < 0 || j >= n {
				set(i, p[i].args[2])
				continue
			}
			set(i, p[j].args[0])
		}
		return nil
	}
	// Frame-based: first_value, last_value, nth_value and aggregates.
	running := call.Frame.Start == plan.BoundUnboundedPreceding && !call.Frame.ExcludeCurrentRow
	var state aggState
	covered := -1 // rows [0, covered] are in the running state
	for i := range p {
		s, e, err := w.frameBounds(call, p, i, groupStart, groupEnd, groupNo)
		if err != nil {
			return err
		}
		if !call.IsAgg {
			set(i, frameValue(call, p, i, s, e))
			continue
		}
		if !running || state == nil {
			if state, err = newAggState(&plan.AggCall{Name: call.Name, Args: call.Args, T: call.T}, w.ctx.Eval); err != nil {
				return err
			}
			covered = -1
			if !running {
				for x := s; x <= e; x++ {
					if call.Frame.ExcludeCurrentRow && x == i {
						continue
					}
					if err := state.add(p[x].args, 1); err != nil {
						return err
					}
				}
				v, err := state.result()
				if err != nil {
					return err
				}
				set(i, v)
				continue
			}
		}
		for covered < e {
			covered++
			if err := state.add(p[covered].args, 1); err != nil {
				return err
			}
		}
		v, err := state.result()
		if err != nil {
			return err
		}
		if e < 0 {
			v = emptyAggResult(call)
		}
		set(i, v)
	}
	return nil
}

// emptyAggResult is an aggregate's value over an empty frame.
func emptyAggResult(call *plan.WindowCall) types.Datum {
	if call.Name == "count" {
		return types.NewInt8(0)
	}
	return types.NullDatum
}

// frameValue computes first_value, last_value or nth_value over [s, e].
func frameValue(call *plan.WindowCall, p []winRow, i, s, e int) types.Datum {
	var idx []int
	for x := s; x <= e; x++ {
		if call.Frame.ExcludeCurrentRow && x == i {
			continue
		}
		idx = append(idx, x)
	}
	if len(idx) == 0 {
		return types.NullDatum
	}
	switch call.Name {
	case "first_value":
		return p[idx[0]].args[0]
	case "last_value":
		return p[idx[len(idx)-1]].args[0]
	}
	nth := p[i].args[1]
	if nth.IsNull() || nth.Int() < 1 || int(nth.Int()) > len(idx) {
		return types.NullDatum
	}
	return p[idx[nth.Int()-1]].args[0]
}

// frameBounds returns the inclusive frame [s, e] of row i (e < s when empty).
func (w *Window) frameBounds(call *plan.WindowCall, p []winRow, i int, gs, ge, gn []int) (int, int, error) {
	f := call.Frame
	n := len(p)
	offset := func(e expr.Expr) (types.Datum, error) {
		v, err := e.Eval(w.ctx, nil)
		if err != nil {
			return v, err
		}
		if v.IsNull() {
			return v, sqlerr.New(sqlerr.NullValueNoIndicatorParameter, "frame starting offset must not be null")
		}
		return v, nil
	}
	bound := func(kind plan.BoundKind, off expr.Expr, isStart bool) (int, error) {
		switch kind {
		case plan.BoundUnboundedPreceding:
			return 0, nil
		case plan.BoundUnboundedFollowing:
			return n - 1, nil
		case plan.BoundCurrentRow:
			if f.Mode == plan.FrameRows {
				return i, nil
			}
			if isStart {
				return gs[i], nil
			}
			return ge[i], nil
		}
		v, err := offset(off)
		if err != nil {
			return 0, err
		}
		preceding := kind == plan.BoundPreceding
		switch f.Mode {
		case plan.FrameRows:
			d := int(v.Int())
			if d < 0 {
				return 0, sqlerr.New(sqlerr.InvalidParameterValue, "frame starting offset must not be negative")
			}
			if preceding {
				return i - d, nil
			}
			return i + d, nil
		case plan.FrameGroups:
			d := int(v.Int())
			g := gn[i] + d
			if preceding {
				g = gn[i] - d
			}
			return groupEdge(gn, g, isStart), nil
		}
		return w.rangeBound(call, p, i, v, preceding, isStart)
	}
	s, err := bound(f.Start, f.StartOffset, true)
	if err != nil {
		return 0, 0, err
	}
	e, err := bound(f.End, f.EndOffset, false)
	if err != nil {
		return 0, 0, err
	}
	if s < 0 {
		s = 0
	}
	if e > n-1 {
		e = n - 1
	}
	return s, e, nil
}

// groupEdge returns the first (isStart) or last row index of peer group g,
// clamped to the partition.
func groupEdge(gn []int, g int, isStart bool) int {
	n := len(gn)
	if isStart {
		return sort.Search(n, func(x int) bool { return gn[x] >= g })
	}
	return sort.Search(n, func(x int) bool { return gn[x] > g }) - 1
}

// rangeBound finds a RANGE offset bound: the first row whose key is at or
// after cur ∓ offset (start), or the last row at or before cur ± offset (end).
func (w *Window) rangeBound(call *plan.WindowCall, p []winRow, i int, off types.Datum, preceding, isStart bool) (int, error) {
	o := call.OrderBy[0]
	cur := p[i].order[0]
	n := len(p)
	if cur.IsNull() {
		// NULL keys are peers only of each other.
		j := i
		if isStart {
			for j > 0 && p[j-1].order[0].IsNull() {
				j--
			}
		} else {
			for j+1 < n && p[j+1].order[0].IsNull() {
				j++
			}
		}
		return j, nil
	}
	// Moving "back" in sort order means subtracting for ASC, adding for DESC.
	op := "+"
	if preceding != o.Desc {
		op = "-"
	}
	keyT := call.OrderBy[0].Expr.Type()
	fn, _, err := builtin.Resolve(op, []types.T{keyT, offTypeFor(keyT)})
	if err != nil {
		return 0, err
	}
	limit, err := fn.Fn(w.ctx.Eval, []types.Datum{cur, off})
	if err != nil {
		return 0, err
	}
	// The bound may have another type than the keys (date + interval is a
	// timestamp): compare through the builtin "<".
	cmp, err := crossCompare(keyT, fn.ResultType([]types.T{keyT, offTypeFor(keyT)}), w.ctx.Eval)
	if err != nil {
		return 0, err
	}
	dir := func(k types.Datum) int {
		c := cmp(k, limit)
		if o.Desc {
			return -c
		}
		return c
	}
	if isStart {
		return sort.Search(n, func(x int) bool {
			k := p[x].order[0]
			if k.IsNull() {
				return !o.NullsFirst
			}
			return dir(k) >= 0
		}), nil
	}
	return sort.Search(n, func(x int) bool {
		k := p[x].order[0]
		if k.IsNull() {
			return !o.NullsFirst
		}
		return dir(k) > 0
	}) - 1, nil
}

// crossCompare returns a three-way comparison of a value of type a with one
// of type b: the first is cast to b (date to timestamp, say), as the
// comparison operator Postgres resolves for the pair does.
func crossCompare(a, b types.T, ev *builtin.EvalContext) (func(x, y types.Datum) int, error) {
	if a.SameKind(b) {
		return types.Compare, nil
	}
	if _, ok := builtin.FindCast(a, b); !ok {
		return nil, sqlerr.Newf(sqlerr.UndefinedFunction, "operator does not exist: %s < %s", a, b)
	}
	return func(x, y types.Datum) int {
		cx, err := builtin.CastDatum(ev, x, a, b)
		if err != nil {
			return 0
		}
		return types.Compare(cx, y)
	}, nil
}

func offTypeFor(t types.T) types.T {
	switch t.Kind {
	case types.KindDate, types.KindTimestamp, types.KindTimestampTZ, types.KindTime:
		return types.Interval
	}
	return t
}

// sessionWindows sets each row's session start (or with end, its session
// end) for GROUP BY SESSION(time, gap) (planner/bind/session.go): over
// the partition ordered by time (args[0]), a session goes on while each
// time is at most the gap (args[1]) after the one before; its start is its
// first time and its end its last time plus the gap. A row without a time
// has neither.
func sessionWindows(end bool, p []winRow, set func(int, types.Datum)) error {
	for i := 0; i < len(p); {
		first := p[i].args[0]
		if first.IsNull() {
			set(i, types.NullDatum)
			i++
			continue
		}
		j := i
		gap, err := builtin.SessionGap(p[j].args[1])
		if err != nil {
			return err
		}
		for j+1 < len(p) && !p[j+1].args[0].IsNull() && withinGap(p[j].args[0].Int(), p[j+1].args[0].Int(), gap) {
			j++
			if gap, err = builtin.SessionGap(p[j].args[1]); err != nil {
				return err
			}
		}
		v := first
		if end {
			v = types.NewTimestamp(first.Kind(), sessionEnd(p[j].args[0].Int(), gap))
		}
		for x := i; x <= j; x++ {
			set(x, v)
		}
		i = j + 1
	}
	return nil
}

// withinGap says whether time next (at or after prev) is at most gap after
// prev, without overflowing at the infinities (the extreme values).
func withinGap(prev, next, gap int64) bool {
	if prev > math.MaxInt64-gap {
		return true // next is as late as prev, infinity at most
	}
	return next <= prev+gap
}

// sessionEnd is a session's last time plus its gap; the infinities stay
// what they are, as infinity plus an interval does in PostgreSQL.
func sessionEnd(last, gap int64) int64 {
	if last == math.MinInt64 || last > math.MaxInt64-gap {
		return last
	}
	return last + gap
}
