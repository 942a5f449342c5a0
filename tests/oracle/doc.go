// Package oracle checks Freshet's query results against PostgreSQL's.
//
// TestOracle creates the same random tables on a Freshet server and on the
// private PostgreSQL, loads the same random rows into both (a few thousand:
// integers with NULLs and duplicates, text, numeric, timestamps, booleans),
// then runs randomly generated queries on both and compares the results as
// multisets of text rows, or as sequences when the query has an ORDER BY that
// makes the order total (it orders by every output column). The grammar covers
// filters, projections with arithmetic and functions, two-table joins (inner
// and outer), GROUP BY with aggregates and HAVING, DISTINCT, ORDER BY with
// LIMIT, IN / EXISTS subqueries and UNION.
//
// Everything is derived from one seed. It is random unless given with
// -oracle.seed or FRESHET_ORACLE_SEED, and it is printed, so that a failure can
// be replayed exactly. The number of queries is -oracle.n or FRESHET_ORACLE_N
// (default 300). -oracle.against=postgres compares two PostgreSQL databases,
// which checks the generator itself: every query it makes must run on
// PostgreSQL and give the same answer twice.
package oracle
