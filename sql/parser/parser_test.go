package parser

import (
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
