package expr

import "github.com/freshetdb/freshet/sql/types"

// Map rewrites e bottom-up: fn sees each node after its children were
// rewritten and returns its replacement (or the node itself).
func Map(e Expr, fn func(Expr) (Expr, error)) (Expr, error) {
	ch := e.Children()
	if len(ch) > 0 {
		nch := make([]Expr, len(ch))
		changed := false
		for i, c := range ch {
			n, err := Map(c, fn)
			if err != nil {
				return nil, err
			}
			nch[i] = n
			changed = changed || n != c
		}
		if changed {
			e = e.WithChildren(nch)
		}
	}
	return fn(e)
}

// Walk calls fn on e and its descendants, pre-order, while fn returns true.
func Walk(e Expr, fn func(Expr) bool) {
	if e == nil || !fn(e) {
		return
	}
	for _, c := range e.Children() {
		Walk(c, fn)
	}
}

// Equal reports whether a and b are structurally the same expression.
func Equal(a, b Expr) bool {
	return a.String() == b.String() && a.Type().Equal(b.Type())
}

// Clone returns a deep copy of e, so that evaluation scratch space is not
// shared between goroutines.
func Clone(e Expr) Expr {
	out, _ := Map(e, func(n Expr) (Expr, error) {
		if c, ok := n.(*Call); ok {
			return &Call{Fn: c.Fn, Args: c.Args, T: c.T}, nil
		}
		return n, nil
	})
	return out
}

// IsConst reports whether e depends on no row, parameter, outer row,
// subquery or volatile function (and raises no error of its own), so it
// can be evaluated once.
func IsConst(e Expr) bool {
	ok := true
	Walk(e, func(n Expr) bool {
		switch n := n.(type) {
		case *ColRef, *OuterRef, *Param, *Subquery, *Fail:
			ok = false
		case *Call:
			if n.Fn.Vol != 0 {
				ok = false
			}
		}
		return ok
	})
	return ok
}

// EvalBool evaluates a predicate: true only when e is true (NULL is false).
func EvalBool(c *Ctx, e Expr, row types.Row) (bool, error) {
	v, err := e.Eval(c, row)
	if err != nil {
		return false, err
	}
	return !v.IsNull() && v.Bool(), nil
}
