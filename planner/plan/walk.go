package plan

import "github.com/freshetdb/freshet/sql/expr"

// Exprs returns every scalar expression a node holds (not its inputs').
func Exprs(n Node) []expr.Expr {
	var out []expr.Expr
	addSort := func(ss []SortExpr) {
		for _, s := range ss {
			out = append(out, s.Expr)
		}
	}
	switch n := n.(type) {
	case *Scan:
		if r := n.Range; r != nil {
			out = append(out, r.Values...)
			for _, b := range []*KeyBound{r.Lower, r.Upper} {
				if b != nil {
					out = append(out, b.Value)
				}
			}
		}
	case *Values:
		for _, r := range n.Rows {
			out = append(out, r...)
		}
	case *Apply:
		if n.Cond != nil {
			out = append(out, n.Cond)
		}
	case *FlatMap:
		for _, c := range n.Calls {
			out = append(out, c.Args...)
		}
	case *Filter:
		out = append(out, n.Pred)
	case *Project:
		out = append(out, n.Exprs...)
	case *Join:
		out = append(out, n.LeftKeys...)
		out = append(out, n.RightKeys...)
		if n.Residual != nil {
			out = append(out, n.Residual)
		}
	case *Aggregate:
		out = append(out, n.GroupBy...)
		for _, a := range n.Aggs {
			out = append(out, a.Args...)
			if a.Filter != nil {
				out = append(out, a.Filter)
			}
			addSort(a.OrderBy)
		}
	case *Window:
		for _, c := range n.Calls {
			out = append(out, c.Args...)
			out = append(out, c.PartitionBy...)
			addSort(c.OrderBy)
			if c.Frame.StartOffset != nil {
				out = append(out, c.Frame.StartOffset)
			}
			if c.Frame.EndOffset != nil {
				out = append(out, c.Frame.EndOffset)
			}
		}
	case *Distinct:
		out = append(out, n.On...)
		addSort(n.Sort)
	case *Sort:
		addSort(n.Keys)
	case *Limit:
		if n.Count != nil {
			out = append(out, n.Count)
		}
		if n.Offset != nil {
			out = append(out, n.Offset)
		}
	}
	return out
}

// Walk calls fn for n and every node below it, pre-order.
func Walk(n Node, fn func(Node)) {
	fn(n)
	for _, in := range n.Inputs() {
		Walk(in, fn)
	}
}

// ReadsOuter reports whether the plan reads a column of a query enclosing
// it (an OuterRef escaping the plan), making it a correlated subquery.
func ReadsOuter(n Node) bool { return readsOuter(n, 0) }

func readsOuter(n Node, level int) bool {
	found := false
	Walk(n, func(x Node) {
		if a, ok := x.(*Apply); ok && readsOuter(a.Right, level+1) {
			found = true
		}
		if r, ok := x.(*RecursiveUnion); ok && (readsOuter(r.Base, level) || readsOuter(r.Step, level)) {
			found = true
		}
		for _, e := range Exprs(x) {
			expr.Walk(e, func(s expr.Expr) bool {
				switch s := s.(type) {
				case *expr.OuterRef:
					if s.Depth > level {
						found = true
					}
				case *expr.Subquery:
					if p, ok := s.Plan.(Node); ok && readsOuter(p, level+1) {
						found = true
					}
				}
				return !found
			})
		}
	})
	return found
}

// WithInputs returns a shallow copy of n whose inputs (as Inputs lists
// them) are inputs, which must have the same columns as those they
// replace. A node without inputs is returned as it is.
func WithInputs(n Node, inputs []Node) Node {
	switch x := n.(type) {
	case *Filter:
		c := *x
		c.Input = inputs[0]
		return &c
	case *Project:
		c := *x
		c.Input = inputs[0]
		return &c
	case *Join:
		c := *x
		c.Left, c.Right = inputs[0], inputs[1]
		return &c
	case *Aggregate:
		c := *x
		c.Input = inputs[0]
		return &c
	case *Window:
		c := *x
		c.Input = inputs[0]
		return &c
	case *Distinct:
		c := *x
		c.Input = inputs[0]
		return &c
	case *SetOp:
		c := *x
		c.Left, c.Right = inputs[0], inputs[1]
		return &c
	case *Sort:
		c := *x
		c.Input = inputs[0]
		return &c
	case *Limit:
		c := *x
		c.Input = inputs[0]
		return &c
	case *FlatMap:
		c := *x
		c.Input = inputs[0]
		return &c
	case *Apply:
		c := *x
		c.Left = inputs[0]
		return &c
	}
	return n
}
