package bench

import (
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
