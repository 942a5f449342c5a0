package plan

import (
	"fmt"
	"strings"

	"github.com/freshetdb/freshet/sql/catalog"
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
	explain(&b, n, 0, false)
	return b.String()
}

// ExplainDataflow renders a plan as the dataflow of a maintained view on
// the given number of workers: the same tree, with the state each stateful
// operator keeps between epochs (what retraction needs) and the exchange
// that routes its input under it.
func ExplainDataflow(n Node, workers int) string {
	var b strings.Builder
	fmt.Fprintf(&b, "Dataflow (%d workers; changes flow up from the scans)\n", workers)
	explain(&b, n, 1, true)
	return b.String()
}

func explain(b *strings.Builder, n Node, depth int, dataflow bool) {
	b.WriteString(strings.Repeat("  ", depth))
	b.WriteString(describe(n))
	b.WriteByte('\n')
	if dataflow {
		if st := stateOf(n); st != "" {
			b.WriteString(strings.Repeat("  ", depth+1) + "state: " + st + "\n")
		}
		if ex := exchangeOf(n); ex != "" {
			b.WriteString(strings.Repeat("  ", depth+1) + "exchange: " + ex + "\n")
		}
	}
	for _, in := range n.Inputs() {
		explain(b, in, depth+1, dataflow)
	}
	if r, ok := n.(*RecursiveUnion); ok {
		explain(b, r.Base, depth+1, dataflow)
		explain(b, r.Step, depth+1, dataflow)
	}
	if a, ok := n.(*Apply); ok {
		b.WriteString(strings.Repeat("  ", depth+1) + "(per row)\n")
		explain(b, a.Right, depth+2, dataflow)
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
		if n.NullAware {
			s += " null-aware"
		}
		if n.Lookup {
			s = "LookupJoin " + n.Kind.String()
		}
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
		s := "Window [" + strings.Join(parts, "; ") + "]"
		if n.RankLimit > 0 {
			s += fmt.Sprintf(" ranked<=%d", n.RankLimit)
		}
		return s
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
		if n.WithTies {
			s += " with ties"
		}
		return s
	}
	return fmt.Sprintf("%T", n)
}

// nullAwareGroup names what a NOT IN join counts its subquery's rows by.
func nullAwareGroup(n *Join) string {
	if len(n.LeftKeys) == 1 {
		return "join (uncorrelated subquery)"
	}
	return "correlation key " + exprList(n.RightKeys[:len(n.RightKeys)-1])
}

// stateOf describes the state an operator keeps in a maintained dataflow;
// "" for linear operators, which keep none.
func stateOf(n Node) string {
	switch n := n.(type) {
	case *Scan:
		if n.Table.Kind == catalog.RelMaterializedView {
			return "none (reads the changes of view " + n.Table.Name + ")"
		}
		return "none (reads the changes committed to " + n.Table.Name + ")"
	case *Join:
		if n.Lookup {
			return "the right rows indexed by " + exprList(n.RightKeys) + "; the left rows of an epoch, until its end"
		}
		s := "each side's rows indexed by " + exprList(n.LeftKeys) + " / " + exprList(n.RightKeys)
		switch n.Kind {
		case JoinLeft, JoinRight, JoinFull, JoinSemi, JoinAnti:
			s += ", with per-row match counts"
		}
		if n.NullAware {
			s += "; the right rows and NULL values counted per " + nullAwareGroup(n)
		}
		return s
	case *Aggregate:
		var parts []string
		for _, a := range n.Aggs {
			switch {
			case a.Distinct:
				parts = append(parts, a.Name+" DISTINCT: distinct values with their counts")
			case a.Name == "count":
				parts = append(parts, "count: running count")
			case strings.HasPrefix(a.Name, "stddev") || strings.HasPrefix(a.Name, "var"):
				parts = append(parts, a.Name+": running count, sum and sum of squares")
			case a.Name == "bool_and" || a.Name == "bool_or" || a.Name == "every":
				parts = append(parts, a.Name+": counts of true and false")
			case a.Name == "min" || a.Name == "max":
				parts = append(parts, a.Name+": values in order with their counts (B-tree)")
			case a.Name == "string_agg" || a.Name == "array_agg" || a.Name == "jsonb_agg" || a.Name == "jsonb_object_agg":
				parts = append(parts, a.Name+": input multiset")
			default:
				parts = append(parts, a.Name+": running sum and count")
			}
		}
		return "per group " + exprList(n.GroupBy) + ": row count; " + strings.Join(parts, "; ")
	case *Distinct:
		if len(n.On) > 0 {
			return "per " + exprList(n.On) + ": row multiset and the row emitted"
		}
		return "count of each distinct row and the row emitted"
	case *SetOp:
		if n.Kind == SetUnion && n.All {
			return ""
		}
		return "count of each row on each input and the count emitted"
	case *Limit:
		return "input rows in sort order (B-tree) and the rows emitted"
	case *Window:
		if n.RankLimit > 0 {
			return "per partition: input rows in window order (B-tree) and the rows emitted"
		}
		return "per partition: input multiset and the rows emitted"
	}
	return ""
}

// exchangeOf describes how the input rows of a stateful operator reach its
// shards (see Partitioning).
func exchangeOf(n Node) string {
	if !Stateful(n) {
		return ""
	}
	keys, wholeRow, partitioned := Partitioning(n, 0)
	switch {
	case wholeRow:
		return "hash of the whole row"
	case partitioned:
		if _, ok := n.(*Join); ok {
			right, _, _ := Partitioning(n, 1)
			return "hash " + exprList(keys) + " / " + exprList(right)
		}
		return "hash " + exprList(keys)
	}
	switch n := n.(type) {
	case *Join:
		if n.NullAware && len(n.LeftKeys) == 1 {
			return "gather on worker 0 (NOT IN needs the whole right side)"
		}
		return "gather on worker 0 (no equality keys)"
	case *Aggregate:
		return "gather on worker 0 (global aggregate)"
	}
	return "gather on worker 0"
}
