package bind

import (
	"github.com/freshetdb/freshet/planner/plan"
	"github.com/freshetdb/freshet/sql/builtin"
	"github.com/freshetdb/freshet/sql/expr"
	"github.com/freshetdb/freshet/sql/sqlerr"
	"github.com/freshetdb/freshet/sql/types"
)

// aggCollector gathers the aggregate calls of a query level; each call is
// replaced in the bound expression by an aggRef to its result column.
type aggCollector struct {
	calls []plan.AggCall
	keys  []string
	// groupings counts GROUPING() calls, which make a query grouped.
	groupings int
}

// add registers a call (deduplicating identical ones) and returns its ref.
func (a *aggCollector) add(c plan.AggCall) expr.Expr {
	key := aggKey(c)
	for i, k := range a.keys {
		if k == key {
			return &aggRef{idx: i, t: a.calls[i].T}
		}
	}
	a.calls = append(a.calls, c)
	a.keys = append(a.keys, key)
	return &aggRef{idx: len(a.calls) - 1, t: c.T}
}

func aggKey(c plan.AggCall) string {
	s := c.Name + "("
	if c.Distinct {
		s += "DISTINCT "
	}
	for _, a := range c.Args {
		s += a.String() + ","
	}
	s += ")"
	for _, o := range c.OrderBy {
		s += " o:" + o.Expr.String()
		if o.Desc {
			s += " desc"
		}
		if o.NullsFirst {
			s += " nf"
		}
	}
	if c.Filter != nil {
		s += " f:" + c.Filter.String()
	}
	return s
}

// aggRef stands for an aggregate's result until the grouping rewrite turns
// it into a column reference of the Aggregate node's output.
type aggRef struct {
	idx int
	t   types.T
}

func (e *aggRef) Type() types.T { return e.t }
func (e *aggRef) Eval(*expr.Ctx, types.Row) (types.Datum, error) {
	return types.Datum{}, sqlerr.Internal("unbound aggregate reference")
}
func (e *aggRef) String() string                     { return "agg#" + itoa(e.idx) }
func (e *aggRef) Children() []expr.Expr              { return nil }
func (e *aggRef) WithChildren([]expr.Expr) expr.Expr { return e }

// groupingRef is a GROUPING(args) call before grouping resolves it: its
// arguments must be grouping expressions.
type groupingRef struct {
	args []expr.Expr
	// positions are the arguments' 1-based character positions in the
	// statement, for errors.
	positions []int
}

func (e *groupingRef) Type() types.T { return types.Int4 }
func (e *groupingRef) Eval(*expr.Ctx, types.Row) (types.Datum, error) {
	return types.Datum{}, sqlerr.Internal("unbound GROUPING reference")
}
func (e *groupingRef) String() string                     { return "grouping" }
func (e *groupingRef) Children() []expr.Expr              { return nil }
func (e *groupingRef) WithChildren([]expr.Expr) expr.Expr { return e }

// aggregates lists the aggregate functions and how their result type
// follows from the argument type.
var aggregates = map[string]func(args []types.T) (types.T, []types.T, bool){
	"count": func(args []types.T) (types.T, []types.T, bool) {
		return types.Int8, args, len(args) <= 1
	},
	"sum": func(args []types.T) (types.T, []types.T, bool) {
		if len(args) != 1 {
			return types.T{}, nil, false
		}
		switch args[0].Kind {
		case types.KindInt2, types.KindInt4:
			return types.Int8, args, true
		case types.KindInt8, types.KindNumeric:
			return types.Numeric, []types.T{plainType(args[0])}, true
		case types.KindFloat4, types.KindFloat8, types.KindInterval:
			return plainType(args[0]), args, true
		case types.KindUnknown:
			return types.Float8, []types.T{types.Float8}, true
		}
		return types.T{}, nil, false
	},
	"avg": func(args []types.T) (types.T, []types.T, bool) {
		if len(args) != 1 {
			return types.T{}, nil, false
		}
		switch args[0].Kind {
		case types.KindInt2, types.KindInt4, types.KindInt8, types.KindNumeric:
			return types.Numeric, args, true
		case types.KindFloat4, types.KindFloat8, types.KindUnknown:
			return types.Float8, []types.T{types.Float8}, true
		case types.KindInterval:
			return types.Interval, args, true
		}
		return types.T{}, nil, false
	},
	"stddev":      varianceAgg,
	"stddev_samp": varianceAgg,
	"stddev_pop":  varianceAgg,
	"variance":    varianceAgg,
	"var_samp":    varianceAgg,
	"var_pop":     varianceAgg,
	"min":         minMaxAgg,
	"max":         minMaxAgg,
	"bool_and":    boolAgg,
	"bool_or":     boolAgg,
	"every":       boolAgg,
	"string_agg": func(args []types.T) (types.T, []types.T, bool) {
		if len(args) != 2 {
			return types.T{}, nil, false
		}
		if args[0].Kind == types.KindBytea {
			return types.Bytea, []types.T{types.Bytea, types.Bytea}, true
		}
		return types.Text, []types.T{types.Text, types.Text}, true
	},
	"array_agg": func(args []types.T) (types.T, []types.T, bool) {
		if len(args) != 1 || args[0].Kind == types.KindArray {
			return types.T{}, nil, false
		}
		t := plainType(args[0])
		if t.Kind == types.KindUnknown {
			t = types.Text
		}
		return types.ArrayOf(t), []types.T{t}, true
	},
	"jsonb_agg": func(args []types.T) (types.T, []types.T, bool) {
		if len(args) != 1 {
			return types.T{}, nil, false
		}
		return types.JSONB, []types.T{textIfUnknown(args[0])}, true
	},
	"jsonb_object_agg": func(args []types.T) (types.T, []types.T, bool) {
		if len(args) != 2 {
			return types.T{}, nil, false
		}
		return types.JSONB, []types.T{textIfUnknown(args[0]), textIfUnknown(args[1])}, true
	},
}

func textIfUnknown(t types.T) types.T {
	if t.Kind == types.KindUnknown || t.Kind == types.KindNull {
		return types.Text
	}
	return t
}

func plainType(t types.T) types.T {
	if t.Kind == types.KindArray {
		return t
	}
	return types.T{Kind: t.Kind, Mod: -1}
}

func minMaxAgg(args []types.T) (types.T, []types.T, bool) {
	if len(args) != 1 {
		return types.T{}, nil, false
	}
	t := args[0]
	switch {
	case t.Kind == types.KindUnknown:
		return types.Text, []types.T{types.Text}, true
	case t.Kind == types.KindJSON || t.Kind == types.KindRecord:
		return types.T{}, nil, false
	case t.Kind == types.KindVarchar || t.Kind == types.KindBPChar || t.Kind == types.KindName:
		return types.Text, []types.T{types.Text}, true
	}
	return plainType(t), []types.T{plainType(t)}, true
}

// varianceAgg types stddev and variance: numeric over integers and
// numerics, double precision over floats.
func varianceAgg(args []types.T) (types.T, []types.T, bool) {
	if len(args) != 1 {
		return types.T{}, nil, false
	}
	switch args[0].Kind {
	case types.KindInt2, types.KindInt4, types.KindInt8, types.KindNumeric:
		return types.Numeric, []types.T{plainType(args[0])}, true
	case types.KindFloat4, types.KindFloat8, types.KindUnknown:
		return types.Float8, []types.T{types.Float8}, true
	}
	return types.T{}, nil, false
}

func boolAgg(args []types.T) (types.T, []types.T, bool) {
	if len(args) != 1 || (args[0].Kind != types.KindBool && args[0].Kind != types.KindUnknown) {
		return types.T{}, nil, false
	}
	return types.Bool, []types.T{types.Bool}, true
}

// IsAggregate reports whether name is an aggregate function.
func IsAggregate(name string) bool {
	_, ok := aggregates[name]
	return ok
}

// resolveAgg types an aggregate call and coerces its arguments.
func (b *Binder) resolveAgg(name string, args []expr.Expr) (types.T, []expr.Expr, error) {
	sig := aggregates[name]
	ts := make([]types.T, len(args))
	for i, a := range args {
		ts[i] = a.Type()
	}
	ret, want, ok := sig(ts)
	if !ok {
		names := ""
		for i, t := range ts {
			if i > 0 {
				names += ", "
			}
			names += t.String()
		}
		return types.T{}, nil, sqlerr.Newf(sqlerr.UndefinedFunction, "function %s(%s) does not exist", name, names).
			WithHint("No function matches the given name and argument types. You might need to add explicit type casts.")
	}
	out := make([]expr.Expr, len(args))
	for i, a := range args {
		c, err := b.coerce(a, want[i], builtin.CastImplicit, "argument")
		if err != nil {
			return types.T{}, nil, err
		}
		out[i] = c
	}
	return ret, out, nil
}

func itoa(i int) string {
	const digits = "0123456789"
	if i < 10 {
		return digits[i : i+1]
	}
	return itoa(i/10) + digits[i%10:i%10+1]
}
