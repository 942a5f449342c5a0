// Package compat replays what real Postgres clients send, captured in
// shared/compat (beside the repository: ../shared from its root), against a
// server, and checks that every statement succeeds.
//
//   - psql15-meta-commands.txt: the hidden queries psql 15 sends for \d, \dt,
//     \l, \dn, ... (psql -E). Each runs in the simple protocol; where the file
//     shows a table psql printed from the last query of a meta-command, the
//     column names the server returns must be the ones psql printed.
//   - driver-startup-*.log: PostgreSQL statement logs of psycopg2, psycopg 3,
//     SQLAlchemy, pgx, node-postgres and pgjdbc. "statement:" lines replay in
//     the simple protocol, "execute <name>:" lines in the extended protocol with
//     the logged parameters, each logged connection on its own connection.
//
// The captures refer to objects by the OIDs they had when they were recorded
// (16384 for the orders table, ...). The replay creates the same objects (the
// fixture), looks up their OIDs on the server under test and substitutes them.
//
// Where Freshet lacks a feature a capture needs (materialized views, enum
// types, composite field selection), the fixture step names the gap and
// runs a substitute or nothing on Freshet, objects it cannot create get OID
// 0, and the statements listed in knownGaps may fail on Freshet (they are
// logged); one of them succeeding fails the test, so the list shrinks as
// the features arrive.
//
// TestCompatFreshet replays against a Freshet server; TestCompatPostgres
// replays against the private PostgreSQL, which checks the replay itself.
package compat
