package parser

import (
	"fmt"
	pg "github.com/pganalyze/pg_query_go/v6"
	"slices"
	"strings"
	"testing"

	"github.com/freshetdb/freshet/sql/sqlerr"
)

func TestParseSplitsStatements(t *testing.T) {
	stmts, err := Parse("SELECT 1; ;  CREATE TABLE t (a int);\n-- tail comment")
	if err != nil {
		t.Fatal(err)
	}
	if len(stmts) != 2 {
		t.Fatalf("got %d statements, want 2", len(stmts))
	}
	if stmts[0].Text != "SELECT 1" || stmts[1].Text != "CREATE TABLE t (a int)" {
		t.Fatalf("texts: %q %q", stmts[0].Text, stmts[1].Text)
	}
}

func TestParseEmpty(t *testing.T) {
	for _, q := range []string{"", "  ", ";", "-- only a comment"} {
		stmts, err := Parse(q)
		if err != nil || len(stmts) != 0 {
			t.Fatalf("%q: %v %d", q, err, len(stmts))
		}
	}
}

func TestSyntaxErrorPosition(t *testing.T) {
	_, err := Parse("SELECT 'é' FROMM t")
	e := sqlerr.As(err)
	if e == nil || e.Code != sqlerr.SyntaxError {
		t.Fatalf("got %v", err)
	}
	// Postgres: syntax error at or near "t", position 17 (characters).
	if e.Position != 17 {
		t.Fatalf("position %d, want 17 (%s)", e.Position, e.Message)
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{"SELECT 1", "select * from t where a = $1", "CREATE TABLE x (a int primary key)", "'unterminated", "SELECT 'é' FROMM t"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, sql string) {
		stmts, err := Parse(sql)
		if err != nil {
			if sqlerr.As(err) == nil {
				t.Fatalf("error without SQLSTATE: %v", err)
			}
			return
		}
		for _, s := range stmts {
			if s.AST == nil {
				t.Fatal("nil AST")
			}
		}
	})
}

func TestExtensionStatements(t *testing.T) {
	stmts, err := Parse("SELECT 1; SHOW MATERIALIZED  VIEWS; show sources")
	if err != nil {
		t.Fatal(err)
	}
	if len(stmts) != 3 {
		t.Fatalf("got %d statements", len(stmts))
	}
	if got := stmts[1].AST.GetVariableShowStmt().GetName(); got != "materialized views" {
		t.Fatalf("got %q", got)
	}
	for _, bad := range []string{"SHOW MATERIALIZED TABLES", "SELEC 1", "SHOW SOURCES; SELEC 1"} {
		if _, err := Parse(bad); sqlerr.As(err) == nil || sqlerr.As(err).Code != sqlerr.SyntaxError {
			t.Fatalf("%q: want a syntax error, got %v", bad, err)
		}
	}
}

func TestParseCreateSource(t *testing.T) {
	stmts, err := Parse(`SELECT 1; CREATE SOURCE IF NOT EXISTS s.bids (auction BIGINT, "Price" numeric(10,2))
		INCLUDE partition AS part INCLUDE offset INCLUDE header 'trace''s' AS tr
		WITH (connector = 'kafka', topic = 'bids', properties.bootstrap.server = '127.0.0.1:9092', n = 3)
		FORMAT plain ENCODE json (note = 'it''s')`)
	if err != nil {
		t.Fatal(err)
	}
	if len(stmts) != 2 || stmts[1].Source == nil {
		t.Fatalf("got %d statements: %+v", len(stmts), stmts)
	}
	cs := stmts[1].Source
	if cs.Table.Relation.Schemaname != "s" || cs.Table.Relation.Relname != "bids" || !cs.Table.IfNotExists || len(cs.Table.TableElts) != 2 {
		t.Fatalf("table: %+v", cs.Table)
	}
	if len(cs.Includes) != 3 || cs.Includes[0] != (Include{Kind: "partition", As: "part"}) || cs.Includes[1] != (Include{Kind: "offset"}) ||
		cs.Includes[2] != (Include{Kind: "header", Header: "trace's", As: "tr"}) {
		t.Fatalf("includes: %+v", cs.Includes)
	}
	want := []Option{{"connector", "kafka"}, {"topic", "bids"}, {"properties.bootstrap.server", "127.0.0.1:9092"}, {"n", "3"}}
	if len(cs.With) != len(want) {
		t.Fatalf("with: %+v", cs.With)
	}
	for i := range want {
		if cs.With[i] != want[i] {
			t.Fatalf("with: %+v", cs.With)
		}
	}
	if cs.Format != "PLAIN" || cs.Encode != "JSON" || len(cs.EncodeOptions) != 1 || cs.EncodeOptions[0].Value != "it's" {
		t.Fatalf("format: %+v", cs)
	}
}

// TestParseProcTimeColumns: `AS PROCTIME()` is taken out of a column's
// definition and the column named, quoted or not.
func TestParseProcTimeColumns(t *testing.T) {
	stmts, err := Parse(`CREATE SOURCE bid (auction BIGINT, p_time TIMESTAMPTZ AS PROCTIME(), "Seen At" timestamptz as proctime ( ))
		WITH (connector = 'nexmark', nexmark.table.type = 'bid')`)
	if err != nil {
		t.Fatal(err)
	}
	cs := stmts[0].Source
	if len(cs.Table.TableElts) != 3 || !slices.Equal(cs.ProcTime, []string{"p_time", "Seen At"}) {
		t.Fatalf("columns %d, proctime %q", len(cs.Table.TableElts), cs.ProcTime)
	}
}

// TestParseProcTimeLookup: FOR SYSTEM_TIME AS OF PROCTIME() marks the
// RangeVar it follows, qualified or not, and nothing else; the statement's
// text keeps the clause.
func TestParseProcTimeLookup(t *testing.T) {
	sql := `SELECT 'for system_time as of proctime()' FROM bid b JOIN side_input FOR SYSTEM_TIME AS OF PROCTIME() s ON b.a = s.key
		JOIN public.other for system_time as of proctime ( ) ON true JOIN plain ON true`
	stmts, err := Parse(sql)
	if err != nil {
		t.Fatal(err)
	}
	if stmts[0].Text != sql {
		t.Fatalf("text %q", stmts[0].Text)
	}
	marked := map[string]string{}
	var walk func(n *pg.Node)
	walk = func(n *pg.Node) {
		switch x := n.Node.(type) {
		case *pg.Node_RangeVar:
			marked[x.RangeVar.Relname] = x.RangeVar.Relpersistence
		case *pg.Node_JoinExpr:
			walk(x.JoinExpr.Larg)
			walk(x.JoinExpr.Rarg)
		}
	}
	for _, n := range stmts[0].AST.GetSelectStmt().FromClause {
		walk(n)
	}
	want := map[string]string{"bid": "p", "side_input": ProcTimeLookup, "other": ProcTimeLookup, "plain": "p"}
	if fmt.Sprint(marked) != fmt.Sprint(want) {
		t.Fatalf("relpersistence %v, want %v", marked, want)
	}
	// Deparsed, the clause follows its tables, and parses again.
	text, err := Deparse(stmts[0].AST)
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range []string{`"side_input" FOR SYSTEM_TIME AS OF PROCTIME() s ON`, `public."other" FOR SYSTEM_TIME AS OF PROCTIME() ON`, "JOIN plain ON"} {
		if !strings.Contains(text, w) {
			t.Fatalf("deparsed %q lacks %q", text, w)
		}
	}
	if _, err := Parse(text); err != nil {
		t.Fatalf("%s: %v", text, err)
	}
	// A reserved word as the table's name comes back quoted; the clause
	// anywhere but after a table's name is an error, not ignored; in a
	// statement among extension statements it is read too.
	stmts, err = Parse(`SELECT * FROM a JOIN "order" FOR SYSTEM_TIME AS OF PROCTIME() o ON true`)
	if err != nil {
		t.Fatal(err)
	}
	if text, err = Deparse(stmts[0].AST); err != nil || !strings.Contains(text, `"order" FOR SYSTEM_TIME`) {
		t.Fatalf("%q, %v", text, err)
	} else if _, err := Parse(text); err != nil {
		t.Fatalf("%s: %v", text, err)
	}
	for _, bad := range []string{
		"SELECT * FROM a JOIN side s FOR SYSTEM_TIME AS OF PROCTIME() ON true",
		"SELECT * FROM a JOIN (SELECT 1) x FOR SYSTEM_TIME AS OF PROCTIME() ON true",
		"CREATE SOURCE s WITH (connector = 'datagen'); SELECT * FROM a JOIN side s FOR SYSTEM_TIME AS OF PROCTIME() ON true",
	} {
		if _, err := Parse(bad); sqlerr.CodeOf(err) != sqlerr.SyntaxError {
			t.Errorf("%s: %v, want 42601", bad, err)
		}
	}
	stmts, err = Parse("CREATE SOURCE s WITH (connector = 'datagen'); SELECT * FROM a JOIN side FOR SYSTEM_TIME AS OF PROCTIME() s ON true")
	if err != nil || len(stmts) != 2 {
		t.Fatalf("%d statements, %v", len(stmts), err)
	}
	if rv := stmts[1].AST.GetSelectStmt().FromClause[0].GetJoinExpr().Rarg.GetRangeVar(); rv.Relpersistence != ProcTimeLookup {
		t.Fatalf("not marked among extension statements: %+v", rv)
	}
}

func TestParseCreateSourceErrors(t *testing.T) {
	for _, c := range []struct {
		sql  string
		code sqlerr.Code
	}{
		{"CREATE SOURCE s (a int, WATERMARK FOR a AS a - 1) WITH (connector = 'kafka')", sqlerr.FeatureNotSupported},
		{"CREATE SOURCE s (a int) WITH (connector 'kafka')", sqlerr.SyntaxError},
		{"CREATE SOURCE s (a int) WITH (connector = 'kafka') FORMAT PLAIN", sqlerr.SyntaxError},
		{"CREATE SOURCE s (a int", sqlerr.SyntaxError},
		{"CREATE SOURCE", sqlerr.SyntaxError},
		{"CREATE SOURCE s (a nosuch type here) WITH (connector = 'kafka')", sqlerr.SyntaxError},
		{"CREATE SOURCE s (a int) WITH (connector = 'kafka') extra", sqlerr.SyntaxError},
		{"CREATE SINK k v WITH (connector = 'kafka') FORMAT UPSERT ENCODE JSON", sqlerr.SyntaxError},
	} {
		_, err := Parse(c.sql)
		if e := sqlerr.As(err); e == nil || e.Code != c.code {
			t.Errorf("%s: got %v, want %s", c.sql, err, c.code)
		}
	}
}

func TestParseSinkAsQuery(t *testing.T) {
	stmts, err := Parse(`CREATE SINK s AS WITH x AS (SELECT a FROM t WHERE b IN (1, 2)) SELECT a, count(*) FROM x GROUP BY a
		WITH (connector = 'kafka', topic = 't') FORMAT UPSERT ENCODE JSON`)
	if err != nil {
		t.Fatal(err)
	}
	want := "WITH x AS (SELECT a FROM t WHERE b IN (1, 2)) SELECT a, count(*) FROM x GROUP BY a"
	if cs := stmts[0].Sink; cs == nil || cs.Query != want || len(cs.With) != 2 {
		t.Fatalf("%+v", stmts[0].Sink)
	}
}

func TestParseSink(t *testing.T) {
	stmts, err := Parse(`CREATE SINK IF NOT EXISTS out FROM s.v WITH (connector = 'kafka', topic = 't', primary_key = 'a,b') FORMAT UPSERT ENCODE JSON; DROP SINK IF EXISTS out CASCADE`)
	if err != nil {
		t.Fatal(err)
	}
	cs := stmts[0].Sink
	if cs == nil || cs.Name != "out" || cs.FromSchema != "s" || cs.From != "v" || !cs.IfNotExists || cs.Format != "UPSERT" || cs.Encode != "JSON" || len(cs.With) != 3 {
		t.Fatalf("sink: %+v", cs)
	}
	ds := stmts[1].AST.GetDropStmt()
	if ds == nil || ds.RemoveType != DropSinkObject || !ds.MissingOk {
		t.Fatalf("drop: %+v", stmts[1].AST)
	}
}

func TestParseConnectorTable(t *testing.T) {
	stmts, err := Parse(`CREATE TABLE orders (id int PRIMARY KEY, amount numeric)
		WITH (connector = 'kafka', topic = 'orders', properties.bootstrap.server = 'h:1') FORMAT UPSERT ENCODE JSON`)
	if err != nil {
		t.Fatal(err)
	}
	cs := stmts[0].Source
	if cs == nil || !cs.IsTable || cs.Format != "UPSERT" || cs.Table.Relation.Relname != "orders" || len(cs.Table.TableElts) != 2 {
		t.Fatalf("%+v", cs)
	}
	// An ordinary CREATE TABLE with a syntax error keeps Postgres' error.
	if _, err := Parse("CREATE TABLE t (a int,)"); sqlerr.As(err) == nil || sqlerr.As(err).Code != sqlerr.SyntaxError {
		t.Fatalf("got %v", err)
	}
}
