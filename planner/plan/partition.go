package plan

import "github.com/freshetdb/freshet/sql/expr"

// Stateful reports whether a node's operator keeps state across rows, and
// so runs behind an exchange in a sharded dataflow.
func Stateful(n Node) bool {
	switch n := n.(type) {
	case *Join, *Aggregate, *Distinct, *Window, *Limit:
		return true
	case *SetOp:
		return !(n.Kind == SetUnion && n.All)
	}
	return false
}

// Partitioning returns how the rows of input port p of a stateful node are
// spread over the shards of a dataflow: hashed on keys, hashed on the whole
// row, or (partitioned false) gathered on one shard.
func Partitioning(n Node, p int) (keys []expr.Expr, wholeRow, partitioned bool) {
	switch n := n.(type) {
	case *Join:
		ks := n.LeftKeys
		if p == 1 {
			ks = n.RightKeys
		}
		if n.NullAware {
			// NOT IN depends on the whole subquery of a row (is it empty,
			// does it hold a NULL): it splits by the correlation keys only.
			ks = ks[:len(ks)-1]
		}
		return ks, false, len(ks) > 0
	case *Aggregate:
		return n.GroupBy, false, len(n.GroupBy) > 0
	case *Distinct:
		if len(n.On) > 0 {
			return n.On, false, true
		}
		return nil, true, true
	case *SetOp:
		return nil, true, Stateful(n)
	case *Window:
		keys := SharedPartition(n)
		return keys, false, len(keys) > 0
	}
	return nil, false, false
}

// SharedPartition returns the PARTITION BY every call of n shares, or nil.
func SharedPartition(n *Window) []expr.Expr {
	first := n.Calls[0].PartitionBy
	for _, c := range n.Calls[1:] {
		if len(c.PartitionBy) != len(first) {
			return nil
		}
		for i := range first {
			if !expr.Equal(c.PartitionBy[i], first[i]) {
				return nil
			}
		}
	}
	return first
}
