package bind

import (
	pg "github.com/pganalyze/pg_query_go/v6"

	"github.com/freshetdb/freshet/planner/plan"
	"github.com/freshetdb/freshet/sql/builtin"
	"github.com/freshetdb/freshet/sql/expr"
	"github.com/freshetdb/freshet/sql/sqlerr"
	"github.com/freshetdb/freshet/sql/types"
)

// Session windows
//
//	SELECT bidder, count(*), SESSION_START(date_time, INTERVAL '10' SECOND),
//	       SESSION_END(date_time, INTERVAL '10' SECOND)
//	FROM bid GROUP BY bidder, SESSION(date_time, INTERVAL '10' SECOND)
//
// SESSION(ts, gap) as a GROUP BY item groups rows into sessions, as Flink's
// group windows do: for each value of the other GROUP BY items, the rows
// ordered by ts, a session goes on while each row comes at most gap after
// the one before it. SESSION_START(ts, gap) is a session's first ts and
// SESSION_END(ts, gap) its last ts plus gap; they may be used wherever a
// grouping expression may. Rows whose ts is NULL form one session with
// NULL start and end.
//
// The binder adds, before the aggregate, a window node whose calls
// session_start and session_end (PARTITION BY the other GROUP BY items,
// ORDER BY ts) append each row's session start and end, and groups by
// those two columns in place of SESSION(...). A row that merges two
// sessions changes the start or end of the rows around it: the window
// node recomputes the partition and retracts their old values.

// isSessionFunc says whether name is SESSION, SESSION_START or
// SESSION_END.
func isSessionFunc(name string) bool {
	return name == "session" || name == "session_start" || name == "session_end"
}

// sessionMarkers are the functions that SESSION(...), SESSION_START(...)
// and SESSION_END(...) bind to, by name and time type: they stand for the
// session until sessionWindow replaces them, and fail if evaluated.
var sessionMarkers = func() map[string]map[types.Kind]*builtin.Func {
	out := map[string]map[types.Kind]*builtin.Func{}
	for _, name := range []string{"session", "session_start", "session_end"} {
		out[name] = map[types.Kind]*builtin.Func{}
		for _, t := range []types.T{types.Timestamp, types.TimestampTZ} {
			out[name][t.Kind] = &builtin.Func{Name: name, Args: []types.T{t, types.Interval}, Ret: t, Vol: builtin.Volatile,
				Fn: func(*builtin.EvalContext, []types.Datum) (types.Datum, error) {
					return types.NullDatum, sessionOutsideGroupBy(name)
				}}
		}
	}
	return out
}()

func sessionOutsideGroupBy(name string) error {
	if name == "session" {
		return sqlerr.New(sqlerr.GroupingError, "SESSION(time, gap) is valid only as a GROUP BY item")
	}
	return sqlerr.Newf(sqlerr.GroupingError, "%s(time, gap) is valid only with GROUP BY SESSION(time, gap) of the same arguments", name)
}

// sessionCall binds SESSION, SESSION_START or SESSION_END to its marker.
func (b *Binder) sessionCall(ec *exprCtx, fc *pg.FuncCall, name string) (expr.Expr, error) {
	if len(fc.Args) != 2 {
		return nil, b.errAt(sqlerr.Newf(sqlerr.UndefinedFunction, "%s takes two arguments: %s(time, INTERVAL 'gap')", name, name), fc.Location)
	}
	if name == "session" && ec.clause != "GROUP BY" {
		return nil, b.errAt(sqlerr.As(sessionOutsideGroupBy(name)), fc.Location)
	}
	args, err := b.bindExprs(ec, fc.Args)
	if err != nil {
		return nil, err
	}
	t := args[0].Type()
	fn := sessionMarkers[name][t.Kind]
	if fn == nil {
		return nil, b.errAt(sqlerr.Newf(sqlerr.DatatypeMismatch, "the time of %s must be a timestamp or timestamptz, not %s", name, t), fc.Location)
	}
	if args[1], err = b.coerce(args[1], types.Interval, builtin.CastImplicit, name); err != nil {
		return nil, b.errAt(sqlerr.As(err), fc.Location)
	}
	if expr.IsConst(args[1]) {
		gap, err := args[1].Eval(&expr.Ctx{Eval: &builtin.EvalContext{}}, nil)
		if err != nil {
			return nil, err
		}
		if _, err := builtin.SessionGap(gap); err != nil {
			return nil, b.errAt(sqlerr.As(err), fc.Location)
		}
	}
	return expr.NewCall(fn, args, t), nil
}

// isSessionMarker says whether e is a call to the marker named name.
func isSessionMarker(e expr.Expr, name string) (*expr.Call, bool) {
	c, ok := e.(*expr.Call)
	if !ok {
		return nil, false
	}
	return c, sessionMarkers[name][c.T.Kind] == c.Fn
}

// sessionGroup returns the index of the GROUP BY item that is SESSION(...),
// -1 if none; two are an error.
func sessionGroup(groups []expr.Expr) (int, error) {
	at := -1
	for i, g := range groups {
		if _, ok := isSessionMarker(g, "session"); ok {
			if at >= 0 {
				return 0, sqlerr.New(sqlerr.GroupingError, "GROUP BY may hold one SESSION(time, gap) only")
			}
			at = i
		}
	}
	return at, nil
}

// sessionWindow adds to input the window node that computes the sessions
// of GROUP BY item si, and returns it with the columns of the session
// start and end.
func sessionWindow(input plan.Node, groups []expr.Expr, si int) (plan.Node, *expr.ColRef, *expr.ColRef) {
	sess := groups[si].(*expr.Call)
	var part []expr.Expr
	for i, g := range groups {
		if i != si {
			part = append(part, g)
		}
	}
	t := sess.T
	order := []plan.SortExpr{{Expr: sess.Args[0]}}
	calls := []plan.WindowCall{
		{Name: "session_start", Args: sess.Args, PartitionBy: part, OrderBy: order, Frame: plan.DefaultFrame, T: t},
		{Name: "session_end", Args: sess.Args, PartitionBy: part, OrderBy: order, Frame: plan.DefaultFrame, T: t},
	}
	base := len(input.Columns())
	cols := append(append([]plan.Column(nil), input.Columns()...),
		plan.Column{Name: "session_start", Type: t}, plan.Column{Name: "session_end", Type: t})
	node := plan.WithColumns(&plan.Window{Input: input, Calls: calls}, cols)
	return node, &expr.ColRef{Idx: base, T: t, Name: "session_start"}, &expr.ColRef{Idx: base + 1, T: t, Name: "session_end"}
}

// replaceSessionCalls replaces in e the SESSION_START and SESSION_END of
// session sess by the columns start and end; others are an error.
func replaceSessionCalls(e expr.Expr, sess *expr.Call, start, end expr.Expr) (expr.Expr, error) {
	return expr.Map(e, func(n expr.Expr) (expr.Expr, error) {
		for name, col := range map[string]expr.Expr{"session_start": start, "session_end": end} {
			c, ok := isSessionMarker(n, name)
			if !ok {
				continue
			}
			if !expr.Equal(c.Args[0], sess.Args[0]) || !expr.Equal(c.Args[1], sess.Args[1]) {
				return nil, sessionOutsideGroupBy(name)
			}
			return col, nil
		}
		return n, nil
	})
}

// checkNoSessionCalls fails when an expression of plan n (subqueries'
// plans aside, which are checked when they are bound) still holds
// SESSION, SESSION_START or SESSION_END: no GROUP BY SESSION took it.
func checkNoSessionCalls(n plan.Node) error {
	var err error
	plan.Walk(n, func(x plan.Node) {
		for _, e := range plan.Exprs(x) {
			expr.Walk(e, func(y expr.Expr) bool {
				if _, ok := y.(*expr.Subquery); ok {
					return false
				}
				for _, name := range []string{"session", "session_start", "session_end"} {
					if _, ok := isSessionMarker(y, name); ok && err == nil {
						err = sessionOutsideGroupBy(name)
					}
				}
				return err == nil
			})
		}
	})
	return err
}

// sessionGroups turns a GROUP BY SESSION(...) into a window node before
// the aggregate (sessionWindow) and its start and end columns as grouping
// items, and rewrites SESSION_START and SESSION_END in what follows the
// aggregate (through rewriteOutputs, having, distinctOn) and in the
// arguments of the aggregates, window calls and set-returning calls.
func (b *Binder) sessionGroups(input *plan.Node, groups *[]expr.Expr, groupingSets bool, aggs *aggCollector, wins *winCollector,
	srfs *srfCollector, rewriteOutputs func(func(expr.Expr) (expr.Expr, error)) error, having *expr.Expr, distinctOn []expr.Expr) error {
	si, err := sessionGroup(*groups)
	if err != nil || si < 0 {
		return err
	}
	if groupingSets {
		return sqlerr.Unsupported("SESSION windows with ROLLUP, CUBE or GROUPING SETS")
	}
	sess := (*groups)[si].(*expr.Call)
	var start, end *expr.ColRef
	*input, start, end = sessionWindow(*input, *groups, si)
	g := append(append([]expr.Expr(nil), (*groups)[:si]...), start, end)
	*groups = append(g, (*groups)[si+1:]...)
	rw := func(e expr.Expr) (expr.Expr, error) { return replaceSessionCalls(e, sess, start, end) }
	if err := rewriteOutputs(rw); err != nil {
		return err
	}
	if *having != nil {
		if *having, err = rw(*having); err != nil {
			return err
		}
	}
	for i := range distinctOn {
		if distinctOn[i], err = rw(distinctOn[i]); err != nil {
			return err
		}
	}
	for i := range aggs.calls {
		c := &aggs.calls[i]
		for j := range c.Args {
			if c.Args[j], err = rw(c.Args[j]); err != nil {
				return err
			}
		}
		if c.Filter != nil {
			if c.Filter, err = rw(c.Filter); err != nil {
				return err
			}
		}
		for j := range c.OrderBy {
			if c.OrderBy[j].Expr, err = rw(c.OrderBy[j].Expr); err != nil {
				return err
			}
		}
	}
	for i := range wins.calls {
		if err := rewriteWindowCall(&wins.calls[i], rw); err != nil {
			return err
		}
	}
	for i := range srfs.calls {
		c := &srfs.calls[i]
		for j := range c.Args {
			if c.Args[j], err = rw(c.Args[j]); err != nil {
				return err
			}
		}
	}
	return nil
}
