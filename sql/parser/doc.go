// Package parser turns SQL text into statements: the Postgres grammar through
// pg_query_go (libpg_query, the real Postgres parser), split into one Stmt per
// statement with its own text. Syntax errors become *sqlerr.Error with code
// 42601 and the 1-based character position Postgres would report.
//
// Statements Postgres' grammar lacks (SHOW MATERIALIZED VIEWS, SHOW SOURCES,
// SHOW SINKS, CREATE SOURCE) are recognised when the grammar rejects the
// text, and given Postgres-shaped trees (a VariableShowStmt naming the
// object kind); CREATE SOURCE is read by a small parser on Postgres'
// scanner into a CreateSource.
//
// It imports sql/sqlerr and pg_query only; it knows nothing of the catalog.
package parser
