// Package pgwire is Freshet's PostgreSQL v3 wire protocol server: it accepts
// connections from psql and Postgres drivers, runs the startup handshake,
// and serves the simple and extended query protocols, COPY and cancel
// requests over a Handler that the engine implements.
//
// pgwire owns the protocol only: message framing (through
// github.com/jackc/pgx/v5/pgproto3), prepared statement and portal names,
// parameter and result format codes, error and notice fields, output
// buffering. What a statement means is the Session's business. pgwire must
// not import the engine, the planner or the executor; cmd/freshet wires a
// Handler in. It imports sql/types for values and their text and binary
// encodings and sql/sqlerr for errors.
//
// One goroutine serves each connection and calls its Session one method at
// a time. A CancelRequest arrives on a connection of its own and cancels the
// context of the statement running on the connection it names.
//
//	client --Query------------> Parse, then per statement Prepare, Bind,
//	                            RowDescription, Execute, CommandComplete
//	client --Parse/Bind/------> statements and portals kept by name until
//	         Describe/Execute   Close; after an error every message up to
//	         ... Sync           the next Sync is skipped
//	client --CancelRequest----> cancels the running statement's context
//
// Authentication is trust: every user and database is accepted, and SSL and
// GSS encryption requests are declined so that the client continues in
// plain text.
package pgwire
