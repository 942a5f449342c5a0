package bench

import (
	"context"
	"strconv"
	"strings"
	"testing"
)

// BenchmarkViewMaintenance measures INSERT throughput of 1000-row statements
// into a table read by materialized views, against the same inserts with no
// view: the difference is the cost of keeping the views current (each
// statement returns only after every view reflects it).
//
//   - no-view: the table alone.
//   - aggregate: a GROUP BY view with count, sum and max.
//   - join-aggregate: the table joined to a 1000-row dimension, grouped.
//
// An op is one statement of 1000 rows; rows/s counts inserted rows.
func BenchmarkViewMaintenance(b *testing.B) {
	views := map[string][]string{
		"no-view":   nil,
		"aggregate": {"CREATE MATERIALIZED VIEW %s_v AS SELECT k, count(*), sum(x), max(x) FROM %s GROUP BY k"},
		"join-aggregate": {
			"CREATE MATERIALIZED VIEW %s_v AS SELECT d.name, count(*), sum(f.x) FROM %s f JOIN vm_dim d ON d.id = f.k GROUP BY d.name",
		},
	}
	for _, name := range []string{"no-view", "aggregate", "join-aggregate"} {
		b.Run(name, func(b *testing.B) {
			conn := connect(b)
			table := "vm_" + strings.ReplaceAll(name, "-", "_")
			exec(b, conn, "DROP TABLE IF EXISTS "+table+" CASCADE", "CREATE TABLE "+table+" "+factColumns)
			exec(b, conn, "DROP TABLE IF EXISTS vm_dim CASCADE", "CREATE TABLE vm_dim (id int PRIMARY KEY, name text)",
				"INSERT INTO vm_dim SELECT g, 'd' || (g % 10) FROM generate_series(0, 999) g")
			for _, v := range views[name] {
				exec(b, conn, strings.ReplaceAll(v, "%s", table))
			}
			id := 0
			var sb strings.Builder
			for b.Loop() {
				b.StopTimer()
				sb.Reset()
				sb.WriteString("INSERT INTO " + table + " VALUES ")
				for i := 0; i < insertBatchRows; i++ {
					id++
					if i > 0 {
						sb.WriteByte(',')
					}
					sb.WriteString("(" + strconv.Itoa(id) + "," + strconv.Itoa(id%1000) + "," + strconv.Itoa(id*31%100_003) + ",'n','2024-01-01')")
				}
				q := sb.String()
				b.StartTimer()
				exec(b, conn, q)
			}
			reportRowRate(b, id)
		})
	}
}

// copyViewRows is how many rows one COPY of BenchmarkCopyIntoViews loads.
const copyViewRows = 1_000_000

// copyViews are the five views BenchmarkCopyIntoViews keeps over its fact
// table (%s): stateless, grouped, joined, top-N and top-N per group.
var copyViews = []string{
	"CREATE MATERIALIZED VIEW %s_filter AS SELECT id, x * 2 AS x2 FROM %s WHERE x % 3 = 0",
	"CREATE MATERIALIZED VIEW %s_agg AS SELECT k, count(*) AS n, sum(x) AS sx, min(x) AS lo, max(x) AS hi FROM %s GROUP BY k",
	"CREATE MATERIALIZED VIEW %s_join AS SELECT d.grp, count(*) AS n, sum(f.x) AS sx FROM %s f JOIN d ON f.k = d.id GROUP BY d.grp",
	"CREATE MATERIALIZED VIEW %s_top AS SELECT id, x FROM %s ORDER BY x DESC, id LIMIT 10",
	"CREATE MATERIALIZED VIEW %s_topk AS SELECT k, id, x FROM (SELECT k, id, x, row_number() OVER (PARTITION BY k ORDER BY x DESC, id) AS rn FROM %s) s WHERE rn <= 3",
}

// BenchmarkCopyIntoViews loads 1,000,000 rows with one COPY into a table
// that five materialized views read. COPY returns once every view holds
// the new rows, so an op is the time until all five are current. Creating
// the table and views, checking the views' sizes and dropping them are not
// timed.
func BenchmarkCopyIntoViews(b *testing.B) {
	loadFixture(b)
	conn := connect(b)
	ctx := context.Background()
	const table = "cv_fact"
	exec(b, conn, "DROP TABLE IF EXISTS "+table+" CASCADE")
	rows := 0
	for b.Loop() {
		b.StopTimer()
		exec(b, conn, "CREATE TABLE "+table+" "+factColumns)
		for _, v := range copyViews {
			exec(b, conn, strings.ReplaceAll(v, "%s", table))
		}
		b.StartTimer()
		if err := copyRows(ctx, conn, table, 1, copyViewRows); err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		rows += copyViewRows
		var n int
		if err := conn.QueryRow(ctx, "SELECT (SELECT sum(n) FROM "+table+"_agg) + (SELECT count(*) FROM "+table+"_topk)").Scan(&n); err != nil {
			b.Fatal(err)
		}
		if want := copyViewRows + 3*dimRows; n != want {
			b.Fatalf("views hold %d rows of input, want %d", n, want)
		}
		exec(b, conn, "DROP TABLE "+table+" CASCADE")
		b.StartTimer()
	}
	reportRowRate(b, rows)
}
