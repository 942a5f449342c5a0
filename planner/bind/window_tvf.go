package bind

import (
	pg "github.com/pganalyze/pg_query_go/v6"
	"math"

	"github.com/freshetdb/freshet/planner/plan"
	"github.com/freshetdb/freshet/sql/builtin"
	"github.com/freshetdb/freshet/sql/expr"
	"github.com/freshetdb/freshet/sql/sqlerr"
	"github.com/freshetdb/freshet/sql/types"
)

// isWindowTVF reports whether a FROM function is one of the window table
// functions.
func isWindowTVF(rf *pg.RangeFunction) (string, *pg.FuncCall, bool) {
	if len(rf.Functions) != 1 {
		return "", nil, false
	}
	fc := rf.Functions[0].GetList().Items[0].GetFuncCall()
	if fc == nil {
		return "", nil, false
	}
	name, err := funcName(fc.Funcname)
	if err != nil || (name != "tumble" && name != "hop") {
		return "", nil, false
	}
	return name, fc, true
}

// windowTVF binds TUMBLE(rel, col, size) and HOP(rel, col, slide, size):
// the rows of rel, each with the window_start and window_end of the
// windows it falls in. Windows are aligned to 1970-01-01 00:00 (UTC for
// timestamptz); a TUMBLE row falls in one window, a HOP row in size/slide
// windows, and a window includes its start but not its end.
//
//	SELECT window_start, count(*) FROM TUMBLE(bids, date_time, INTERVAL '10' SECOND)
//	GROUP BY window_start
func (b *Binder) windowTVF(rf *pg.RangeFunction, name string, fc *pg.FuncCall, outer *scope) (plan.Node, *scope, error) {
	want := 3
	if name == "hop" {
		want = 4
	}
	if len(fc.Args) != want {
		return nil, nil, b.errAt(sqlerr.Newf(sqlerr.UndefinedFunction, "%s takes %d arguments: the relation, its time column and the window size%s", name, want, map[bool]string{true: " (HOP: slide, then size)"}[name == "hop"]), fc.Location)
	}
	relRef := fc.Args[0].GetColumnRef()
	if relRef == nil {
		return nil, nil, b.errAt(sqlerr.Newf(sqlerr.SyntaxError, "the first argument of %s must name a relation", name), fc.Location)
	}
	rv := &pg.RangeVar{Location: relRef.Location}
	switch f := relRef.Fields; len(f) {
	case 1:
		rv.Relname = f[0].GetString_().Sval
	case 2:
		rv.Schemaname, rv.Relname = f[0].GetString_().Sval, f[1].GetString_().Sval
	default:
		return nil, nil, b.errAt(sqlerr.Newf(sqlerr.SyntaxError, "the first argument of %s must name a relation", name), fc.Location)
	}
	input, sc, err := b.rangeVar(rv, outer)
	if err != nil {
		return nil, nil, err
	}
	ec := &exprCtx{scope: sc, clause: "window table functions"}
	ts, err := b.bindExpr(ec, fc.Args[1])
	if err != nil {
		return nil, nil, err
	}
	tt := ts.Type()
	if tt.Kind != types.KindTimestamp && tt.Kind != types.KindTimestampTZ {
		return nil, nil, b.errAt(sqlerr.Newf(sqlerr.DatatypeMismatch, "the time column of %s must be a timestamp or timestamptz, not %s", name, tt), fc.Location)
	}
	var sizes []expr.Expr
	for _, a := range fc.Args[2:] {
		e, err := b.bindExpr(ec, a)
		if err == nil {
			e, err = b.coerce(e, types.Interval, builtin.CastImplicit, name+" window size")
		}
		if err != nil {
			return nil, nil, err
		}
		sizes = append(sizes, e)
	}
	originText := "1970-01-01 00:00:00"
	if tt.Kind == types.KindTimestampTZ {
		originText += "+00"
	}
	origin, err := types.ParseText(originText, tt, nil)
	if err != nil {
		return nil, nil, err
	}
	bin, _, err := builtin.Resolve("date_bin", []types.T{types.Interval, tt, tt})
	if err != nil {
		return nil, nil, err
	}
	add, _, err := builtin.Resolve("+", []types.T{tt, types.Interval})
	if err != nil {
		return nil, nil, err
	}
	if tt.Kind == types.KindTimestampTZ && fixedLength(sizes) {
		// timestamptz + interval depends on the time zone only through
		// days and months: without them a window's end does not.
		add = fixedAddTZ
	}
	n := len(input.Columns())
	cols := append([]plan.Column(nil), input.Columns()...)
	cols = append(cols, plan.Column{Name: "window_start", Type: tt}, plan.Column{Name: "window_end", Type: tt})
	var node plan.Node
	if name == "tumble" {
		size := sizes[0]
		start := expr.NewCall(bin, []expr.Expr{size, ts, &expr.Const{V: origin, T: tt}}, tt)
		end := expr.NewCall(add, []expr.Expr{start, size}, tt)
		exprs := make([]expr.Expr, 0, n+2)
		for i, c := range input.Columns() {
			exprs = append(exprs, &expr.ColRef{Idx: i, T: c.Type, Name: c.Name})
		}
		exprs = append(exprs, start, end)
		node = plan.WithColumns(&plan.Project{Input: input, Exprs: exprs}, cols)
	} else {
		fn := hopWindows(bin, add, tt, origin)
		call := plan.SetCall{Fn: fn, Args: []expr.Expr{ts, sizes[0], sizes[1]}, Cols: cols[n:]}
		node = plan.WithColumns(&plan.FlatMap{Input: input, Calls: []plan.SetCall{call}}, cols)
	}
	alias := rv.Relname
	if rf.Alias != nil {
		alias = rf.Alias.Aliasname
	}
	scols := make([]scopeCol, len(cols))
	for i, c := range cols {
		scols[i] = scopeCol{qual: alias, name: c.Name, typ: c.Type, tableOID: c.TableOID, attr: c.AttrNum}
	}
	return node, newScope(scols, outer), nil
}

// hopWindows returns the set-returning function behind HOP: for a time ts,
// the (start, end) of every window of the given size, its starts slide
// apart, that contains ts.
func hopWindows(bin, add *builtin.Func, tt types.T, origin types.Datum) *builtin.Func {
	sub, _, _ := builtin.Resolve("-", []types.T{tt, types.Interval})
	return &builtin.Func{
		Name:   "hop",
		Args:   []types.T{tt, types.Interval, types.Interval},
		Ret:    types.Record,
		Strict: true,
		Cols:   []builtin.SetCol{{Name: "window_start", T: tt}, {Name: "window_end", T: tt}},
		SetFn: func(ctx *builtin.EvalContext, a []types.Datum, yield func([]types.Datum) error) error {
			if ok, err := hopMicros(a[0], a[1], a[2], origin, yield); ok {
				return err
			}
			return hopCalendar(ctx, bin, add, sub, a[0], a[1], a[2], origin, yield)
		},
	}
}

// hopCalendar is HOP's general arithmetic, through the functions date_bin
// (bin), + (add) and - (sub) of the time's type.
func hopCalendar(ctx *builtin.EvalContext, bin, add, sub *builtin.Func, ts, slide, size, origin types.Datum, yield func([]types.Datum) error) error {
	last, err := bin.Fn(ctx, []types.Datum{slide, ts, origin})
	if err != nil {
		return err
	}
	// Walk back from the latest window start while the window still
	// covers ts: start > ts - size.
	floor, err := sub.Fn(ctx, []types.Datum{ts, size})
	if err != nil {
		return err
	}
	var starts []types.Datum
	for s := last; types.Compare(s, floor) > 0; {
		starts = append(starts, s)
		if s, err = sub.Fn(ctx, []types.Datum{s, slide}); err != nil {
			return err
		}
	}
	for i := len(starts) - 1; i >= 0; i-- {
		end, err := add.Fn(ctx, []types.Datum{starts[i], size})
		if err != nil {
			return err
		}
		if err := yield([]types.Datum{starts[i], end}); err != nil {
			return err
		}
	}
	return nil
}

// hopMicros is HOP's arithmetic for a timestamp and intervals of fixed
// length (no months or days, whose length depends on the calendar or the
// time zone) in integer microseconds, with the answers of the general
// path; ok is false when it does not apply.
func hopMicros(ts, slide, size, origin types.Datum, yield func([]types.Datum) error) (ok bool, err error) {
	k := ts.Kind()
	if k != types.KindTimestamp && k != types.KindTimestampTZ || origin.Kind() != k {
		return false, nil
	}
	slideMonths, slideDays, sl := slide.Interval()
	sizeMonths, sizeDays, sz := size.Interval()
	// Far from the ends of the range, so that nothing below overflows.
	const limit = 1 << 60
	t, o := ts.Int(), origin.Int()
	if slideMonths != 0 || slideDays != 0 || sizeMonths != 0 || sizeDays != 0 || sl <= 0 || sz <= 0 ||
		sl > limit>>4 || sz > limit>>4 || t > limit || t < -limit || o > limit || o < -limit {
		return false, nil
	}
	// The latest window start at or before t, as date_bin gives it.
	d := t - o
	q := d / sl
	if d%sl < 0 {
		q--
	}
	last := o + q*sl
	if last <= t-sz {
		// t falls between windows (size < slide).
		return true, nil
	}
	// The earliest start whose window still covers t: start > t - size.
	first := last
	for first-sl > t-sz {
		first -= sl
	}
	row := make([]types.Datum, 2)
	for s := first; s <= last; s += sl {
		row[0], row[1] = types.NewTimestamp(k, s), types.NewTimestamp(k, s+sz)
		if err := yield(row); err != nil {
			return true, err
		}
	}
	return true, nil
}

// fixedLength says whether every size is a constant interval without days
// or months.
func fixedLength(sizes []expr.Expr) bool {
	for _, e := range sizes {
		c, ok := e.(*expr.Const)
		if !ok || c.V.IsNull() {
			return false
		}
		if months, days, _ := c.V.Interval(); months != 0 || days != 0 {
			return false
		}
	}
	return true
}

// fixedAddTZ is timestamptz + interval for intervals without days or
// months, which does not depend on the time zone: immutable, so that
// TUMBLE over a timestamptz may be maintained in a materialized view.
var fixedAddTZ = &builtin.Func{Name: "+", Args: []types.T{types.TimestampTZ, types.Interval}, Ret: types.TimestampTZ, Strict: true,
	Fn: func(_ *builtin.EvalContext, v []types.Datum) (types.Datum, error) {
		_, _, us := v[1].Interval()
		t := v[0].Int()
		if us > 0 && t > math.MaxInt64-us || us < 0 && t < math.MinInt64-us {
			return types.NullDatum, sqlerr.New(sqlerr.DatetimeFieldOverflow, "timestamp out of range")
		}
		return types.NewTimestamp(types.KindTimestampTZ, t+us), nil
	}}
