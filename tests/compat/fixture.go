package compat

import "strings"

// fixtureStep is one statement that recreates the objects the captures were
// recorded against.
type fixtureStep struct {
	SQL string
	// PostgresOnly marks objects that only change what a psql list command
	// shows (\di, \df); no replayed statement needs them.
	PostgresOnly bool
	// Gap names the feature Freshet lacks for SQL; Freshet then runs
	// Freshet instead (nothing when it is empty).
	Gap     string
	Freshet string
}

// fixture recreates the database the clients were captured against: psql's
// orders table, big_orders view, order_totals materialized view, analytics
// schema, the drivers' mood enum and t_enum table.
var fixture = []fixtureStep{
	{SQL: "CREATE SCHEMA analytics"},
	{SQL: "CREATE TABLE orders (id bigint PRIMARY KEY, customer text NOT NULL, amount numeric(10,2) DEFAULT 0, created_at timestamptz)"},
	{SQL: "CREATE INDEX orders_customer_idx ON orders (customer)", PostgresOnly: true},
	{SQL: "INSERT INTO orders VALUES (1, 'ann', 150.00, '2024-01-01 10:00:00+00'), (2, 'bob', 20.50, NULL)"},
	{SQL: "CREATE VIEW big_orders AS SELECT * FROM orders WHERE amount > 100"},
	{SQL: "CREATE MATERIALIZED VIEW order_totals AS SELECT customer, sum(amount) AS total FROM orders GROUP BY customer",
		Gap: gapMatviews},
	{SQL: "CREATE FUNCTION add1(integer) RETURNS integer LANGUAGE sql AS 'SELECT $1 + 1'", PostgresOnly: true},
	{SQL: "CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy')", Gap: gapEnums},
	{SQL: "CREATE TABLE t_enum (m mood, tags text[], j jsonb)", Gap: gapEnums,
		Freshet: "CREATE TABLE t_enum (m text, tags text[], j jsonb)"},
	{SQL: `INSERT INTO t_enum VALUES ('happy', '{a,b}', '{"k": 1}')`},
}

// capturedOID is an OID that appears literally in the captures, and the
// object it stood for.
type capturedOID struct {
	OID    string
	Lookup string // a query returning the object's OID on the server under test
	// Gap names the feature Freshet lacks to create the object; on Freshet
	// the OID is replaced by 0, which no object has.
	Gap string
}

// capturedOIDs lists the OIDs the captures were recorded with. They are
// replaced, as whole words in statements and parameters, by the OIDs the same
// objects have on the server under test.
var capturedOIDs = []capturedOID{
	{"16384", relationOID("orders"), ""},
	{"16392", relationOID("big_orders"), ""},
	{"16396", relationOID("order_totals"), gapMatviews},
	{"16406", "SELECT t.oid FROM pg_catalog.pg_type t JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace " +
		"WHERE n.nspname = 'public' AND t.typname = 'mood'", gapEnums},
	{"16411", relationOID("t_enum"), ""},
}

// relationOID returns a query for the OID of a relation in schema public.
func relationOID(name string) string {
	return "SELECT c.oid FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace " +
		"WHERE n.nspname = 'public' AND c.relname = '" + name + "'"
}

// Features Freshet lacks that the captures use.
const (
	gapMatviews = "CREATE MATERIALIZED VIEW"
	gapEnums    = "enum types (CREATE TYPE ... AS ENUM)"
)

// knownGap is a captured statement that Freshet cannot run yet.
type knownGap struct {
	Contains string // a substring of the statement's SQL
	Param    string // when set, a parameter value it must also have
	Gap      string // the missing feature
}

// knownGaps are the statements expected to fail on Freshet. The replay
// logs them instead of failing, and fails when one of them succeeds, so
// that the list shrinks as the features arrive.
var knownGaps = []knownGap{
	{Contains: "'happy'::mood", Gap: gapEnums},
	{Contains: "$1::text::regtype::oid", Param: "mood", Gap: gapEnums},
}

// gapOf returns the feature Freshet lacks to run st, or "".
func gapOf(st Statement) string {
	for _, g := range knownGaps {
		if !strings.Contains(st.SQL, g.Contains) {
			continue
		}
		if g.Param == "" {
			return g.Gap
		}
		for _, p := range st.Params {
			if p != nil && *p == g.Param {
				return g.Gap
			}
		}
	}
	return ""
}
