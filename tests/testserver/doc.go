// Package testserver holds one-line helpers that tests use to get a server to
// talk to: a Freshet server started from the built binary (Start) and a fresh
// database on the private PostgreSQL that `make test` runs (Postgres).
//
//	s := testserver.Start(t)      // bin/freshet on free loopback ports, temp data dir
//	conn := s.Conn(t)             // *pgx.Conn, closed at the end of the test
//	pg := testserver.Postgres(t)  // conn string of a new database, dropped at the end
//
// The binary is FRESHET_BIN when set (make test sets it to bin/freshet), otherwise
// it is built once per test binary with `go build` into a temporary directory;
// packages that start servers remove that directory by calling Main from TestMain.
//
// Postgres needs FRESHET_TEST_PG, the URL of the private PostgreSQL that
// scripts/integration.sh starts; without it the test fails (it never skips), with
// a message saying to run `make test`.
//
// This package is imported only by tests; it imports nothing of Freshet's.
package testserver
