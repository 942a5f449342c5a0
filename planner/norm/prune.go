package norm

import (
	"github.com/freshetdb/freshet/planner/plan"
	"github.com/freshetdb/freshet/sql/expr"
)

// PruneColumns narrows the inputs of joins, aggregates, windows and
// set-returning expansions to the columns their plan above uses: a join
// of auctions with bids that reads five of their seventeen columns keeps
// and moves only those five in its state and exchanges. The output columns
// of n do not change.
//
// Columns flow top down: each node learns which of its output columns are
// needed, asks its inputs for those it needs itself, and rewrites its
// expressions for the narrower inputs. Where a stateful operator's input
// would still carry columns no one reads, a projection drops them. A node
// whose expressions hold subqueries (which may read its input through
// outer references), and the nodes the rule does not know, keep all their
// input columns.
func PruneColumns(n plan.Node) plan.Node {
	out, _ := narrow(n, nil)
	return out
}

// narrow returns n rewritten to produce at least the columns need marks
// (nil: all), and where each of n's columns went (-1: dropped).
func narrow(n plan.Node, need []bool) (plan.Node, []int) {
	width := len(n.Columns())
	if need == nil {
		need = allColumns(width)
	}
	if hasSubquery(n) {
		return keepAll(n), identity(width)
	}
	switch x := n.(type) {
	case *plan.Filter:
		in, m := narrow(x.Input, union(need, used(x.Input, x.Pred)))
		f := *x
		f.Input, f.Pred = in, remap(x.Pred, m)
		return plan.WithColumns(&f, in.Columns()), m
	case *plan.Project:
		var keep []int
		for i := range x.Exprs {
			if need[i] {
				keep = append(keep, i)
			}
		}
		inNeed := make([]bool, len(x.Input.Columns()))
		for _, i := range keep {
			mark(inNeed, x.Exprs[i])
		}
		in, m := narrow(x.Input, inNeed)
		p := &plan.Project{Input: in}
		var cols []plan.Column
		out := make([]int, width)
		for i := range out {
			out[i] = -1
		}
		for _, i := range keep {
			out[i] = len(p.Exprs)
			p.Exprs = append(p.Exprs, remap(x.Exprs[i], m))
			cols = append(cols, x.Columns()[i])
		}
		return plan.WithColumns(p, cols), out
	case *plan.Join:
		return narrowJoin(x, need)
	case *plan.Aggregate:
		in, m := narrowInput(x.Input, used(x.Input, plan.Exprs(x)...))
		a := *x
		a.Input = in
		a.GroupBy = remapAll(x.GroupBy, m)
		a.Aggs = make([]plan.AggCall, len(x.Aggs))
		for i, c := range x.Aggs {
			c.Args, c.Filter, c.OrderBy = remapAll(c.Args, m), remapOpt(c.Filter, m), remapSort(c.OrderBy, m)
			a.Aggs[i] = c
		}
		return plan.WithColumns(&a, x.Columns()), identity(width)
	case *plan.Window:
		nIn := len(x.Input.Columns())
		in, m := narrowInput(x.Input, union(need[:nIn], used(x.Input, plan.Exprs(x)...)))
		w := *x
		w.Input = in
		w.Calls = make([]plan.WindowCall, len(x.Calls))
		for i, c := range x.Calls {
			c.Args, c.PartitionBy, c.OrderBy = remapAll(c.Args, m), remapAll(c.PartitionBy, m), remapSort(c.OrderBy, m)
			c.Frame.StartOffset, c.Frame.EndOffset = remapOpt(c.Frame.StartOffset, m), remapOpt(c.Frame.EndOffset, m)
			w.Calls[i] = c
		}
		cols, out := appended(in, x.Columns()[nIn:], m)
		return plan.WithColumns(&w, cols), out
	case *plan.FlatMap:
		nIn := len(x.Input.Columns())
		in, m := narrowInput(x.Input, union(need[:nIn], used(x.Input, plan.Exprs(x)...)))
		f := *x
		f.Input = in
		f.Calls = make([]plan.SetCall, len(x.Calls))
		for i, c := range x.Calls {
			c.Args = remapAll(c.Args, m)
			f.Calls[i] = c
		}
		cols, out := appended(in, x.Columns()[nIn:], m)
		return plan.WithColumns(&f, cols), out
	}
	return keepAll(n), identity(width)
}

// appended returns the columns of a node whose output is its (narrowed)
// input's columns followed by columns of its own (extra), and where each
// of its old columns went, given where its input's went (m).
func appended(in plan.Node, extra []plan.Column, m []int) ([]plan.Column, []int) {
	cols := append(append([]plan.Column(nil), in.Columns()...), extra...)
	out := append([]int(nil), m...)
	for i := range extra {
		out = append(out, len(in.Columns())+i)
	}
	return cols, out
}

// narrowJoin narrows both inputs of a join to what its output's readers,
// its keys and its residual condition need.
func narrowJoin(x *plan.Join, need []bool) (plan.Node, []int) {
	nl, nr := len(x.Left.Columns()), len(x.Right.Columns())
	needL, needR := make([]bool, nl), make([]bool, nr)
	copy(needL, need[:min(nl, len(need))])
	if len(need) > nl {
		copy(needR, need[nl:])
	}
	for _, k := range x.LeftKeys {
		mark(needL, k)
	}
	for _, k := range x.RightKeys {
		mark(needR, k)
	}
	if x.Residual != nil {
		both := make([]bool, nl+nr)
		mark(both, x.Residual)
		needL, needR = union(needL, both[:nl]), union(needR, both[nl:])
	}
	if x.NullAware {
		// Its keys are positional pairs over whole rows: keep it as is.
		needL, needR = allColumns(nl), allColumns(nr)
	}
	left, ml := narrowInput(x.Left, needL)
	right, mr := narrowInput(x.Right, needR)
	j := *x
	j.Left, j.Right = left, right
	j.LeftKeys, j.RightKeys = remapAll(x.LeftKeys, ml), remapAll(x.RightKeys, mr)
	nl2 := len(left.Columns())
	both := append([]int(nil), ml...)
	for _, i := range mr {
		if i >= 0 {
			i += nl2
		}
		both = append(both, i)
	}
	j.Residual = remapOpt(x.Residual, both)
	cols := append([]plan.Column(nil), left.Columns()...)
	if x.Kind == plan.JoinSemi || x.Kind == plan.JoinAnti {
		return plan.WithColumns(&j, cols), ml
	}
	cols = append(cols, right.Columns()...)
	return plan.WithColumns(&j, cols), both
}

// narrowInput narrows the input of a stateful operator, then drops with a
// projection the columns it still carries that need does not mark.
func narrowInput(n plan.Node, need []bool) (plan.Node, []int) {
	in, m := narrow(n, need)
	w := len(in.Columns())
	keep := make([]bool, w)
	kept := 0
	for old, i := range m {
		if i >= 0 && need[old] && !keep[i] {
			keep[i] = true
			kept++
		}
	}
	if kept == w || kept == 0 {
		// Nothing to drop, or every column (a count(*)): rows keep a
		// column rather than become empty.
		return in, m
	}
	p := &plan.Project{Input: in}
	var cols []plan.Column
	pos := make([]int, w)
	for i := 0; i < w; i++ {
		pos[i] = -1
		if keep[i] {
			pos[i] = len(p.Exprs)
			c := in.Columns()[i]
			p.Exprs = append(p.Exprs, &expr.ColRef{Idx: i, T: c.Type, Name: c.Name})
			cols = append(cols, c)
		}
	}
	out := make([]int, len(m))
	for old, i := range m {
		out[old] = -1
		if i >= 0 {
			out[old] = pos[i]
		}
	}
	return plan.WithColumns(p, cols), out
}

// keepAll returns n with its inputs narrowed to all their columns (which
// keeps them whole but lets the operators below them narrow theirs).
func keepAll(n plan.Node) plan.Node {
	ins := n.Inputs()
	if len(ins) == 0 {
		return n
	}
	pruned := make([]plan.Node, len(ins))
	for i, in := range ins {
		pruned[i] = PruneColumns(in)
	}
	return plan.WithInputs(n, pruned)
}

// hasSubquery says whether an expression of n holds a subquery.
func hasSubquery(n plan.Node) bool {
	found := false
	for _, e := range plan.Exprs(n) {
		expr.Walk(e, func(x expr.Expr) bool {
			if _, ok := x.(*expr.Subquery); ok {
				found = true
			}
			return !found
		})
	}
	return found
}

// used returns which columns of in the expressions read.
func used(in plan.Node, es ...expr.Expr) []bool {
	out := make([]bool, len(in.Columns()))
	for _, e := range es {
		mark(out, e)
	}
	return out
}

// mark sets need[i] for every column i that e reads.
func mark(need []bool, e expr.Expr) {
	if e == nil {
		return
	}
	expr.Walk(e, func(x expr.Expr) bool {
		if c, ok := x.(*expr.ColRef); ok && c.Idx < len(need) {
			need[c.Idx] = true
		}
		return true
	})
}

func union(a, b []bool) []bool {
	out := make([]bool, len(a))
	for i := range out {
		out[i] = a[i] || i < len(b) && b[i]
	}
	return out
}

func allColumns(n int) []bool {
	out := make([]bool, n)
	for i := range out {
		out[i] = true
	}
	return out
}

func identity(n int) []int {
	out := make([]int, n)
	for i := range out {
		out[i] = i
	}
	return out
}

// remap rewrites the column references of e through m.
func remap(e expr.Expr, m []int) expr.Expr {
	out, _ := expr.Map(e, func(x expr.Expr) (expr.Expr, error) {
		if c, ok := x.(*expr.ColRef); ok {
			return &expr.ColRef{Idx: m[c.Idx], T: c.T, Name: c.Name}, nil
		}
		return x, nil
	})
	return out
}

func remapOpt(e expr.Expr, m []int) expr.Expr {
	if e == nil {
		return nil
	}
	return remap(e, m)
}

func remapAll(es []expr.Expr, m []int) []expr.Expr {
	if es == nil {
		return nil
	}
	out := make([]expr.Expr, len(es))
	for i, e := range es {
		out[i] = remap(e, m)
	}
	return out
}

func remapSort(ss []plan.SortExpr, m []int) []plan.SortExpr {
	if ss == nil {
		return nil
	}
	out := make([]plan.SortExpr, len(ss))
	for i, s := range ss {
		s.Expr = remap(s.Expr, m)
		out[i] = s
	}
	return out
}
