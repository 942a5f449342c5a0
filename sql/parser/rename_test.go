package parser

import (
	"strings"
	"testing"

	"github.com/freshetdb/freshet/sql/sqlerr"
)

// TestRenameRelation: every reference to the relation is renamed, in
// joins, subqueries and qualified names, and nothing else is.
func TestRenameRelation(t *testing.T) {
	for _, tc := range []struct{ query, want string }{
		{"SELECT a FROM t", "SELECT a FROM t2 t"},
		{"SELECT t.a, u.b FROM t JOIN u ON t.a = u.a", "SELECT t.a, u.b FROM t2 t JOIN u ON t.a = u.a"},
		{"SELECT * FROM public.t x WHERE a IN (SELECT a FROM t WHERE b > 0)", "SELECT * FROM public.t2 x WHERE a IN (SELECT a FROM t2 t WHERE b > 0)"},
		{"SELECT * FROM other.t", "SELECT * FROM other.t"},
		{"SELECT tt FROM tt", "SELECT tt FROM tt"},
	} {
		got, err := RenameRelation(tc.query, "public", "t", "t2")
		if err != nil {
			t.Fatalf("%s: %v", tc.query, err)
		}
		if got != tc.want {
			t.Errorf("%s:\n got %s\nwant %s", tc.query, got, tc.want)
		}
	}
	_, err := RenameRelation("WITH t AS (SELECT 1 AS a) SELECT a FROM t", "public", "t", "t2")
	if e := sqlerr.As(err); e == nil || e.Code != sqlerr.FeatureNotSupported || !strings.Contains(e.Message, "common table expression") {
		t.Errorf("a CTE of the same name: %v", err)
	}
}
