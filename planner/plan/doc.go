// Package plan defines Freshet's relational plan: the tree the binder builds
// from a query and the executor runs, either once over a snapshot (SELECT)
// or maintained incrementally (materialized views). Each node states its
// output columns; scalar expressions inside nodes are sql/expr values that
// refer to the node's input row by position.
//
//	Scan / Values                       leaves
//	Filter / Project / FlatMap          linear
//	Join (inner, left, right, full, semi, anti)
//	Aggregate / Window / Distinct / SetOp
//	Sort / Limit                        applied to a SELECT's final result
//
// Explain renders a plan as text, the single form used by EXPLAIN and by
// golden files. It imports sql/* packages only; never the executor.
package plan
