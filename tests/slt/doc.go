// Package slt runs sqllogictest files (tests/slt/*.slt) over the Postgres wire
// protocol, against Freshet or against a real PostgreSQL.
//
// TestSLTPostgres runs every file against the private PostgreSQL that `make test`
// starts, which proves that the expected results are PostgreSQL's own;
// TestSLTFreshet runs the same files against a Freshet server. Each file runs
// twice, each time in a fresh database (PostgreSQL) or a fresh server (Freshet):
// first with every record in the simple query protocol, then with the query
// records in the extended protocol (Parse/Bind/Describe/Execute, text results).
// Values are compared as the text the server sent, so output formats are checked
// byte for byte. `go test ./tests/slt -run TestSLTPostgres -rewrite` regenerates
// the expected results (and pins the SQLSTATE of error records) from PostgreSQL.
//
// # Records
//
// Records are separated by blank lines. Lines starting with # are comments.
//
//	statement ok
//	CREATE TABLE t (a int)
//
// runs the SQL (several statements separated by ; are allowed) and expects success.
//
//	statement error [pgcode XXXXX] [regex]
//	SELECT * FROM nosuch
//
// expects an error; with pgcode, that SQLSTATE; with a regex, a message matching
// it (Go regexp syntax, unanchored).
//
//	query <types> [nosort|rowsort|valuesort] [label]
//	SELECT a, b FROM t ORDER BY a
//	----
//	1 x
//	2 (empty)
//	3 NULL
//
// runs one statement and compares its rows: one row per line, the values
// separated by a single space, NULL for SQL NULL, (empty) for the empty string,
// and a newline inside a value written as \n. <types> has one letter per column
// (I integer, T text, R real/numeric, B boolean, or any other letter); only
// their number is checked. nosort (the default) compares in order, so the query
// needs an ORDER BY that makes the order total; rowsort sorts the rows of both
// sides before comparing; valuesort sorts all values and lists one per line. A
// label names the result: a later query with the same label must return the same.
//
//	query error [pgcode XXXXX] [regex]
//
// is the same as statement error for a query.
//
//	halt       stops the file here.
//	restart    restarts the server under test (Freshet) and reconnects; on
//	           PostgreSQL it only reconnects. Session settings are lost either way.
//
// A record may be preceded by conditions, one per line:
//
//	skipif freshet     onlyif freshet     skipif postgres     onlyif postgres
//
// Any condition that keeps a record from running on Freshet (skipif freshet,
// onlyif postgres) must name the issue that tracks the gap, as #N in a comment on
// the line itself or in the comment lines just above it:
//
//	# Freshet has no sequences yet (#17).
//	skipif freshet
//	statement ok
//	CREATE SEQUENCE s
//
// Values that contain spaces make rows ambiguous to read but are compared
// exactly; trailing spaces in a value are significant, so avoid them (editors
// strip them).
package slt
