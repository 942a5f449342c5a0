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
//
// TestOracleViews checks materialized views the same way. Over the same
// tables it creates random views (ViewGenerator: the queries above and
// global aggregates, top-N and top-N per group, window functions, INTERSECT
// and EXCEPT [ALL], aggregates over joins and unions, CTEs, decorrelated
// subqueries, views over views), half of them before the rows are loaded and
// half after, as materialized views on Freshet and as plain views on
// PostgreSQL. Then it runs rounds of random DML on both (DMLGenerator:
// inserts by VALUES, INSERT ... SELECT and COPY, upserts, updates of keys,
// values and primary keys, deletes that empty groups, a failing statement,
// transaction blocks ending in COMMIT or ROLLBACK; a fourth of the
// statements in the extended protocol). After every round, and
// after the two restarts of the server, each view must equal its query on
// PostgreSQL and its query run once on Freshet, as multisets. Each start of
// the server gets another FRESHET_WORKERS (1 to 4) and FRESHET_CHUNK_ROWS (1,
// 7, 64 or 1024), drawn from the seed, unless they are set from outside. Queries Freshet refuses with 0A000 are counted and left
// out. The size is -oracle.views / FRESHET_ORACLE_VIEWS (default 15) and
// -oracle.rounds / FRESHET_ORACLE_ROUNDS (default 20).
package oracle
