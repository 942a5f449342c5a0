// Package bind turns parsed statements into plans: it resolves names against
// a catalog snapshot, infers and checks types (inserting casts), resolves
// functions and operators, validates grouping, and builds planner/plan trees
// for queries and for the row sources of INSERT, UPDATE and DELETE.
//
//	pg_query AST --bind--> plan.Node (+ expr.Expr inside)
//
// Errors carry Postgres SQLSTATEs and, where the AST gives a location, the
// 1-based character position. It imports sql/* and planner/plan; never the
// executor.
package bind
