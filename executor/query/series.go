package query

import (
	"github.com/freshetdb/freshet/executor/stream"
	"github.com/freshetdb/freshet/planner/plan"
	"github.com/freshetdb/freshet/sql/builtin"
	"github.com/freshetdb/freshet/sql/expr"
	"github.com/freshetdb/freshet/sql/sqlerr"
	"github.com/freshetdb/freshet/sql/types"
)

// generateSeries emits generate_series(start, stop, step) for integers,
// numerics and timestamps, with Postgres' rules: a zero step is an error,
// a step away from stop yields nothing, NULL arguments yield nothing.
func generateSeries(ec *expr.Ctx, r *Runner, n *plan.GenerateSeries, em *stream.Emitter) error {
	start, err := n.Start.Eval(ec, nil)
	if err != nil {
		return err
	}
	stop, err := n.Stop.Eval(ec, nil)
	if err != nil {
		return err
	}
	t := n.Columns()[0].Type
	var step types.Datum
	if n.Step != nil {
		if step, err = n.Step.Eval(ec, nil); err != nil {
			return err
		}
	} else {
		switch t.Kind {
		case types.KindNumeric:
			step, err = types.ParseText("1", types.Numeric, nil)
			if err != nil {
				return err
			}
		default:
			step = types.NewInt(t.Kind, 1)
		}
	}
	if start.IsNull() || stop.IsNull() || step.IsNull() {
		return nil
	}
	row := make(types.Row, 1)
	if t.Kind == types.KindInt4 || t.Kind == types.KindInt8 {
		a, z, s := start.Int(), stop.Int(), step.Int()
		if s == 0 {
			return sqlerr.New(sqlerr.InvalidParameterValue, "step size cannot equal zero")
		}
		for v, i := a, 0; (s > 0 && v <= z) || (s < 0 && v >= z); v += s {
			if i++; i%4096 == 0 && r.ctx.Err() != nil {
				return canceled()
			}
			row[0] = types.NewInt(t.Kind, v)
			if err := em.Emit(row, 1); err != nil {
				return err
			}
			if (s > 0 && v > z-s) || (s < 0 && v < z-s) {
				break
			}
		}
		return nil
	}
	// numeric and timestamps: add with the builtin "+" and compare.
	stepT := types.Interval
	if t.Kind == types.KindNumeric {
		stepT = types.Numeric
	}
	add, _, err := builtin.Resolve("+", []types.T{t, stepT})
	if err != nil {
		return err
	}
	zero := types.NewInterval(0, 0, 0)
	if t.Kind == types.KindNumeric {
		zero, _ = types.ParseText("0", types.Numeric, nil)
	}
	dir := types.Compare(step, zero)
	if dir == 0 {
		return sqlerr.New(sqlerr.InvalidParameterValue, "step size cannot equal zero")
	}
	for v, i := start, 0; ; i++ {
		c := types.Compare(v, stop)
		if (dir > 0 && c > 0) || (dir < 0 && c < 0) {
			return nil
		}
		if i%4096 == 0 && r.ctx.Err() != nil {
			return canceled()
		}
		row[0] = v
		if err := em.Emit(row, 1); err != nil {
			return err
		}
		if v, err = add.Fn(ec.Eval, []types.Datum{v, step}); err != nil {
			return err
		}
	}
}
