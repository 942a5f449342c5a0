// Package engine executes statements: it owns sessions (the pgwire.Session
// side of a connection), their settings and transaction blocks, DDL against
// the catalog, DML against stored tables, SELECT through executor/query, and
// COPY. cmd/freshet wires it to pgwire; pgwire never imports it.
//
//	pgwire --Parse/Prepare/Bind/Execute--> Session
//	Session --bind--> planner --plan--> executor/query (SELECT)
//	                                  \-> table writes in one storage batch (DML)
//
// Consistency today: each statement outside a transaction block commits its
// writes in one atomic, synced Pebble batch before it returns; a transaction
// block collects its writes and commits them atomically at COMMIT. Reads see
// the latest committed state (plus the block's own writes).
package engine
