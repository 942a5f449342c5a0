// Package clients drives real client programs against a server. The first of
// them is psql: a session that creates tables, loads 100,000 generated rows
// with \copy and COPY FROM STDIN, runs a join, aggregates, window functions and
// subqueries over them, and lists objects with \dt, \d, \dn and \l.
//
// TestPsqlFreshet runs the session against Freshet and against the private
// PostgreSQL and requires the query output to be byte-identical;
// TestPsqlPostgres runs it against PostgreSQL alone, which checks the session.
//
// The TestPgx* tests drive pgx against Freshet alone (their expectations were
// taken from PostgreSQL 15): every pgx execution mode, a value of each common
// type round-tripped as a parameter and in binary and text results, NULLs,
// portals run with Execute's row limit, COPY FROM STDIN and COPY TO STDOUT
// through pgconn, cancellation, SQLSTATEs, failed transaction blocks, and rows
// surviving a restart and a SIGKILL.
package clients
