package compat

// fixtureStep is one statement that recreates the objects the captures were
// recorded against.
type fixtureStep struct {
	SQL string
	// PostgresOnly marks objects that only change what a psql list command
	// shows (\di, \df); no replayed statement needs them.
	PostgresOnly bool
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
	{SQL: "CREATE MATERIALIZED VIEW order_totals AS SELECT customer, sum(amount) AS total FROM orders GROUP BY customer"},
	{SQL: "CREATE FUNCTION add1(integer) RETURNS integer LANGUAGE sql AS 'SELECT $1 + 1'", PostgresOnly: true},
	{SQL: "CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy')"},
	{SQL: "CREATE TABLE t_enum (m mood, tags text[], j jsonb)"},
	{SQL: `INSERT INTO t_enum VALUES ('happy', '{a,b}', '{"k": 1}')`},
}

// capturedOID is an OID that appears literally in the captures, and the
// object it stood for.
type capturedOID struct {
	OID    string
	Lookup string // a query returning the object's OID on the server under test
}

// capturedOIDs lists the OIDs the captures were recorded with. They are
// replaced, as whole words in statements and parameters, by the OIDs the same
// objects have on the server under test.
var capturedOIDs = []capturedOID{
	{"16384", relationOID("orders")},
	{"16392", relationOID("big_orders")},
	{"16396", relationOID("order_totals")},
	{"16406", "SELECT t.oid FROM pg_catalog.pg_type t JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace " +
		"WHERE n.nspname = 'public' AND t.typname = 'mood'"},
	{"16411", relationOID("t_enum")},
}

// relationOID returns a query for the OID of a relation in schema public.
func relationOID(name string) string {
	return "SELECT c.oid FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace " +
		"WHERE n.nspname = 'public' AND c.relname = '" + name + "'"
}
