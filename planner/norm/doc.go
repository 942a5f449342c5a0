// Package norm holds the named rewrite rules that normalise a bound plan
// before execution. Each rule is a function from a node to a node that
// keeps the result of the query unchanged:
//
//	DecorrelateSubquery  EXISTS / NOT EXISTS / IN / NOT IN in WHERE become semi / anti joins
//	JoinScalarSubquery   a one-row uncorrelated scalar subquery becomes a left join
//	ExtractJoinKeys      l.a = r.b conjuncts of a join condition become hash keys
//	PushFilterIntoJoin   WHERE conjuncts move into the join inputs or condition
//	PushFilterBelowFlatMap filters on a FlatMap's input run before its functions
//	PushFilterIntoScan   primary-key equalities become a point / prefix read
//
// It imports planner/plan and sql/*; never the binder or executor.
package norm
