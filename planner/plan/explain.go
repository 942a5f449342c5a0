package plan

import (
	"fmt"
	"strings"

	"github.com/freshetdb/freshet/sql/expr"
)

// Explain renders a plan as an indented tree, one node per line:
//
//	Project [#0, (#1 + '1'::integer)]
//	  Filter (#0 > '10'::integer)
//	    Scan public.t
//
// This text is what EXPLAIN prints and what golden files hold.
func Explain(n Node) string {
	var b strings.Builder
	explain(&b, n, 0)
	return b.String()
}

func explain(b *strings.Builder, n Node, depth int) {
	b.WriteString(strings.Repeat("  ", depth))
	b.WriteString(describe(n))
	b.WriteByte('\n')
	for _, in := range n.Inputs() {
		explain(b, in, depth+1)
	}
	if r, ok := n.(*RecursiveUnion); ok {
		explain(b, r.Base, depth+1)
		explain(b, r.Step, depth+1)
	}
	if a, ok := n.(*Apply); ok {
		b.WriteString(strings.Repeat("  ", depth+1) + "(per row)\n")
		explain(b, a.Right, depth+2)
	}
}

func exprList(es []expr.Expr) string {
	parts := make([]string, len(es))
	for i, e := range es {
		parts[i] = e.String()
	}
	return "[" + strings.Join(parts, ", ") + "]"
}

func sortList(ss []SortExpr) string {
	parts := make([]string, len(ss))
	for i, s := range ss {
		p := s.Expr.String()
		if s.Desc {
			p += " DESC"
		}
		if s.NullsFirst != s.Desc {
			if s.NullsFirst {
				p += " NULLS FIRST"
			} else {
				p += " NULLS LAST"
			}
		}
		parts[i] = p
	}
	return "[" + strings.Join(parts, ", ") + "]"
}

// describe is one node's line.
func describe(n Node) string {
	switch n := n.(type) {
	case *Scan:
		s := "Scan " + n.Table.Name
		if r := n.Range; r != nil {
			if len(r.Values) > 0 {
				s += " key=" + exprList(r.Values)
			}
			if r.Lower != nil {
				op := ">"
				if r.Lower.Inclusive {
					op = ">="
				}
				s += " " + op + r.Lower.Value.String()
			}
			if r.Upper != nil {
				op := "<"
				if r.Upper.Inclusive {
					op = "<="
				}
				s += " " + op + r.Upper.Value.String()
			}
		}
		return s
	case *Values:
		return fmt.Sprintf("Values rows=%d", len(n.Rows))
	case *RecursiveUnion:
		s := fmt.Sprintf("RecursiveUnion id=%d", n.ID)
		if n.All {
			s += " all"
		}
		return s
	case *WorkTable:
		return fmt.Sprintf("WorkTable id=%d", n.ID)
	case *Apply:
		s := "Apply " + n.Kind.String()
		if n.Cond != nil {
			s += " on " + n.Cond.String()
		}
		return s
	case *FlatMap:
		parts := make([]string, len(n.Calls))
		for i, c := range n.Calls {
			parts[i] = c.Fn.Name + "(" + strings.Trim(exprList(c.Args), "[]") + ")"
		}
		s := "FlatMap [" + strings.Join(parts, ", ") + "]"
		if n.Outer {
			s += " outer"
		}
		return s
	case *Filter:
		return "Filter " + n.Pred.String()
	case *Project:
		return "Project " + exprList(n.Exprs)
	case *Join:
		s := "HashJoin " + n.Kind.String()
		if len(n.LeftKeys) == 0 {
			s = "NestedLoopJoin " + n.Kind.String()
		} else {
			s += " keys=" + exprList(n.LeftKeys) + "=" + exprList(n.RightKeys)
		}
		if n.Residual != nil {
			s += " on " + n.Residual.String()
		}
		return s
	case *Aggregate:
		parts := make([]string, len(n.Aggs))
		for i, a := range n.Aggs {
			d := ""
			if a.Distinct {
				d = "DISTINCT "
			}
			parts[i] = a.Name + "(" + d + strings.Trim(exprList(a.Args), "[]") + ")"
		}
		return "HashAggregate group=" + exprList(n.GroupBy) + " aggs=[" + strings.Join(parts, ", ") + "]"
	case *Window:
		parts := make([]string, len(n.Calls))
		for i, c := range n.Calls {
			parts[i] = c.Name + " partition=" + exprList(c.PartitionBy) + " order=" + sortList(c.OrderBy)
		}
		return "Window [" + strings.Join(parts, "; ") + "]"
	case *Distinct:
		if len(n.On) > 0 {
			return "Distinct on=" + exprList(n.On)
		}
		return "Distinct"
	case *SetOp:
		s := "SetOp " + n.Kind.String()
		if n.All {
			s += " all"
		}
		return s
	case *Sort:
		return "Sort " + sortList(n.Keys)
	case *Limit:
		s := "Limit"
		if n.Count != nil {
			s += " count=" + n.Count.String()
		}
		if n.Offset != nil {
			s += " offset=" + n.Offset.String()
		}
		return s
	}
	return fmt.Sprintf("%T", n)
}
