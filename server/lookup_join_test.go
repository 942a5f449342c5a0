package server

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/cockroachdb/pebble/v2/vfs"
	"github.com/jackc/pgx/v5"
)

// TestLookupJoin: a join FOR SYSTEM_TIME AS OF PROCTIME() joins each
// event with the side table as it is when the event comes; later changes
// to the table do not change the rows joined before, across a restart.
func TestLookupJoin(t *testing.T) {
	_, addr, produce := fakeKafka(t)
	fs := vfs.NewMem()
	r := startOn(t, fs)
	c := r.conn(t)
	mustExec(t, c,
		"CREATE TABLE side (key int PRIMARY KEY, value text)",
		"INSERT INTO side VALUES (1, 'a'), (2, 'b')",
		fmt.Sprintf(`CREATE SOURCE ev (id bigint, k int, v bigint) WITH (connector = 'kafka', topic = 'ev',
			properties.bootstrap.server = '%s') FORMAT PLAIN ENCODE JSON`, addr),
		"CREATE MATERIALIZED VIEW inner_j AS SELECT ev.id, s.value FROM ev JOIN side FOR SYSTEM_TIME AS OF PROCTIME() AS s ON ev.k = s.key",
		"CREATE MATERIALIZED VIEW left_j AS SELECT ev.id, s.value FROM ev LEFT JOIN side FOR SYSTEM_TIME AS OF PROCTIME() s ON ev.k = s.key AND s.value <> 'x'")
	produce(`{"id": 1, "k": 1}`, `{"id": 2, "k": 3}`, `{"id": 3, "k": 2}`)
	waitFor(t, c, "SELECT count(*)::text FROM left_j", "3")
	want := func(view string, rows ...string) {
		t.Helper()
		waitFor(t, c, "SELECT count(*)::text FROM "+view, fmt.Sprint(len(rows)))
		got := flatRows(t, c, "SELECT id, coalesce(value, '-') FROM "+view+" ORDER BY id, value")
		if !slices.Equal(got, rows) {
			t.Fatalf("%s: %q, want %q", view, got, rows)
		}
	}
	want("inner_j", "1 a", "3 b")
	want("left_j", "1 a", "2 -", "3 b")
	// The side table changes: the rows joined before stay as they were;
	// events that come now see the change.
	mustExec(t, c, "UPDATE side SET value = 'z' WHERE key = 1", "INSERT INTO side VALUES (3, 'c')", "UPDATE side SET value = 'x' WHERE key = 2")
	want("inner_j", "1 a", "3 b")
	produce(`{"id": 4, "k": 1}`, `{"id": 5, "k": 3}`, `{"id": 6, "k": 2}`)
	want("inner_j", "1 a", "3 b", "4 z", "5 c", "6 x")
	want("left_j", "1 a", "2 -", "3 b", "4 z", "5 c", "6 -")
	if err := r.stop(); err != nil {
		t.Fatal(err)
	}
	r = startOn(t, fs)
	c = r.conn(t)
	mustExec(t, c, "DELETE FROM side WHERE key = 3")
	produce(`{"id": 7, "k": 3}`, `{"id": 8, "k": 1}`)
	want("inner_j", "1 a", "3 b", "4 z", "5 c", "6 x", "8 z")
	want("left_j", "1 a", "2 -", "3 b", "4 z", "5 c", "6 -", "7 -", "8 z")
	// A query reads the table as it is now, like any join.
	if got := flatRows(t, c, "SELECT s.key, s.value FROM side s JOIN side FOR SYSTEM_TIME AS OF PROCTIME() t ON s.key = t.key ORDER BY 1"); !slices.Equal(got, []string{"1 z", "2 x"}) {
		t.Fatalf("query: %q", got)
	}
	for _, tc := range []struct{ sql, code string }{
		{"CREATE MATERIALIZED VIEW x AS SELECT * FROM side s JOIN side FOR SYSTEM_TIME AS OF PROCTIME() t ON s.key = t.key", "0A000"},
		{"CREATE MATERIALIZED VIEW x AS SELECT * FROM side FOR SYSTEM_TIME AS OF PROCTIME() t JOIN ev ON ev.k = t.key", "0A000"},
		{"CREATE MATERIALIZED VIEW x AS SELECT * FROM ev JOIN ev FOR SYSTEM_TIME AS OF PROCTIME() e2 ON ev.k = e2.k", "0A000"},
		{"CREATE MATERIALIZED VIEW x AS SELECT * FROM ev RIGHT JOIN side FOR SYSTEM_TIME AS OF PROCTIME() s ON ev.k = s.key", "0A000"},
		{"SELECT * FROM side FOR SYSTEM_TIME AS OF PROCTIME()", "0A000"},
		{"WITH c AS (SELECT * FROM side) SELECT * FROM side s JOIN c FOR SYSTEM_TIME AS OF PROCTIME() ON s.key = c.key", "0A000"},
		{"SELECT * FROM ev JOIN side s FOR SYSTEM_TIME AS OF PROCTIME() ON ev.k = s.key", "42601"},
	} {
		_, err := c.Exec(context.Background(), tc.sql)
		if got := sqlState(err); got != tc.code {
			t.Errorf("%s: %v (%s), want %s", tc.sql, err, got, tc.code)
		}
	}
}

// flatRows returns the rows of a query as "v1 v2 ..." strings.
func flatRows(t *testing.T, c *pgx.Conn, sql string) []string {
	t.Helper()
	var out []string
	for _, r := range rows(t, c, sql) {
		out = append(out, strings.TrimSuffix(strings.TrimPrefix(r, "["), "]"))
	}
	return out
}
