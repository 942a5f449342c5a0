package clients

import (
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/freshetdb/freshet/tests/testserver"
)

// TestPgxCopyFromBinary loads rows with pgx's CopyFrom, which speaks the
// binary COPY format, into columns of many types (NULLs included), checks
// the values read back as text, and that a row violating the primary key
// fails the whole COPY (23505) without loading any of it.
func TestPgxCopyFromBinary(t *testing.T) {
	s := testserver.Start(t)
	conn := pgxConnect(t, s.ConnString(), pgx.QueryExecModeCacheStatement)
	ctx := pgxCtx(t)
	mustExec(t, conn, "CREATE TABLE cb (id bigint PRIMARY KEY, s text, n numeric(8,2), ts timestamp, b bool, f float8, d date, v varchar(4))")
	ts := time.Date(2024, 2, 29, 23, 59, 59, 123456000, time.UTC)
	rows := [][]any{
		{int64(1), "plain", mustNumeric("1.5"), ts, true, 0.25, time.Date(2024, 1, 2, 0, 0, 0, 0, time.UTC), "abcd"},
		{int64(2), nil, nil, nil, nil, nil, nil, nil},
		{int64(3), "tab\there", mustNumeric("-12.345"), ts.Add(time.Hour), false, -1e10, time.Date(1999, 12, 31, 0, 0, 0, 0, time.UTC), "xy"},
	}
	cols := []string{"id", "s", "n", "ts", "b", "f", "d", "v"}
	n, err := conn.CopyFrom(ctx, pgx.Identifier{"cb"}, cols, pgx.CopyFromRows(rows))
	if err != nil || n != 3 {
		t.Fatalf("CopyFrom: %d rows, %v", n, err)
	}
	got := queryText(t, conn, "SELECT id, s, n, ts, b, f, d, v FROM cb ORDER BY id")
	want := "1|plain|1.50|2024-02-29 23:59:59.123456|t|0.25|2024-01-02|abcd\n" +
		"2|NULL|NULL|NULL|NULL|NULL|NULL|NULL\n" +
		"3|tab\there|-12.35|2024-03-01 00:59:59.123456|f|-10000000000|1999-12-31|xy\n"
	if got != want {
		t.Fatalf("after binary COPY:\n%s\nwant:\n%s", got, want)
	}
	dup := [][]any{{int64(10), "new", nil, nil, nil, nil, nil, nil}, {int64(1), "again", nil, nil, nil, nil, nil, nil}}
	_, err = conn.CopyFrom(ctx, pgx.Identifier{"cb"}, cols, pgx.CopyFromRows(dup))
	wantCode(t, "binary COPY with a duplicate key", err, "23505")
	checkUsable(t, conn, "a failed binary COPY")
	if got := queryText(t, conn, "SELECT count(*) FROM cb"); got != "3\n" {
		t.Fatalf("a failed COPY left rows behind: count %s", got)
	}
}

// TestPgxCopyLargeIntoViews loads 200,000 rows with one COPY into a table
// two materialized views read: the COPY reports every row, and once it
// returns the views hold all of them.
func TestPgxCopyLargeIntoViews(t *testing.T) {
	s := testserver.Start(t)
	conn := pgxConnect(t, s.ConnString(), pgx.QueryExecModeCacheStatement)
	ctx := pgxCtx(t)
	mustExec(t, conn, "CREATE TABLE big (id bigint PRIMARY KEY, k int)",
		"CREATE MATERIALIZED VIEW big_count AS SELECT k, count(*) AS n FROM big GROUP BY k",
		"CREATE MATERIALIZED VIEW big_top AS SELECT id FROM big ORDER BY id DESC LIMIT 2")
	const total = 200_000
	rows := make([][]any, total)
	for i := range rows {
		rows[i] = []any{int64(i + 1), int32(i % 7)}
	}
	n, err := conn.CopyFrom(ctx, pgx.Identifier{"big"}, []string{"id", "k"}, pgx.CopyFromRows(rows))
	if err != nil || n != total {
		t.Fatalf("CopyFrom: %d rows, %v", n, err)
	}
	if got := queryText(t, conn, "SELECT sum(n), count(*) FROM big_count"); got != "200000|7\n" {
		t.Errorf("big_count: %s", got)
	}
	if got := queryText(t, conn, "SELECT id FROM big_top ORDER BY id"); got != "199999\n200000\n" {
		t.Errorf("big_top: %s", got)
	}
}
